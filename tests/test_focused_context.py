"""Our focused ConText sets exactly the flags and cues medSpaCy's own ConText sets, on real notes and sentences.

The deliberate differences (a cue inside a target is dropped before scopes are set, not after; a cue that runs into
a target keeps its words before it) are given to the reference by a graph that trims and prunes first, written here
independently of nlp_screen's implementation.
"""
import json
from pathlib import Path

import medspacy.context.context as medspacy_context_module
import pytest
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier

from texts import demo_texts, negex_sentences
from nlp_screen.components.context import SPAN_GROUP, add_context
from nlp_screen.pipeline import build_nlp

ROOT = Path(__file__).resolve().parents[1]


class PruneFirstGraph(ConTextGraph):
    """medSpaCy's graph, with target-overlap pruning moved before the scope update, after cutting a cue that runs
    into a target back to its words before the target."""

    def update_scopes(self):
        if self.prune_on_modifier_overlap:
            self.modifiers = [self._before_targets(m) for m in self.modifiers]
            self.modifiers = [m for m in self.modifiers
                              if not any(t.start < m.modifier_span[1] and m.modifier_span[0] < t.end
                                         for t in self.targets)]
        super().update_scopes()

    def _before_targets(self, m):
        start, end = m.modifier_span
        starts = [t.start for t in self.targets if start < t.start < end]
        return ConTextModifier(m.rule, start, min(starts), self.targets[0].doc) if starts else m


@pytest.fixture(scope="module", autouse=True)
def prune_first_reference():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(medspacy_context_module, "ConTextGraph", PruneFirstGraph)
        yield


@pytest.fixture(scope="module")
def pipelines():
    ours = build_nlp()
    reference = build_nlp()
    reference.remove_pipe("medspacy_context")
    add_context(reference, ROOT / "patterns" / "context_rules.json", factory="medspacy_context")
    return ours, reference


def _texts() -> list[str]:
    sentences = negex_sentences(limit=600)
    return demo_texts() + ["\n".join(sentences[i:i + 60]) for i in range(0, len(sentences), 60)]


def _flags(nlp, text):
    doc = nlp(text)
    return [(s.start, s.end, s.label_, s._.is_negated, s._.is_historical, s._.is_hypothetical, s._.is_family,
             s._.is_uncertain, tuple((m.category, m.modifier_span, m.scope_span) for m in s._.modifiers))
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


def test_a_cue_inside_a_target_does_not_cut_the_scope_of_its_neighbour():
    # 'post' (a historical cue) lies inside the target; medSpaCy's order would let it end the scope of 'history'
    nlp = build_nlp()
    text = "Menstrual history: post-menopausal."
    doc = nlp.make_doc(text)
    doc.spans[SPAN_GROUP] = [doc.char_span(text.index("post"), text.index("."), label="CONDITION")]
    for name, pipe in nlp.pipeline:
        if name in ("nlp_screen_sentences", "medspacy_context"):
            doc = pipe(doc)
    (span,) = doc.spans[SPAN_GROUP]
    assert span._.is_historical
    assert [doc[m.modifier_span[0]:m.modifier_span[1]].text for m in span._.modifiers] == ["history"]


@pytest.mark.parametrize("text, target", [
    ("There is no measurable lesion.", "measurable lesion"),
    ("Restaging CT: residual nodes 1.3 cm and 1.1 cm, no measurable lesion.", "measurable lesion"),
])
def test_a_cue_that_runs_into_a_target_keeps_its_words_before_it(pipelines, text, target):
    # the cue 'no measurable' (for 'no measurable disease') overlaps the target 'measurable lesion': its 'no' negates
    ours, reference = pipelines
    assert _flags(ours, text) == _flags(reference, text)
    doc = ours(text)
    (span,) = [s for s in doc.spans[SPAN_GROUP] if s.text == target]
    assert span._.is_negated
    assert [doc[m.modifier_span[0]:m.modifier_span[1]].text for m in span._.modifiers] == ["no"]
