"""Clinical sentences -> the mention a careful reader expects, with the real Extractor (tests/cases/extraction_cases.json).

Expectations are written from clinical truth, not from what the code does today; a case the code still gets wrong
carries "xfail": "<reason>" and runs as a strict xfail, so the open cases read as a to-do list.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any, get_args

import pytest

from nlp_screen.models import CONTEXT_FLAGS, Mention, MentionKind, Note, NoteFacts

CASES_PATH = Path(__file__).resolve().parent / "cases" / "extraction_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_PATH.read_text(encoding="utf-8"))

NOTE_DATE = dt.date(2025, 5, 1)  # "2 weeks ago" and month/day dates are read relative to this
DEFAULT_NOTE_TYPE = "progress_note"

# A case is either "present" (a mention like this must be found) or "absent" (no mention of that kind/label).
PRESENT_KEYS = {"text", "kind", "label", "span", "value", "high", "unit", "date", "attrs", "flags", "not_flags",
                "any_flags", "note_type", "xfail"}
PRESENT_REQUIRED = {"text", "kind", "label", "span", "value", "attrs", "flags", "not_flags"}
ABSENT_KEYS = {"text", "kind", "label", "absent", "why", "unless_flags", "note_type", "xfail"}
ABSENT_REQUIRED = {"text", "kind", "absent", "why"}


def _case_id(case: dict[str, Any]) -> str:
    text = case["text"].replace("\n", " / ")
    short = text if len(text) <= 60 else text[:57] + "..."
    target = "absent" if case.get("absent") else case["span"].replace("\n", " / ")
    return f"{short} [{case['kind']}:{target}]"


def _params() -> list:
    params = []
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        params.append(pytest.param(case, id=_case_id(case), marks=marks))
    return params


def _run(extractor, case: dict[str, Any]) -> NoteFacts:
    note = Note(patient_id="P", note_id="N1", note_type=case.get("note_type", DEFAULT_NOTE_TYPE),
                note_date=NOTE_DATE, text=case["text"])
    return extractor(note)


def _same(got: Any, want: Any) -> bool:
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(float(got), float(want), rel_tol=1e-6, abs_tol=1e-9)
    return got == want


def _problems(m: Mention, case: dict[str, Any]) -> list[str]:
    """Why mention `m` does not satisfy `case` (empty when it does)."""
    out = []
    for key in ("value", "high", "unit"):
        if key in case and not _same(getattr(m, key), case[key]):
            out.append(f"{key}={getattr(m, key)!r}, expected {case[key]!r}")
    if "date" in case:
        got = m.date.isoformat() if m.date else None
        if got != case["date"]:
            out.append(f"date={got!r}, expected {case['date']!r}")
    for key, want in case["attrs"].items():
        if not _same(m.attrs.get(key), want):
            out.append(f"attrs[{key!r}]={m.attrs.get(key)!r}, expected {want!r}")
    for flag in case["flags"]:
        if not getattr(m, flag):
            out.append(f"{flag} not set")
    for flag in case["not_flags"]:
        if getattr(m, flag):
            out.append(f"{flag} set by {m.cues.get(flag)!r}")
    if case.get("any_flags") and not any(getattr(m, f) for f in case["any_flags"]):
        out.append(f"none of {case['any_flags']} set")
    return out


def _describe(m: Mention) -> str:
    flags = [f for f in CONTEXT_FLAGS if getattr(m, f)]
    return (f"{m.kind}/{m.label} {m.evidence.text!r} value={m.value} high={m.high} unit={m.unit} attrs={m.attrs} "
            f"flags={flags} cues={m.cues} date={m.date}")


def _of_kind(facts: NoteFacts, case: dict[str, Any]) -> list[Mention]:
    return [m for m in facts.mentions
            if m.kind == case["kind"] and (case.get("label") is None or m.label == case["label"])]


@pytest.mark.parametrize("case", _params())
def test_extraction_case(extractor, case):
    facts = _run(extractor, case)
    text = case["text"]
    for m in facts.mentions:  # the contract's evidence rule, for every mention of the note
        assert text[m.evidence.start:m.evidence.end] == m.evidence.text, _describe(m)
    candidates = _of_kind(facts, case)

    if case.get("absent"):
        unless = case.get("unless_flags") or []
        found = [m for m in candidates if not any(getattr(m, f) for f in unless)]
        assert not found, f"expected no {case['kind']} mention ({case['why']}); found:\n" + \
            "\n".join(_describe(m) for m in found)
        return

    located = [m for m in candidates if case["span"] in m.evidence.text]
    assert located, (f"no {case['kind']}/{case['label']} mention whose evidence holds {case['span']!r}; "
                     f"{case['kind']} mentions:\n" + "\n".join(_describe(m) for m in candidates))
    reports = [(m, _problems(m, case)) for m in located]
    assert any(not problems for _, problems in reports), "\n".join(
        f"{_describe(m)}\n    -> {'; '.join(problems)}" for m, problems in reports)


def test_every_case_is_well_formed():
    kinds = set(get_args(MentionKind))
    errors = []
    for i, case in enumerate(CASES):
        where = f"case {i} ({case.get('text', '')[:40]!r})"
        if not isinstance(case.get("text"), str) or not case["text"].strip():
            errors.append(f"{where}: text missing")
            continue
        if case.get("kind") not in kinds:
            errors.append(f"{where}: unknown kind {case.get('kind')!r}")
        if "xfail" in case and not (isinstance(case["xfail"], str) and case["xfail"].strip()):
            errors.append(f"{where}: xfail needs a reason")
        if case.get("absent"):
            if case["absent"] is not True:
                errors.append(f"{where}: absent must be true")
            missing, extra = ABSENT_REQUIRED - case.keys(), case.keys() - ABSENT_KEYS
            if not str(case.get("why", "")).strip():
                errors.append(f"{where}: an absent case says why")
            flag_lists = [case.get("unless_flags") or []]
        else:
            missing, extra = PRESENT_REQUIRED - case.keys(), case.keys() - PRESENT_KEYS
            span = case.get("span")
            if not isinstance(span, str) or not span:
                errors.append(f"{where}: span missing")
            elif span not in case["text"]:
                errors.append(f"{where}: span {span!r} is not in the text")
            if not isinstance(case.get("attrs"), dict):
                errors.append(f"{where}: attrs must be an object")
            for key in ("value", "high"):
                if key in case and case[key] is not None and not isinstance(case[key], (int, float)):
                    errors.append(f"{where}: {key} must be a number or null")
            if case.get("date") is not None:
                try:
                    dt.date.fromisoformat(case["date"])
                except (TypeError, ValueError):
                    errors.append(f"{where}: date must be YYYY-MM-DD or null")
            flag_lists = [case.get("flags", []), case.get("not_flags", []), case.get("any_flags") or []]
            if set(case.get("flags", [])) & set(case.get("not_flags", [])):
                errors.append(f"{where}: a flag is both required and forbidden")
        if missing:
            errors.append(f"{where}: missing keys {sorted(missing)}")
        if extra:
            errors.append(f"{where}: unknown keys {sorted(extra)}")
        for flags in flag_lists:
            if not isinstance(flags, list) or any(f not in CONTEXT_FLAGS for f in flags):
                errors.append(f"{where}: flags must be a list drawn from {CONTEXT_FLAGS}: {flags!r}")
    assert not errors, "\n".join(errors)


def test_case_table_is_large_and_covers_every_extractor():
    present = {c["kind"] for c in CASES if not c.get("absent")}
    expected = {"diagnosis", "therapy", "disease_status", "condition", "cd5", "ecog", "lvef", "age", "sex", "blasts",
                "mrd", "lesion", "stage", "lab", "spo2"}
    assert len(CASES) >= 220
    assert expected <= present, f"no case for {sorted(expected - present)}"
    flags = {f for c in CASES for f in c.get("flags", [])}
    assert set(CONTEXT_FLAGS) <= flags, f"no case requires {sorted(set(CONTEXT_FLAGS) - flags)}"
