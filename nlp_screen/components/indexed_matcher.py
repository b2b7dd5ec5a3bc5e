"""medSpaCy's rule matcher with token patterns looked up by their first token (same matches, less work).

medSpaCy's TargetMatcher and Sectionizer each hold a MedspacyMatcher that runs every token pattern at every
token; our short all-caps rules ({"TEXT": "CR"}: 93 target and 54 section rules) made that ~0.5 ms of each
component's ~0.8 ms per 4 KB note. `IndexedMedspacyMatcher` keeps medSpaCy's rule ids, rule map, phrase and
regex matching and pruning, and runs the token patterns of the simple subset through
`token_patterns.SimplePatternMatcher` (equal results); any other pattern stays with spaCy's Matcher.
`use_indexed_matcher` installs it in a medSpaCy component before its rules are added (medSpaCy 1.3.1 keeps the
matcher in a private attribute, and medspacy is pinned to that version).
"""
from typing import Iterable

from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.util import prune_overlapping_matches
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from .token_patterns import SimplePatternMatcher


class IndexedMedspacyMatcher(MedspacyMatcher):
    def __init__(self, nlp: Language, name: str = "nlp_screen_matcher", phrase_matcher_attr: str = "LOWER",
                 prune: bool = True) -> None:
        super().__init__(nlp, name=name, phrase_matcher_attr=phrase_matcher_attr, prune=prune)
        self._simple = SimplePatternMatcher(nlp.vocab)
        self._other_tokens = Matcher(nlp.vocab)
        self._token_rule_order: dict[int, int] = {}  # key hash -> order added

    def add(self, rules: Iterable) -> None:
        rules = list(rules)
        super().add(rules)  # rule ids, rule map, labels, phrase and regex patterns
        for rule in rules:
            if isinstance(rule.pattern, list):
                key_hash = self.nlp.vocab.strings.add(rule._rule_id)
                self._token_rule_order[key_hash] = len(self._token_rule_order)
                if not self._simple.add(rule._rule_id, rule.pattern):
                    self._other_tokens.add(rule._rule_id, [rule.pattern], on_match=rule.on_match)

    def __call__(self, doc: Doc) -> list:
        # medSpaCy's order: token-pattern matches (equal spans in rule order, as spaCy's Matcher gives them), then
        # phrase, then regex matches; its pruning keeps the first of two equally long overlapping matches
        matches = self._simple(doc, [(0, len(doc))])
        if len(self._other_tokens):
            matches += self._other_tokens(doc)
        matches.sort(key=lambda m: (m[1], m[2], self._token_rule_order[m[0]]))
        matches += self._MedspacyMatcher__phrase_matcher(doc)
        matches += self._MedspacyMatcher__regex_matcher(doc)
        if self._prune:
            matches = prune_overlapping_matches(matches)
        return matches


def use_indexed_matcher(component, owner: str, nlp: Language) -> None:
    """Give a medSpaCy TargetMatcher or Sectionizer (`owner` is its class name) an IndexedMedspacyMatcher."""
    attr = f"_{owner}__matcher"
    if not hasattr(component, attr):  # pragma: no cover - a medspacy upgrade changed its internals
        raise RuntimeError(f"{owner} has no matcher attribute {attr}: check medspacy's version (1.3.1 expected)")
    setattr(component, attr, IndexedMedspacyMatcher(nlp, name=f"{owner}_matcher"))
