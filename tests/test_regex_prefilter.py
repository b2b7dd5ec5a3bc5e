"""The regex prefilter never skips a rule that matches: every match of every ConText regex rule, in every note and
NegEx sentence we hold, contains one string of each group the rule requires."""
import re
import sys
from pathlib import Path

import pytest

from texts import negex_sentences, note_texts
from nlp_screen.components.regex_prefilter import ASCII_CASE_TWINS, fold, may_match, required_literals

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    return note_texts(with_dev=True) + negex_sentences()


@pytest.fixture(scope="module")
def regex_rules(extractor):
    """(compiled pattern, requirements) of each regex rule, as the ConText component holds them."""
    context = extractor.nlp.get_pipe("medspacy_context")
    return [(rx, needs) for _, rx, needs in context._focus_regexes]


def test_the_rules_give_the_prefilter_something_to_test(regex_rules):
    assert len(regex_rules) > 20
    assert sum(bool(needs) for _, needs in regex_rules) > 0.8 * len(regex_rules)


@pytest.mark.parametrize("case", ["as written", "upper case", "title case"])
def test_every_match_holds_the_strings_its_rule_requires(regex_rules, case):
    texts = _texts()
    assert len(texts) > 1000
    change = {"as written": str, "upper case": str.upper, "title case": str.title}[case]
    matches = 0
    for text in map(change, texts):
        for rx, needs in regex_rules:
            for m in rx.finditer(text):
                matches += 1
                assert may_match(needs, fold(m.group())), (rx.pattern[:60], m.group())
    assert matches > 1000


CASES = [
    # pattern, the groups it requires
    (r"\b(?:(?:is|are|was)\s+)?ruled\s+out\b", [{"ruled"}, {"out"}]),
    (r"\b(?:negative|neg|-ve)\s+for\b", [{"negative", "neg", "-ve"}, {"for"}]),
    (r"\bhistory\s*:", [{"history"}, {":"}]),
    (r"\breturn(?:ed|ing|s)?\s+of\b|\breturned\s+to\b", [{"return"}, {"of", "ed"}]),
    (r"(?<=\w)\?(?!\w)", [{"?"}]),
    (r"(?:remission)?\s*\d+", []),            # nothing but optional parts and classes
    (r"(?-i:CR)\s+achieved", []),             # case-sensitivity changes inside: left alone
    (r"\u2013\s*none", [{"none"}]),            # a non-ASCII literal requires nothing
    (r"[", []),                                # does not parse: requires nothing
]


@pytest.mark.parametrize(("pattern", "groups"), CASES, ids=[c[0] for c in CASES])
def test_required_literals(pattern, groups):
    assert sorted(map(set, required_literals(pattern)), key=sorted) == sorted(groups, key=sorted)


def test_a_case_sensitive_pattern_requires_nothing():
    assert required_literals(r"ruled\s+out", flags=0) == ()


def test_a_text_with_a_case_twin_of_an_ascii_letter_is_never_skipped():
    needs = required_literals(r"\bhistory\b")
    assert re.search(r"\bhistory\b", "HI\u017fTORY", re.IGNORECASE)  # 'ſ' matches 's' under IGNORECASE
    assert may_match(needs, fold("HI\u017fTORY"))
    assert not may_match(needs, fold("no hx here"))


def test_ascii_case_twins_lists_every_character_re_matches_to_an_ascii_letter_under_ignorecase():
    import _sre
    from re import _casefix

    twins = {chr(c) for c in range(0x80, sys.maxunicode + 1) if _sre.unicode_tolower(c) < 0x80}
    twins |= {chr(other) for code, others in _casefix._EXTRA_CASES.items() if code < 0x80 for other in others}
    assert twins == set(ASCII_CASE_TWINS)
