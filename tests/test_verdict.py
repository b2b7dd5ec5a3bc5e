"""The verdict, the 27 criteria in contract order, the as-of date and the facts block (CONTRACT.md section 2).

Patients are built from hand-made facts (tests/factories.py) and judged by the real evaluator; the `--as-of`
test runs the real CLI and evaluator over a phrase-matching stand-in for the spaCy extractor.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakes import CRITERION_IDS as CONTRACT_IDS  # CONTRACT.md section 2, written from the contract
from factories import age, cd5, dx, ecog, lvef, result_of, screen, sex, status, therapy
from nlp_screen import cli
from nlp_screen.criteria import CRITERIA, CRITERION_IDS, evaluate_patient
from nlp_screen.models import Evidence, Mention, Note, NoteFacts
from nlp_screen.screen import screen as screen_batch

KEY_INCLUSIONS = ("inc_diagnosis", "inc_relapsed_refractory", "inc_cd5")

TALL = dx("T-ALL", "T-lymphoblastic leukemia")
RELAPSE_POST_HSCT = status("RELAPSE_POST_HSCT", "relapse after allo-HSCT")
CD5_POS = cd5(92)
KEYS_PASS = (TALL, RELAPSE_POST_HSCT, CD5_POS)


def contract_verdict(statuses: dict[str, str]) -> str:
    """The contract's rule, written out: excluded if any fail; candidate iff the key inclusions pass; else insufficient."""
    if "fail" in statuses.values():
        return "excluded"
    if all(statuses[k] == "pass" for k in KEY_INCLUSIONS):
        return "candidate"
    return "insufficient"


# ---------------------------------------------------------------- the 27 criteria

def test_the_evaluator_lists_the_contracts_27_criteria_in_order():
    assert len(CONTRACT_IDS) == 27
    assert CRITERION_IDS == CONTRACT_IDS
    assert len(CRITERIA) == 27


@pytest.mark.parametrize("mentions", [(), KEYS_PASS, (dx("OTHER", "B-ALL"), age(80))], ids=["no facts", "keys pass", "excluded"])
def test_every_patient_gets_all_27_criteria_in_contract_order_with_their_type(mentions):
    result = screen(*mentions).result
    assert [c.id for c in result.criteria] == list(CONTRACT_IDS)
    assert [c.type for c in result.criteria] == ["inclusion" if cid.startswith("inc_") else "exclusion" for cid in CONTRACT_IDS]


# ---------------------------------------------------------------- verdict

VERDICT_CASES = [
    pytest.param(KEYS_PASS, "candidate", id="key inclusions pass, nothing fails: candidate"),
    pytest.param(KEYS_PASS + (ecog(1), lvef(60), age(40)), "candidate", id="candidate with more criteria passing"),
    pytest.param(KEYS_PASS + (result_of("HIV", "positive", "HIV Ab reactive"),), "excluded", id="an exclusion fails: excluded despite passing keys"),
    pytest.param(KEYS_PASS + (ecog(3),), "excluded", id="a non-key inclusion fails: excluded"),
    pytest.param(KEYS_PASS + (age(76),), "excluded", id="age 76: excluded"),
    pytest.param((dx("OTHER", "B-ALL"),), "excluded", id="key inclusion fails (B-ALL only): excluded"),
    pytest.param((TALL, RELAPSE_POST_HSCT, cd5(method="ihc", word="negative")), "excluded", id="CD5 negative: excluded"),
    pytest.param((TALL, RELAPSE_POST_HSCT, ecog(4)), "excluded", id="fail beats an unknown key inclusion"),
    pytest.param((TALL, RELAPSE_POST_HSCT), "insufficient", id="CD5 unknown: insufficient"),
    pytest.param((TALL, CD5_POS), "insufficient", id="relapsed/refractory unknown: insufficient"),
    pytest.param((RELAPSE_POST_HSCT, CD5_POS), "insufficient", id="diagnosis unknown: insufficient"),
    pytest.param((), "insufficient", id="no facts at all: insufficient"),
    pytest.param((TALL, RELAPSE_POST_HSCT, cd5(word="positive", text="if CD5-positive", hypothetical=True)), "insufficient",
                 id="a hypothetical CD5 result is not a result: insufficient"),
]


