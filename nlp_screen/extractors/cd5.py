"""CD5 results: marker lists, percentages, intensity and method, each percentage kept with its own marker.

"CD3 95%, CD5 40%, CD7 98%" gives CD5 40: a value is read only up to the next marker. A CD5 mention that
is not a tumour result (the trial's name, a pending stain, a failed tube, CD5 on residual normal T cells)
gives nothing.
"""
from __future__ import annotations

import re
from typing import Optional

from .base import Found, Vocabulary, compiled, clause_after, clause_before, line_bounds, words_regex

# The edge check follows the literal (r"(?<![\w/])CD5" checked after it), so re finds "CD5" by a fast literal search
_CD5 = re.compile(r"CD5(?<![\w/]CD5)(?![\w])")
# The next marker ends CD5's own window; so does a joining word that starts another marker's statement.
_NEXT = re.compile(r"(?<![\w])(?:[cs]?CD\d+[a-z]?|TdT|HLA-DR|MPO|Ki-?67|TCR|CCR4|PD-1|EMA|ALK1?|TIA-1|EBER|PAX5|CXCL13|ICOS|BCL6|TRBC1)(?![\w])"
                   r"|,?\s+(?:with|and|but|while|whereas)\s"
                   r"|,\s+(?=[A-Z][A-Za-z]+\b(?!\s*%))(?!(?:PARTIAL|DIM|BRIGHT|NEGATIVE|POSITIVE|Partial|Dim|Bright|Negative|Positive)\b)")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
