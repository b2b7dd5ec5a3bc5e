"""medSpaCy's Sectionizer without its per-token section attribute: a Doc's header matches -> doc._.sections.

medSpaCy 1.3.1 also sets token._.section on every token after the first header (~1.5 us a token through spaCy's
Underscore: about 1 ms for a 4 KB note with sections). Nothing in nlp-screen reads it: mentions get their section
from doc._.sections (extract.SectionIndex), and ConText does not look at sections. `LeanSectionizer` builds the
same Section objects as medSpaCy, in the same list, for the configuration build_nlp uses (no parent sections,
no section length limit, no span attributes, no sentence boundaries); any other configuration runs medSpaCy's own
code. tests/test_sectionizer.py compares the two on real notes.
"""
# No `from __future__ import annotations`: spaCy validates factory arguments from real annotations.
from typing import Any, Optional

from medspacy.section_detection import Sectionizer
from medspacy.section_detection.section import Section
from spacy.language import Language
from spacy.tokens import Doc


class LeanSectionizer(Sectionizer):
    """Sets doc._.sections like medSpaCy's Sectionizer, not token._.section."""

    def __call__(self, doc: Doc) -> Doc:
        if not self._lean():
            return super().__call__(doc)
        matcher = self._Sectionizer__matcher  # medSpaCy 1.3.1's private matcher (see indexed_matcher.use_indexed_matcher)
        matches = matcher(doc)
        if self.require_start_line:
            matches = self.filter_start_lines(doc, matches)
        if self.require_end_line:
            matches = self.filter_end_lines(doc, matches)
        rules = [matcher.rule_map[self.nlp.vocab.strings[match_id]] for match_id, _, _ in matches]
        doc._.sections = sections_of(len(doc), [(start, end) for _, start, end in matches], rules)
        return doc

    def _lean(self) -> bool:
        """The configuration whose sections `sections_of` builds; medSpaCy's own code handles any other."""
        return (not self._parent_sections and self.max_section_length is None and not self.assertion_attributes_mapping
                and not self._apply_sentence_boundary)


def sections_of(n_tokens: int, headers: list, rules: list) -> list:
    """medSpaCy's sections for header token ranges `headers` (in order) matched by `rules`: text before the first
    header is a section without category; each section runs to the next header (or its rule's max_scope)."""
    if not headers:
        return [Section(None, 0, 0, 0, n_tokens)]
    sections = []
    if headers[0][0] != 0:
        sections.append(Section(None, 0, 0, 0, headers[0][0]))
    for i, ((start, end), rule) in enumerate(zip(headers, rules)):
        limit = headers[i + 1][0] if i + 1 < len(headers) else n_tokens
        body_end = limit if rule.max_scope is None else min(end + rule.max_scope, limit)
        sections.append(Section(rule.category, start, end, end, body_end, None, rule))
    return sections


@Language.factory("nlp_screen_sectionizer", assigns=["doc._.sections"],
                  default_config={"rules": None, "require_start_line": False, "span_attrs": None,
                                  "input_span_type": None, "newline_pattern": r"[\n\r]+[\s]*$"})
def make_sectionizer(nlp: Language, name: str, rules: Optional[str], require_start_line: bool, span_attrs: Any,
                     input_span_type: Optional[str], newline_pattern: str) -> LeanSectionizer:
    return LeanSectionizer(nlp, name=name, rules=rules, require_start_line=require_start_line, span_attrs=span_attrs,
                           input_span_type=input_span_type, newline_pattern=newline_pattern)
