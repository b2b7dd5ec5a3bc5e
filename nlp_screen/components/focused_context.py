"""medSpaCy ConText, matched only where it can matter: the sentences that hold a target.

A ConText modifier's scope never leaves its sentence, so cues in sentences without a target cannot modify
anything. medSpaCy 1.3.1 nevertheless runs every token pattern over the whole note and rebuilds `doc.text` for
every regex rule (measured: ~20 ms of a 4 KB note's ~25 ms). This subclass keeps medSpaCy's rules, modifiers,
scopes, pruning and graph and replaces the matching step:
- token patterns run on the target sentences alone: those of the simple subset our rules use through a
  first-token index (token_patterns.SimplePatternMatcher, equal results), any other through spaCy's Matcher;
- literal phrases run once over the Doc (hash lookups, cheap) and are kept when inside a target sentence;
- regex rules run over the text, computed once, and only inside target sentences, and only where the strings every
  match of the rule holds occur (regex_prefilter, derived from each pattern when it is added).
One deliberate difference in results: with prune_on_target_overlap, a cue inside a target is dropped before scopes
are set, not after (see drop_cues_inside_targets).
"""
# No `from __future__ import annotations`: spaCy validates factory arguments from real annotations.
import bisect
import re
from typing import Any, Iterable, Optional

from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText, ConTextRule
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier
from medspacy.util import tuple_overlaps
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from . import doc_text
from .regex_prefilter import Requirements, fold, may_match, required_literals
from .token_patterns import SimplePatternMatcher