# a percent written as a threshold, in words that state a rule
_COMPARATOR = re.compile(r"(?:>=|≥|=>|\bat\s+least|\bmore\s+than|\bgreater\s+than|>)\s*\d", re.I)
_THRESHOLD_WORDS = re.compile(r"\b(?:requirements?|required|requires?|protocol|criteri\w*|threshold|cut-?off|eligib\w*|needs?)\b", re.I)
# a table's percent column: 'CD5      92     bright', or a pipe row 'CD5 | pos | 97 | bright' (one cell between)
_TABLE_NUMBER = re.compile(r"^\s{2,}(\d{1,3})(?=\s|$)|^\s*\|\s*(?:[A-Za-z+\-]+\s*\|\s*)?(\d{1,3})\s*(?=\||$)")
# 'ninety-five percent', 'eighty per cent'
_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_TEENS = {w: 10 + i for i, w in enumerate("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_WORD_PERCENT = re.compile(r"\b(?:(?P<hundred>(?:one|a)\s+hundred)|(?P<teen>" + "|".join(_TEENS) + r")|(?P<tens>"
                           + "|".join(_TENS) + r")(?:[-\s](?P<unit>" + "|".join(w for w in _UNITS if w != "zero") + r"))?|(?P<single>"
                           + "|".join(_UNITS) + r"))\s+(?:percent|per\s+cent)\b", re.I)
_LIST_AFTER = re.compile(r"^(?:\s*(?:,|and|&|/|or)\s*[cs]?CD\d+[a-z]?)+")
_SIGN = re.compile(r"^\s?([+\-−])(?=\s*(?:[,;)/.]|$))|^([+\-−])(?=\s|\(|,|$)|^-(negative|positive)|^\s*\(([+\-−])\)", re.I)
# 'CD5 positive on 98% of T cells': the percent is of all T cells, not of an abnormal population
_OF_ALL_T_CELLS = re.compile(r"\bof\s+(?:all\s+|the\s+)?(?:normal\s+|residual\s+|background\s+|mature\s+)?"
                             r"(?:CD3\s*\+?\s+|CD3-positive\s+)?(?:T[- ]cells|T[- ]lymphocytes|lymphocytes)\b", re.I)
_NON_TUMOR_START = re.compile(r"^\W*(?:expression\s+)?(?:on|in)\s+(?:the\s+)?(?:residual\s+)?(?:normal|reactive|background)\b", re.I)


def _regexes(v: dict) -> dict[str, re.Pattern]:
    words = v["expression_words"]
    return {
        "non_tumor": words_regex(v["non_tumor_subjects"]),
        "non_tumor_after": words_regex(v["non_tumor_after"]["words"]),
        "b_cell_clone": re.compile(v["b_cell_clone"]["pattern"], re.I),
        "other_patient": words_regex(v["other_patient"]["words"]),
        "not_result": words_regex(v["not_a_result"]),
        "undetermined": words_regex(v["undetermined"]["words"]),
        **{f"expr_{k}": words_regex(ws) for k, ws in words.items() if k != "positive"},
        "expr_positive": words_regex([w for w in words["positive"] if w != "+"]),
        "before_negative": words_regex(v["negative_before"]),
        "before_positive": words_regex(v["positive_before"]),
        "before_partial": words_regex(v["partial_before"]),
        "before_dim": words_regex(v["dim_before"]),
        "method_ihc": words_regex(v["method_cues"]["ihc"]),
        "method_flow": words_regex(v["method_cues"]["flow"]),
    }


def _rx(vocab: Vocabulary) -> dict[str, re.Pattern]:
    return compiled(vocab, "cd5", lambda: _regexes(vocab["cd5"]))


def find_cd5(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    rx = _rx(vocab)
    out = []
    for m in _CD5.finditer(text):
        found = read_cd5_result(text, m.start(), m.end(), rx)
        if found is not None:
            out.append(found)
    return out


def read_cd5_result(text: str, start: int, end: int, rx: dict[str, re.Pattern]) -> Optional[Found]:
    """Read the CD5 result whose marker is text[start:end]; None when the mention is not a tumour result."""
    own, own_end = _own_window(text, end)
    before = clause_before(text, start)
    after = clause_after(text, end, 120)
    if ((rx["not_result"].search(own[:60]) and not rx["undetermined"].search(own[:90]))
            or rx["non_tumor"].search(before + " " + _list_heading(text, start))
            or _NON_TUMOR_START.match(own)
            or _OF_ALL_T_CELLS.search(own + _rest_of_item(text, own_end))
            or rx["non_tumor_after"].search(after)
            or rx["b_cell_clone"].search(before[-80:] + " " + after[:80])
            or rx["other_patient"].search(_paragraph(text, start))):
        return None
    span_start, span_end = start, end
    if _COMPARATOR.search(own) and _THRESHOLD_WORDS.search(before[-80:] + " " + own):
        return None  # 'the protocol requirement (CD5 on >=20% of tumour cells by flow)': a rule, not a result
    undetermined = rx["undetermined"].search(own[:90])
    if undetermined:  # 'CD5 status of the tumour is currently UNKNOWN': a statement that decides, as a result would
        return Found(start, end + undetermined.end(), "cd5", "CD5", value=None,
                     attrs={"expression_word": "undetermined", "method": None})
    expression = _sign_expression(own) or _word_expression(own, rx)
    percent = _percent(own)
    predicate = own
    if expression is None and percent is None:
        after_list = _LIST_AFTER.match(text[end:end + 80])
        if after_list:
            pred, pred_end = _own_window(text, end + after_list.end())
            if not rx["not_result"].search(pred[:60]):
                expression = _sign_expression(pred) or _word_expression(pred, rx)
                if expression is not None:
                    span_end, predicate = pred_end, pred
        if expression is None:
            expression, phrase_start = _before_expression(before, rx)
            if expression is not None:
                span_start = start - len(before) + phrase_start
    else:
        span_end = _consumed_end(text, end, own, rx)
    if expression is None and percent is None:
        return None
    line_start, _ = line_bounds(text, start)
    method = _method(predicate, rx) or _method_before(text[line_start:start], rx)
    return Found(span_start, span_end, "cd5", "CD5", value=percent,
                 attrs={"expression_word": expression, "method": method})


def _list_heading(text: str, start: int) -> str:
    """The heading line a listed marker sits under ('Residual normal T cells:' / 'CD3: positive' / 'CD5: ...'): the
    nearest line above ending in a colon, within the same block (no blank line), else ''."""
    pos = text.rfind("\n", 0, start)
    for _ in range(12):
        if pos <= 0:
            return ""
        prev = text.rfind("\n", 0, pos) + 1
        line = text[prev:pos].strip()
        if not line:
            return ""
        if line.endswith(":"):
            return line
        pos = prev - 1
    return ""


def _rest_of_item(text: str, pos: int) -> str:
    """The list item's text after CD5's own window, up to its comma or semicolon: '97% of |CD3+ T cells|,'
    (nothing when the window already ended its item: 'CD5 40%, |CD7 98% of T cells')."""
    if text[:pos].rstrip().endswith((",", ";")):
        return ""
    window = text[pos:pos + 25]
    cut = min((i for i in (window.find(","), window.find(";"), window.find("\n")) if i >= 0), default=len(window))
    return window[:cut]


def _own_window(text: str, pos: int) -> tuple[str, int]:
    """CD5's own words: up to the next marker, joining word or end of clause (parentheses are kept whole)."""
    clause = clause_after(text, pos, 110)
    m = _NEXT.search(clause)
    window = clause[: m.start()] if m else clause
    depth, cut = 0, len(window)
    for i, ch in enumerate(window):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                cut = i
                break
    window = window[:cut]
    if depth > 0:  # a parenthesis left open belongs to what follows, not to CD5
        window = window[: window.rfind("(")]
    return window, pos + len(window)


def _sign_expression(own: str) -> Optional[str]:
    m = _SIGN.match(own)
    if not m:
        return None
    token = (m.group(1) or m.group(2) or m.group(3) or m.group(4) or "").lower()
    return "negative" if token in ("-", "−", "negative") else "positive"


def _word_expression(window: str, rx: dict[str, re.Pattern]) -> Optional[str]:
    # A specific word wins over a generic one anywhere in the window: "expressed on 45% (partial)" is partial.
    for kind in ("dim", "partial", "negative", "positive"):
        if rx[f"expr_{kind}"].search(window):
            return kind
    return None


def _before_expression(before: str, rx: dict[str, re.Pattern]) -> tuple[Optional[str], int]:
    """'negative for CD3, CD5 and CD7', 'loss of CD5', 'partial CD5': the closest phrase before a marker list."""
    best: tuple[int, Optional[str], int] = (-1, None, 0)
    for kind in ("negative", "positive", "partial", "dim"):
        for m in rx[f"before_{kind}"].finditer(before):
            between = before[m.end():]
            if re.fullmatch(r"[\s,/&]*(?:(?:the\s+)?[\w-]*\s*antigens?\s*)?(?:(?:[cs]?CD\d+[a-z]?|TdT)\s*(?:\([^)]*\))?[\s,/&]*(?:and|or)?[\s,/&]*)*", between):
                if m.end() > best[0]:
                    best = (m.end(), kind, m.start())
    return best[1], best[2]


def _percent(own: str) -> Optional[float]:
    m = _PERCENT.search(own) or _TABLE_NUMBER.match(own)
    if m:
        value = float(m.group(1) or m.group(2))
    elif (w := _WORD_PERCENT.search(own)) is not None:
        value = float(_word_number(w))
    else:
        return None
    return value if 0 <= value <= 100 else None


def _word_number(m: re.Match) -> int:
    """The number a _WORD_PERCENT match spells: 'ninety-five' -> 95."""
    if m["hundred"]:
        return 100
    if m["teen"]:
        return _TEENS[m["teen"].lower()]
    if m["tens"]:
        return _TENS[m["tens"].lower()] + (_UNITS[m["unit"].lower()] if m["unit"] else 0)
    return _UNITS[m["single"].lower()]


def _consumed_end(text: str, end: int, own: str, rx: dict[str, re.Pattern]) -> int:
    """End the evidence at the last percent or expression word of CD5's own window."""
    last = 0
    for m in _PERCENT.finditer(own):
        last = max(last, m.end())
    m = _TABLE_NUMBER.match(own)
    if m:
        last = max(last, m.end())
    for m in _WORD_PERCENT.finditer(own):
        last = max(last, m.end())
    for kind in ("dim", "partial", "negative", "positive"):
        for w in rx[f"expr_{kind}"].finditer(own):
            last = max(last, w.end())
    sign = _SIGN.match(own)
    if sign:
        last = max(last, sign.end())
    # close a parenthesis we stopped inside of, so the span reads whole: "CD5+ (88%, bright)"
    piece = own[:last]
    if piece.count("(") > piece.count(")"):
        close = own.find(")", last)
        if close != -1:
            last = close + 1
    return end + last


def _method(window: str, rx: dict[str, re.Pattern]) -> Optional[str]:
    ihc, flow = rx["method_ihc"].search(window), rx["method_flow"].search(window)
    if ihc and flow:
        return "ihc" if ihc.start() < flow.start() else "flow"
    return "ihc" if ihc else "flow" if flow else None


def _method_before(prefix: str, rx: dict[str, re.Pattern]) -> Optional[str]:
    """The method cue closest before CD5 on its line ('BM 04/22: ... CD5 92%' is flow; 'Core bx: ... CD5 60%' is IHC)."""
    last_ihc = max((m.end() for m in rx["method_ihc"].finditer(prefix)), default=-1)
    last_flow = max((m.end() for m in rx["method_flow"].finditer(prefix)), default=-1)
    if last_ihc == last_flow == -1:
        return None
    return "ihc" if last_ihc > last_flow else "flow"


def _paragraph(text: str, pos: int) -> str:
    """The paragraph (between blank lines) holding `pos`."""
    start = text.rfind("\n\n", 0, pos)
    end = text.find("\n\n", pos)
    return text[start + 1 if start >= 0 else 0:end if end >= 0 else len(text)]
