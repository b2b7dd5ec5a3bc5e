"""medSpaCy ConText over our span group: each span in doc.spans["nlp_screen"] gets is_negated / is_historical /
is_hypothetical / is_family / is_uncertain, and `context_cues` turns its modifiers into the words a reviewer reads.
"""
from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Span

SPAN_GROUP = "nlp_screen"

# medSpaCy's category -> our flag name (models.CONTEXT_FLAGS). These are the categories ConText's default span
# attributes know, so span._.is_negated etc. work unchanged. Categories not listed here (PSEUDO, TERMINATE,
# POSITIVE_RESULT ...) only shape the scope of others and never set a flag.
FLAG_OF_CATEGORY: dict[str, str] = {
    "NEGATED_EXISTENCE": "negated",
    "HISTORICAL": "historical",
    "HYPOTHETICAL": "hypothetical",
    "FAMILY": "family",
    "POSSIBLE_EXISTENCE": "uncertain",
}


def add_context(nlp: Language, rules_path: Path, name: str = "medspacy_context"):
    """Add medSpaCy ConText reading its targets from doc.spans["nlp_screen"] and return the pipe.

    The pipe needs the span group to exist (medSpaCy's TargetMatcher with result_type="group" always creates it)
    and sentence boundaries (ConText scopes end at the sentence). Rules come from `rules_path` in medSpaCy's JSON
    format; its optional top-level "terminating_types" ({category: [categories that end its scope]}) is passed to
    ConText, because ConTextRule.from_json rejects a per-rule "terminated_by" key.
    """
    import medspacy.context  # noqa: F401  registers the "medspacy_context" factory
    from medspacy.context import ConTextRule

    rules_path = Path(rules_path)
    data = json.loads(rules_path.read_text(encoding="utf-8"))
    config = {
        # rules=None: the default "default" would load medSpaCy's own file as well, duplicating every rule we copied.
        # Rules are added after the pipe exists (the trap that breaks medSpaCy 1.3.1's TargetMatcher).
        "rules": None,
        "input_span_type": "group",
        "span_group_name": SPAN_GROUP,
        # A modifier inside a target ("history" in "family history", "free" in "disease-free survival") is part of
        # the concept's name, not a cue about it: drop it rather than let it modify the neighbours. Measured on the
        # NegEx dev half: negation F1 0.93 -> 0.96 with medSpaCy's default rules.
        "prune_on_target_overlap": True,
        "terminating_types": data.get("terminating_types", {}),
    }
    context = nlp.add_pipe("medspacy_context", name=name, config=config)
    context.add(ConTextRule.from_json(rules_path))
    return context


def context_cues(span: Span) -> dict[str, str]:
    """Map each flag ConText set on `span` to the cue text that set it, e.g. {"negated": "no evidence of"}.

    When several cues set one flag, the nearest to the span wins: it is the one a reviewer reads first.
    """
    doc = span.doc
    best: dict[str, tuple[int, str]] = {}
    for modifier in getattr(span._, "modifiers", ()):
        flag = FLAG_OF_CATEGORY.get(modifier.category)
        if flag is None:
            continue
        start, end = modifier.modifier_span
        distance = start - span.end if start >= span.end else span.start - end
        if flag not in best or distance < best[flag][0]:
            best[flag] = (distance, doc[start:end].text)
    return {flag: text for flag, (_, text) in best.items()}