class FocusedConText(ConText):
    """ConText whose modifier matching is limited to sentences that contain a target (same results, less work)."""

    def __init__(self, nlp: Language, **kwargs) -> None:
        self._focus_rules: dict[str, ConTextRule] = {}
        self._focus_tokens = Matcher(nlp.vocab)
        self._focus_simple = SimplePatternMatcher(nlp.vocab)
        self._focus_phrases = PhraseMatcher(nlp.vocab, attr=kwargs.get("phrase_matcher_attr", "LOWER"))
        self._focus_regexes: list[tuple[str, re.Pattern, Requirements]] = []
        self._focus_order: dict[int, tuple[int, int]] = {}  # key hash -> (matcher group, rule index), see _matches
        super().__init__(nlp, **kwargs)

    def add(self, rules) -> None:
        if isinstance(rules, ConTextRule):
            rules = [rules]
        rules = list(rules)
        super().add(rules)  # medSpaCy fills in global attributes and terminators on each rule
        for rule in rules:
            index = len(self._focus_rules)
            key = f"nlp_screen_context_{index}"
            key_hash = self.nlp.vocab.strings.add(key)
            self._focus_rules[key] = rule
            if isinstance(rule.pattern, str):
                self._focus_regexes.append((key, re.compile(rule.pattern, flags=re.IGNORECASE),
                                            required_literals(rule.pattern, re.IGNORECASE)))
                self._focus_order[key_hash] = (2, index)
            elif isinstance(rule.pattern, list):
                if not self._focus_simple.add(key, rule.pattern):
                    self._focus_tokens.add(key, [rule.pattern])
                self._focus_order[key_hash] = (0, index)
            else:
                self._focus_phrases.add(key, [self.nlp.make_doc(rule.literal.lower())])
                self._focus_order[key_hash] = (1, index)

    def __call__(self, doc: Doc, targets: str = None) -> Doc:
        targets = list(doc.spans[self.span_group_name] if not targets else getattr(doc._, targets))
        sentences = Sentences(doc)
        modifiers = [self._modifier(self._focus_rules[self.nlp.vocab.strings[key]], start, end, doc, sentences)
                     for key, start, end in trim_cues_running_into_targets(self._matches(doc, targets, sentences), targets)]
        # A modifier's scope never leaves its sentence, so one graph per sentence gives medSpaCy's edges, in its
        # order, at the cost of sum(targets x modifiers) per sentence instead of for the whole note.
        by_sentence: dict[int, tuple[list, list]] = {}
        for target in targets:
            by_sentence.setdefault(sentences.index(target.start), ([], []))[0].append(target)
        for modifier in modifiers:
            group = by_sentence.get(sentences.index(modifier.modifier_span[0]))
            if group is not None:
                group[1].append(modifier)
        edges, kept = [], []
        for i in sorted(by_sentence):
            sentence_targets, sentence_modifiers = by_sentence[i]
            if self.prune_on_target_overlap:
                sentence_modifiers = drop_cues_inside_targets(sentence_targets, sentence_modifiers)
            # cues inside targets are gone already: medSpaCy's own overlap pass (after the scopes) would find none
            graph = ConTextGraph(targets=sentence_targets, modifiers=sentence_modifiers, prune_on_modifier_overlap=False)
            graph.update_scopes()
            graph.apply_modifiers()
            edges += graph.edges
            kept += graph.modifiers
        for target, modifier in edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(edges)
        doc._.context_graph = ConTextGraph(targets=targets, modifiers=kept, edges=edges,
                                           prune_on_modifier_overlap=self.prune_on_target_overlap)
        return doc

    def _modifier(self, rule: ConTextRule, start: int, end: int, doc: Doc, sentences: "Sentences") -> ConTextModifier:
        """medSpaCy's ConTextModifier, its sentence scope set from our sentence index: medSpaCy finds the sentence
        through token.sent, which walks back to the sentence start for each cue (measured: ConText 0.79 -> 0.71 ms
        a note). A max_scope window stays medSpaCy's."""
        if self.max_scope:
            return ConTextModifier(rule, start, end, doc, max_scope=self.max_scope)
        scope = sentence_scope(rule, start, end, sentences.bounds(sentences.index(start)))
        return ConTextModifier(rule, start, end, doc, scope_start=scope[0], scope_end=scope[1],
                               max_scope=self.max_scope)

    def _matches(self, doc: Doc, targets: list, sentences: "Sentences") -> list:
        chosen = sentences.holding(targets)
        if not chosen:
            return []
        ranges = [sentences.bounds(i) for i in chosen]
        wanted = set(chosen)

        def inside(start: int, end: int) -> bool:
            i = sentences.index(start)
            return i in wanted and end <= sentences.bounds(i)[1]

        matches = [(key, s, e) for key, s, e in self._focus_phrases(doc) if inside(s, e)]
        matches += self._focus_simple(doc, ranges)
        if len(self._focus_tokens):
            for s, e in ranges:
                matches += [(key, s + a, s + b) for key, a, b in self._focus_tokens(doc[s:e])]
        if self._focus_regexes:
            # runs of neighbouring target sentences are scanned at once; a match must still lie in one sentence
            text = doc_text(doc)  # == doc.text_with_ws
            for s, e in merge_ranges(ranges):
                lo, hi = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
                folded = fold(text[lo:hi])
                for key, rx, needs in self._focus_regexes:
                    if not may_match(needs, folded):
                        continue  # a string every match holds is absent from the range (regex_prefilter)
                    for m in rx.finditer(text, lo, hi):
                        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                        if span is not None and len(span) and inside(span.start, span.end):
                            matches.append((self.nlp.vocab.strings[key], span.start, span.end))
        # medSpaCy lists token-pattern matches, then phrase, then regex ones, each in rule order; its pruning keeps
        # the first of two equally long overlapping cues, so ties must come in that order to give its result
        matches.sort(key=lambda m: (m[1], m[2], self._focus_order[m[0]]))
        if self.prune_on_modifier_overlap:
            matches = prune_overlapping_matches(matches)
        return sorted(matches, key=lambda m: (m[1], m[2]))


