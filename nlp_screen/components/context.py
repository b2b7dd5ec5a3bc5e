"""medSpaCy ConText over our span group: each span in doc.spans["nlp_screen"] gets is_negated / is_historical /
is_hypothetical / is_family / is_uncertain, and `context_cues` turns its modifiers into the words a reviewer reads.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Span

if TYPE_CHECKING:
    from medspacy.context import ConText

SPAN_GROUP = "nlp_screen"

# ConText category -> our flag name (models.CONTEXT_FLAGS); flag `x` is the span attribute `is_x`. The first five
# are medSpaCy's own categories. The *_RESULT ones are ours: result words written after their test ("HBsAg neg",
# "CD5 IHC pending"), kept apart so that the scope-only categories of patterns/context_rules.json
# ("terminating_types") can end them at a list boundary ("ALCL, ALK negative") without also cutting
# "no fever, chills or rash". Categories not listed here (PSEUDO, TERMINATE, *_BOUNDARY ...) never set a flag.
FLAG_OF_CATEGORY: dict[str, str] = {
    "NEGATED_EXISTENCE": "negated",
    "HISTORICAL": "historical",
    "HYPOTHETICAL": "hypothetical",
    "FAMILY": "family",
    "POSSIBLE_EXISTENCE": "uncertain",
    "NEGATED_RESULT": "negated",
    "PENDING_RESULT": "hypothetical",
    "UNCERTAIN_RESULT": "uncertain",
    "REFERRAL": "hypothetical",
    "WORKING_DIAGNOSIS": "uncertain",
    "DIFFERENTIAL": "uncertain",
    "CONSIDERED_AFTER": "hypothetical",
    "STUDY_CRITERIA": "hypothetical",
    "REVISED": "negated",
    "FIELD_NEGATED": "negated",
    "BOX_NEGATED": "negated",
    "FIELD_UNANSWERED": "hypothetical",
    "BOX_UNANSWERED": "hypothetical",
    "BOX_UNSELECTED": "hypothetical",
    "PAREN_NEGATED": "negated",
    "DEFERRED": "hypothetical",
}
SPAN_ATTRS: dict[str, dict[str, bool]] = {
    category: {f"is_{flag}": True} for category, flag in FLAG_OF_CATEGORY.items()
}


def add_context(nlp: Language, rules_path: Path, name: str = "medspacy_context",
                factory: str = "nlp_screen_context") -> "ConText":
    """Add medSpaCy ConText reading its targets from doc.spans["nlp_screen"] and return the pipe.

    The pipe needs the span group to exist (medSpaCy's TargetMatcher with result_type="group" always creates it;
    ConText raises KeyError otherwise) and sentence boundaries (ConText scopes end at the sentence). Rules come
    from `rules_path` in medSpaCy's JSON format; its optional top-level "terminating_types" ({category:
    [categories that end its scope]}) is given to ConText, because ConTextRule.from_json rejects a per-rule
    "terminated_by" key. A malformed rule raises ValueError here, before any note is read.
    """
    from medspacy.context import ConText, ConTextRule

    from . import focused_context  # noqa: F401  registers "nlp_screen_context" (medSpaCy ConText, focused matching)

    # A custom span_attrs mapping makes ConText check that the attributes exist instead of registering them.
    ConText.register_default_attributes()

    rules_path = Path(rules_path)
    data = json.loads(rules_path.read_text(encoding="utf-8"))
    config = {
        # rules=None: the default "default" would load medSpaCy's own file as well, duplicating every rule we copied.
        # (ConText, unlike medSpaCy 1.3.1's TargetMatcher, would accept a path here; rules are added below anyway,
        # after terminating_types is set.)
        "rules": None,
        "input_span_type": "group",
        "span_group_name": SPAN_GROUP,
        # A cue inside a target ("negative" in "MRD-negative CR1", "no" in "no response") is part of the concept's
        # name, not a cue about it: drop it. Without this ConText even applies a cue that a target contains to that
        # target (its overlap test misses a span lying inside another). Measured on the NegEx dev half with
        # medSpaCy's default rules: negation F1 0.92 -> 0.95.
        "prune_on_target_overlap": True,
        "span_attrs": SPAN_ATTRS,
    }
    # "nlp_screen_context" is medSpaCy's ConText with focused matching (components/focused_context.py);
    # factory="medspacy_context" gives the unmodified one (tests compare the two).
    context = nlp.add_pipe(factory, name=name, config=config)
    # Not passed in `config`: spaCy validates ConText's `Dict[str, Iterable[str]]` annotation by turning each list
    # into a one-shot iterator, so only the first rule of a category would get its terminators. Set it before
    # `add`, which is where ConText copies it into each rule's `terminated_by`.
    context.terminating_types = {
        category.upper(): [other.upper() for other in others]
        for category, others in data.get("terminating_types", {}).items()
    }
    context.add(ConTextRule.from_json(rules_path))
    return context


def context_cues(span: Span) -> dict[str, str]:
    """Map each flag ConText set on `span` to the cue text that set it, e.g. {"negated": "no evidence of"}.

    When several cues set one flag, the nearest to the span wins: it is the one a reviewer reads first. A flag
    that only the span's own words set (components/concept_context.py) reads "concept: <cue>".
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
    cues = {flag: text for flag, (_, text) in best.items()}
    for flag, cue in (getattr(span._, "concept_cues", None) or {}).items():
        cues.setdefault(flag, f"concept: {cue}")  # components/concept_context.py: the span's own words
    return cues
