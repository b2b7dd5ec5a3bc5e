"""The first-token-indexed matcher gives exactly spaCy's Matcher results for our ConText rules on real notes."""
import json
from pathlib import Path

import pytest
from medspacy.context import ConTextRule
from spacy.matcher import Matcher

from texts import demo_texts, negex_sentences
from nlp_screen.components.token_patterns import SimplePatternMatcher
from nlp_screen.pipeline import build_nlp

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _texts() -> list[str]:
    texts = demo_texts()
    sentences = negex_sentences(limit=399)
    return texts + (["\n".join(sentences)] if sentences else [])


CASES = [
    # pattern, text, expected matched texts
    ([{"LOWER": "no"}, {"LOWER": "evidence"}, {"LOWER": "of"}], "There is no evidence of CNS disease.", ["no evidence of"]),
    ([{"LOWER": {"IN": ["denies", "denied"]}}], "Patient denied fever.", ["denied"]),
    ([{"LOWER": "not"}, {"IS_SPACE": True, "OP": "?"}, {"LOWER": "seen"}], "blasts not  seen", ["not  seen"]),
    ([{"LOWER": "rule"}, {"ORTH": "-", "OP": "?"}, {"LOWER": "out"}], "rule-out sepsis; rule out PE", ["rule-out", "rule out"]),
    ([{"LOWER": "no"}, {"LOWER": "new", "OP": "*"}, {"LOWER": "lesions"}], "no new new lesions", ["no new new lesions"]),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), CASES, ids=[c[1] for c in CASES])
def test_simple_matcher_finds_what_spacy_finds(nlp, pattern, text, expected):
    doc = nlp.make_doc(text)
    simple = SimplePatternMatcher(nlp.vocab)
    assert simple.add("R", pattern)
    got = [doc[s:e].text for _, s, e in simple(doc, [(0, len(doc))])]
    spacy_matcher = Matcher(nlp.vocab)
    spacy_matcher.add("R", [pattern])
    assert sorted(got) == sorted(doc[s:e].text for _, s, e in spacy_matcher(doc))
    assert set(expected) <= set(got)


def test_patterns_outside_the_subset_are_refused(nlp):
    simple = SimplePatternMatcher(nlp.vocab)
    assert not simple.add("A", [{"LOWER": "no", "OP": "+"}])
    assert not simple.add("B", [{"POS": "NOUN"}])
    assert not simple.add("C", [{"LOWER": "no", "OP": "?"}])  # may start anywhere: left to spaCy
    assert len(simple) == 0


def test_every_context_rule_matches_like_spacy_on_real_notes(nlp):
    rules = [r for r in ConTextRule.from_json(str(ROOT / "patterns" / "context_rules.json")) if isinstance(r.pattern, list)]
    simple, reference = SimplePatternMatcher(nlp.vocab), Matcher(nlp.vocab)
    kept = 0
    for i, rule in enumerate(rules):
        if simple.add(f"rule{i}", rule.pattern):
            reference.add(f"rule{i}", [rule.pattern])
            kept += 1
    assert kept >= len(rules) * 0.9, "most of our patterns should be in the fast subset"
    for text in _texts():
        doc = nlp.make_doc(text)
        assert set(simple(doc, [(0, len(doc))])) == set(reference(doc))


@pytest.mark.parametrize("rule_file", ["section_rules.json", "target_rules/conditions.json", "target_rules/diagnoses.json",
                                       "target_rules/therapies.json", "target_rules/disease_status.json"])
def test_target_and_section_token_rules_match_like_spacy(nlp, rule_file):
    data = json.loads((ROOT / "patterns" / rule_file).read_text(encoding="utf-8"))
    rules = next(iter(v for k, v in data.items() if k.endswith("_rules")))
    simple, reference = SimplePatternMatcher(nlp.vocab), Matcher(nlp.vocab)
    token_rules = [r for r in rules if isinstance(r.get("pattern"), list)]
    for i, rule in enumerate(token_rules):
        if simple.add(f"r{i}", rule["pattern"]):  # the others stay with spaCy's Matcher (IndexedMedspacyMatcher)
            reference.add(f"r{i}", [rule["pattern"]])
    assert len(simple) >= len(token_rules) - 1
    for text in _texts():
        doc = nlp.make_doc(text)
        assert set(simple(doc, [(0, len(doc))])) == set(reference(doc))


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_indexed_matcher_breaks_ties_like_medspacy(nlp, order):
    """Equally long matches of several rules: medSpaCy keeps the first rule's (token patterns before phrases)."""
    from medspacy.common.medspacy_matcher import MedspacyMatcher
    from medspacy.target_matcher import TargetRule

    from nlp_screen.components.indexed_matcher import IndexedMedspacyMatcher

    rules = [TargetRule("early relapse", "SIMPLE", pattern=[{"LOWER": "early"}, {"LOWER": "relapse"}]),
             TargetRule("early relapse", "OTHER", pattern=[{"LOWER": "early"}, {"LOWER": {"REGEX": "^relapse$"}}]),
             TargetRule("early relapse", "PHRASE")]
    doc = nlp.make_doc("Early relapse in 2025.")
    got = {}
    for cls in (MedspacyMatcher, IndexedMedspacyMatcher):
        matcher = cls(nlp)
        matcher.add([rules[i] for i in order])
        got[cls.__name__] = [(matcher.rule_map[nlp.vocab.strings[key]].category, s, e) for key, s, e in matcher(doc)]
    assert got["IndexedMedspacyMatcher"] == got["MedspacyMatcher"]
    assert len(got["MedspacyMatcher"]) == 1
