"""Context that a target's own words carry: 'tobacco use' is social history, 'psychiatric history' is the past.

medSpaCy ConText reads cues around a target and drops a cue inside one (prune_on_target_overlap), so a concept
whose class decides its context gets no flag from it. This component runs after ConText and sets the flag for each
span of the group whose whole text matches a rule of patterns/concept_context.json; `context_cues` reports it as
'concept: <cue>'. Rules are compiled into one alternation per flag, so a span costs one regex match per flag.
"""
import json
import re
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from .context import SPAN_GROUP

_SPACES = re.compile(r"\s+")

if not Span.has_extension("concept_cues"):
    Span.set_extension("concept_cues", default=None)  # {flag: cue} set here; None when no rule matched


def load_concept_rules(path: Path) -> dict[str, list[tuple[re.Pattern, str]]]:
    """{flag: [(compiled whole-span pattern, cue)]}; a bad flag or pattern raises ValueError at load time."""
    from ..models import CONTEXT_FLAGS

    rules: dict[str, list[tuple[re.Pattern, str]]] = {}
    for rule in json.loads(Path(path).read_text(encoding="utf-8"))["concept_rules"]:
        if rule["flag"] not in CONTEXT_FLAGS:
            raise ValueError(f"{path}: unknown flag {rule['flag']!r} (expected one of {', '.join(CONTEXT_FLAGS)})")
        try:
            pattern = re.compile(rule["pattern"], re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"{path}: bad pattern for cue {rule['cue']!r}: {error}") from error
        rules.setdefault(rule["flag"], []).append((pattern, rule["cue"]))
    return rules


def concept_flags(text: str, rules: dict[str, list[tuple[re.Pattern, str]]]) -> dict[str, str]:
    """{flag: cue} for every rule whose pattern matches the whole of `text` (whitespace runs read as one space)."""
    normalized = _SPACES.sub(" ", text.strip())
    found: dict[str, str] = {}
    for flag, flag_rules in rules.items():
        for pattern, cue in flag_rules:
            if pattern.fullmatch(normalized):
                found[flag] = cue
                break
    return found


@Language.factory("nlp_screen_concept_context", default_config={"rules_path": None})
def make_concept_context(nlp: Language, name: str, rules_path: Optional[str]):
    if rules_path is None:
        raise ValueError("nlp_screen_concept_context needs rules_path (patterns/concept_context.json)")
    rules = load_concept_rules(Path(rules_path))

    def concept_context(doc: Doc) -> Doc:
        for span in doc.spans.get(SPAN_GROUP, ()):
            found = concept_flags(span.text, rules)
            if not found:
                continue
            extension = span._
            for flag in found:
                setattr(extension, f"is_{flag}", True)
            extension.concept_cues = found
        return doc

    return concept_context


def add_concept_context(nlp: Language, rules_path: Path) -> None:
    """Add the component after ConText (which must already be in the pipeline: it registers the is_* flags)."""
    nlp.add_pipe("nlp_screen_concept_context", config={"rules_path": str(rules_path)})
