"""Dates written in a note ("03/14/2025", "2025-03-14", "March 2025", "14-Apr-2025", "14.04.2025", "03/2023", "2019",
"2 weeks ago")."""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from .base import CaselessRegex, Found, Vocabulary

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH_WORD = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"

# r"\d\d{3}" is r"\d{4}" opening with a character class, which re skips to (see extractors.Gate)
_ISO_HINT = re.compile(r"\d\d{3}-\d\d")
# Every ISO date, written-out date with its year and bare year holds four digits in a row; a third of our notes
# have none, and this one search (~0.03 ms on 4 KB) spares them three regex passes (~0.25 ms).
_FOUR_DIGITS = re.compile(r"\d\d{3}")
# The patterns below that start with a digit check what precedes it after reading it: r"\d(?<![\w/.]\d)" is
# r"(?<![\w/.])\d", but a pattern that opens with a character class lets re skip straight to the digits (a leading
# lookbehind makes it try every position: 0.08 -> 0.03 ms a pass on a 4 KB note; see extractors.Gate).
_ISO = re.compile(r"(\d(?<![\d/]\d)\d{3})-(\d{2})(?:-(\d{2}))?(?![\d/])")
# A date may follow a hyphen only as the end of a range ('07/15/2024-02/28/2025'), never after a word ('HIV-1/2').
_SLASH = re.compile(r"(\d(?<![\w/.]\d)(?<![A-Za-z]-\d)\d?)/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
# Hyphenated numbers with a four-digit year: '30-06-1954', '11-02-2026' (Dutch, Irish letters), read like slashed ones
_HYPHENED = re.compile(r"(\d(?<![\w/.-]\d)\d?)-(\d{1,2})-(\d{4})(?![\d-])")
_MONTH_YEAR_NUM = re.compile(r"(\d(?<![\w/.]\d)(?<![A-Za-z]-\d)\d?)/(\d{4})(?![\d/])")
_MONTH_DAY = re.compile(r"(\d(?<![\w/.+]\d)(?<![A-Za-z]-\d)\d?)/(\d{1,2})(?![\d/%])(?!\s*(?:Ab|Ag|MUD|HLA|match|antigen|antibody|tab|dose))", re.I)
# Case-insensitive, run on the lowercased note (extractors.base.CaselessRegex): the pattern is written lowercase
_WORDY = CaselessRegex(rf"\b({_MONTH_WORD.lower()})\s+(?:(\d{{1,2}}),?\s+)?(\d{{4}})\b")
# Day first: '14-Apr-2025', '14 April 2025', '3 Sept. 2024' (Commonwealth letters and synoptic reports)
_DAY_WORDY = CaselessRegex(rf"(\d(?<![\w]\d)\d?)(?:st|nd|rd|th)?[\s-]+({_MONTH_WORD.lower()})[\s,-]+(\d{{4}})\b")
# Dotted day-first numbers with a four-digit year: '14.04.2025'
_DOTTED = re.compile(r"(\d(?<![\w.]\d)\d?)\.(\d{1,2})\.(\d{4})(?![\d.])")
# Without a year, read against the note's date: '14 April', 'the 28th of April', 'April 28th' ('may' is a month here only
# after a day: 'she may 2 ...' is not a date)
_DAY_MONTH = CaselessRegex(rf"(\d(?<![\w/.]\d)\d?)(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_WORD.lower()})(?![\w]|\s*,?\s*\d)")
_MONTH_WORD_NOT_MAY = _MONTH_WORD.replace("|May|", "|")
_MONTH_DAY_WORDY = CaselessRegex(rf"\b({_MONTH_WORD_NOT_MAY.lower()})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\w/.%:]|\s*,?\s*\d)"
                                 r"(?!\s*(?:mg|mcg|g|ml|units?|cycles?|doses?|days?|weeks?|months?|years?|%)\b)")
_MONTH_ONLY = re.compile(rf"\b(?:in|on|since|from|until|till|of|during|last|early|late|mid|mid-|by)\s+({_MONTH_WORD})(?!\s*\d)\b")
# '2018-2019', '2018 - 2019': a span of years, read as its first year with attrs 'until' (the second's last day)
_YEAR_RANGE = re.compile(r"((?:1(?<![\w/.,-]1)9[5-9]|2(?<![\w/.,-]2)0[0-4])\d)\s*[-–]\s*((?:19[5-9]|20[0-4])\d)(?![\w/%]|-\d|\.\d)")
_YEAR = re.compile(r"((?:1(?<![\w/.,-]1)9[5-9]|2(?<![\w/.,-]2)0[0-4])\d)(?![\w/%]|-\d|\.\d|,\d)")
_AGO = CaselessRegex(r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week|month|year)s?\s+ago\b")
_WORD_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10}


