"""PatientResult* -> worklist.csv: one row per patient for the trial coordinator, candidates first.

The describe_* helpers are shared with the HTML report so both say the same thing the same way.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..criteria import KEY_INCLUSIONS  # the verdict rule's three key inclusions
from ..models import CD5Fact, ECOGFact, LVEFFact, PatientFactsOut, PatientResult
VERDICT_ORDER = ("candidate", "insufficient", "excluded")
COLUMNS = ("patient_id", "verdict", "deciding_reasons", "diagnosis", "cd5", "ecog", "lvef",
           "lines_of_therapy", "unknown_to_check")


def worklist_row(result: PatientResult) -> dict[str, str]:
    facts = result.facts
    return {
        "patient_id": result.patient_id,
        "verdict": result.verdict,
        "deciding_reasons": deciding_reasons(result),
        "diagnosis": describe_diagnoses(facts),
        "cd5": describe_cd5(facts.cd5),
        "ecog": describe_ecog(facts.ecog),
        "lvef": describe_lvef(facts.lvef),
        "lines_of_therapy": str(facts.lines_of_therapy),
        "unknown_to_check": ";".join(result.review_first),
    }


def write_worklist(path: Path, rows: Iterable[dict[str, str]]) -> None:
    """Rows made by worklist_row, in input order (first appearance), written candidates first, then
    insufficient, then excluded, keeping input order within each group."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda row: VERDICT_ORDER.index(row["verdict"])))


def deciding_reasons(result: PatientResult) -> str:
    """Why the verdict: the failing criteria (excluded), the unknown key inclusions (insufficient)."""
    if result.verdict == "candidate":
        return "meets key inclusions"
    if result.verdict == "excluded":
        deciding = [c for c in result.criteria if c.status == "fail"]
    else:
        deciding = [c for c in result.criteria if c.id in KEY_INCLUSIONS and c.status == "unknown"]
    return "; ".join(f"{c.id}: {c.reason}" for c in deciding)


def describe_diagnoses(facts: PatientFactsOut) -> str:
    return "; ".join(dict.fromkeys(d.category for d in facts.diagnoses))


def describe_cd5(cd5: Optional[CD5Fact]) -> str:
    """e.g. "flow 92% positive"."""
    if cd5 is None:
        return ""
    percent = None if cd5.percent is None else f"{cd5.percent:g}%"
    return " ".join(part for part in (cd5.method, percent, cd5.expression) if part)


def describe_ecog(ecog: Optional[ECOGFact]) -> str:
    if ecog is None:
        return ""
    return f"{ecog.value} (from KPS {ecog.converted_from_kps})" if ecog.converted_from_kps is not None else str(ecog.value)


def describe_lvef(lvef: Optional[LVEFFact]) -> str:
    """"55-60%" for a written range, "55%" for one number, else the words ("normal")."""
    if lvef is None:
        return ""
    if lvef.value is None:
        return lvef.qualitative or ""
    if lvef.high is not None and lvef.high != lvef.value:
        return f"{lvef.value:g}-{lvef.high:g}%"
    return f"{lvef.value:g}%"


def describe_therapies(facts: PatientFactsOut) -> Sequence[str]:
    return list(dict.fromkeys(f"{t.name} ({t.category})" for t in facts.prior_therapies))
