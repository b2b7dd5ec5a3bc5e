"""Stand-ins for the Extractor and evaluate_patient, so CLI, I/O and report tests need no spaCy.

A module of its own so worker processes can import FakeExtractor by name.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator, Optional, Sequence

from nlp_screen.models import (CD5Fact, CriterionResult, DiagnosisFact, Evidence, Mention, Note, NoteFacts,
                               PatientFactsOut, PatientResult)

# CONTRACT.md section 2, the criteria table, top to bottom (written here from the contract, not from the code).
CRITERION_IDS = (
    "inc_age", "inc_diagnosis", "inc_disease_burden", "inc_relapsed_refractory", "inc_cd5", "inc_ecog",
    "inc_life_expectancy", "inc_cardiac_function", "inc_renal_function", "inc_hepatic_function",
    "inc_pulmonary_function", "inc_apheresis_feasible", "inc_no_severe_psychiatric", "inc_contraception",
    "inc_consent", "exc_prior_cell_therapy", "exc_active_cns", "exc_recent_anticancer_therapy",
    "exc_active_infection", "exc_cerebrovascular_or_seizure", "exc_viral_infection", "exc_cardiac_disease",
    "exc_autoimmune", "exc_prior_malignancy", "exc_live_vaccine", "exc_pregnancy", "exc_investigator",
)

# word in the note -> (kind, label) of the mention the fake finds
WORDS = {
    "T-ALL": ("diagnosis", "T-ALL"),
    "B-ALL": ("diagnosis", "OTHER"),
    "relapsed": ("disease_status", "RELAPSE"),
    "CD5": ("cd5", "positive"),
}
FAILING_WORD = "EXPLODE"  # the fake extractor raises on a note holding this word


class FakeExtractor:
    """Finds the first occurrence of each of WORDS in a note."""

    def __init__(self, patterns_dir: Optional[object] = None) -> None:
        pass

    def __call__(self, note: Note) -> NoteFacts:
        if FAILING_WORD in note.text:
            raise RuntimeError(f"cannot extract: {note.text}")
        mentions = []
        for word, (kind, label) in WORDS.items():
            start = note.text.find(word)
            if start >= 0:
                evidence = Evidence(note_id=note.note_id, start=start, end=start + len(word), text=word,
                                    note_date=note.note_date, note_type=note.note_type)
                mentions.append(Mention(kind=kind, label=label, evidence=evidence))
        return NoteFacts(patient_id=note.patient_id, note_id=note.note_id, note_type=note.note_type,
                         note_date=note.note_date, mentions=mentions)

    def pipe(self, notes: Iterable[Note], batch_size: int = 32) -> Iterator[NoteFacts]:
        for note in notes:
            yield self(note)


class UnbuildableExtractor:
    """An extractor whose pipeline cannot be built (a broken rules file, say)."""

    def __init__(self, patterns_dir: Optional[object] = None) -> None:
        raise ValueError("broken rules")


def fake_evaluate_patient(patient_id: str, notes: Sequence[NoteFacts], as_of: Optional[dt.date] = None) -> PatientResult:
    """Diagnosis, relapse and CD5 decide; B-ALL alone excludes; every other criterion is unknown."""
    mentions = [m for note in notes for m in note.mentions]
    by_label = {m.label: m for m in reversed(mentions)}  # first mention of each label

    def decided(criterion_id: str, label: str, failing_label: Optional[str] = None) -> CriterionResult:
        kind = "inclusion" if criterion_id.startswith("inc_") else "exclusion"
        if label in by_label:
            return CriterionResult(id=criterion_id, type=kind, status="pass", reason=f"{label} found",
                                   evidence=[by_label[label].evidence])
        if failing_label in by_label:
            return CriterionResult(id=criterion_id, type=kind, status="fail", reason=f"only {failing_label} found",
                                   evidence=[by_label[failing_label].evidence])
        return CriterionResult(id=criterion_id, type=kind, status="unknown", reason="not mentioned")

    special = {
        "inc_diagnosis": decided("inc_diagnosis", "T-ALL", failing_label="OTHER"),
        "inc_relapsed_refractory": decided("inc_relapsed_refractory", "RELAPSE"),
        "inc_cd5": decided("inc_cd5", "positive"),
    }
    criteria = [special.get(cid) or CriterionResult(id=cid, type="inclusion" if cid.startswith("inc_") else "exclusion",
                                                    status="unknown", reason="manual review")
                for cid in CRITERION_IDS]
    unknown_keys = [c.id for c in special.values() if c.status == "unknown"]
    if any(c.status == "fail" for c in criteria):
        verdict = "excluded"
    elif unknown_keys:
        verdict = "insufficient"
    else:
        verdict = "candidate"
    dates = [note.note_date for note in notes if note.note_date]
    facts = PatientFactsOut(
        diagnoses=[DiagnosisFact(category=m.label, text=m.evidence.text, evidence=m.evidence)
                   for m in mentions if m.kind == "diagnosis"],
        cd5=CD5Fact(method="flow", percent=92.0, expression="positive", evidence=by_label["positive"].evidence)
        if "positive" in by_label else None,
    )
    return PatientResult(patient_id=patient_id, as_of=as_of or max(dates, default=dt.date(2025, 1, 1)),
                         verdict=verdict, criteria=criteria, facts=facts, review_first=unknown_keys,
                         notes_screened=len(notes))
