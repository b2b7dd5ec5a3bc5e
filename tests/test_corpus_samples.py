"""The bundled demo patients (corpus_samples/) screen to the verdicts and criteria their author intended.

corpus_samples/expected.jsonl was written with the notes, from the contract, before the screener saw them.
"""
import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "corpus_samples"
EXPECTED = {row["patient_id"]: row for row in map(json.loads, (SAMPLES / "expected.jsonl").open(encoding="utf-8"))}


@pytest.fixture(scope="module")
def screened(screen_jsonl):
    return screen_jsonl(SAMPLES / "notes.jsonl")


@pytest.mark.parametrize("patient_id", sorted(EXPECTED))
def test_sample_patient_gets_its_intended_verdict(screened, patient_id):
    result, expected = screened[patient_id], EXPECTED[patient_id]
    assert result.verdict == expected["verdict"], expected["decisive"]


@pytest.mark.parametrize("patient_id", sorted(EXPECTED))
def test_sample_patient_criteria_match_the_settled_labels(screened, patient_id):
    got = {c.id: c.status for c in screened[patient_id].criteria}
    wrong = {cid: (want, got[cid]) for cid, want in EXPECTED[patient_id]["criteria"].items() if got[cid] != want}
    assert not wrong, wrong


def test_every_sample_fail_shows_its_evidence_in_the_note_text(screened):
    texts = {(n["patient_id"], n["note_id"]): n["text"] for n in map(json.loads, (SAMPLES / "notes.jsonl").open(encoding="utf-8"))}
    for pid, result in screened.items():
        for c in result.criteria:
            if c.status == "fail":
                assert c.evidence, (pid, c.id)
            for e in c.evidence:
                assert texts[(pid, e.note_id)][e.start:e.end] == e.text
