"""Hand-made facts for evaluator tests: Mention builders -> notes whose text holds every mention's evidence.

Each builder returns one Mention; `screen(*mentions)` puts them into notes (one note per note date, one line per
mention), fixes every Evidence so `note_text[start:end] == evidence.text`, and runs the real evaluator.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional, Union

from nlp_screen.criteria import evaluate_patient
from nlp_screen.models import CONTEXT_FLAGS, CriterionResult, Evidence, Mention, NoteFacts, PatientResult

# The screening date of every criterion test unless a test says otherwise.
AS_OF = dt.date(2025, 6, 1)

DateLike = Union[dt.date, str, None]
_KEEP = object()  # screen(as_of=...) default: judge against AS_OF


def day(value: DateLike) -> Optional[dt.date]:
    """A date from a date or 'YYYY-MM-DD' (None stays None)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def ago(days: int, base: dt.date = AS_OF) -> dt.date:
    """The date `days` days before `base` (AS_OF by default): `ago(13)` is 13 days before screening."""
    return base - dt.timedelta(days=days)


def mention(kind: str, label: str, text: Optional[str] = None, *, value: Optional[float] = None,
            high: Optional[float] = None, unit: Optional[str] = None, name: Optional[str] = None,
            note_date: DateLike = AS_OF, date: DateLike = None, note_id: Optional[str] = None,
            section: Optional[str] = None, **flags_and_attrs: Any) -> Mention:
    """One mention; keyword arguments named after a context flag (negated, historical, hypothetical, family,
    uncertain) set that flag, every other keyword becomes an attr. The evidence is provisional (offset 0 of a
    note named after its date) until `assemble` places it in its note's text."""
    text = text or label
    note_date = day(note_date)
    flags = {k: bool(flags_and_attrs.pop(k)) for k in list(flags_and_attrs) if k in CONTEXT_FLAGS}
    note_id = note_id or f"N-{note_date.isoformat() if note_date else 'undated'}"
    evidence = Evidence(note_id=note_id, start=0, end=len(text), text=text, section=section, note_date=note_date)
    return Mention(kind=kind, label=label, name=name, value=value, high=high, unit=unit, attrs=flags_and_attrs,
                   section=section, date=day(date), evidence=evidence, **flags)


# ---------------------------------------------------------------- one builder per kind of fact

def age(years: int, **kw: Any) -> Mention:
    return mention("age", "AGE", kw.pop("text", f"{years}-year-old"), value=float(years), **kw)


def sex(label: str, **kw: Any) -> Mention:
    return mention("sex", label, kw.pop("text", {"male": "man", "female": "woman"}.get(label, label)), **kw)


def dx(category: str, text: Optional[str] = None, **kw: Any) -> Mention:
    return mention("diagnosis", category, text or category, **kw)


def status(label: str, text: Optional[str] = None, value: Optional[float] = None, **kw: Any) -> Mention:
    """disease_status: RELAPSE, RELAPSE_POST_HSCT, REFRACTORY, PRIMARY_REFRACTORY, PROGRESSION, CR,
    NEWLY_DIAGNOSED, LINES (value = n), INDUCTION_CYCLES (value = n)."""
    default = {"LINES": f"{value and int(value)} lines of therapy",
               "INDUCTION_CYCLES": f"{value and int(value)} induction cycles"}.get(label, label.lower().replace("_", " "))
    return mention("disease_status", label, text or default, value=value, **kw)


def cd5(percent: Optional[float] = None, *, method: Optional[str] = "flow", word: Optional[str] = None,
        text: Optional[str] = None, **kw: Any) -> Mention:
    """A tumour CD5 result: percent and/or an expression word (positive, dim, partial, negative)."""
    if text is None:
        parts = ["CD5"] + ([word] if word else []) + ([f"{percent:g}%"] if percent is not None else [])
        text = " ".join(parts) + (f" by {method}" if method else "")
    return mention("cd5", "CD5", text, value=percent, expression_word=word, method=method, **kw)


