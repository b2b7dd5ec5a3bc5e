"""Mentions placed in time: the date written beside each mention of a note (positions in, dates out)."""
from __future__ import annotations

import bisect
import re
from typing import Optional, Protocol

from .extractors import Found
from .extractors.base import line_bounds, wrapped_break
from .extractors.scores import BIRTH_LABEL

# How far (characters, same line) a date may stand from a mention and still be "written beside" it.
_DATE_REACH = 60
# Words between a value and a date that give the date to something else: 'LVEF 44% (previously 60% in 02/2024)',
# 'HBsAg: REACTIVE (was nonreactive 09/2024)',
# '... on blood flow 09/30/2024). Yellow fever vaccine' (a sentence ends between them), '08/20/2025  Indication:
# cumulative anthracycline (CHOEP x3)' (the exam's date; an indication names what came before it).
# An initial's full stop ends no sentence: 'in 03/2023 by E. coli bacteremia'.
_SEPARATES = re.compile(r"\b(?:previously|prior|formerly|compared|baseline)\b|\(\s*(?:was|were)\b|(?-i:(?<![\s(][A-Z]))\.(?:\s|$)|;(?:\s|$)"
                        r"|\b(?:indications?|reason\s+for\s+(?:study|exam|examination|referral|consult))\s*:", re.I)
# For a therapy, also a test or procedure between it and the date: the date is the test's ('Response to
# re-induction: bone marrow aspirate/biopsy done 09/22/2025', 'refractory to azacitidine), CD5 expressed (IHC
# 08/20/2025').
_SEPARATES_THERAPY = re.compile(r"\b(?:marrow|biops(?:y|ies)|aspirates?|lumbar\s+puncture|LP|PET|CT|MRI|echo|TTE|scans?|"
                                r"imaging|labs?|CBC|CSF|flow|MRD|IHC|immunohistochemistry|stains?|FISH|cytogenetics|"
                                r"karyotype|pathology)\b", re.I)
# A past participle or a moment of care right before a date gives it to what came before ('excised 2014', 'diagnosed
# in 03/2019', 'ECOG 3 on admission 12/06/2025 and ECOG 2 at discharge 12/15/2025', 'the aspergillosis admission of
# 03/2024 and ECOG 2 ...').
_EVENT_VERB_BEFORE = re.compile(r"\b(?:excised|resected|removed|diagnosed|dx'?d|treated|biopsied|completed|(?:on|at)\s+"
                                r"(?:admission|discharge|diagnosis|presentation|relapse)|(?<=\w\s)of)\s+(?:in\s+|on\s+)?$", re.I)
# A mention opening the parenthesis right after a date, or after the stay that date names, annotates that date:
# 'LVEF 45% on 04/18/2025 (sepsis)', 'ECOG 3 during 03/2025 admission (neutropenic fever)'.
_ANNOTATES = re.compile(r"[^\S\n]*(?:(?:admission|hospitali[sz]ation|hospital\s+stay|stay|(?:ed|er|clinic)\s+visit|visit|"
                        r"episode)[^\S\n]*)?\([^\S\n]*", re.I)
# What joins a mention to its own date right after it.
_ON_DATE = re.compile(r"[^\S\n]+(?:on|dated)[^\S\n]+", re.I)
# A mention followed by these words is the note's own, whatever date stands near it.
_NOW_AFTER = re.compile(r"[^\S\n]*(?:today|now|currently|at\s+present|at\s+this\s+visit)\b", re.I)
# How far a date heading a line reaches into it: a list item or table row, not a dictated paragraph that
# starts with the visit date.
_HEADING_REACH = 150


class SectionTitles(Protocol):
    def title_span(self, char: int) -> Optional[tuple[int, int]]: ...


