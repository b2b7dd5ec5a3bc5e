"""Our focused ConText sets exactly the flags and cues medSpaCy's own ConText sets, on real notes and sentences."""
import json
from pathlib import Path

import pytest

from nlp_screen.components.context import SPAN_GROUP, add_context
from nlp_screen.pipeline import build_nlp

ROOT = Path(__file__).resolve().parents[1]
NEGEX = ROOT.parent / "shared" / "corpora" / "negex" / "rsAnnotations-1-120-random.dev.txt"


@pytest.fixture(scope="module")
def pipelines():
    ours = build_nlp()
    reference = build_nlp()
    reference.remove_pipe("medspacy_context")
    add_context(reference, ROOT / "patterns" / "context_rules.json", factory="medspacy_context")
    return ours, reference


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in (ROOT / "corpus_samples" / "notes.jsonl").open(encoding="utf-8")]
    if NEGEX.is_file():
        rows = NEGEX.read_text(encoding="utf-8").splitlines()[1:]
        texts += ["\n".join(r.split("\t")[2] for r in rows[i:i + 60] if r.count("\t") >= 2) for i in range(0, 600, 60)]
    return texts


def _flags(nlp, text):
    doc = nlp(text)
    return [(s.start, s.end, s.label_, s._.is_negated, s._.is_historical, s._.is_hypothetical, s._.is_family,
             s._.is_uncertain, tuple((m.category, m.modifier_span) for m in s._.modifiers))
            for s in doc.spans[SPAN_GROUP]]


@pytest.mark.parametrize("index", range(len(_texts())))
def test_focused_context_equals_medspacy_context(pipelines, index):
    ours, reference = pipelines
    text = _texts()[index]
    assert _flags(ours, text) == _flags(reference, text)


TIED_CUES = (  # two cues on the same words: medSpaCy keeps the first rule's, so must we
    {"literal": "declined further", "category": "NEGATED_EXISTENCE", "direction": "FORWARD"},
    {"literal": "declined further (token)", "category": "HYPOTHETICAL", "direction": "FORWARD",
     "pattern": [{"LOWER": "declined"}, {"LOWER": "further"}]},
    {"literal": "declined further (regex)", "category": "POSSIBLE_EXISTENCE", "direction": "FORWARD",
     "pattern": "declined further"},
)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 0, 2), (2, 0, 1)])
def test_tied_cues_resolve_like_medspacy(tmp_path, order):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"context_rules": [TIED_CUES[i] for i in order]}), encoding="utf-8")
    ours, reference = build_nlp(), build_nlp()
    for nlp, factory in ((ours, "nlp_screen_context"), (reference, "medspacy_context")):
        nlp.remove_pipe("medspacy_context")
        add_context(nlp, rules, factory=factory)
    text = "He declined further chemotherapy while awaiting trial options."
    assert _flags(ours, text) == _flags(reference, text)
    assert any(flags[3:8] != (False,) * 5 for flags in _flags(ours, text))
