"""Shared pytest fixtures: one Extractor per test session (building the spaCy/medSpaCy pipeline is slow)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def extractor():
    """The real extraction pipeline on the repository's patterns/, built once."""
    from nlp_screen.extract import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def screen_jsonl(extractor):
    """Screen notes.jsonl files in memory: {patient_id: PatientResult} (a patient's notes may be in any file)."""
    import json
    from collections import defaultdict

    from nlp_screen.criteria import evaluate_patient
    from nlp_screen.models import Note

    def screen(*paths):
        notes = [Note(**json.loads(line)) for path in paths for line in path.open(encoding="utf-8")]
        by_patient = defaultdict(list)
        for facts in extractor.pipe(notes):
            by_patient[facts.patient_id].append(facts)
        return {pid: evaluate_patient(pid, facts) for pid, facts in by_patient.items()}

    return screen
