"""Token patterns -> matches, for the subset of spaCy's Matcher our rules use, looked up by their first token.

spaCy's Matcher tries every pattern at every token (147 ConText patterns x ~900 tokens a note: measured ~1.2 ms
of ConText's ~2 ms). Our patterns only use LOWER / ORTH / TEXT (a string or {"IN": [...]}), IS_SPACE / IS_TITLE / LIKE_NUM, and the
operators "?" and "*", so they can be indexed by the words they may start with: each token then costs one dict
lookup. The results equal spaCy's Matcher's (tests/test_token_patterns.py compares the two on real notes);
a pattern outside the subset is refused by `add` and stays with spaCy's Matcher.
"""
from typing import Iterable, Optional

import numpy as np
from spacy.attrs import IS_SPACE, IS_TITLE, LIKE_NUM, LOWER, ORTH
from spacy.tokens import Doc
from spacy.vocab import Vocab

_ATTRS = {"LOWER": 0, "ORTH": 1, "TEXT": 1, "IS_SPACE": 2, "IS_TITLE": 3, "LIKE_NUM": 4}
_BOOLEAN = (2, 3, 4)
_COLUMNS = [LOWER, ORTH, IS_SPACE, IS_TITLE, LIKE_NUM]
_OPS = (None, "?", "*")
_TABLE_KEY = "nlp_screen_token_table"  # doc.user_data key of token_table's cache

# One compiled token spec: (column of the token array, the values it accepts, op)
Step = tuple[int, frozenset, Optional[str]]


class SimplePatternMatcher:
    """Finds (key, start, end) for token patterns of the simple subset, like spacy.matcher.Matcher."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._patterns: list[tuple[int, tuple[Step, ...], bool]] = []  # key hash, steps, whether no step has an op
        self._by_first: dict[tuple[int, int], list[int]] = {}
        self._first_arrays: Optional[list[np.ndarray]] = None  # per column, the values a match may start with
        self._first_columns: list[int] = []  # the columns some pattern starts with

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, key: str, pattern: list[dict]) -> bool:
        """Compile and index one pattern; False (and nothing added) when it is outside the subset."""
        steps = self._compile(pattern)
        if steps is None:
            return False
        firsts = _first_values(steps)
        if firsts is None:
            return False
        key_hash = self.vocab.strings.add(key)
        index = len(self._patterns)
        self._patterns.append((key_hash, steps, all(op is None for _, _, op in steps)))
        for first in firsts:
            self._by_first.setdefault(first, []).append(index)
        self._first_arrays = None
        return True

    def _compile(self, pattern: list[dict]) -> Optional[tuple[Step, ...]]:
        steps = []
        for spec in pattern:
            op = spec.get("OP")
            attrs = [k for k in spec if k != "OP"]
            if op not in _OPS or len(attrs) != 1 or attrs[0] not in _ATTRS:
                return None
            name, value = attrs[0], spec[attrs[0]]
            if _ATTRS[name] in _BOOLEAN:
                if not isinstance(value, bool):
                    return None
                values = frozenset({int(value)})
            elif isinstance(value, str):
                values = frozenset({self.vocab.strings.add(value)})
            elif isinstance(value, dict) and list(value) == ["IN"]:
                values = frozenset(self.vocab.strings.add(v) for v in value["IN"])
            else:
                return None
            steps.append((_ATTRS[name], values, op))
        return tuple(steps) if steps else None

    def __call__(self, doc: Doc, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
        if not self._patterns or not len(doc):
            return []
        if self._first_arrays is None:
            self._first_arrays = [np.array(sorted(v for c, v in self._by_first if c == col), dtype=np.uint64)
                                  for col in range(len(_COLUMNS))]
            self._first_columns = [col for col, firsts in enumerate(self._first_arrays) if len(firsts)]
        table, columns = token_table(doc)
        # tokens a pattern may start at, found by numpy; only those reach the Python loop
        can_start = np.zeros(len(doc), dtype=bool)
        for col in self._first_columns:
            can_start |= _members(table[:, col], self._first_arrays[col])
        found: set[tuple[int, int, int]] = set()
        for start, end in ranges:
            for i in np.flatnonzero(can_start[start:end]).tolist():
                i += start
                for col in self._first_columns:
                    for index in self._by_first.get((col, columns[col][i]), ()):
                        key_hash, steps, plain = self._patterns[index]
                        # most rules are plain word sequences (all 52 section and 95 of 97 target token rules)
                        stops = (_plain_end(steps, i, end, columns),) if plain else _ends(steps, 0, i, end, columns)
                        for stop in stops:
                            if stop is not None and stop > i:
                                found.add((key_hash, i, stop))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))


def token_table(doc: Doc) -> tuple[np.ndarray, tuple[list[int], ...]]:
    """The Doc's _COLUMNS as a numpy table and as one list per column, built once per Doc: the Sectionizer,
    TargetMatcher and ConText each match on it (token attributes do not change between them: nothing retokenizes)."""
    cached = doc.user_data.get(_TABLE_KEY)
    if cached is None or len(cached[0]) != len(doc):
        table = doc.to_array(_COLUMNS).astype(np.uint64)
        cached = doc.user_data[_TABLE_KEY] = (table, tuple(table[:, col].tolist() for col in range(len(_COLUMNS))))
    return cached


def _members(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values[i] in sorted_set, by binary search (np.isin sorts both arrays on every call)."""
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _first_values(steps: tuple[Step, ...]) -> Optional[set[tuple[int, int]]]:
    """Every (column, value) a match can start with; None when a match could start with any token."""
    firsts: set[tuple[int, int]] = set()
    for column, values, op in steps:
        firsts |= {(column, v) for v in values}
        if op is None:
            return firsts
    return None  # every step optional: spaCy would also match from anywhere; leave it to spaCy


def _plain_end(steps: tuple[Step, ...], i: int, limit: int, columns) -> Optional[int]:
    """Where a match of `steps`, none of them optional, starting at token i ends (within limit), or None: what
    `_ends` yields for such steps, without its recursion."""
    stop = i + len(steps)
    if stop > limit:
        return None
    for k, (column, values, _) in enumerate(steps):
        if columns[column][i + k] not in values:
            return None
    return stop


def _ends(steps: tuple[Step, ...], k: int, i: int, limit: int, columns) -> Iterable[int]:
    """Every position where a match of steps[k:] starting at token i can end (within [i, limit])."""
    if k == len(steps):
        yield i
        return
    column, values, op = steps[k]
    col = columns[column]
    if op == "?":
        yield from _ends(steps, k + 1, i, limit, columns)
        if i < limit and col[i] in values:
            yield from _ends(steps, k + 1, i + 1, limit, columns)
    elif op == "*":
        j = i
        yield from _ends(steps, k + 1, j, limit, columns)
        while j < limit and col[j] in values:
            j += 1
            yield from _ends(steps, k + 1, j, limit, columns)
    elif i < limit and col[i] in values:
        yield from _ends(steps, k + 1, i + 1, limit, columns)
