"""Numbers written as words, as dictation writes them: 'creatinine one point one', 'ejection fraction forty to forty
five percent', 'cd five on about eighty two percent of the blasts', 'on the fourteenth of march twenty twenty three'.

`spoken_to_digits` rewrites them into a copy of the note that the value extractors can read ('creatinine 1.1',
'ejection fraction 40-45%', 'CD5 on about 82%', 'on 14 march 2023') and returns, for every character of the copy,
its offset in the note, so that what is found in the copy keeps the note's own words as its evidence. Only number
words change: ordinals only where they name a day of a month ('the fourteenth of march', 'march fourteenth'), so
'first remission' and 'second line' keep their words.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from .base import Found

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_ORDINAL_UNITS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth "
    "sixteenth seventeenth eighteenth nineteenth".split(), start=1)}
_ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30}
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|"
           "jun|jul|aug|sep|sept|oct|nov|dec")

# 'she may first need ...': 'may' before an ordinal is a verb far more often than a month
_MONTHS_NOT_MAY = _MONTHS.replace("|may|", "|")
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_TEN = "|".join(_TENS)
_SEP = r"(?:[ \t]+|[ \t]*-[ \t]*)"
# a cardinal: 'forty five', 'forty-five', 'one hundred and forty', 'two hundred thousand', 'twenty twenty three'
_SMALL = rf"(?:(?:{_TEN})(?:{_SEP}(?:{_UNIT}))?|{_UNIT})"
_CARDINAL = (rf"(?:{_SMALL}{_SEP}hundred(?:{_SEP}(?:and{_SEP})?{_SMALL})?|{_SMALL})"
             rf"(?:{_SEP}thousand(?:{_SEP}(?:and{_SEP})?(?:{_SMALL}{_SEP}hundred(?:{_SEP}(?:and{_SEP})?{_SMALL})?|{_SMALL}))?)?"
             rf"(?:{_SEP}(?:{_SMALL}))?")
_DIGIT_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine"
_DECIMAL = rf"[ \t]+point[ \t]+(?:{_DIGIT_WORDS})(?:[ \t]+(?:{_DIGIT_WORDS}))*"
_ORDINAL = "|".join(sorted(list(_ORDINAL_UNITS) + list(_ORDINAL_TENS), key=len, reverse=True))
_DAY = rf"(?:(?:twenty|thirty)[ \t-]+(?:{_ORDINAL})|{_ORDINAL})"

_SPOKEN = re.compile(
    rf"(?P<marker>\bcd)[ \t]*(?P<marker_n>{_SMALL})\b"                                     # 'cd five' -> CD5
    rf"|\b(?:the[ \t]+)?(?P<day>{_DAY})[ \t]+of[ \t]+(?P<month>{_MONTHS})\b"                # 'the fourteenth of march'
    rf"|\b(?P<month2>{_MONTHS_NOT_MAY})[ \t]+(?:the[ \t]+)?(?P<day2>{_DAY})\b"               # 'march fourteenth'
    rf"|\b(?P<low>{_CARDINAL})(?P<low_dec>{_DECIMAL})?[ \t]+to[ \t]+(?P<high>{_CARDINAL})(?P<high_dec>{_DECIMAL})?"
    rf"[ \t]*(?P<range_pct>percent\b|per[ \t]+cent\b)"                                       # 'forty to forty five percent'
    rf"|\b(?P<number>{_CARDINAL})(?P<dec>{_DECIMAL})?\b(?:[ \t]*(?P<pct>percent\b|per[ \t]+cent\b))?",
    re.I)
# Only a note with a number word that digits would carry opens the rewrite (most notes say 'one' or 'two' somewhere;
# few say 'forty five', 'one point one', 'five percent' or 'cd five' unless dictated). Tested with substring searches
# and regexes that open with a literal: one alternation with a leading \b costs 0.3 ms on a 4 KB note.
_BIG_WORDS = (*_TENS, "hundred")
_POINT = re.compile(rf"point[ \t]+(?:{_DIGIT_WORDS})\b")
_CD = re.compile(rf"cd[ \t]+(?:{_UNIT})\b")
_UNIT_BEFORE = re.compile(rf"\b(?:{_UNIT})[ \t]+$")


def _has_spoken_number(lower: str) -> bool:
    if any(word in lower for word in _BIG_WORDS) or _POINT.search(lower) or _CD.search(lower):
        return True
    i = lower.find("percent")
    while i >= 0:
        if _UNIT_BEFORE.search(lower, max(0, i - 12), i):
            return True  # 'five percent'
        i = lower.find("percent", i + 1)
    return False


def spoken_to_digits(text: str) -> tuple[str, list[int]] | None:
    """(the note with its number words as digits, the note offset of each character of it and of its end), or None
    when the note holds no number word (nothing to rewrite)."""
    if not _has_spoken_number(text.lower()):
        return None
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _SPOKEN.finditer(text):
        written = _rewrite(m)
        if written is None:
            continue
        parts.append(text[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        parts.append(written)
        offsets.extend([m.start()] * len(written))
        pos = m.end()
    if not parts:
        return None
    parts.append(text[pos:])
    offsets.extend(range(pos, len(text) + 1))
    return "".join(parts), offsets


def map_back(found: Iterable[Found], offsets: list[int], text: str) -> list[Found]:
    """Found values of the rewritten copy, placed on the note's own words (a value ending inside a rewritten number
    ends where that number ends in the note)."""
    out = []
    for f in found:
        start = offsets[f.start]
        end = offsets[f.end] if f.end == len(offsets) - 1 or offsets[f.end] != offsets[f.end - 1] else None
        if end is None:  # the copy's end falls inside one rewritten number: take that number's end in the note
            end = _end_of_rewrite(offsets, f.end - 1, text)
        out.append(replace(f, start=start, end=max(end, start + 1)))
    return out


def _end_of_rewrite(offsets: list[int], i: int, text: str) -> int:
    j = i
    while j + 1 < len(offsets) and offsets[j + 1] == offsets[i]:
        j += 1
    return offsets[j + 1] if j + 1 < len(offsets) else len(text)


def _rewrite(m: re.Match) -> str | None:
    if m["marker"]:
        n = _cardinal(m["marker_n"])
        return None if n is None else f"CD{n}"
    if m["day"]:
        return f"{_ordinal(m['day'])} {m['month']}"
    if m["month2"]:
        return f"{m['month2']} {_ordinal(m['day2'])}"
    if m["low"]:
        low, high = _number(m["low"], m["low_dec"]), _number(m["high"], m["high_dec"])
        return None if low is None or high is None else f"{low}-{high}%"
    n = _number(m["number"], m["dec"])
    if n is None:
        return None
    return f"{n}%" if m["pct"] else n


def _number(words: str, decimal: str | None) -> str | None:
    n = _cardinal(words)
    if n is None:
        return None
    if not decimal:
        return str(n)
    digits = [w for w in re.split(r"[ \t]+", decimal.strip().lower())[1:]]
    return f"{n}." + "".join("0" if w == "oh" else str(_UNITS[w]) for w in digits)


def _cardinal(words: str) -> int | None:
    """'forty five' -> 45, 'one hundred and forty thousand' -> 140000, 'twenty twenty three' -> 2023 (a year)."""
    tokens = [w for w in re.split(r"[\s-]+", words.lower()) if w and w != "and"]
    # a year said in two halves: 'nineteen ninety', 'twenty twelve', 'twenty twenty three'
    if len(tokens) >= 2 and tokens[0] in ("nineteen", "twenty") and "hundred" not in tokens and "thousand" not in tokens:
        rest = _small(tokens[1:])
        if rest is not None and rest >= 10:
            return (1900 if tokens[0] == "nineteen" else 2000) + rest
    if not _well_formed(tokens):
        return None  # 'ninety seven ninety eight': two numbers said in a row, not one
    total, current = 0, 0
    for w in tokens:
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current


def _well_formed(tokens: list[str]) -> bool:
    """A units word never follows a units word, nor a tens word a units or tens word, except across 'hundred' or
    'thousand' ('one hundred forty', 'two thousand twenty three')."""
    last = None
    for w in tokens:
        kind = "unit" if w in _UNITS else "ten" if w in _TENS else w
        if (kind == "unit" and last == "unit") or (kind == "ten" and last in ("unit", "ten")):
            return False
        if kind == "unit" and last == "ten" and _UNITS[w] >= 10:
            return False  # 'twenty eleven' is a year (handled above), not 31
        last = kind
    return True


def _small(tokens: list[str]) -> int | None:
    if len(tokens) == 1 and tokens[0] in _UNITS:
        return _UNITS[tokens[0]]
    if tokens and tokens[0] in _TENS and (len(tokens) == 1 or (len(tokens) == 2 and tokens[1] in _UNITS
                                                                 and _UNITS[tokens[1]] < 10)):
        return _TENS[tokens[0]] + (_UNITS[tokens[1]] if len(tokens) == 2 else 0)
    return None


def _ordinal(words: str) -> int:
    tokens = [w for w in re.split(r"[\s-]+", words.lower()) if w]
    if len(tokens) == 2:
        return _TENS[tokens[0]] + _ORDINAL_UNITS[tokens[1]]
    return _ORDINAL_UNITS.get(tokens[0]) or _ORDINAL_TENS[tokens[0]]