def ecog(grade: int, *, kps: Optional[int] = None, **kw: Any) -> Mention:
    text = kw.pop("text", f"KPS {kps}%" if kps is not None else f"ECOG {grade}")
    extra = {"converted_from_kps": kps} if kps is not None else {}
    return mention("ecog", "ECOG", text, value=float(grade), **extra, **kw)


def lvef(value: Optional[float] = None, high: Optional[float] = None, *, qualitative: Optional[str] = None,
         **kw: Any) -> Mention:
    """A numeric LVEF (high = value for a single number, as the extractor gives it) or one in words."""
    if value is None:
        text = kw.pop("text", f"{qualitative} LV systolic function")
        return mention("lvef", "LVEF", text, qualitative=qualitative, **kw)
    high = value if high is None else high
    text = kw.pop("text", f"LVEF {value:g}%" if high == value else f"LVEF {value:g}-{high:g}%")
    return mention("lvef", "LVEF", text, value=float(value), high=float(high), unit="%", **kw)


def lab(analyte: str, value: float, unit: Optional[str] = None, *, uln: Optional[float] = None, **kw: Any) -> Mention:
    """creatinine / alt / ast / bilirubin; `uln` is an upper limit written beside the value."""
    names = {"creatinine": "Cr", "alt": "ALT", "ast": "AST", "bilirubin": "T bili"}
    text = kw.pop("text", f"{names.get(analyte, analyte)} {value:g}" + (f" {unit}" if unit else "")
                  + (f" (ULN {uln:g})" if uln is not None else ""))
    return mention("lab", analyte, text, value=float(value), unit=unit, uln=uln, **kw)


def spo2(value: float, *, room_air: Optional[bool] = True, **kw: Any) -> Mention:
    air = {True: " on room air", False: " on 2 L NC", None: ""}[room_air]
    return mention("spo2", "SPO2", kw.pop("text", f"SpO2 {value:g}%{air}"), value=float(value), unit="%",
                   room_air=room_air, **kw)


def cond(label: str, text: Optional[str] = None, **kw: Any) -> Mention:
    """A condition (an exclusion concept); pass course='resolved'/'controlled'/'active', nyha_class=3 ..."""
    return mention("condition", label, text or label.lower().replace("_", " "), **kw)


def result_of(label: str, result: Optional[str], text: Optional[str] = None, **kw: Any) -> Mention:
    """A lab test read with its result: 'HIV Ab nonreactive' is result_of('HIV', 'negative')."""
    return cond(label, text or f"{label} {result}", test=True, result=result, **kw)




def therapy(category: str, name: str, text: Optional[str] = None, *, level: str = "agent", **kw: Any) -> Mention:
    """A therapy; attrs level ('regimen'/'agent'), line, current, not_given, prior_wording as the extractor sets."""
    kw.setdefault("current", False)
    kw.setdefault("not_given", False)
    kw.setdefault("prior_wording", False)
    return mention("therapy", category, text or name, name=name, level=level, **kw)


def blasts(percent: float, *, site: Optional[str] = "marrow", **kw: Any) -> Mention:
    where = {"marrow": "marrow ", "blood": "circulating "}.get(site or "", "")
    return mention("blasts", "BLASTS", kw.pop("text", f"{percent:g}% {where}blasts"), value=float(percent),
                   unit="%", site=site, **kw)


def mrd(label: str, level: Optional[float] = None, **kw: Any) -> Mention:
    text = kw.pop("text", f"MRD {level:g}%" if level is not None else f"MRD-{label}")
    return mention("mrd", label, text, value=level, unit="%" if level is not None else None, **kw)


def lesion(long_axis_cm: float, *, site: str = "nodal", short_cm: Optional[float] = None, **kw: Any) -> Mention:
    subject = "lymph node" if site == "nodal" else "soft-tissue mass"
    size = f"{long_axis_cm:g}" + (f" x {short_cm:g}" if short_cm else "") + " cm"
    kw.setdefault("previous", False)
    kw.setdefault("axis", None)
    return mention("lesion", "LESION", kw.pop("text", f"{subject} {size}"), value=float(long_axis_cm),
                   high=short_cm, unit="cm", site=site, **kw)


