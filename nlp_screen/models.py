"""Typed records that cross a stage boundary.

Note -> (spaCy Doc) -> NoteFacts -> PatientFacts -> PatientResult; every one is a frozen pydantic model.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- input

class Note(_Frozen):
    """One clinical note as read from the input (contract section 1)."""

    patient_id: str
    note_id: str
    note_type: Optional[str] = None
    note_date: Optional[dt.date] = None
    text: str


# ---------------------------------------------------------------- extraction

ContextFlag = Literal["negated", "historical", "hypothetical", "family", "uncertain"]
CONTEXT_FLAGS: tuple[str, ...] = ("negated", "historical", "hypothetical", "family", "uncertain")

MentionKind = Literal[
    "diagnosis",       # label: contract diagnosis category (T-ALL ... OTHER)
    "therapy",         # label: contract therapy category; name: regimen/agent
    "disease_status",  # label: RELAPSE, REFRACTORY, PRIMARY_REFRACTORY, CR, MRD_NEGATIVE, PROGRESSION ...
    "condition",       # label: an exclusion concept (CNS_INVOLVEMENT, HIV, STROKE, NYHA ...)
    "trial_reference", # the trial's own name ("CD5-targeted CAR-NK"): never a result
    "cd5",             # attrs: expression, method; value: percent
    "ecog",            # value: ECOG grade; attrs: converted_from_kps
    "lvef",            # value/high: percent range; attrs: qualitative
    "age",             # value: years
    "sex",             # label: male / female
    "blasts",          # value: marrow blast percent
    "mrd",             # label: positive / negative; value: level percent when written
    "lesion",          # value: long axis cm; high: short axis cm; attrs: site
    "stage",           # label: MF/SS or Ann Arbor stage (IB, IIB, IVA1 ...)
    "lab",             # label: creatinine / alt / ast / bilirubin; value, unit; attrs: uln
    "spo2",            # value: percent; attrs: room_air (bool)
    "date",            # a date written in the text; attrs: iso, precision
]

AttrValue = Union[str, float, int, bool, None]


class Evidence(_Frozen):
    """A span of one note's text: `text == note.text[start:end]` always holds."""

    note_id: str
    start: int
    end: int
    text: str
    section: Optional[str] = None
    note_date: Optional[dt.date] = None
    note_type: Optional[str] = None


class Mention(_Frozen):
    """One fact found in one note, with its context and its span."""

    kind: MentionKind
    label: str
    name: Optional[str] = None
    value: Optional[float] = None
    high: Optional[float] = None
    unit: Optional[str] = None
    attrs: dict[str, AttrValue] = Field(default_factory=dict)
    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    family: bool = False
    uncertain: bool = False
    # flag -> the words that set it, e.g. {"negated": "no evidence of"}; "section:<name>" when a section set it
    cues: dict[str, str] = Field(default_factory=dict)
    section: Optional[str] = None
    date: Optional[dt.date] = None      # a date written beside the mention, if any
    evidence: Evidence

    @property
    def affirmed(self) -> bool:
        """The patient's own, present-or-past fact: not negated, family, hypothetical or uncertain."""
        return not (self.negated or self.family or self.hypothetical or self.uncertain)

    @property
    def when(self) -> Optional[dt.date]:
        """The date that places this mention in time: its own date, else its note's date."""
        return self.date or self.evidence.note_date


class NoteFacts(_Frozen):
    patient_id: str
    note_id: str
    note_type: Optional[str] = None
    note_date: Optional[dt.date] = None
    mentions: list[Mention] = Field(default_factory=list)


# ---------------------------------------------------------------- output (contract section 2)

Status = Literal["pass", "fail", "unknown"]
Verdict = Literal["candidate", "insufficient", "excluded"]


class CriterionResult(_Frozen):
    id: str
    type: Literal["inclusion", "exclusion"]
    status: Status
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)


class DiagnosisFact(_Frozen):
    category: str
    text: str
    evidence: Evidence


class CD5Fact(_Frozen):
    method: Optional[Literal["flow", "ihc"]] = None
    percent: Optional[float] = None
    expression: Optional[str] = None
    evidence: Evidence


class ECOGFact(_Frozen):
    value: int
    converted_from_kps: Optional[int] = None
    evidence: Evidence


class LVEFFact(_Frozen):
    value: Optional[float] = None
    high: Optional[float] = None
    qualitative: Optional[str] = None
    evidence: Evidence


class TherapyFact(_Frozen):
    category: str
    name: str
    evidence: Evidence


class PatientFactsOut(_Frozen):
    age: Optional[int] = None
    sex: Optional[str] = None
    diagnoses: list[DiagnosisFact] = Field(default_factory=list)
    cd5: Optional[CD5Fact] = None
    ecog: Optional[ECOGFact] = None
    lvef: Optional[LVEFFact] = None
    prior_therapies: list[TherapyFact] = Field(default_factory=list)
    # distinct lines of systemic therapy, as the relapsed/refractory criterion counts them
    lines_of_therapy: int = 0


class PatientResult(_Frozen):
    patient_id: str
    as_of: dt.date
    verdict: Verdict
    criteria: list[CriterionResult]
    facts: PatientFactsOut
    # the criteria still unknown that a coordinator should check first (key inclusions first)
    review_first: list[str] = Field(default_factory=list)
    notes_screened: int = 0