def assign_dates(text: str, mentions: list[tuple[int, int, bool]], dates: list[Found],
                 sections: Optional[SectionTitles] = None, line_of: Optional["LineIndex"] = None) -> list[Optional[Found]]:
    """The date (a `Found` of kind date: attrs iso and precision) written beside each mention (start, end,
    is_therapy), or None.

    Each date on a line is claimed by the mention nearest to it on that line ("LVEF 40% (03/2023) -> 58% on TTE
    01/09/2025" gives 40% the 2023 date and 58% the 2025 one). A mention that claimed a date takes the nearest it
    claimed (a therapy takes the latest: '07/15/2024-02/28/2025: duvelisib' ended 02/28/2025); one that claimed none
    takes, if a therapy, the dates right after it with no other mention between (_dates_right_after), or the date of
    the therapy whose parenthesis holds it (_parenthesised_in), else the date heading its column in a flowsheet (a line of dates above its row), else
    the closest date before it that labels its line ('BM 04/22/25: 38% blasts, CD5 92%'), else a date on its
    section's title line ('LABS (05/09/2025)'). A therapy's date must be its own:
    a visit date heading a dictated paragraph is not when CHOP was given.
    """
    if not dates:
        return [None] * len(mentions)
    line_of = line_of or LineIndex(text)
    by_line: dict[int, list[int]] = {}
    for i, (s, _, _) in enumerate(mentions):
        by_line.setdefault(line_of(s), []).append(i)
    claimed: dict[int, list[tuple[int, Found]]] = {}
    dates_by_line: dict[int, list[Found]] = {}
    for d in dates:
        if _is_birth_date(text, d):
            continue
        line = line_of(d.start)
        dates_by_line.setdefault(line, []).append(d)
        best: Optional[tuple[int, int]] = None
        backward_only = _EVENT_VERB_BEFORE.search(text, max(0, d.start - 24), d.start) is not None
        for i in by_line.get(line, ()):
            s, e, is_therapy = mentions[i]
            if backward_only and s >= d.start:
                continue  # 'Melanoma in situ, excised 2014, no recurrence': what was excised, not what follows
            gap = d.start - e if d.start >= e else s - d.end
            if not 0 <= gap <= _DATE_REACH or (best is not None and gap >= best[0]):
                continue
            between = text[e:d.start] if d.start >= e else text[d.end:s]
            if d.start >= e and _ON_DATE.fullmatch(between):
                gap = 0  # 'Labs 03/02/2026: creatinine 3.1 mg/dL on 06/07/2024': the mention's own date, not its label's
            if not _separated(between, is_therapy and d.start >= e, is_therapy and d.end <= s) and (best is None or gap < best[0]):
                best = (gap, i)
        if best is not None:
            claimed.setdefault(best[1], []).append((best[0], d))
    out: list[Optional[Found]] = []
    for i, (s, e, is_therapy) in enumerate(mentions):
        if _NOW_AFTER.match(text, e):
            out.append(None)  # 'ECOG 3-4 during the 10/2024 admission; ECOG 1 today': the note's own date
            continue
        mine = claimed.get(i)
        if mine:
            # a therapy takes its latest written date; an approximate '(just over two weeks ago)' beside an
            # exact '03/31/2025' restates it and yields
            if is_therapy and any(gd[1].start >= e for gd in mine):
                # a label's date ('Pharmacy reconciliation 12/12/2025: last anticancer drug hydroxyurea 11/04/2025')
                # is not the therapy's when one is written after it
                mine = [gd for gd in mine if not _labels_after(text, gd[1], s)]
            pick = (max(mine, key=lambda gd: (gd[1].attrs["precision"] != "relative", gd[1].attrs["iso"])) if is_therapy
                    else min(mine, key=lambda gd: gd[0]))
            out.append(pick[1])
            continue
        if is_therapy:
            own = _dates_right_after(text, e, dates_by_line.get(line_of(s), ()), mentions, by_line.get(line_of(s), ()))
            if own:
                out.append(max(own, key=lambda d: d.attrs["iso"]))
                continue
            parent = _parenthesised_in(text, s, mentions, by_line.get(line_of(s), ()), i)
            if parent is not None and out[parent] is not None:
                out.append(out[parent])
                continue
        annotated = [d for d in dates_by_line.get(line_of(s), ()) if d.end <= s and _ANNOTATES.fullmatch(text, d.end, s)]
        if annotated:
            out.append(annotated[-1])  # 'LVEF 45% on 04/18/2025 (sepsis, outside hospital)': the date's own annotation
            continue
        row = [d for d in dates_by_line.get(line_of(s), ()) if _is_table_row(text, s)] if not is_therapy else []
        if row:
            out.append(row[0])  # '| Break | invasive pulmonary aspergillosis; chemotherapy held | 08/15/2024 - 09/30/2024 |'
            continue
        column = _column_date(text, s, e, line_of, dates_by_line) if not is_therapy else None
        if column is not None:
            out.append(column)
            continue
        title = sections.title_span(s) if sections and not is_therapy else None
        # a date that labels a field ('ECHO 04/28/2025:') reaches no further than the next section header
        # ('...LVEF 62%.   ASSESSMENT:   He does not have measurable disease' in a note whose line breaks were lost)
        before = [d for d in dates_by_line.get(line_of(s), ()) if d.end <= s and s - d.end <= _heading_reach(text, d)
                  and _heads_its_line(text, d)
                  and not (title and title[0] >= d.end and _COLON_AFTER.match(text, d.end, d.end + 4))] if not is_therapy else []
        if before:
            # a later date in the mention's own sentence is more specific than the line's label: 'Echo 19/02/2026:
            # LVEF 58%. Previous echo 08/2024 after CHOP: LVEF 47%' (47% is of 08/2024, even if CHOP claimed it)
            nearer = [d for d in dates_by_line.get(line_of(s), ()) if before[-1].end <= d.start and d.end <= s
                      and _LABEL_COLON_BEFORE.search(text, d.end, s) and not _SENTENCE_OR_NOW.search(text, d.end, s)]
            out.append(nearer[-1] if nearer else before[-1])
            continue
        opening = [d for d in dates_by_line.get(line_of(s), ()) if d.end <= s and s - d.end <= _OPENER_REACH
                   and _opens_sentence(text, d) and not _SENTENCE_END.search(text, d.end, s)] if not is_therapy else []
        if opening:
            out.append(opening[-1])  # 'In 04/2023, about six months after transplant, he had a single seizure'
            continue
        in_title = [d for d in dates if title and title[0] <= d.start and d.end <= title[1] + 40
                    and line_of(d.start) == line_of(title[0]) and _labels_title(text, title, d)] if title else []
        out.append(in_title[0] if in_title else None)
    return out