def trim_cues_running_into_targets(matches: list, targets: list) -> list:
    """Cue matches (key, start, end) cut at the first target that starts inside them.

    'no measurable' (a cue for 'no measurable disease') runs into the target 'measurable lesion' in 'There is no
    measurable lesion'; medSpaCy never lets a cue modify a target it overlaps, so the 'no' would be lost. The part
    before the target is the cue's own."""
    out = []
    for key, start, end in matches:
        cut = min((t.start for t in targets if start < t.start < end), default=end)
        out.append((key, start, cut))
    return out


def drop_cues_inside_targets(targets: list, modifiers: list) -> list:
    """The modifiers that overlap no target.

    medSpaCy prunes a cue that overlaps a target only after scopes are set, so the dropped cue has already ended the
    scope of its neighbours of the same category: in "Menstrual history: POST-MENOPAUSAL" the 'post' inside the
    target ends the scope of 'history', then is dropped, and neither reaches the target. A cue inside a target is
    part of the concept's name (why prune_on_target_overlap is on): it should not cut other cues' scopes either.
    """
    return [m for m in modifiers
            if not any(tuple_overlaps((t.start, t.end), m.modifier_span) for t in targets)]


def sentence_scope(rule: ConTextRule, start: int, end: int, sentence: tuple) -> tuple:
    """The scope medSpaCy's ConTextModifier gives the cue doc[start:end] of `rule` in `sentence` (start, end)
    when ConText has no max_scope: the rest of the sentence in the rule's direction, cut to the rule's max_scope
    (ConTextModifier.__set_scope, medSpaCy 1.3.1; tests/test_focused_context.py compares the results)."""
    sentence_start, sentence_end = sentence
    direction, limit = rule.direction.lower(), rule.max_scope
    if direction == "forward":
        scope_start, scope_end = end, sentence_end
        if limit is not None and scope_end - scope_start > limit:
            scope_end = end + limit
    elif direction == "backward":
        scope_start, scope_end = sentence_start, start
        if limit is not None and scope_end - scope_start > limit:
            scope_start = start - limit
    else:  # bidirectional, and medSpaCy treats TERMINATE and PSEUDO cues the same way
        scope_start, scope_end = sentence_start, sentence_end
        if limit is not None and start - scope_start > limit:
            scope_start = start - limit
        if limit is not None and scope_end - end > limit:
            scope_end = end + limit
    return scope_start, scope_end


class Sentences:
    """Sentence index of any token, by bisect over the sentence starts (read once per Doc)."""

    def __init__(self, doc: Doc) -> None:
        self._starts = [s.start for s in doc.sents]
        self._ends = self._starts[1:] + [len(doc)]

    def index(self, token_i: int) -> int:
        return bisect.bisect_right(self._starts, token_i) - 1

    def bounds(self, i: int) -> tuple:
        return self._starts[i], self._ends[i]

    def holding(self, targets: Iterable) -> list:
        """Indexes of the sentences holding at least one target, in order."""
        return sorted({i for i in (self.index(t.start) for t in targets) if i >= 0})


def merge_ranges(ranges: list) -> list:
    """Touching (start, end) ranges joined: [(0, 5), (5, 9), (12, 15)] -> [(0, 9), (12, 15)]."""
    merged: list = []
    for s, e in ranges:
        if merged and merged[-1][1] == s:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


@Language.factory("nlp_screen_context", assigns=["span._.modifiers", "doc._.context_graph"],
                  default_config={"rules": None, "prune_on_target_overlap": False, "span_attrs": "default",
                                  "input_span_type": "group", "span_group_name": "nlp_screen"})
def make_focused_context(nlp: Language, name: str, rules: Optional[str], prune_on_target_overlap: bool,
                         span_attrs: Any, input_span_type: str, span_group_name: str) -> FocusedConText:
    return FocusedConText(nlp, name=name, rules=rules, prune_on_target_overlap=prune_on_target_overlap,
                          span_attrs=span_attrs, input_span_type=input_span_type, span_group_name=span_group_name)
