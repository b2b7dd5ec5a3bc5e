"""NoteFacts* -> PatientFacts: one patient's mentions placed in time, with the selections the criteria share.

The contract's rules live here: the as-of date, "the most recent value wins" (its date, then its position), and
which mentions count as the patient's own affirmed facts.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

from .extractors.scores import age_on
from .models import Mention, NoteFacts

_DOB_FIELD = re.compile(r"(?:DOB|D\.O\.B|date\s+of\s+birth|birth\s*date)", re.I)
T_CELL_CATEGORIES = ("T-ALL", "T-LBL", "PTCL-NOS", "AITL", "ALCL", "ENKTL", "T-PLL", "ATLL", "MF", "SS", "OTHER-TCL")
CUTANEOUS_CATEGORIES = ("MF", "SS")
LEUKEMIA_CATEGORIES = ("T-ALL",)


def is_own(m: Mention) -> bool:
    """The patient's own, stated as real: not a relative's, not a plan or a conditional, not a differential."""
    return not (m.family or m.hypothetical or m.uncertain)


def is_affirmed(m: Mention) -> bool:
    return is_own(m) and not m.negated


def is_possible(m: Mention) -> bool:
    """The patient's own, written as uncertain: 'we cannot confirm whether the autologous SCT was performed', 'no
    record of whether allo-HSCT was done' (a 'no' before 'whether' does not settle it)."""
    return m.uncertain and not (m.family or m.hypothetical)


def is_absent(m: Mention) -> bool:
    """A documented absence: 'no CNS involvement', 'HIV Ab nonreactive'."""
    return is_own(m) and m.negated


def test_result(m: Mention) -> Optional[str]:
    """For lab-test mentions, 'positive' / 'negative' / None from the words after the test (ConText is not used)."""
    return m.attrs.get("result") if m.attrs.get("test") else None


@dataclass
class PatientFacts:
    """All mentions of one patient's notes, in input order, with its screening date."""

    patient_id: str
    as_of: dt.date
    mentions: list[Mention]
    note_order: dict[str, int] = field(default_factory=dict)
    notes_screened: int = 0
    # undated mentions written before a dated value of the same measure in the same note are older than it
    narrative_dates: dict[tuple, dt.date] = field(default_factory=dict)

    def when(self, m: Mention) -> Optional[dt.date]:
        """The date that places a measurement in time (see `narrative_dates`)."""
        return self.narrative_dates.get(_key(m), m.when)

    def of(self, kind: str, *labels: str, where: Callable[[Mention], bool] = is_own) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind and (not labels or m.label in labels) and where(m)]

    def recency_key(self, m: Mention) -> tuple:
        """Latest date first, then the note's own date, then the later position in the note."""
        when = self.when(m) or dt.date.min
        note_date = m.evidence.note_date or dt.date.min
        return (when, note_date, self.note_order.get(m.evidence.note_id, 0), m.evidence.start)

    def latest(self, mentions: Iterable[Mention]) -> Optional[Mention]:
        ms = list(mentions)
        return max(ms, key=self.recency_key) if ms else None

    def latest_date_group(self, mentions: Iterable[Mention]) -> list[Mention]:
        """The mentions sharing the most recent date, in recency order (last = most recent position)."""
        ms = sorted(mentions, key=self.recency_key)
        if not ms:
            return []
        top = self.when(ms[-1])
        return [m for m in ms if self.when(m) == top]

    def days_before_as_of(self, date: Optional[dt.date]) -> Optional[int]:
        return None if date is None else (self.as_of - date).days

    @property
    def sex(self) -> Optional[str]:
        m = self.latest(self.of("sex", where=is_affirmed))
        return m.label if m else None

    @property
    def age(self) -> Optional[Mention]:
        """The age from a written birth date; else the age the most recent note gives, its first statement of one:
        later ages in a note are often a relative's or a past event's ('Father with HTN ...; now 82 years old',
        'pyloric stenosis, age 1')."""
        ms = self.of("age", where=is_affirmed)
        if not ms:
            return None
        born = [m for m in ms if m.attrs.get("dob") and _DOB_FIELD.match(m.evidence.text)]
        if born:
            ms = born  # a birth-date field counts the age to the screening date: it outranks any age stated ('born
            # 09/10/2025' in a sentence may be a child's)
        newest = max(self.recency_key(m)[:3] for m in ms)
        return min((m for m in ms if self.recency_key(m)[:3] == newest), key=lambda m: m.evidence.start)

    def age_range(self) -> Optional[tuple[int, int]]:
        """The patient's possible ages at the screening date: exact from a birth date; from an age stated on an
        earlier day, that age plus the years that may have passed since ('17-year-old' on 02/10, screened 04/22:
        17 or 18)."""
        m = self.age
        if m is None:
            return None
        if m.attrs.get("dob"):
            years = self.age_years()
            return years, years
        stated = int(m.value)
        said_on = self.when(m) or m.evidence.note_date
        days = (self.as_of - said_on).days if said_on is not None else 0
        if days <= 0:
            return stated, stated
        return stated + days // 366, stated + -(-days // 365)

    def age_years(self) -> Optional[int]:
        """The patient's age in whole years: counted to the screening date from a written birth date, else as
        the note states it ('79-year-old')."""
        m = self.age
        if m is None:
            return None
        dob = m.attrs.get("dob")
        if dob is None:
            return int(m.value)
        return age_on(dt.date.fromisoformat(dob), self.as_of)

    def diagnoses(self) -> list[Mention]:
        """The patient's own affirmed diagnoses (past ones included); a generic 'T-cell lymphoma' only when no
        specific T-cell category is named; generic words ('malignancy') never count as a diagnosis; none that a
        later revision replaced (superseded_by_revision)."""
        ms = superseded_by_revision([m for m in self.of("diagnosis", where=is_affirmed) if not m.attrs.get("generic")],
                                    self.note_order)
        specific = {m.label for m in ms if m.label in T_CELL_CATEGORIES and m.label != "OTHER-TCL"}
        return [m for m in ms if not (m.label == "OTHER-TCL" and specific)]

    def t_cell_categories(self) -> set[str]:
        return {m.label for m in self.diagnoses() if m.label in T_CELL_CATEGORIES}