# A date that opens its sentence as an adverbial ('In 04/2023, ...', 'On 03/14/2025, ...') dates what the sentence
# tells, when nothing nearer does.
_OPENER_REACH = 200
_OPENER_BEFORE = re.compile(r"(?:^|[.!?][^\S\n]+|\n[^\S\n]*)(?:(?:in|on|during|since|by|around|back\s+in|as\s+of|early|late|mid)\s+)?$", re.I)
_OPENER_AFTER = re.compile(r"[^\S\n]*,")
_SENTENCE_END = re.compile(r"(?-i:(?<![\s(][A-Z]))\.(?:\s|$)|[;!?](?:\s|$)")


def _opens_sentence(text: str, date: Found) -> bool:
    """'In 04/2023, ...' at a sentence's start, or a date a 'when' clause tells about: 'seizure-free 2021 until May
    2025, when she had a single breakthrough seizure'."""
    if _WHEN_AFTER.match(text, date.end):
        return True
    return (_OPENER_AFTER.match(text, date.end) is not None
            and _OPENER_BEFORE.search(text[max(0, date.start - 30):date.start]) is not None)


_WHEN_AFTER = re.compile(r"[^\S\n]*,?[^\S\n]*when\b", re.I)


def _labels_after(text: str, date: Found, start: int) -> bool:
    """Whether `date` stands before the mention starting at `start` as a label's date: followed by a colon."""
    return date.end <= start and _COLON_AFTER.match(text, date.end, date.end + 4) is not None


def _dates_right_after(text: str, end: int, line_dates, mentions: list, line_mentions) -> list[Found]:
    """Dates after a therapy that no other mention stands between, within reach and without a separator: its own,
    even when a status written after them is nearer ('CHOEP x 6 (2022) -> CR', 'crizotinib 250 mg BID,
    03/2025 - 06/2025: progression')."""
    starts = [mentions[j][0] for j in line_mentions if mentions[j][0] >= end]
    limit = min([end + _DATE_REACH] + starts)
    return [d for d in line_dates if end <= d.start and d.end <= limit and not _separated(text[end:d.start], True)]


