"""Extractor regexes rewritten for speed find exactly what their plain spelling finds: same spans, same groups.

A leading lookbehind stops re from skipping to candidate characters, so the extractors check what precedes the
first character after reading it (r"(?<![\\w.])\\d" becomes r"\\d(?<![\\w.]\\d)"); IGNORECASE does too, so some
case-insensitive regexes run on the lowercased note (base.CaselessRegex). Each case pairs a regex with the spelling
it replaced and compares them on edge cases and on every note of the repository's corpora.
"""
import re
from pathlib import Path

import pytest

from texts import note_texts
from nlp_screen.extractors import cd5, dates, disease, load_vocabulary, scores
from nlp_screen.extractors.base import CaselessRegex, words_regex

REPO = Path(__file__).resolve().parents[1]

# regex in use, the plain spelling it stands for, flags
REWRITES = {
    "cd5": (cd5._CD5, r"(?<![\w/])CD5(?![\w])", 0),
    "iso date": (dates._ISO, r"(?<![\d/])(\d{4})-(\d{2})(?:-(\d{2}))?(?![\d/])", 0),
    "slash date": (dates._SLASH, r"(?<![\w/.])(?<![A-Za-z]-)(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])", 0),
    "month/year": (dates._MONTH_YEAR_NUM, r"(?<![\w/.])(?<![A-Za-z]-)(\d{1,2})/(\d{4})(?![\d/])", 0),
    "month/day": (dates._MONTH_DAY, r"(?<![\w/.+])(?<![A-Za-z]-)(\d{1,2})/(\d{1,2})(?![\d/%])"
                                    r"(?!\s*(?:Ab|Ag|MUD|HLA|match|antigen|antibody|tab|dose))", re.I),
    "year": (dates._YEAR, r"(?<![\w/.,-])((?:19[5-9]|20[0-4])\d)(?![\w/%]|-\d|\.\d|,\d)", 0),
    "age": (scores._AGE, r"(?<![\w./-])(\d{1,3})\s*(?:-|\s)?\s*(?:yo|y/o|y\.o\.?|yr\s+old|yrs?\s+old|years?[- ]old|"
                         r"year[- ]old|-year-old|(?-i:y(?=\s*(?:M|F)\b)))(?![\w])(?:\s*,?\s*(M|F|male|female|man|woman|gentleman|lady)\b)?", re.I),
    "age and sex": (scores._AGE_SEX_SHORT, r"(?<![\w.])(\d{2})\s?([MF])\b", 0),
    "age after a title": (scores._AGE_AFTER_TITLE, r"\b(?:Mrs|Mr|Ms|Miss|Mx|Herr|Frau|Mme|Mlle|Madame|Monsieur)\.?\s+[^\n,]{1,40}"
                                                   + scores._AGE_TAIL, 0),
    "age field": (scores._AGE_FIELD, r"(?<![\w])(?:Age|AGE)\s*:?\s*(\d{1,3})\b(?!\s*(?:%|y|mo|months|weeks))|\baged\s+(\d{1,3})\b", 0),
    "sex field": (scores._SEX_FIELD, r"(?<![\w])(?:Sex|SEX|Gender|GENDER)\s*:\s*(M|F|Male|Female|male|female|MALE|FEMALE)\b", 0),
    "lesion size": (disease._SIZE, r"(?<![\w.])(\d{1,2}(?:\.\d+)?)(?:\s*(?:x|×)\s*(\d{1,2}(?:\.\d+)?))?"
                                   r"(?:\s*(?:x|×)\s*(\d{1,2}(?:\.\d+)?))?\s*(cm|mm)\b(?:\s*\(?(short|long)[- ]axis\)?)?", re.I),
}

EDGE_TEXTS = [
    "CD5+ 03/14/2025 2025-03-14 03/2024 3/14 1998 46 yo M 34M with 3.2 x 2.4 cm",
    "xCD5 /CD5 sCD5 CD5a a03/14/2025 .03/14/2025 /03/14/2025 HIV-1/2 x-3/14 +3/14 12/03/2024-01/05/2025",
    "A2025-03-14 /2025-03-14 12025-03 v1998 .1998 ,1998 -1998 1998-2 1998.5 2049 1949 2050",
    "a46 yo .46 yo /46 yo -46 yo 146-year-old 7-year-old x34M .34M 134M 1.2 cm a1.2 cm .5 cm 12.5mm",
    "03/14/2025",
    "7 yo",
    "Age: 46 xAge: 46 managed 3 aged 61 Page: 2 MANAGEMENT: 4 AGE 71 Sex: F xSex: M Gender: male Unisex: F",
    "Re: Mrs Deborah ANSTRUTHER, 57 years. Hrs B, 45 years. MrX, 40 y. Herr Markus Brandt, 61 years; aMr B, 52 M",
]


