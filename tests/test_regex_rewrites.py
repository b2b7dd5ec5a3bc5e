"""Extractor regexes rewritten for speed find exactly what their plain spelling finds: same spans, same groups.

A leading lookbehind stops re from skipping to candidate characters, so the extractors check what precedes the
first character after reading it (r"(?<![\\w.])\\d" becomes r"\\d(?<![\\w.]\\d)"). Each case pairs a regex with the
spelling it replaced and compares them on edge cases and on every note of the repository's corpora.
"""
import json
import re
from pathlib import Path

import pytest

from nlp_screen.extractors import cd5, dates, disease, scores

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
                         r"year[- ]old|-year-old)(?![\w])(?:\s*,?\s*(M|F|male|female|man|woman|gentleman|lady)\b)?", re.I),
    "age and sex": (scores._AGE_SEX_SHORT, r"(?<![\w.])(\d{2})\s?([MF])\b", 0),
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
]


def _matches(rx: re.Pattern, text: str) -> list:
    return [(m.span(), m.groups(), m.regs) for m in rx.finditer(text)]


def _corpus_texts() -> list[str]:
    paths = [REPO / "corpus_samples" / "notes.jsonl", *sorted((REPO / "tests" / "cases").glob("blind_set*/notes.jsonl"))]
    texts = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


@pytest.mark.parametrize("name", list(REWRITES))
def test_a_rewritten_regex_finds_what_its_plain_spelling_finds(name):
    rewritten, plain, flags = REWRITES[name]
    plain_rx = re.compile(plain, flags)
    assert rewritten.flags == plain_rx.flags
    for text in EDGE_TEXTS + _corpus_texts():
        assert _matches(rewritten, text) == _matches(plain_rx, text)
