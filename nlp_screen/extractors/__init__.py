"""Pure value extractors: note text -> `Found` values with character offsets (no spaCy).

Each module holds one family of values; `ALL_EXTRACTORS` lists them for the `nlp_screen_values` component.
"""
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

__all__ = ["Found", "Vocabulary", "load_vocabulary", "ALL_EXTRACTORS"]