def _matches(rx: re.Pattern, text: str) -> list:
    return [(m.span(), m.groups(), m.regs) for m in rx.finditer(text)]


def _corpus_texts() -> list[str]:
    return note_texts()


@pytest.mark.parametrize("name", list(REWRITES))
def test_a_rewritten_regex_finds_what_its_plain_spelling_finds(name):
    rewritten, plain, flags = REWRITES[name]
    plain_rx = re.compile(plain, flags)
    assert rewritten.flags == plain_rx.flags
    for text in EDGE_TEXTS + _corpus_texts():
        assert _matches(rewritten, text) == _matches(plain_rx, text)


# case-insensitive regexes that run on the lowercased note: the plain IGNORECASE spelling each stands for
CASELESS = {
    "written date": (dates._WORDY, r"\b(" + dates._MONTH_WORD + r")\s+(?:(\d{1,2}),?\s+)?(\d{4})\b"),
    "day-first written date": (dates._DAY_WORDY, r"\b(\d{1,2})(?:st|nd|rd|th)?[\s-]+(" + dates._MONTH_WORD + r")[\s,-]+(\d{4})\b"),
    "time ago": (dates._AGO, r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month|year)s?\s+ago\b"),
    "lines": (disease._LINES, r"\b(\d|one|two|three|four|five|six)\s*(?:\+\s*)?(?:prior\s+|previous\s+|systemic\s+|treatment\s+|"
                              r"therapy\s+)*(?:lines?|regimens?)\b(?:\s+of\s+(?:therapy|treatment|chemotherapy|systemic\s+therapy))?"),
    "last therapy": (disease._LAST_THERAPY, r"\blast\s+(?:dose|treatment|therapy|chemo(?:therapy)?|cycle|infusion|systemic\s+therapy|"
                                            r"anti-?cancer\s+therapy|lymphoma-directed\s+therapy|leukemia-directed\s+therapy)\b"),
    "no therapy since": (disease._NO_THERAPY_SINCE, r"\bno\s+((?:[\w-]+\s+){0,2}?(?:therapy|treatment|tx|chemo(?:therapy)?|"
                                                    r"anti-?cancer\s+therapy)\s+(?:has\s+been\s+|was\s+)?(?:given\s+)?(?:since|after|following))\b"),
}

CASELESS_TEXTS = [
    "Seen MARCH 3, 2024 and March 2024; 2 Weeks Ago, TWO months ago. Refractory to 3 Lines of Therapy; two prior regimens.",
    "GDP 24-Mar-2025 to 14-APR-2025; MUGA 3 Sept. 2024; 2nd January 2025; a14 Apr 2025; 114 April 2025; 7-jun-2023",
    "LAST DOSE 03/01; Blast cells; last  Chemotherapy. No Therapy Since relapse; NO treatment was given after CAR-T; piano therapy since",
    "Laſt dose 05/01, Auguſt 2024, Aprıl 2023: re folds these non-ASCII letters, so such a note keeps the IGNORECASE regex",
]


def _spans(matches) -> list:
    return [m.regs for m in matches]


@pytest.mark.parametrize("name", list(CASELESS))
def test_a_caseless_regex_finds_what_its_ignorecase_spelling_finds(name):
    regex, plain = CASELESS[name]
    plain_rx = re.compile(plain, re.I)
    assert regex.lowered is not None
    for text in CASELESS_TEXTS + _corpus_texts():
        assert _spans(regex.finditer(text, text.lower())) == _spans(plain_rx.finditer(text))


def test_spo2_names_find_what_their_ignorecase_spelling_finds():
    vocab = load_vocabulary(REPO / "patterns" / "values.json")
    names = scores._spo2_regexes(vocab["spo2"])[0]
    plain_rx = re.compile(words_regex(vocab["spo2"]["names"]).pattern + scores._SPO2_VALUE_AHEAD, re.I)
    for text in ["SPO2 97% on RA, O2 Sat: 88%, Pulse Ox 95%, sats 90%"] + _corpus_texts():
        assert _spans(names.finditer(text, text.lower())) == _spans(plain_rx.finditer(text))


@pytest.mark.parametrize("pattern", [r"\S+ dose", r"Dose", r"\x41b", "dos\u00e9"])
def test_a_pattern_lower_would_change_keeps_ignorecase_only(pattern):
    assert CaselessRegex(pattern).lowered is None
    assert _spans(CaselessRegex(pattern).finditer("X DOSE Ab", "x dose ab")) == _spans(re.finditer(pattern, "X DOSE Ab", re.I))
