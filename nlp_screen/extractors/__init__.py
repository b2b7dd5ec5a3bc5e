"""Pure value extractors: note text -> `Found` values with character offsets (no spaCy).

Each module holds one family of values; `ALL_EXTRACTORS` lists them for the `nlp_screen_values` component.
"""
import re

from .base import Found, Vocabulary, literal_first, load_vocabulary
from .dates import find_dates
from .cd5 import find_cd5
from .scores import find_ecog, find_lvef, find_spo2, find_age_sex
from .labs import find_labs
from .disease import find_blasts, find_mrd, find_lesions, find_stages, find_status_phrases

ALL_EXTRACTORS = (
    find_dates, find_cd5, find_ecog, find_lvef, find_spo2, find_age_sex, find_labs,
    find_blasts, find_mrd, find_lesions, find_stages, find_status_phrases,
)


class Gate:
    """Opens when any of `patterns` (small regexes; r"\b" may start one) occurs in the lowercased note.

    One regex per alternative, each starting with its literal: Python's re then finds candidates with a fast literal
    search, where an alternation or a leading \b makes it try the pattern at every character (measured on 4 KB notes:
    the five gates written as one alternation with \b took 0.42 ms a note, a quarter of all value extraction).
    """

    def __init__(self, *patterns: str) -> None:
        self.patterns = tuple(re.compile(literal_first(p)) for p in patterns)

    def search(self, lower: str) -> bool:
        return any(p.search(lower) for p in self.patterns)


# Words without which an extractor cannot find anything, searched once in the lowercased note: a note without
# them skips that extractor's regexes (most notes name only a few of these values). A gate must be a superset of
# what its extractor matches; tests/test_extraction_cases.py runs every extractor through its gate.
GATES: dict = {
    find_cd5: Gate("cd5"),
    find_ecog: Gate("ecog", r"\bps\b", "performance", r"perf\b", "kps", "karnofsky", r"\bwho\b", "chair"),  # gates read the lowercased note
    find_lvef: Gate(r"\bef\b", r"\blvef\b", "ejection", "function"),
    find_spo2: Gate("sat", "spo2", "o2", r"\box"),
    find_labs: Gate(r"\balt", r"\bast", r"\bcr", r"\bcreat", r"\bscr", r"\bt\.?\s?bili", r"\bbili", r"\btbil", r"\bsgot",
                    r"\bsgpt", "bilirubin", "creatinine", "aminotransferase"),
    find_blasts: Gate("blast"),
    find_mrd: Gate("mrd"),
    find_lesions: Gate(r"\d\s*(?:cm|mm)\b", r"\d\s*centimet", r"\d\s*millimet"),
    find_stages: Gate("stage"),
    find_status_phrases: Gate("relaps", "recurren", r"\bline", "regimen", "induction", r"\blast\b", r"\bno\s"),
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

__all__ = ["Found", "Vocabulary", "load_vocabulary", "ALL_EXTRACTORS", "GATES", "Gate", "literal_first", "run_extractors"]