@pytest.mark.parametrize(("mentions", "expected"), VERDICT_CASES)
def test_verdict_follows_the_contract(mentions, expected):
    result = screen(*mentions).result
    statuses = {c.id: c.status for c in result.criteria}
    assert contract_verdict(statuses) == expected, statuses  # the case itself is what its id says
    assert result.verdict == expected


def test_verdict_agrees_with_the_rule_for_every_criterion_case():
    """Whatever the statuses, the verdict is the contract's function of them (all patients of test_criteria)."""
    from test_criteria import CASES
    for p in CASES:
        _, _, mentions, as_of = p.values
        result = screen(*mentions, as_of=as_of).result
        assert result.verdict == contract_verdict({c.id: c.status for c in result.criteria}), p.id


def test_a_candidate_is_not_held_back_by_unknown_non_key_criteria():
    result = screen(*KEYS_PASS).result
    unknown = [c.id for c in result.criteria if c.status == "unknown"]
    assert "inc_ecog" in unknown and "exc_active_cns" in unknown
    assert result.verdict == "candidate"


# ---------------------------------------------------------------- as-of date

def chemo_on(date) -> Mention:
    return therapy("chemotherapy", "GDP", level="regimen", date=date, note_date=date)


def test_as_of_is_the_latest_note_date_when_not_given():
    ms = (age(40, note_date="2025-03-01"), ecog(1, note_date="2025-05-20"), dx("T-ALL", note_date="2025-01-01"))
    assert screen(*ms, as_of=None).result.as_of == dt.date(2025, 5, 20)


def test_as_of_counts_notes_without_any_fact_and_ignores_input_order():
    s = screen(chemo_on("2025-05-10"), empty_notes={"N-late": "2025-06-10", "N-early": "2024-01-01"}, as_of=None)
    assert s.result.as_of == dt.date(2025, 6, 10)
    assert s.status("exc_recent_anticancer_therapy") == "pass"  # 31 days before 2025-06-10


def test_time_windows_are_judged_against_the_default_as_of():
    s = screen(chemo_on("2025-05-10"), ecog(1, note_date="2025-05-20"), as_of=None)
    assert s.result.as_of == dt.date(2025, 5, 20)
    assert s.status("exc_recent_anticancer_therapy") == "fail"  # 10 days before 2025-05-20


def test_a_given_as_of_overrides_the_latest_note_date():
    s = screen(chemo_on("2025-05-10"), ecog(1, note_date="2025-05-20"), as_of="2025-07-01")
    assert s.result.as_of == dt.date(2025, 7, 1)
    assert s.status("exc_recent_anticancer_therapy") == "pass"  # 52 days before 2025-07-01


def test_as_of_is_today_when_no_note_has_a_date():
    notes = [NoteFacts(patient_id="P1", note_id="N1", note_date=None, mentions=[])]
    assert evaluate_patient("P1", notes, None).as_of == dt.date.today()


# ---------------------------------------------------------------- --as-of on the command line

# phrase in a note -> the mention a real extractor would read there (evidence is placed where the phrase is)
PHRASES = {
    "T-lymphoblastic leukemia": dx("T-ALL", "T-lymphoblastic leukemia"),
    "relapse after allo-HSCT": status("RELAPSE_POST_HSCT", "relapse after allo-HSCT"),
    "CD5 92%": cd5(92, text="CD5 92%"),
    "GDP given today": therapy("chemotherapy", "GDP", "GDP given today", level="regimen", current=True),
}


class PhraseExtractor:
    """Stands in for the spaCy Extractor: finds each of PHRASES and returns its mention at that offset."""

    def __init__(self, patterns_dir=None) -> None:
        pass

    def __call__(self, note: Note) -> NoteFacts:
        mentions = []
        for phrase, m in PHRASES.items():
            start = note.text.find(phrase)
            if start >= 0:
                ev = Evidence(note_id=note.note_id, start=start, end=start + len(phrase), text=phrase,
                              note_date=note.note_date, note_type=note.note_type)
                mentions.append(m.model_copy(update={"evidence": ev}))
        return NoteFacts(patient_id=note.patient_id, note_id=note.note_id, note_type=note.note_type,
                         note_date=note.note_date, mentions=mentions)

    def pipe(self, notes, batch_size: int = 32):
        for note in notes:
            yield self(note)


