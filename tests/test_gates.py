"""The extractors' gates: a gate written literal-first opens on exactly the notes its \\b form opens on."""
import re

import pytest

from nlp_screen.extractors import Gate, literal_first

CASES = [
    # pattern, lowercased text, whether r"\b..." finds it
    (r"\bps\b", "ps 1", True),
    (r"\bps\b", "ecog/ps: 2", True),
    (r"\bps\b", "perhaps 2", False),
    (r"\bps\b", "steps", False),
    (r"\bps\b", "ps_1", False),
    (r"\bef\b", "lv ef 55%", True),
    (r"\bef\b", "chef", False),
    (r"\blvef\b", "(lvef) 40%", True),
    (r"\box", "pulse ox 97%", True),
    (r"\box", "box", False),
    (r"\bt\.?\s?bili", "t. bili 1.2", True),
    (r"\bt\.?\s?bili", "t bili", True),
    (r"\bt\.?\s?bili", "at bili", False),
    (r"\bcr", "cr 0.9", True),
    (r"\bcr", "acr", False),
    (r"\blast\b", "last dose", True),
    (r"\blast\b", "blast", False),
    (r"\blast\b", "lasts", False),
    (r"\bno\s", "no fever", True),
    (r"\bno\s", "piano  x", False),
    (r"\bline", "\nline 2", True),
    (r"\bline", "baseline", False),
]


@pytest.mark.parametrize(("pattern", "text", "found"), CASES, ids=[f"{c[0]} in {c[1]!r}" for c in CASES])
def test_a_leading_word_edge_moved_behind_the_word_finds_the_same(pattern, text, found):
    assert bool(re.search(pattern, text)) is found
    assert bool(re.search(literal_first(pattern), text)) is found


@pytest.mark.parametrize(("pattern", "rewritten"), [
    (r"\bps\b", r"ps(?<!\wps)\b"),
    (r"\bt\.?\s?bili", r"t(?<!\wt)\.?\s?bili"),
    (r"\bcrs?", r"cr(?<!\wcr)s?"),
    ("ejection", "ejection"),
    (r"\d\s*(?:cm|mm)\b", r"\d\s*(?:cm|mm)\b"),
])
def test_only_a_leading_word_edge_is_rewritten(pattern, rewritten):
    assert literal_first(pattern) == rewritten


def test_a_gate_opens_when_any_of_its_patterns_is_found():
    gate = Gate("ecog", r"\bps\b")
    assert gate.search("ecog 1") and gate.search("ps 2")
    assert not gate.search("perhaps")
