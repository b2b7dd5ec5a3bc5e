"""The `nlp_screen_values` component: runs the pure extractors on a Doc's text and adds their spans to the group.

Values (CD5, ECOG, LVEF, labs ...) join the TargetMatcher's spans in doc.spans["nlp_screen"], so ConText gives
them context flags too ("if CD5-positive" is hypothetical). Dates are kept apart in doc._.nlp_screen_dates.
"""
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extractors import Found, load_vocabulary, run_extractors
from ..extractors.spoken import map_back, spoken_to_digits
from . import doc_text

SPAN_GROUP = "nlp_screen"

for _name, _default in (("nlp_screen_note_date", None), ("nlp_screen_values", None), ("nlp_screen_dates", None),
                         ("nlp_screen_trials", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class ValueExtractor:
    """Adds one span per extracted value; `doc._.nlp_screen_values` keeps (span, Found) pairs."""

    def __init__(self, *, name: str = "nlp_screen_values", vocabulary: dict) -> None:
        self.name = name
        self.vocabulary = vocabulary

    def __call__(self, doc: Doc) -> Doc:
        text, note_date = doc_text(doc), doc._.nlp_screen_note_date
        group = doc.spans[SPAN_GROUP] if SPAN_GROUP in doc.spans else None
        # The trial's own name is no fact about the patient: it leaves the group, so ConText neither reads it as a
        # target nor prunes a cue that overlaps it ("the CD5 CAR-NK protocol excludes ...").
        trials = [s for s in (group or ()) if s.label_ == "TRIAL_REFERENCE"]
        if trials:
            group = doc.spans[SPAN_GROUP] = [s for s in group if s.label_ != "TRIAL_REFERENCE"]
        trial = [(s.start_char, s.end_char) for s in trials]
        pairs: list[tuple[Span, Found]] = []
        dates: list[Found] = []
        for found in extract_values(text, self.vocabulary, note_date):
            if found.kind == "date":
                dates.append(found)
                continue
            if found.kind == "cd5" and any(s < found.end and found.start < e for s, e in trial):
                continue  # "CD5-targeted CAR-NK" names the trial, it is not a result
            span = doc.char_span(found.start, found.end, label=_label(found), alignment_mode="expand")
            if span is not None:
                pairs.append((span, found))
        new_spans = [span for span, _ in pairs]
        if group is None:
            doc.spans[SPAN_GROUP] = new_spans
        else:
            doc.spans[SPAN_GROUP].extend(new_spans)
        doc._.nlp_screen_values = pairs
        doc._.nlp_screen_dates = dates
        doc._.nlp_screen_trials = trials
        return doc


def extract_values(text: str, vocabulary: dict, note_date) -> list[Found]:
    """The extractors' values, read on a copy with spoken numbers as digits when the note has them ('creatinine
    one point one' -> 'creatinine 1.1'), each placed back on the note's own words."""
    rewritten = spoken_to_digits(text)
    if rewritten is None:
        return run_extractors(text, vocabulary, note_date)
    copy, offsets = rewritten
    return map_back(run_extractors(copy, vocabulary, note_date), offsets, text)


def _label(found: Found) -> str:
    return "DISEASE_STATUS" if found.kind == "disease_status" else found.kind.upper()


@Language.factory("nlp_screen_values", assigns=["doc.spans", "doc._.nlp_screen_values", "doc._.nlp_screen_dates", "doc._.nlp_screen_trials"],
                  default_config={"vocabulary_path": None})
def make_values(nlp: Language, name: str, vocabulary_path: str):
    path = Path(vocabulary_path) if vocabulary_path else Path(__file__).resolve().parents[2] / "patterns" / "values.json"
    return ValueExtractor(name=name, vocabulary=load_vocabulary(path))