CLI_NOTES = [
    {"patient_id": "P1", "note_id": "N2", "note_type": "infusion", "note_date": "2025-05-10", "text": "C1D1: GDP given today."},
    {"patient_id": "P1", "note_id": "N1", "note_type": "progress_note", "note_date": "2025-05-20",
     "text": "HPI: T-lymphoblastic leukemia, relapse after allo-HSCT. Flow: CD5 92% on blasts."},
]


@pytest.fixture
def real_evaluator_cli(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "screen", partial(screen_batch, extractor_factory=PhraseExtractor, evaluate=evaluate_patient))
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in CLI_NOTES), encoding="utf-8")
    return path


def cli_patient(input_path: Path, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli.app, ["screen", str(input_path), "--out", str(out), "--quiet", *args])
    assert result.exit_code == 0, result.output
    [line] = (out / "patients.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(line)


def status_of(patient: dict, cid: str) -> str:
    return next(c["status"] for c in patient["criteria"] if c["id"] == cid)


def test_cli_without_as_of_judges_against_the_latest_note_date(real_evaluator_cli, tmp_path):
    patient = cli_patient(real_evaluator_cli, tmp_path / "out")
    assert patient["as_of"] == "2025-05-20"
    assert status_of(patient, "exc_recent_anticancer_therapy") == "fail"  # GDP 10 days before
    assert patient["verdict"] == "excluded"
    assert [c["id"] for c in patient["criteria"]] == list(CONTRACT_IDS)


def test_cli_as_of_overrides_the_latest_note_date(real_evaluator_cli, tmp_path):
    patient = cli_patient(real_evaluator_cli, tmp_path / "out", "--as-of", "2025-06-30")
    assert patient["as_of"] == "2025-06-30"
    assert status_of(patient, "exc_recent_anticancer_therapy") == "pass"  # GDP 51 days before
    assert patient["verdict"] == "candidate"


def test_cli_evidence_spans_point_into_the_input_text(real_evaluator_cli, tmp_path):
    patient = cli_patient(real_evaluator_cli, tmp_path / "out")
    texts = {row["note_id"]: row["text"] for row in CLI_NOTES}
    spans = [e for c in patient["criteria"] for e in c["evidence"]]
    assert spans
    for e in spans:
        assert texts[e["note_id"]][e["start"]:e["end"]] == e["text"]


# ---------------------------------------------------------------- facts

def test_facts_are_null_when_nothing_was_found():
    facts = screen().result.facts
    assert (facts.cd5, facts.ecog, facts.lvef, facts.age) == (None, None, None, None)
    assert facts.diagnoses == [] and facts.prior_therapies == []


def test_facts_cd5_is_the_most_recent_result():
    s = screen(cd5(40, method="ihc", note_date="2023-05-02"), cd5(method="ihc", word="negative", note_date="2025-04-20"))
    c = s.result.facts.cd5
    assert (c.method, c.percent, c.expression) == ("ihc", None, "negative")
    assert c.evidence.note_date == dt.date(2025, 4, 20)
    assert not s.evidence_mismatches()


def test_facts_cd5_percent_of_an_undated_restatement_comes_from_its_notes_dated_result():
    # 'Re-biopsy 04/2024: CD5+ on ~85%' ... 'A/P: a CD5-positive tumour' (same note, no date, no percent)
    s = screen(cd5(85, method="ihc", word="positive", date="2024-04-15", note_date="2024-05-28"),
               cd5(method="ihc", word="positive", text="CD5-positive tumour", note_date="2024-05-28"))
    c = s.result.facts.cd5
    assert (c.percent, c.evidence.text) == (85.0, "CD5-positive tumour")
    assert not s.evidence_mismatches()


def test_facts_cd5_restatement_in_another_note_borrows_nothing():
    s = screen(cd5(85, method="ihc", word="positive", note_date="2024-04-15"),
               cd5(method="ihc", word="positive", text="CD5-positive tumour", note_date="2024-05-28"))
    assert s.result.facts.cd5.percent is None


def test_facts_cd5_positive_after_an_older_negative():
    c = screen(cd5(method="ihc", word="negative", note_date="2023-05-02"), cd5(92, note_date="2025-04-20")).result.facts.cd5
    assert (c.method, c.percent, c.expression) == ("flow", 92.0, "positive")


@pytest.mark.parametrize(("mention", "expected"), [
    (cd5(92), ("flow", 92.0, "positive")),
    (cd5(80), ("flow", 80.0, "positive")),
    (cd5(45, word="partial"), ("flow", 45.0, "partial")),
    (cd5(45), ("flow", 45.0, "partial")),
    (cd5(96, word="dim"), ("flow", 96.0, "dim")),
    (cd5(95, method="ihc"), ("ihc", 95.0, "positive")),
    (cd5(method="ihc", word="negative"), ("ihc", None, "negative")),
], ids=["flow 92 positive", "flow 80 positive", "flow partial 45", "flow 45 is partial", "dim 96", "IHC 95", "IHC negative"])
def test_facts_cd5_expression_follows_the_contract_bands(mention, expected):
    c = screen(mention).result.facts.cd5
    assert (c.method, c.percent, c.expression) == expected


def test_facts_ecog_is_the_most_recent_value():
    e = screen(ecog(3, note_date="2025-03-01"), ecog(1, note_date="2025-05-20")).result.facts.ecog
    assert e.value == 1 and e.evidence.note_date == dt.date(2025, 5, 20)


def test_facts_ecog_converted_from_kps_keeps_the_kps():
    e = screen(ecog(1, kps=80)).result.facts.ecog
    assert (e.value, e.converted_from_kps) == (1, 80)


def test_facts_lvef_old_40_is_superseded_by_a_newer_58():
    f = screen(lvef(40, note_date="2023-03-10"), lvef(58, note_date="2025-01-09")).result.facts.lvef
    assert (f.value, f.high) == (58.0, 58.0)


def test_facts_lvef_takes_the_date_written_beside_it():
    f = screen(lvef(40, date="2023-04-01", note_date="2025-05-01"), lvef(55, note_date="2024-06-01")).result.facts.lvef
    assert f.value == 55.0


def test_facts_lvef_range_keeps_low_and_high():
    f = screen(lvef(55, 60)).result.facts.lvef
    assert (f.value, f.high, f.qualitative) == (55.0, 60.0, None)


def test_facts_lvef_in_words_has_no_value():
    f = screen(lvef(qualitative="normal")).result.facts.lvef
    assert (f.value, f.qualitative) == (None, "normal")


def test_facts_prior_therapies_leave_out_planned_discussed_and_denied_therapy():
    s = screen(
        therapy("chemotherapy", "hyper-CVAD", level="regimen", date="2024-01-10"),
        therapy("immunotherapy", "alemtuzumab", date="2024-09-01"),
        therapy("hsct_allogeneic", "allo-HSCT", "will consider allo-HSCT", hypothetical=True),
        therapy("car_t", "CAR-T", "discussed CAR-T", hypothetical=True),
        therapy("car_t", "CAR-T", "No prior CAR-T", negated=True, prior_wording=True),
        therapy("chemotherapy", "nelarabine", "father received nelarabine", family=True),
    )
    got = sorted((t.category, t.name) for t in s.result.facts.prior_therapies)
    assert got == [("chemotherapy", "hyper-CVAD"), ("immunotherapy", "alemtuzumab")]
    assert not s.evidence_mismatches()


def test_facts_diagnoses_hold_own_affirmed_ones_past_included():
    s = screen(
        TALL,
        dx("OTHER", "Hodgkin lymphoma", date="2009-05-01", historical=True),
        dx("OTHER", "mother: DLBCL", family=True),
        dx("AITL", "DDx AITL", uncertain=True),
        dx("ALCL", "ALCL excluded", negated=True),
        dx("PTCL-NOS", "rule out PTCL", hypothetical=True),
    )
    assert sorted(d.category for d in s.result.facts.diagnoses) == ["OTHER", "T-ALL"]
    assert not s.evidence_mismatches()


def test_facts_age_and_sex():
    facts = screen(age(46), sex("male")).result.facts
    assert (facts.age, facts.sex) == (46, "male")
