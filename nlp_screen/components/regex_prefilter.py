"""A regex -> the literal strings any of its matches must contain, so a rule can be skipped where they are absent.

ConText's regex rules are mostly rare phrases ("ruled out", "limits of detection"), yet Python's `re` with
IGNORECASE tries each of them at every character of every target sentence (measured: ~0.7 ms a note for 48
rules, most matching nowhere). `required_literals` reads the parsed pattern once, at load time, and returns
groups of lower-case strings: every match contains at least one string of each group. A substring test on the
lower-cased text then tells cheaply where a rule cannot match. It is conservative by construction (a part of
the pattern it does not understand requires nothing), and tests/test_regex_prefilter.py checks it against the
rules' real matches.
"""
import re
from re import _constants as sre  # the parser's node names; the private module of the pinned Python 3.11
from re import _parser
from typing import Optional

# Strings one pattern node can match, when they are few enough to list; beyond this a node requires nothing.
MAX_STRINGS = 64
# Characters that `re` with IGNORECASE matches to an ASCII letter although str.lower() does not map them to it:
# 'İ' (U+0130) and the Kelvin sign (U+212A) lower to 'i' and 'k' in `re` only, 'ı' (U+0131) and 'ſ' (U+017F)
# are case twins of 'i' and 's' (re._casefix). A text holding one is never prefiltered (test_regex_prefilter
# recomputes this set from every code point).
ASCII_CASE_TWINS = "\u0130\u0131\u017f\u212a"

Requirements = tuple[frozenset[str], ...]  # every group must have one of its strings in the text; () = none

_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


def required_literals(pattern: str, flags: int = re.IGNORECASE) -> Requirements:
    """Groups of lower-case strings such that every match of `pattern` contains one string of each group.

    Only ASCII literals are used (a non-ASCII character may have case variants the substring test would miss).
    A pattern that does not parse, or whose case-sensitivity changes inside it, requires nothing.
    """
    try:
        parsed = _parser.parse(pattern, flags)
    except re.error:
        return ()
    if parsed.state.flags & re.IGNORECASE == 0 or _has_flag_groups(parsed):
        return ()  # the substring test is on lower-cased text: only sound when the whole pattern ignores case
    groups = _sequence_requirements(list(parsed))
    # the group with the longest shortest string first: it is the likeliest to be absent, ending the test early
    return tuple(sorted(set(groups), key=lambda g: (-min(map(len, g)), sorted(g))))


def fold(text: str) -> Optional[str]:
    """`text` lower-cased for `may_match`, or None when it holds a character the lower-casing would hide."""
    if not text.isascii() and any(twin in text for twin in ASCII_CASE_TWINS):
        return None
    return text.lower()


def may_match(requirements: Requirements, folded: Optional[str]) -> bool:
    """False only when a text (folded by `fold`) lacks every string of some group: the rule cannot match there."""
    if folded is None:
        return True
    for group in requirements:  # plain loops: this runs ~100 times a note, generators cost twice as much
        for string in group:
            if string in folded:
                break
        else:
            return False
    return True


def _has_flag_groups(items) -> bool:
    """Whether some group turns a flag on or off inside the pattern ('(?-i:...)'): then we do not reason about it."""
    for op, av in items:
        if op is sre.SUBPATTERN and (av[1] or av[2]):
            return True
        for sub in _children(op, av):
            if _has_flag_groups(sub):
                return True
    return False


def _children(op, av) -> list:
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in _REPEATS:
        return [av[2]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    return []


def _exact(items) -> Optional[set[str]]:
    """Every string (lower-cased) the node sequence `items` can match, if they are few and all ASCII; else None."""
    strings = {""}
    for op, av in items:
        node = _exact_node(op, av)
        if node is None:
            return None
        strings = {a + b for a in strings for b in node}
        if len(strings) > MAX_STRINGS:
            return None
    return strings


def _exact_node(op, av) -> Optional[set[str]]:
    if op in _ZERO_WIDTH:
        return {""}  # consumes nothing: the text around it is contiguous
    if op is sre.LITERAL:
        return _literal(av)
    if op is sre.IN:
        chars = set()
        for item_op, item_av in av:
            char = _literal(item_av) if item_op is sre.LITERAL else None
            if char is None:
                return None  # a range, a category, a negated set: too many strings
            chars |= char
        return chars
    if op is sre.SUBPATTERN:
        return _exact(av[3])
    if op is sre.BRANCH:
        strings: set[str] = set()
        for branch in av[1]:
            alternative = _exact(branch)
            if alternative is None:
                return None
            strings |= alternative
        return strings if len(strings) <= MAX_STRINGS else None
    if op in _REPEATS:
        low, high, body = av
        once = _exact(body)
        if once is None or high > 2:
            return None
        strings = {""} if low == 0 else set()
        for count in range(max(low, 1), high + 1):
            strings |= {"".join(parts) for parts in _products(once, count)}
        return strings if len(strings) <= MAX_STRINGS else None
    return None  # ANY, NOT_LITERAL, CATEGORY, GROUPREF ...


def _literal(code: int) -> Optional[set[str]]:
    char = chr(code)
    return {char.lower()} if char.isascii() else None


def _products(strings: set[str], count: int) -> list[tuple[str, ...]]:
    result: list[tuple[str, ...]] = [()]
    for _ in range(count):
        result = [prefix + (s,) for prefix in result for s in strings]
    return result


def _sequence_requirements(items) -> list[frozenset[str]]:
    """Requirements of a node sequence: runs of nodes with few exact strings become one group each, and the other
    nodes add what they require themselves."""
    groups: list[frozenset[str]] = []
    run: set[str] = {""}

    def close_run() -> None:
        if "" not in run:
            groups.append(frozenset(run))

    for op, av in items:
        node = _exact_node(op, av)
        if node is not None:
            joined = {a + b for a in run for b in node}
            if len(joined) <= MAX_STRINGS:
                run = joined
                continue
            close_run()
            run = node
            continue
        close_run()
        run = {""}
        groups += _node_requirements(op, av)
    close_run()
    return groups


def _node_requirements(op, av) -> list[frozenset[str]]:
    """What a node whose strings cannot be listed requires of the text it matches."""
    if op is sre.SUBPATTERN:
        return _sequence_requirements(av[3])
    if op in _REPEATS and av[0] >= 1:
        return _sequence_requirements(av[2])  # the body occurs at least once
    if op is sre.BRANCH:
        # each alternative's most selective group; the branch requires one string of their union
        union: set[str] = set()
        for branch in av[1]:
            groups = _sequence_requirements(branch)
            if not groups:
                return []
            union |= max(groups, key=lambda g: min(len(s) for s in g))
        return [frozenset(union)]
    return []