def _parenthesised_in(text: str, start: int, mentions: list, line_mentions, i: int) -> Optional[int]:
    """The therapy whose parenthesis holds the therapy starting at `start`: its nearest mention before it on the
    line, when a '(' opened after that mention is still open here ('MUD alloSCT 11/14/2023 (Flu/Bu4 + ATG)',
    'auto-SCT 05/2024 (BEAM conditioning)'): the parts of a dated therapy share its date."""
    before = [j for j in line_mentions if j < i and mentions[j][1] <= start and mentions[j][2]]
    if not before:
        return None
    j = max(before, key=lambda k: mentions[k][1])
    between = text[mentions[j][1]:start]
    opened = between.rfind("(")
    if opened < 0 or ")" in between[opened:] or start - mentions[j][1] > _DATE_REACH or _SEPARATES.search(between):
        return None
    return j


def _separated(between: str, therapy_then_date: bool, date_then_therapy: bool = False) -> bool:
    """Whether the words between a mention and a date give the date to something else (_SEPARATES; after a therapy,
    also a test or procedure: _SEPARATES_THERAPY; before a therapy, 'after': 'Bone marrow collected 04/15/2025
    (after 2 cycles venetoclax ...)' dates the marrow)."""
    return bool(_SEPARATES.search(between) or (therapy_then_date and _SEPARATES_THERAPY.search(between))
                or (date_then_therapy and _AFTER_BETWEEN.search(between)))


_AFTER_BETWEEN = re.compile(r"\b(?:after|following|post)\b", re.I)


# How far up a flowsheet's header line of dates may stand above a row, and how many characters a value may stand
# beside its column's date (numbers and dates are aligned left or right).
_HEADER_LOOKBACK = 15
_COLUMN_SLACK = 2


def _column_date(text: str, start: int, end: int, line_of: "LineIndex",
                 dates_by_line: dict[int, list[Found]]) -> Optional[Found]:
    """The date of a flowsheet column holding the value that ends the mention:
        "            01/25    01/26    01/28      Ref"
        "Creatinine  2.9 H    2.6 H    2.3 H      0.7-1.1"   ('2.3' -> 01/28)
    The header is the nearest line above with two or more dates, with no blank line between; the value must lie
    under one of them, else no date."""
    line = line_of(start)
    value_end = start + len(text[start:end].rstrip())
    if not text[value_end - 1:value_end].isdigit():
        return None  # flowsheet cells are numbers
    value_start = max(start, *(text.rfind(blank, start, value_end) + 1 for blank in " \t|"))
    value_col = (value_start - line_of.start(line), value_end - line_of.start(line))
    for above in range(line - 1, max(-1, line - 1 - _HEADER_LOOKBACK), -1):
        if not text[line_of.start(above):line_of.start(above + 1)].strip():
            return None  # a blank line ends the table
        header = dates_by_line.get(above, ())
        if len(header) < 2 or not _is_date_header(text, line_of.start(above), line_of.start(above + 1), header):
            continue
        origin = line_of.start(above)
        gap, date = min(((_column_gap(value_col, (d.start - origin, d.end - origin)), d) for d in header),
                        key=lambda gd: gd[0])
        return date if gap <= _COLUMN_SLACK else None
    return None


_HEADER_WORDS_MAX = 25


def _is_date_header(text: str, start: int, end: int, dates: list) -> bool:
    """A line of column dates ('Ref range   04/14/2025   06/30/2025'): little but its dates ('seizure 11/06/2025 ...;
    off levetiracetam since 09/2025' is prose with two dates)."""
    pieces, pos = [], start
    for d in dates:
        pieces.append(text[pos:d.start])
        pos = d.end
    pieces.append(text[pos:end])
    return sum(len("".join(piece.split())) for piece in pieces) <= _HEADER_WORDS_MAX


