"""Small builders every criterion function uses: a result with its reason and the spans that decided it."""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from ..extractors.dates import period_end
from ..models import CriterionResult, Evidence, Mention

MANUAL_REVIEW = "manual review"


def _evidence(mentions: Iterable[Optional[Mention]]) -> list[Evidence]:
    seen, out = set(), []
    for m in mentions:
        if m is None:
            continue
        key = (m.evidence.note_id, m.evidence.start, m.evidence.end)
        if key not in seen:
            seen.add(key)
            out.append(m.evidence)
    return out


def passed(cid: str, ctype: str, reason: str, *mentions: Optional[Mention]) -> CriterionResult:
    return CriterionResult(id=cid, type=ctype, status="pass", reason=reason, evidence=_evidence(mentions))


def failed(cid: str, ctype: str, reason: str, *mentions: Optional[Mention]) -> CriterionResult:
    ev = _evidence(mentions)
    if not ev:  # a fail must always show the words that decided it
        raise ValueError(f"{cid}: a fail needs evidence")
    return CriterionResult(id=cid, type=ctype, status="fail", reason=reason, evidence=ev)


def unknown(cid: str, ctype: str, reason: str, *mentions: Optional[Mention]) -> CriterionResult:
    return CriterionResult(id=cid, type=ctype, status="unknown", reason=reason, evidence=_evidence(mentions))


def when_text(m: Mention) -> str:
    return f" on {m.when.isoformat()}" if m.when else ""


def quote(m: Mention) -> str:
    return f"'{m.evidence.text.strip()}'"


def fmt(x: Optional[float]) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


_DISPLAY = {"alt": "ALT", "ast": "AST", "bilirubin": "Total bilirubin"}


def display(label: str) -> str:
    """How a coordinator reads a lab label: 'alt' -> 'ALT'."""
    return _DISPLAY.get(label, label)


def last_day(m: Mention) -> Optional[dt.date]:
    """The last day `m`'s date may stand for: the end of its month or year ('03/2025', '2024'), or of a written range
    ('between 02/2024 and 08/2024', '2018-2019'); its day for a full date."""
    if m.date is None:
        return None
    precision = m.attrs.get("date_precision")
    if precision == "range":
        return dt.date.fromisoformat(m.attrs["date_until"])
    return period_end(m.date, precision or "day")