def stage(label: str, **kw: Any) -> Mention:
    return mention("stage", label, kw.pop("text", f"stage {label}"), **kw)


# ---------------------------------------------------------------- notes and screening

def assemble(mentions: tuple[Mention, ...] | list[Mention], empty_notes: dict[str, DateLike] | None = None,
             ) -> tuple[list[NoteFacts], dict[str, str]]:
    """Mentions -> notes: one note per evidence.note_id (in first-appearance order), one line per mention.

    Every evidence is re-made against its note's text (offsets, note date); a therapy without an explicit
    `line` attr gets its line number, as the extractor counts lines. `empty_notes` adds notes without mentions
    ({note_id: note_date}), e.g. a later note that only moves the as-of date.
    """
    grouped: dict[str, list[Mention]] = {}
    for m in mentions:
        grouped.setdefault(m.evidence.note_id, []).append(m)
    notes, texts = [], {}
    for note_id, ms in grouped.items():
        dates = {m.evidence.note_date for m in ms}
        if len(dates) != 1:
            raise ValueError(f"note {note_id} was given mentions with different note dates: {sorted(map(str, dates))}")
        note_date = dates.pop()
        lines, placed, offset = [], [], 0
        for i, m in enumerate(ms):
            ev = m.evidence
            evidence = Evidence(note_id=note_id, start=offset, end=offset + len(ev.text), text=ev.text,
                                section=ev.section, note_date=note_date)
            attrs = dict(m.attrs)
            if m.kind == "therapy" and "line" not in attrs:
                attrs["line"] = i
            placed.append(m.model_copy(update={"evidence": evidence, "attrs": attrs}))
            lines.append(ev.text)
            offset += len(ev.text) + 1
        text = "\n".join(lines)
        for m in placed:
            assert text[m.evidence.start:m.evidence.end] == m.evidence.text
        texts[note_id] = text
        notes.append(NoteFacts(patient_id="P1", note_id=note_id, note_date=note_date, mentions=placed))
    for note_id, note_date in (empty_notes or {}).items():
        texts[note_id] = ""
        notes.append(NoteFacts(patient_id="P1", note_id=note_id, note_date=day(note_date), mentions=[]))
    return notes, texts


@dataclass(frozen=True)
class Screened:
    """One patient's result with the texts of its notes (to check that evidence spans point into them)."""

    result: PatientResult
    texts: dict[str, str]

    def criterion(self, cid: str) -> CriterionResult:
        return next(c for c in self.result.criteria if c.id == cid)

    def status(self, cid: str) -> str:
        return self.criterion(cid).status

    def evidence_mismatches(self) -> list[str]:
        """Evidence spans (criteria and facts) whose text is not their note's text[start:end]."""
        spans = [e for c in self.result.criteria for e in c.evidence]
        facts = self.result.facts
        spans += [d.evidence for d in facts.diagnoses] + [t.evidence for t in facts.prior_therapies]
        spans += [x.evidence for x in (facts.cd5, facts.ecog, facts.lvef) if x is not None]
        return [f"{e.note_id}[{e.start}:{e.end}]={e.text!r}" for e in spans
                if self.texts.get(e.note_id, "")[e.start:e.end] != e.text]


def screen(*mentions: Mention, as_of: Any = _KEEP, empty_notes: dict[str, DateLike] | None = None,
           patient_id: str = "P1") -> Screened:
    """Evaluate one patient made of these mentions. as_of: AS_OF unless given; None = the evaluator's default
    (latest note date)."""
    notes, texts = assemble(mentions, empty_notes)
    when = AS_OF if as_of is _KEEP else day(as_of)
    return Screened(result=evaluate_patient(patient_id, notes, when), texts=texts)
