"""build_nlp(patterns_dir) -> Language: the only place our spaCy pipeline is assembled.

spacy.blank("en") -> nlp_screen_sentences -> medspacy_sectionizer -> medspacy_target_matcher (span group)
-> nlp_screen_values (same span group) -> medspacy_context (over that group).
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Optional

import spacy
from spacy.language import Language

SPAN_GROUP = "nlp_screen"


def default_patterns_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "patterns"


def quiet_medspacy() -> None:
    """medSpaCy's PyRuSH logs DEBUG lines through loguru, and spaCy warns W036 for empty matchers: silence both once."""
    try:
        from loguru import logger
        logger.disable("PyRuSH")
        logger.disable("medspacy")
    except ImportError:  # pragma: no cover - loguru comes with medspacy
        pass
    warnings.filterwarnings("ignore", message=r".*\[W036\].*")


def build_nlp(patterns_dir: Optional[Path] = None) -> Language:
    """Assemble the extraction pipeline from the rule files in `patterns_dir` (default: the repo's patterns/)."""
    quiet_medspacy()
    patterns = Path(patterns_dir) if patterns_dir else default_patterns_dir()
    if not (patterns / "target_rules").is_dir():
        raise FileNotFoundError(f"no rule folder at {patterns / 'target_rules'}: pass patterns_dir or install nlp-screen editable (pip install -e .)")
    from medspacy.target_matcher import TargetMatcher, TargetRule  # noqa: F401  registers the factory

    from .components import values as _values  # noqa: F401  registers nlp_screen_values
    from .components.indexed_matcher import use_indexed_matcher
    from .components.concept_context import add_concept_context
    from .components.context import add_context

    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    add_sentences(nlp, patterns)
    add_sectionizer(nlp, patterns)
    # Rules are added after the pipe exists: medSpaCy 1.3.1 raises AttributeError for config={"rules": ...}.
    matcher = nlp.add_pipe("medspacy_target_matcher", config={"result_type": "group", "span_group_name": SPAN_GROUP})
    use_indexed_matcher(matcher, "TargetMatcher", nlp)
    for rule_file in sorted((patterns / "target_rules").glob("*.json")):
        matcher.add(TargetRule.from_json(str(rule_file)))
    nlp.add_pipe("nlp_screen_values", config={"vocabulary_path": str(patterns / "values.json")})
    add_context(nlp, patterns / "context_rules.json")
    add_concept_context(nlp, patterns / "concept_context.json")
    return nlp


def add_sentences(nlp: Language, patterns: Path) -> None:
    from .components import sentences as _sentences  # noqa: F401  registers nlp_screen_sentences
    nlp.add_pipe("nlp_screen_sentences", config={"abbreviations_path": str(patterns / "sentence_abbreviations.json")})


# What the token before a header ends with when the header starts a line: a line break, or a run of three or more
# spaces, which is where a flattened export lost its line break ("PAST MEDICAL HISTORY:     PHYSICAL EXAM:    General
# appearance: no acute distress"). spaCy gives a word one trailing space and the rest of a run its own token, so
# three spaces are a whitespace token of two or more. medSpaCy's default is only the line break.
# (the token before a header: a line break, a run of blanks, or a comma glued to it, a line break an export
# flattened: 'one partner.,FAMILY HISTORY:')
LINE_START_BEFORE_HEADER = r"(?:[\n\r]+[\s]*|^ {2,}|^,)$"


def add_sectionizer(nlp: Language, patterns: Path) -> None:
    """medSpaCy's sectionizer with our header rules; a header must start its line.

    "nlp_screen_sectionizer" is medSpaCy's Sectionizer without the per-token section attribute nothing reads
    (components/sectionizer.py); the pipe keeps medSpaCy's name.
    """
    from medspacy.section_detection import SectionRule

    from .components import sectionizer as _sectionizer  # noqa: F401  registers nlp_screen_sectionizer
    from .components.indexed_matcher import use_indexed_matcher
    sectionizer = nlp.add_pipe("nlp_screen_sectionizer", name="medspacy_sectionizer", config={
        "rules": None, "require_start_line": True, "span_attrs": None, "input_span_type": None,
        "newline_pattern": LINE_START_BEFORE_HEADER})
    use_indexed_matcher(sectionizer, "Sectionizer", nlp)
    sectionizer.add(SectionRule.from_json(str(patterns / "section_rules.json")))


def configure_tokenizer(nlp: Language) -> None:
    """spacy.blank("en")'s tokenizer, trimmed for clinical notes.

    - Only the special cases with an apostrophe are kept ("can't" -> "ca", "n't", which negation patterns use).
      The other ~630 (emoticons, "a.m.", "Dr." ...) send every note through spaCy's final special-case Matcher
      pass: measured on 300 MTSamples notes of ~4 KB, 545 notes/s with them, 3,050 notes/s without.
    - A period after a capital letter is split off, so "Denies hepatitis B." gives "B" and "." and the
      rule "hepatitis B" matches at a sentence end (spaCy keeps "B." whole, for initials).
    - A comma glued after a stop or colon is split off (".,FAMILY HISTORY:" in exports that flatten line breaks).
    Rule literals are tokenized by this same tokenizer, so phrase rules and text stay aligned.
    """
    tokenizer = nlp.tokenizer
    tokenizer.rules = {k: v for k, v in tokenizer.rules.items() if "'" in k or "\u2019" in k}
    suffixes = list(nlp.Defaults.suffixes) + [r"(?<=[A-Z])\."]
    tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    # a comma glued after a sentence's stop is a line break flattened by an export ('one partner.,FAMILY
    # HISTORY: ,Positive for ...'): split it off so the header's words are tokens of their own
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[.?!:]),(?=[A-Za-z])", r"(?<=[A-Za-z]):(?=,)"]
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
