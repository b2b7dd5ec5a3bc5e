"""Pure value extractors: note text -> `Found` values with character offsets (no spaCy).

Each module holds one family of values; `ALL_EXTRACTORS` lists them for the `nlp_screen_values` component.
"""
import re

from .base import Found, Vocabulary, load_vocabulary
from .dates import find_dates
from .cd5 import find_cd5
from .scores import find_ecog, find_lvef, find_spo2, find_age_sex
from .labs import find_labs
from .disease import find_blasts, find_mrd, find_lesions, find_stages, find_status_phrases

ALL_EXTRACTORS = (
    find_dates, find_cd5, find_ecog, find_lvef, find_spo2, find_age_sex, find_labs,
    find_blasts, find_mrd, find_lesions, find_stages, find_status_phrases,
)

# Words without which an extractor cannot find anything, searched once in the lowercased note: a note without
# them skips that extractor's regexes (most notes name only a few of these values). A gate must be a superset of
# what its extractor matches; tests/test_extraction_cases.py runs every extractor through its gate.
GATES: dict = {
    find_cd5: re.compile(r"cd5"),
    find_ecog: re.compile(r"ecog|\bps\b|performance|perf\b|kps|karnofsky"),
    find_lvef: re.compile(r"\b(?:lv)?ef\b|ejection|function"),
    find_spo2: re.compile(r"sat|spo2|o2|\box"),
    find_labs: re.compile(r"\b(?:alt|ast|cr|creat|scr|t\.?\s?bili|bili|tbil|sgot|sgpt)|bilirubin|creatinine|aminotransferase"),
    find_blasts: re.compile(r"blast"),
    find_mrd: re.compile(r"mrd"),
    find_lesions: re.compile(r"\d\s*(?:cm|mm)\b"),
    find_stages: re.compile(r"stage"),
    find_status_phrases: re.compile(r"relaps|recurren|\bline|regimen|induction|\blast\b|\bno\s"),
}


def run_extractors(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    """Every extractor whose gate opens on the note, in ALL_EXTRACTORS order."""
    lower = text.lower()
    found: list[Found] = []
    for extract in ALL_EXTRACTORS:
        gate = GATES.get(extract)
        if gate is None or gate.search(lower):
            found.extend(extract(text, vocab, note_date))
    return found

__all__ = ["Found", "Vocabulary", "load_vocabulary", "ALL_EXTRACTORS", "GATES", "run_extractors"]
