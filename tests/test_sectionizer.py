"""Our lean Sectionizer gives exactly medSpaCy's doc._.sections on real notes, without per-token attributes."""
from pathlib import Path

import pytest
from medspacy.section_detection import SectionRule, Sectionizer  # noqa: F401  registers medspacy_sectionizer

from texts import note_texts
from nlp_screen.components.indexed_matcher import use_indexed_matcher
from nlp_screen.components.sectionizer import LeanSectionizer
from nlp_screen.pipeline import build_nlp

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pipelines():
    ours = build_nlp()
    reference = build_nlp()
    config = reference.get_pipe_config("medspacy_sectionizer")
    config.pop("factory")
    reference.replace_pipe("medspacy_sectionizer", "medspacy_sectionizer", config=config)
    sectionizer = reference.get_pipe("medspacy_sectionizer")
    use_indexed_matcher(sectionizer, "Sectionizer", reference)
    sectionizer.add(SectionRule.from_json(str(ROOT / "patterns" / "section_rules.json")))
    return ours, reference


def _texts() -> list[str]:
    return note_texts()


def _sections(nlp, text):
    doc = nlp.make_doc(text)
    for name in ("nlp_screen_sentences", "medspacy_sectionizer"):
        doc = nlp.get_pipe(name)(doc)
    return doc, [(s.category, s.title_start, s.title_end, s.body_start, s.body_end, s.parent,
                  s.rule.literal if s.rule else None) for s in doc._.sections]


def test_the_pipeline_uses_the_lean_sectionizer_under_medspacys_name(pipelines):
    ours, reference = pipelines
    assert isinstance(ours.get_pipe("medspacy_sectionizer"), LeanSectionizer)
    assert not isinstance(reference.get_pipe("medspacy_sectionizer"), LeanSectionizer)


def test_lean_sections_equal_medspacy_sections(pipelines):
    ours, reference = pipelines
    texts = _texts()
    with_headers = 0
    for text in texts:
        ours_doc, ours_sections = _sections(ours, text)
        _, reference_sections = _sections(reference, text)
        assert ours_sections == reference_sections
        with_headers += any(s[0] is not None for s in ours_sections)
        assert all(token._.section is None for token in ours_doc)
    assert with_headers > len(texts) // 2  # the comparison covers notes with sections, not only the trivial case


# (text, a phrase in it, the section category of that phrase). A header starts a line after a line break, or after
# a run of three or more spaces where a flattened export lost its line break.
HEADER_CASES = [
    ("PAST MEDICAL HISTORY:     PHYSICAL EXAM:    General appearance: in no acute distress.", "acute distress", "exam"),
    ("PAST MEDICAL HISTORY:   HTN.     SOCIAL HISTORY:   Nonsmoker.", "HTN", "past_medical_history"),
    ("PAST MEDICAL HISTORY:   HTN.     SOCIAL HISTORY:   Nonsmoker.", "Nonsmoker", "social_history"),
    ("Patient: 66 yo M    Dx: T-cell prolymphocytic leukemia", "T-cell", "diagnosis"),
    ("PAST MEDICAL HISTORY:\nHypertension.\nSOCIAL HISTORY:\nNonsmoker.", "Nonsmoker", "social_history"),
    ("PAST MEDICAL HISTORY: hypertension.  SOCIAL HISTORY: nonsmoker.", "nonsmoker", "past_medical_history"),
    ("ECHO 04/28/2025:   LVEF 62%.   ASSESSMENT:   No measurable disease.", "No measurable", "assessment"),
    ("PAST MEDICAL HISTORY: hypertension; social history: nonsmoker.", "nonsmoker", "past_medical_history"),
]


@pytest.mark.parametrize("text, phrase, category", HEADER_CASES, ids=[f"{c[1]} | {c[0][:50]}" for c in HEADER_CASES])
def test_a_header_starts_a_line_or_follows_a_flattened_line_break(pipelines, text, phrase, category):
    from nlp_screen.extract import SectionIndex
    ours, _ = pipelines
    doc, _ = _sections(ours, text)
    assert SectionIndex(doc).category_at_char(text.index(phrase)) == category
