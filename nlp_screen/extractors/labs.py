"""Organ-function labs: creatinine, ALT, AST, total bilirubin, with unit and a written upper limit of normal."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .base import Found, Vocabulary

# Fragments the regexes below share: a unit, a number, a reference-range text ('0.7-1.1', '< 40'), a flag.
_UNITS = r"mg/d[lL]|[uµμ]mol/L|micromol/L|I?U/L"
_UNIT = rf"({_UNITS})"
_NUM = r"\d+(?:\.\d+)?"
_RANGE_TEXT = rf"(?:{_NUM}[ \t]*[-–][ \t]*|[<≤][ \t]*=?[ \t]*)({_NUM})"
_FLAG = r"(?:HH|LL|H|L|\*)"

# A value may be written with thousands separators ('ALT 1,240 U/L') or, before its unit, a decimal comma ('Kreatinin
# 0,94 mg/dl'); _number reads both.
_VALUE_NUM = rf"(\d{{1,3}}(?:,\d{{3}})+(?![\d,])|\d+,\d+(?=[ \t]*(?:{_UNITS}))|\d+(?:\.\d+)?)"
_VALUE = re.compile(
    r"\s*(?:\([^)]{0,20}\)\s*)?(?:,\s*(?:serum|plasma|total)\s*)?(?:\s*(?:level|of|:|=|\||\.{2,}|was|is|now|today))*\s*(?:of\s+)?"
    + _VALUE_NUM + r"(?!\.?\d|/|[ \t]*[-–][ \t]*\d)\s*" + _UNIT + "?", re.I)
# the next value of a trend, after what dates or explains the one before: 'Cr 3.1 mg/dL on 06/07/2024 (tumour lysis)
# -> 0.8 mg/dL now', 'total bilirubin 3.8 mg/dL at diagnosis (05/2022) -> 0.6 mg/dL now'
_CHAIN = re.compile(r"(?:\s*(?:\([^)]{0,30}\)|(?:on|in)\s+[\d/.-]{4,10}|at\s+(?:diagnosis|presentation|baseline|admission|discharge|relapse)))*"
                    r"\s*(?:->|→|then|to)\s*(\d+(?:\.\d+)?)(?![\d/])\s*" + _UNIT + "?", re.I)
_RANGE = re.compile(
    r"\s*(?:(?:now|today|currently)\s*)?(?:\((?:H|L|HH|LL)\)\s*|\*\s*)?(?:H\s*)?[\(\[]\s*(?:H\s*,\s*)?(?:ref(?:erence)?\.?\s*(?:range)?\s*:?\s*|nl\s*|normal\s*:?\s*|ULN\s*:?\s*|(?-i:N|VN|RR)\s*:?\s*(?=[<≤\d])|<\s*=?\s*|≤\s*)?(?:<\s*=?\s*|≤\s*)?"
    r"(?:(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*)?(\d+(?:\.\d+)?)\s*(?:" + _UNITS + r")?\s*[\)\]]", re.I)


@lru_cache(maxsize=4)
def _analyte_regex(spec: tuple) -> re.Pattern:
    parts = []
    for analyte, names, case_sensitive in spec:
        alts = []
        for n in sorted(names, key=len, reverse=True):
            esc = re.escape(n).replace(r"\ ", r"\s*")
            alts.append(esc if n in case_sensitive else f"(?i:{esc})")
        parts.append(f"(?P<{analyte}>{'|'.join(alts)})")
    return re.compile(r"(?<![\w/-])(?:" + "|".join(parts) + r")(?![\w/-])")


def find_labs(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    """'Cr 0.84 mg/dL (0.70-1.30)', 'ALT 60 U/L (ULN 40)', 'Cr 2.9 -> 2.1 -> 1.4 mg/dL', 'Total bilirubin 11 umol/L (<21)',
    'ALT 2.1 x ULN' (unit 'x ULN', uln 1)."""
    analytes = vocab["labs"]["analytes"]
    rx = _analyte_regex(tuple((a, tuple(s["names"]), tuple(s["case_sensitive_names"])) for a, s in analytes.items()))
    out: list[Found] = list(_paired_transaminases(text))
    matches = list(rx.finditer(text))
    for k, m in enumerate(matches):
        analyte = m.lastgroup
        if _NOT_SERUM_TOTAL.search(text[max(0, m.start() - 12):m.start()]) or text[m.end():m.end() + 1] == "/":
            continue
        row = _trend_row(text, m.end())
        if row is not None:
            cells, uln, unit = row
            out += [Found(m.start() if i == 0 else vs, ve, "lab", analyte, value=value, unit=unit, attrs={"uln": uln})
                    for i, (vs, ve, value) in enumerate(cells)]
            continue
        v = _VALUE.match(text, m.end())
        if not v:
            continue
        ratio = _RATIO.match(text, v.end())
        if ratio:
            # 'ALT 2.1 x ULN': the value as a multiple of the upper limit, whatever the units
            out.append(Found(m.start(), ratio.end(), "lab", analyte, value=_number(v[1]), unit="x ULN", attrs={"uln": 1.0}))
            continue
        values = [(v.start(1), v.end(), _number(v[1]), v[2])]
        pos = v.end()
        while (c := _CHAIN.match(text, pos)) is not None:
            values.append((c.start(1), c.end(), float(c[1]), c[2]))
            pos = c.end()
        uln, column_unit = _upper_limit(text, pos)
        unit = next((u for *_, u in reversed(values) if u), None) or column_unit
        if uln is None:
            uln = _stated_upper_limit(text, pos, matches[k + 1].start() if k + 1 < len(matches) else len(text))
        for i, (vs, ve, value, own_unit) in enumerate(values):
            start = m.start() if i == 0 else vs
            out.append(Found(start, ve, "lab", analyte, value=value, unit=_norm_unit(own_unit or unit),
                             attrs={"uln": uln if i == len(values) - 1 else None}))
    return out


def _number(written: str) -> float:
    """'1,240' (thousands) -> 1240.0; '0,94' (a decimal comma, which _VALUE_NUM allows only before a unit) -> 0.94."""
    if "," not in written:
        return float(written)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", written):
        return float(written.replace(",", ""))
    return float(written.replace(",", "."))


# 'Direct bilirubin', 'Urine creatinine', 'CSF protein': not the serum/total value the protocol means
_NOT_SERUM_TOTAL = re.compile(r"(?:direct|indirect|conjugated|unconjugated|urine|urinary|CSF|fluid)\s*$", re.I)
_PAIR = re.compile(r"(?<![\w/])(AST|ALT)/(AST|ALT)\s*:?\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*(I?U/L)?")


def _paired_transaminases(text: str):
    """'AST/ALT 45/62 U/L' gives both values."""
    if "AST/" not in text and "ALT/" not in text:  # the case-sensitive regex needs one; a pass costs ~0.05 ms
        return
    for m in _PAIR.finditer(text):
        if m[1] == m[2]:
            continue
        for i, (name, value) in enumerate(((m[1], m[3]), (m[2], m[4]))):
            start, end = (m.start(), m.end(3)) if i == 0 else (m.start(4), m.end())
            yield Found(start, end, "lab", name.lower(), value=float(value), unit="U/L", attrs={"uln": None})


_RATIO = re.compile(r"\s*[x×]\s*(?:the\s+)?(?:ULN|upper\s+limit(?:\s+of\s+normal)?)\b", re.I)


# a result export's last column, the date (and time) of the result: '... umol/L   03/10/2025 08:05'
_DATE_CELL = r"(?:[ \t|]+(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})(?:[ \t]+\d{1,2}:\d{2})?)?"
# a table row's unbracketed reference column, last on its line but for a unit, a flag or a date: '88 U/L     0-40
# H', 'Total bilirubin   9     3-21    umol/L   03/10/2025' (group 3: the unit written after the range)
_TABLE_RANGE = re.compile(rf"(?:\s*\((?:H|L)\)|[ \t]*{_FLAG}(?=[ \t|]))?[ \t|]*({_NUM})\s*[-–]\s*({_NUM})"
                          rf"(?=[ \t]*{_FLAG}?[ \t]*({_UNITS})?[ \t]*{_FLAG}?{_DATE_CELL}[ \t]*\|?[ \t]*$)", re.M)
# one cell of a trend row: a number, maybe flagged ('2.9 H', '2.6*', '48 (H)'), standing alone between blanks
_CELL = re.compile(rf"[ \t|]+({_NUM})(?:[ \t]*(?:{_FLAG}|\((?:H|L)\)))?(?=[ \t|]|$)", re.M)
# a reference-range column before the values: '0.3-1.2', '<= 40'
_RANGE_CELL = re.compile(rf"[ \t|]+{_RANGE_TEXT}(?=[ \t|]|$)", re.M)
# after the analyte's name: '(mg/dL)', a bare 'mg/dL' before the first column, or ':'
_ROW_HEAD = re.compile(rf"(?:[ \t]*(?:\(\s*{_UNIT}\s*\)|{_UNIT}(?=[ \t|])|:))?", re.I)
# the end of a trend row: maybe a reference range, maybe a unit
_ROW_TAIL = re.compile(rf"[ \t|]*(?:{_RANGE_TEXT})?[ \t]*{_UNIT}?{_DATE_CELL}[ \t|]*$", re.M | re.I)


def _trend_row(text: str, pos: int) -> Optional[tuple[list[tuple[int, int, float]], Optional[float], Optional[str]]]:
    """A flowsheet row after an analyte's name: values in columns, with a reference range and a unit at its end
    ('Creatinine  2.9 H  2.6 H  2.3 H  0.7-1.1 mg/dL') or a reference range first ('T. bilirubin (mg/dL)  0.3-1.2
    0.8  1.9 H  3.1 H'), as (start, end, value) cells, ULN, unit. Two or more cells make a row; one cell does
    when the range comes first. Each cell is its own dated value (placement gives it its column's date); the range
    is every cell's."""
    head = _ROW_HEAD.match(text, pos)
    unit = head[1] or head[2]
    pos = head.end()
    first_range = _RANGE_CELL.match(text, pos)
    if first_range is not None:
        pos = first_range.end()
    cells = []
    while (c := _CELL.match(text, pos)) is not None:
        cells.append((c.start(1), c.end(1), float(c[1])))
        pos = c.end()
    tail = _ROW_TAIL.match(text, pos)
    if len(cells) < (1 if first_range else 2) or tail is None or (first_range and tail[1]):
        return None
    uln = float(first_range[1]) if first_range else float(tail[1]) if tail[1] else None
    return cells, uln, _norm_unit(unit or tail[2])


def _upper_limit(text: str, pos: int) -> tuple[Optional[float], Optional[str]]:
    """The ULN written after a value: '(0.70-1.30)', '(ULN 40)', '[ref 10-40]', '(<21)', or a table row's
    unbracketed reference column ('88 U/L     0-40     H'), with the unit a table writes after that column."""
    if r := _RANGE.match(text, pos):
        return float(r[2]), None
    if r := _TABLE_RANGE.match(text, pos):
        return float(r[2]), r[3]
    return None, None


_STATED_ULN = re.compile(r"\b(?:ULN|upper\s+limit(?:\s+of\s+normal)?)\s*(?:of|is|=|:)?\s*(\d+(?:\.\d+)?)(?!\.?\d|\s*x)", re.I)
_CLAUSE_END = re.compile(r"[.;](?:\s|$)|\n")
_STATED_REACH = 80


def _stated_upper_limit(text: str, pos: int, next_analyte: int) -> Optional[float]:
    """A ULN stated later in the value's sentence, before any other analyte: 'creatinine 2.3 today, still >2x ULN
    (ULN 1.1 on our lab)'."""
    end = min(pos + _STATED_REACH, next_analyte)
    clause = _CLAUSE_END.search(text, pos, end)
    if clause is not None and text.count("(", pos, clause.start()) > text.count(")", pos, clause.start()):
        close = text.find(")", clause.start(), end)  # a ';' inside brackets: '204 umol/L (05/15; lab ULN 90 umol/L)'
        clause = _CLAUSE_END.search(text, close, end) if close >= 0 else clause
    m = _STATED_ULN.search(text, pos, clause.start() if clause else end)
    return float(m[1]) if m else None


def _norm_unit(unit: Optional[str]) -> Optional[str]:
    if not unit:
        return None
    u = unit.lower().replace("µ", "u").replace("μ", "u").replace("micromol", "umol")
    return {"mg/dl": "mg/dL", "umol/l": "umol/L", "u/l": "U/L", "iu/l": "U/L"}.get(u, unit)
