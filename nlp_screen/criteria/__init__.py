"""PatientFacts -> PatientResult: the protocol's 27 criteria and the verdict, deterministic, no spaCy.

`evaluate_patient` is the only entry point; each criterion is a small function named after its contract id.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Optional, Sequence

from ..facts import PatientFacts, collect
from ..models import (CD5Fact, CriterionResult, DiagnosisFact, ECOGFact, LVEFFact, NoteFacts, PatientFactsOut,
                      PatientResult, TherapyFact)
from ..protocol import Protocol, load_protocol
from . import exclusion as exc
from . import inclusion as inc
from .cd5 import expression, select_cd5
from .common import MANUAL_REVIEW
from .therapy import count_lines_of_therapy, given_therapies, systemic_therapies

Criterion = Callable[[PatientFacts, Protocol], CriterionResult]

# The contract's order (CONTRACT.md section 2): every patient line lists all 27, in this order.
CRITERIA: tuple[Criterion, ...] = (
    inc.inc_age, inc.inc_diagnosis, inc.inc_disease_burden, inc.inc_relapsed_refractory, inc.inc_cd5,
    inc.inc_ecog, inc.inc_life_expectancy, inc.inc_cardiac_function, inc.inc_renal_function,
    inc.inc_hepatic_function, inc.inc_pulmonary_function, inc.inc_apheresis_feasible,
    inc.inc_no_severe_psychiatric, inc.inc_contraception, inc.inc_consent,
    exc.exc_prior_cell_therapy, exc.exc_active_cns, exc.exc_recent_anticancer_therapy, exc.exc_active_infection,
    exc.exc_cerebrovascular_or_seizure, exc.exc_viral_infection, exc.exc_cardiac_disease, exc.exc_autoimmune,
    exc.exc_prior_malignancy, exc.exc_live_vaccine, exc.exc_pregnancy, exc.exc_investigator,
)
CRITERION_IDS: tuple[str, ...] = tuple(c.__name__ for c in CRITERIA)
KEY_INCLUSIONS = ("inc_diagnosis", "inc_relapsed_refractory", "inc_cd5")


def evaluate_patient(patient_id: str, notes: Sequence[NoteFacts], as_of: Optional[dt.date] = None,
                     protocol: Optional[Protocol] = None) -> PatientResult:
    p = protocol or load_protocol()
    f = collect(patient_id, notes, as_of)
    results = [criterion(f, p) for criterion in CRITERIA]
    return PatientResult(patient_id=patient_id, as_of=f.as_of, verdict=verdict(results), criteria=results,
                         facts=patient_facts_out(f, p), review_first=review_first(results),
                         notes_screened=f.notes_screened)


def verdict(results: Sequence[CriterionResult]) -> str:
    """excluded if any fail; candidate if the key inclusions all pass; else insufficient (contract)."""
    status = {r.id: r.status for r in results}
    if "fail" in status.values():
        return "excluded"
    if all(status.get(k) == "pass" for k in KEY_INCLUSIONS):
        return "candidate"
    return "insufficient"


def review_first(results: Sequence[CriterionResult]) -> list[str]:
    """Unknown criteria a coordinator should check, key inclusions first, manual-review-only ones last."""
    unknown = [r for r in results if r.status == "unknown"]
    def rank(r: CriterionResult) -> tuple[int, int]:
        if r.id in KEY_INCLUSIONS:
            return (0, KEY_INCLUSIONS.index(r.id))
        if r.reason.startswith(MANUAL_REVIEW):
            return (3, 0)
        return (1 if r.type == "inclusion" else 2, 0)
    return [r.id for r in sorted(unknown, key=rank)]


def patient_facts_out(f: PatientFacts, p: Protocol) -> PatientFactsOut:
    dx_by_cat: dict[str, DiagnosisFact] = {}
    for m in sorted(f.diagnoses(), key=f.recency_key):
        dx_by_cat[m.label] = DiagnosisFact(category=m.label, text=m.evidence.text, evidence=m.evidence)
    cd5 = select_cd5(f)
    if cd5 is not None and cd5.word == "undetermined":
        cd5 = None  # the latest note says CD5 is not known
    ecog = inc.select_ecog(f)
    lvef = inc.select_lvef(f)
    therapies: dict[tuple[str, str], TherapyFact] = {}
    for m in sorted(given_therapies(f), key=f.recency_key):
        therapies.setdefault((m.label, m.name or m.evidence.text), TherapyFact(
            category=m.label, name=m.name or m.evidence.text, evidence=m.evidence))
    return PatientFactsOut(
        age=f.age_years(),
        sex=f.sex,
        diagnoses=list(dx_by_cat.values()),
        cd5=CD5Fact(method=cd5.method, percent=cd5.percent, expression=expression(cd5, p),
                    evidence=cd5.mention.evidence) if cd5 else None,
        ecog=ECOGFact(value=int(ecog.value), converted_from_kps=ecog.attrs.get("converted_from_kps"),
                      evidence=ecog.evidence) if ecog else None,
        lvef=LVEFFact(value=lvef.value, high=lvef.high, qualitative=lvef.attrs.get("qualitative"),
                      evidence=lvef.evidence) if lvef else None,
        prior_therapies=list(therapies.values()),
        lines_of_therapy=count_lines_of_therapy(f, systemic_therapies(f)),
    )
