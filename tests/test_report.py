"""worklist.csv and report.html, from results made by the fake evaluator."""
from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from nlp_screen.models import CD5Fact, ECOGFact, Evidence, LVEFFact, Note, PatientFactsOut, TherapyFact
from nlp_screen.report.html import Snippet, render_report, snippet_around
from nlp_screen.report.worklist import COLUMNS, describe_cd5, describe_ecog, describe_lvef, worklist_row, write_worklist
from fakes import CRITERION_IDS, FakeExtractor, fake_evaluate_patient

EXTRACT = FakeExtractor()


def result_for(patient_id: str, *texts: str):
    notes = [EXTRACT(Note(patient_id=patient_id, note_id=f"N{i}", note_type="progress_note",
                          note_date=dt.date(2025, 3, i + 1), text=text)) for i, text in enumerate(texts)]
    return fake_evaluate_patient(patient_id, notes)


CANDIDATE = "relapsed T-ALL, CD5 bright"
INSUFFICIENT = "T-ALL"
EXCLUDED = "B-ALL"


# ---------------------------------------------------------------- worklist

def test_the_worklist_lists_candidates_then_insufficient_then_excluded_in_order_of_first_appearance(tmp_path):
    results = [result_for("E1", EXCLUDED), result_for("I1", INSUFFICIENT), result_for("C1", CANDIDATE),
               result_for("E2", EXCLUDED), result_for("C2", CANDIDATE), result_for("I2", INSUFFICIENT)]
    write_worklist(tmp_path / "worklist.csv", [worklist_row(result) for result in results])
    with (tmp_path / "worklist.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["patient_id"], r["verdict"]) for r in rows] == [
        ("C1", "candidate"), ("C2", "candidate"), ("I1", "insufficient"), ("I2", "insufficient"),
        ("E1", "excluded"), ("E2", "excluded")]
    assert tuple(rows[0]) == COLUMNS


def test_each_verdict_gives_its_deciding_reasons():
    rows = {r.verdict: worklist_row(r) for r in (result_for("C", CANDIDATE), result_for("I", INSUFFICIENT),
                                                  result_for("E", EXCLUDED))}
    assert rows["candidate"]["deciding_reasons"] == "meets key inclusions"
    assert rows["insufficient"]["deciding_reasons"] == "inc_relapsed_refractory: not mentioned; inc_cd5: not mentioned"
    assert rows["insufficient"]["unknown_to_check"] == "inc_relapsed_refractory;inc_cd5"
    assert rows["excluded"]["deciding_reasons"] == "inc_diagnosis: only OTHER found"
    assert rows["candidate"]["diagnosis"] == "T-ALL" and rows["candidate"]["cd5"] == "flow 92% positive"


EV = Evidence(note_id="N1", start=0, end=1, text="x")

FACT_CASES = [
    # what the coordinator reads, and the fact it comes from
    ("flow 92% positive", describe_cd5, CD5Fact(method="flow", percent=92.0, expression="positive", evidence=EV)),
    ("ihc 40.5%", describe_cd5, CD5Fact(method="ihc", percent=40.5, evidence=EV)),
    ("negative", describe_cd5, CD5Fact(expression="negative", evidence=EV)),
    ("", describe_cd5, None),
    ("1", describe_ecog, ECOGFact(value=1, evidence=EV)),
    ("2 (from KPS 60)", describe_ecog, ECOGFact(value=2, converted_from_kps=60, evidence=EV)),
    ("55-60%", describe_lvef, LVEFFact(value=55.0, high=60.0, evidence=EV)),
    ("58%", describe_lvef, LVEFFact(value=58.0, high=58.0, evidence=EV)),
    ("normal", describe_lvef, LVEFFact(qualitative="normal", evidence=EV)),
]


@pytest.mark.parametrize(("expected", "describe", "fact"), FACT_CASES, ids=[c[0] or "none" for c in FACT_CASES])
def test_facts_are_described_in_a_few_words(expected, describe, fact):
    assert describe(fact) == expected


def test_lines_of_therapy_column_shows_the_evaluators_count():
    result = result_for("C1", CANDIDATE)
    therapies = [TherapyFact(category="chemotherapy", name=name, evidence=EV) for name in ("hyper-CVAD", "nelarabine")]
    result = result.model_copy(update={"facts": PatientFactsOut(prior_therapies=therapies, lines_of_therapy=2)})
    assert worklist_row(result)["lines_of_therapy"] == "2"


# ---------------------------------------------------------------- snippets

SNIPPET_CASES = [
    # text, span, expected snippet
    ("HPI\nBM: CD5 92% bright\nPlan", "CD5 92%", Snippet("BM: ", "CD5 92%", " bright")),
    ("CD5 positive", "CD5", Snippet("", "CD5", " positive")),
    ("a\r\nCD5+\r\nb", "CD5+", Snippet("", "CD5+", "")),
    ("x" * 300 + "CD5" + "y" * 300, "CD5", Snippet("…" + "x" * 10, "CD5", "y" * 10 + "…")),
]


@pytest.mark.parametrize(("text", "span", "expected"), SNIPPET_CASES, ids=[repr(c[0][:20]) for c in SNIPPET_CASES])
def test_a_snippet_is_the_line_around_the_span_cut_when_long(text, span, expected):
    start = text.index(span)
    assert snippet_around(text, start, start + len(span), context=10 if len(text) > 100 else 160) == expected


# ---------------------------------------------------------------- report.html

def test_the_report_lists_every_patient_with_all_27_criteria():
    results = [result_for("C1", CANDIDATE), result_for("I1", INSUFFICIENT), result_for("E1", EXCLUDED)]
    page = render_report(iter(results), {})
    assert page.count('<details class="patient"') == 3
    for result in results:
        assert f'<span class="pid">{result.patient_id}</span>' in page
    for criterion_id in CRITERION_IDS:
        assert page.count(f"<code>{criterion_id}</code>") == 3


def test_the_report_escapes_script_in_note_text_and_ids():
    text = "CD5 <script>alert(1)</script> T-ALL relapsed"
    result = result_for("<img src=x onerror=alert(2)>", text)
    start = text.index("CD5")
    snippets = {(result.patient_id, "N0", start, start + 3): snippet_around(text, start, start + 3)}
    page = render_report([result], snippets)
    assert "<script>alert(1)</script>" not in page
    assert "<mark>CD5</mark> &lt;script&gt;alert(1)&lt;/script&gt; T-ALL relapsed" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def test_the_report_shows_the_evidence_note_and_highlights_the_span():
    text = "History\nrelapsed T-ALL, CD5 bright\n"
    result = result_for("C1", text)
    start = text.index("CD5")
    page = render_report([result], {("C1", "N0", start, start + 3): snippet_around(text, start, start + 3)})
    assert f"N0 · progress_note · 2025-03-01 · chars {start}-{start + 3}" in page
    assert "relapsed T-ALL, <mark>CD5</mark> bright</blockquote>" in page


def test_the_report_is_self_contained_and_allows_only_its_own_script():
    page = render_report([result_for("C1", CANDIDATE)], {})
    assert not re.search(r"https?://|<link|\bsrc=|@import", page)
    assert "default-src 'none'" in page and "script-src 'sha256-" in page
    assert page.count("<script>") == 1 and 'name="verdict" value="excluded"' in page