def _column_gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two column ranges (0 when they overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


_TITLE_DATE_GAP = re.compile(r"[\s:(\[\-\u2013,]*")


def _labels_title(text: str, title: tuple[int, int], date: Found) -> bool:
    """A date inside a section title or right after it ('LABS (05/09/2025)', 'LABS - 05/09/2025:') dates the
    section; one further along the title's line is the first sentence's ('A/P: 44M s/p auto-HSCT 07/2025 ...')."""
    return date.start <= title[1] or _TITLE_DATE_GAP.fullmatch(text, title[1], date.start) is not None


_BIRTH = re.compile(BIRTH_LABEL + r"[^\n]{0,16}$")


def _is_birth_date(text: str, date: Found) -> bool:
    """'DOB [redacted] 2000 (24 years old)': a birth date is no mention's date (the age beside it is today's)."""
    return bool(_BIRTH.search(text, max(0, date.start - 30), date.start))


def _heads_its_line(text: str, date: Found) -> bool:
    """A date that labels what follows on its line: near the line start ('BM 04/22/25: 38% blasts, CD5 92%',
    '- 07/15/2024-02/28/2025: duvelisib') or followed by a colon ('TTE 05/02/2025: LVEF 60%'). A date in the
    middle of a sentence ('CD5 97% by flow (03/31/2025), ... declined to ECOG 3') belongs to its neighbour only."""
    line_start = text.rfind("\n", 0, date.start) + 1
    if _PREPOSITION_BEFORE.search(text, max(line_start, date.start - 12), date.start):
        return False  # 'ECOG 3 in February; ECOG 1 today': a date inside a phrase labels nothing
    return date.start - line_start <= 30 or bool(_COLON_AFTER.match(text, date.end, date.end + 4))


def _is_table_row(text: str, pos: int) -> bool:
    """Whether `pos` lies on a pipe table's row ('| Break | aspergillosis | 08/15/2024 - 09/30/2024 |'): its date
    cell dates the row's findings."""
    start, end = line_bounds(text, pos)
    line = text[start:end]
    return line.lstrip().startswith("|") and line.count("|") >= 3


def _heading_reach(text: str, date: Found) -> int:
    """How far a date heading its line reaches: a history list item's date ('- 07/2025: salvage ... Complicated by
    ... bacteremia.') dates the whole item; a date opening other lines, _HEADING_REACH."""
    line_start = text.rfind("\n", 0, date.start) + 1
    return _ITEM_REACH if _ITEM_DATE.fullmatch(text, line_start, date.start) and _COLON_AFTER.match(text, date.end, date.end + 4) \
        else _HEADING_REACH


_ITEM_DATE = re.compile(r"[^\S\n]*(?:[-*\u2022]|\d{1,2}[.)])[^\S\n]*")
_ITEM_REACH = 400


_PREPOSITION_BEFORE = re.compile(r"\b(?:in|on|since|during|from|until|till|by|before|after|of|last)\s+(?:the\s+)?(?:early\s+|mid\s+|late\s+)?$", re.I)


_COLON_AFTER = re.compile(r"\s*\)?\s*:")


_NEWLINE = re.compile("\n")
_SENTENCE_OR_NOW = re.compile(r"[.;](?:\s|$)|\b(?:now|today|currently|at\s+present)\b", re.I)
_LABEL_COLON_BEFORE = re.compile(r":[^\S\n]*$")  # the mention follows a label's colon ('... 08/2024 after CHOP: LVEF 47%')


class LineIndex:
    """Line number of a character offset (bisect over the newline offsets, found by one regex pass).

    Lines are written lines, except that hard-wrapped prose is one line across its breaks (the sentence splitter's
    rule): in '...non-ST-elevation myocardial infarction\non 12/03/2024 treated with ...' the date is beside the MI.
    """

    def __init__(self, text: str) -> None:
        self._breaks = [m.start() for m in _NEWLINE.finditer(text) if not wrapped_break(text, m.end())]

    def __call__(self, char: int) -> int:
        return bisect.bisect_left(self._breaks, char)

    def start(self, line: int) -> int:
        """Offset of the first character of `line` (0-based, as __call__ numbers them)."""
        return 0 if line <= 0 else self._breaks[line - 1] + 1
