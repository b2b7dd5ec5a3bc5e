"""CD5: choose the most recent tumour CD5 result and judge it by the protocol's flow and IHC rules."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..facts import PatientFacts, is_own
from ..models import CriterionResult, Mention
from ..protocol import Protocol
from .common import failed, fmt, passed, quote, when_text


@dataclass(frozen=True)
class CD5Result:
    """One CD5 result: the deciding mention, and a percent borrowed from a same-day restatement of it."""

    mention: Mention
    percent: Optional[float]
    method: Optional[str]
    word: Optional[str]
    percent_from: Optional[Mention] = None


def select_cd5(f: PatientFacts) -> Optional[CD5Result]:
    """The latest CD5 mention decides; on its date, a restatement that gives the percent supplies it.

    ConText negation is not used: 'CD5 negative' is a result, not an absent finding.
    """
    group = f.latest_date_group(f.of("cd5", where=is_own))
    if not group:
        return None
    last = group[-1]
    polarity = _polarity(last)
    same = [m for m in group if _polarity(m) in (polarity, None)]
    with_pct = [m for m in same if m.value is not None]
    pct_m = last if last.value is not None else (with_pct[-1] if with_pct else None)
    if pct_m is None and last.date is None:
        pct_m = _restated_percent(f, last, polarity)
    words = [m.attrs.get("expression_word") for m in same if m.attrs.get("expression_word")]
    word = last.attrs.get("expression_word") or (words[-1] if words else None)
    if "dim" in words and word == "positive":
        word = "dim"
    method = last.attrs.get("method") or next((m.attrs.get("method") for m in reversed(same) if m.attrs.get("method")), None)
    return CD5Result(mention=last, percent=pct_m.value if pct_m else None, method=method, word=word,
                     percent_from=pct_m if pct_m is not last else None)


def _restated_percent(f: PatientFacts, last: Mention, polarity: Optional[str]) -> Optional[Mention]:
    """An undated, percent-less 'CD5-positive tumour' in an assessment restates the result its own note gave
    earlier with a date ('Re-biopsy 04/2024: CD5+ on ~85%'): that mention supplies the percent."""
    same_note = [m for m in f.of("cd5", where=is_own) if m.evidence.note_id == last.evidence.note_id
                 and m.value is not None and m.evidence.start < last.evidence.start and _polarity(m) in (polarity, None)]
    return max(same_note, key=lambda m: m.evidence.start, default=None)


def _polarity(m: Mention) -> Optional[str]:
    word = m.attrs.get("expression_word")
    if word == "negative":
        return "negative"
    if word in ("positive", "dim", "partial"):
        return "positive"
    return None


def expression(r: CD5Result, p: Protocol) -> Optional[str]:
    """The contract's expression: dim when the report says dim; else flow bands (>= 80 positive, 20-80 partial)."""
    if r.word == "negative":
        return "negative"
    if r.percent is not None:
        floor = p.v("cd5_ihc_min_percent") if r.method == "ihc" else p.v("cd5_flow_min_percent")
        below = r.percent <= floor if r.method == "ihc" else r.percent < floor
        if below:
            return "negative"
        if r.word == "dim":
            return "dim"
        if r.method == "ihc":
            return "positive"
        return "positive" if r.percent >= p.v("cd5_flow_positive_percent") else "partial"
    return r.word


def judge_cd5(r: CD5Result, p: Protocol) -> CriterionResult:
    m = r.mention
    expr = expression(r, p)
    method = {"flow": "flow cytometry", "ihc": "IHC"}.get(r.method or "", "method not stated")
    pct = f" on {fmt(r.percent)}% of tumour cells" if r.percent is not None else ""
    text = f"{method}: CD5 {expr}{pct}{when_text(m)} ({quote(m)})"
    evidence = [m] + ([r.percent_from] if r.percent_from else [])
    if expr == "negative":
        rule = f" (IHC needs > {p.v('cd5_ihc_min_percent')}%)" if r.method == "ihc" else (
            f" (flow needs >= {p.v('cd5_flow_min_percent')}%)" if r.percent is not None else "")
        return failed("inc_cd5", "inclusion", f"{text}{rule}.", *evidence)
    return passed("inc_cd5", "inclusion", f"{text}.", *evidence)