def superseded_by_revision(ms: list[Mention], note_order: dict[str, int]) -> list[Mention]:
    """Drop the diagnoses that the latest revision replaced: 'In-house review: diagnosis REVISED to T-cell/histiocyte-
    rich large B-cell lymphoma' ends the PTCL-NOS that the outside report, the referral and the lines before it
    named. A diagnosis of another category written before the revision (an earlier note, or earlier in its note) is
    dropped; one written after it stands (a later note may name the disease again)."""
    revisions = [m for m in ms if m.attrs.get("revised_to")]
    if not revisions:
        return ms

    def position(m: Mention) -> tuple:
        return (m.evidence.note_date or dt.date.min, note_order.get(m.evidence.note_id, 0), m.evidence.start)

    revision = max(revisions, key=position)
    return [m for m in ms if m.label == revision.label or position(m) >= position(revision)]


def as_of_date(notes: Sequence[NoteFacts], given: Optional[dt.date], today: Optional[dt.date] = None) -> dt.date:
    """--as-of when given, else the latest note date, else today (contract section 1)."""
    if given is not None:
        return given
    dates = [n.note_date for n in notes if n.note_date is not None]
    return max(dates) if dates else (today or dt.date.today())


def collect(patient_id: str, notes: Sequence[NoteFacts], as_of: Optional[dt.date] = None) -> PatientFacts:
    mentions = [m for n in notes for m in n.mentions if m.kind != "date"]
    return PatientFacts(patient_id=patient_id, as_of=as_of_date(notes, as_of), mentions=mentions,
                        note_order={n.note_id: i for i, n in enumerate(notes)}, notes_screened=len(notes),
                        narrative_dates=narrative_dates(notes))


def _key(m: Mention) -> tuple:
    return (m.evidence.note_id, m.evidence.start, m.evidence.end, m.kind, m.label)


def narrative_dates(notes: Sequence[NoteFacts]) -> dict[tuple, dt.date]:
    """Dates for undated mentions that a note's own narrative places earlier than its note date.

    "HBsAg+ at dx, HBV DNA undetectable on entecavir ... 06/12/2025: HBV DNA 3,850 IU/mL": the undated value
    comes before a dated one of the same measure, so it is no newer than that date (and, the date being equal,
    its earlier position makes it the older). Without a later dated value, an undated mention keeps its note's
    date (the contract's rule).
    """
    out: dict[tuple, dt.date] = {}
    for note in notes:
        earliest_after: dict[tuple[str, str], dt.date] = {}
        for m in sorted(note.mentions, key=lambda m: m.evidence.start, reverse=True):
            group = (m.kind, m.label)
            if m.date is not None:
                earliest_after[group] = min(m.date, earliest_after.get(group, m.date))
            elif group in earliest_after and m.when is not None and earliest_after[group] < m.when:
                out[_key(m)] = earliest_after[group]
    return out