def find_dates(text: str, vocab: Vocabulary, note_date: Optional[dt.date] = None) -> list[Found]:
    """Every date in `text`, as kind "date" with attrs iso (YYYY-MM-DD) and precision (day/month/year)."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add_span(start: int, end: int, date: Optional[dt.date], precision: str) -> None:
        if date is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(Found(start, end, "date", precision, attrs={"iso": date.isoformat(), "precision": precision}))

    def add(m: re.Match, date: Optional[dt.date], precision: str) -> None:
        add_span(m.start(), m.end(), date, precision)

    # Cheap substring tests first: each regex pass costs ~0.1 ms on a 4 KB note, most notes lack most forms.
    lower = text.lower()
    has_four_digits = _FOUR_DIGITS.search(text) is not None
    if has_four_digits and _ISO_HINT.search(text):
        for m in _ISO.finditer(text):
            add(m, _safe(int(m[1]), int(m[2]), int(m[3] or 1)), "day" if m[3] else "month")
    has_slash, has_month = "/" in text, any(month in lower for month in _MONTHS)
    slashed = list(_SLASH.finditer(text)) if has_slash else []
    if has_four_digits and "-" in text:
        slashed += list(_HYPHENED.finditer(text))
    day_first = _writes_day_first(slashed)
    for m in slashed:
        add(m, _month_day_year(int(m[1]), int(m[2]), int(m[3]), day_first, note_date), "day")
    if has_month and has_four_digits:
        for m in _DAY_WORDY.finditer(text, lower):
            add(m, _safe(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1])), "day")
        for m in _WORDY.finditer(text, lower):
            add(m, _safe(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2] or 1)), "day" if m[2] else "month")
    if has_four_digits and "." in text:
        for m in _DOTTED.finditer(text):
            add(m, _safe(int(m[3]), int(m[2]), int(m[1])), "day")
    if has_slash:
        for m in _MONTH_YEAR_NUM.finditer(text):
            add(m, _safe(int(m[2]), int(m[1]), 1), "month")
    if note_date is not None:
        if has_slash:
            for m in _MONTH_DAY.finditer(text):
                month, day = (int(m[2]), int(m[1])) if day_first else (int(m[1]), int(m[2]))
                add(m, _infer_year(month, day, note_date), "day")
        if has_month:
            for m in _DAY_MONTH.finditer(text, lower):
                add(m, _infer_year(_MONTHS[m[2][:3].lower()], int(m[1]), note_date), "day")
            for m in _MONTH_DAY_WORDY.finditer(text, lower):
                add(m, _infer_year(_MONTHS[m[1][:3].lower()], int(m[2]), note_date), "day")
            for m in _MONTH_ONLY.finditer(text):
                add_span(m.start(1), m.end(1), _month_before(_MONTHS[m[1][:3].lower()], note_date), "month")
        if "ago" in lower:
            for m in _AGO.finditer(text, lower):
                add(m, _ago(m, note_date), "relative")
    for m in (_YEAR_RANGE.finditer(text) if has_four_digits else ()):
        if int(m[1]) < int(m[2]):
            add(m, _safe(int(m[1]), 1, 1), "year")
            if found and found[-1].start == m.start():
                found[-1].attrs["until"] = f"{m[2]}-12-31"
    for m in (_YEAR.finditer(text) if has_four_digits else ()):
        add(m, _safe(int(m[1]), 1, 1), "year")
    found.sort(key=lambda f: f.start)
    _mark_ranges(text, found)
    return found


_BETWEEN = re.compile(r"\bbetween\s+$", re.I)
_AND = re.compile(r"\s+and\s+$", re.I)


def _mark_ranges(text: str, found: list[Found]) -> None:
    """'CR1 sometime between 02/2024 and 08/2024': the first date of the pair gets attrs 'until', the last day the
    event may have fallen on (the end of the second date's period)."""
    for first, second in zip(found, found[1:]):
        if _BETWEEN.search(text, max(0, first.start - 12), first.start) and _AND.match(text[first.end:second.start]):
            first.attrs["until"] = period_end(dt.date.fromisoformat(second.attrs["iso"]), second.attrs["precision"]).isoformat()


def period_end(date: dt.date, precision: str) -> dt.date:
    """The last day a date written with `precision` ('day', 'month', 'year', 'relative') may stand for."""
    if precision == "year":
        return date.replace(month=12, day=31)
    if precision == "month":
        next_month = (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return next_month - dt.timedelta(days=1)
    return date


def _safe(y: int, m: int, d: int) -> Optional[dt.date]:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# A note may name a date shortly after its own (a scheduled scan); one months later is a misreading.
_FUTURE_SLACK = dt.timedelta(days=60)


def _writes_day_first(slashed: list[re.Match]) -> bool:
    """A note writes dates day-first when one of its dates can only be read so (15/03/2024) and none can only be
    read month-first (03/15/2024): a British letter's 12/03/2024 is 12 March."""
    firsts = [(int(m[1]), int(m[2])) for m in slashed]
    return any(a > 12 >= b for a, b in firsts) and not any(b > 12 >= a for a, b in firsts)


def _month_day_year(a: int, b: int, y: int, day_first: bool = False,
                    note_date: Optional[dt.date] = None) -> Optional[dt.date]:
    """US order by default; day-first when the first number cannot be a month (14/03/2025), when the note writes
    its dates day-first, or when the month-first reading would lie months after the note's date and the day-first
    one does not."""
    if y < 100:  # '03/14/25' is 2025; '2/27/95' is 1995
        y += 2000 if y <= (dt.date.today().year % 100) + 1 else 1900
    if a > 12 and b <= 12:
        return _safe(y, b, a)
    us, day_first_date = _safe(y, a, b), _safe(y, b, a)
    if day_first and day_first_date is not None:
        return day_first_date
    if (note_date is not None and us is not None and day_first_date is not None
            and us > note_date + _FUTURE_SLACK and day_first_date <= note_date):
        return day_first_date
    return us


def _infer_year(m: int, d: int, note_date: dt.date) -> Optional[dt.date]:
    """A month/day without a year is the latest such day not long after the note (a follow-up may be weeks ahead)."""
    date = _safe(note_date.year, m, d)
    if date is None:
        return None
    if date > note_date + dt.timedelta(days=60):
        date = _safe(note_date.year - 1, m, d)
    return date


def _month_before(month: int, note_date: dt.date) -> dt.date:
    """'in February' written in a December note is that February; in a January note, last year's."""
    year = note_date.year if month <= note_date.month else note_date.year - 1
    return dt.date(year, month, 1)


def _ago(m: re.Match, note_date: dt.date) -> dt.date:
    n = int(m[1]) if m[1].isdigit() else _WORD_NUM[m[1].lower()]
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[m[2].lower()] * n
    return note_date - dt.timedelta(days=days)
