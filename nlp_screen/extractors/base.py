"""The `Found` record every extractor returns, the vocabulary file they read, and small text helpers."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional


@dataclass(frozen=True)
class Found:
    """A value found at text[start:end]; `kind`/`label` follow models.Mention."""

    start: int
    end: int
    kind: str
    label: str
    value: Optional[float] = None
    high: Optional[float] = None
    unit: Optional[str] = None
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


Vocabulary = dict[str, Any]


@lru_cache(maxsize=4)
def load_vocabulary(path: Path) -> Vocabulary:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


_COMPILED: dict[tuple[int, str], Any] = {}


def compiled(vocab: Vocabulary, key: str, build):
    """Regexes built once per vocabulary (the vocabulary object lives for the process)."""
    k = (id(vocab), key)
    if k not in _COMPILED:
        _COMPILED[k] = build()
    return _COMPILED[k]


@lru_cache(maxsize=512)
def _words_regex_cached(words: tuple, case_sensitive: bool) -> re.Pattern:
    alts = sorted({w for w in words if not w.startswith("_")}, key=len, reverse=True)
    # Word-edged phrases share one boundary check outside the alternation: about 9x faster than a lookbehind per
    # phrase (measured on 4 KB notes), because the regex engine can then skip positions inside words.
    edged = [w for w in alts if w[:1].isalnum() and w[-1:].isalnum()]
    other = [w for w in alts if w not in edged]
    parts = []
    if edged:
        parts.append(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in edged) + r")(?![\w])")
    parts += [_word(w) for w in other]
    return re.compile("|".join(parts), 0 if case_sensitive else re.IGNORECASE)


def words_regex(words: Iterable[str], case_sensitive: bool = False) -> re.Pattern:
    """One alternation of whole words/phrases, longest first (so 'not detected' beats 'detected')."""
    return _words_regex_cached(tuple(words), case_sensitive)


def _word(w: str) -> str:
    esc = re.escape(w)
    left = r"(?<![\w])" if w[:1].isalnum() else ""
    right = r"(?![\w])" if w[-1:].isalnum() else ""
    return f"{left}{esc}{right}"


_LEADING_EDGE = re.compile(r"^\\b([a-z0-9]+)(?![?*+{])")


def literal_first(pattern: str) -> str:
    r"""`pattern` with a leading \b moved behind its first word, the same test: r"\bps\b" -> r"ps(?<!\wps)\b".

    A word character has a word edge before it exactly when the character before it is no word character.
    """
    return _LEADING_EDGE.sub(lambda m: rf"{m[1]}(?<!\w{m[1]})", pattern)


# Escapes whose meaning lower() would change (\S, \W, \D, \B, \A, \Z) or that name a character by its code
_CASE_BOUND_ESCAPE = re.compile(r"\\[A-Zxuo0-9N]")


class CaselessRegex:
    r"""A case-insensitive regex that, on an ASCII note, runs case-sensitively on the lowercased note.

    re finds a case-sensitive pattern's leading literal by a fast string search, where IGNORECASE makes it try the
    pattern at every position (r"\blast\s+(?:dose|...)": 0.054 -> 0.003 ms a pass on a 4 KB note). On ASCII text
    both find the same: lower() keeps every offset, and a lowercase ASCII pattern matches the lowercased text exactly
    where IGNORECASE matches the original (re also folds a few non-ASCII letters, 'ſ' to 's', hence the ASCII test).
    Other notes, and a pattern that is not lowercase ASCII or holds an escape lower() could change, use the
    IGNORECASE regex only. Groups of a match on the lowercased note read lowercase.
    """

    def __init__(self, pattern: str) -> None:
        self.caseless = re.compile(pattern, re.IGNORECASE)
        self.lowered = (re.compile(literal_first(pattern)) if self.can_run_lowered(pattern) else None)

    @staticmethod
    def can_run_lowered(pattern: str) -> bool:
        return pattern == pattern.lower() and pattern.isascii() and not _CASE_BOUND_ESCAPE.search(pattern)

    def finditer(self, text: str, lower: str):
        """Matches in `text`; `lower` is text.lower()."""
        if self.lowered is not None and text.isascii():
            return self.lowered.finditer(lower)
        return self.caseless.finditer(text)


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end offsets of the line holding `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end == -1 else end)


_CLAUSE_END = re.compile(r"[;\n]|(?<![.\d])\.(?=\s)|(?<![.\d])\.$")


# Hard-wrapped prose (dictation and EHR exports break lines at ~70 characters): a line that opens with a
# lower-case word continues the line before it when that one is long and ends without a stop or a colon.
_WRAP_MIN_LINE = 45
# A shorter line still runs on when it ends so (and is no 'Label: answer' field)
_OPEN_WRAP_MIN_LINE = 20
_LIST_MARK = re.compile(r"(?:[a-z]|[ivx]{1,4})[.)][^\S\n]")


# A negation or a word no sentence ends with, ending a line: the next line goes on with its sentence whatever its
# case ('no\nCABG', 'No prior\nCAR-T or gene-modified cell therapy')
_OPEN_ENDING = re.compile(r"(?<![\w-])(?:no|not|nor|prior|of|with|and|or|the|a|an|to)$", re.I)
# ... unless that line opens with a label ('PLAN: ...', 'Dx - ...')
_LABEL_START = re.compile(r"[^\n:]{0,40}?(?::|\s-\s)")
# A date opening a wrapped line, followed by ';', ',', ')' or a lowercase word: 'last dose\n10/16/2025; stopped for ...'
# (not a dated list item or heading: '10/16/2025: CT chest ...', '10/16/2025 Echo ...')
_WRAPPED_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}(?=[;,)]|[^\S\n]+[a-z])")


def continues_previous_line(text: str, line_start: int) -> bool:
    """'... accompanied by\n   fever and a one day cough': the line at `line_start` is the rest of a sentence; so is a
    line after one that ends on a word no sentence ends with ('No prior MI, no stents, no\nCABG.')."""
    if _LIST_MARK.match(text, line_start):
        return False
    prev_end = text.rfind("\n", 0, line_start)
    if prev_end <= 0:
        return False
    prev_start = text.rfind("\n", 0, prev_end) + 1
    previous = text[prev_start:prev_end].strip()
    if not previous or previous[-1] in ".?!:;":
        return False
    if _OPEN_ENDING.search(previous) and ":" not in previous and len(previous) >= _OPEN_WRAP_MIN_LINE:
        # 'No h/o MI or coronary disease, no\nCABG, no ventricular arrhythmia' (not 'Smoker: no\nAlcohol: yes')
        return not _LABEL_START.match(text, line_start)
    if len(previous) < _WRAP_MIN_LINE:
        return False
    return "a" <= text[line_start] <= "z" or _WRAPPED_DATE.match(text, line_start) is not None


def clause_after(text: str, pos: int, limit: int = 120) -> str:
    """Text from `pos` to the end of its clause (';', newline or sentence stop), at most `limit` chars; a line
    break inside hard-wrapped prose does not end it ('prostate adenocarcinoma, Gleason 3+4,\norgan-confined')."""
    window = text[pos:pos + limit]
    for m in _CLAUSE_END.finditer(window):
        if m.group() == "\n" and wrapped_break(text, pos + m.end()):
            continue
        return window[: m.start()]
    return window


def wrapped_break(text: str, after_break: int) -> bool:
    """Whether the line starting at `after_break` (just after a line break) continues the line before it."""
    head = text[after_break:after_break + 40]
    first = after_break + len(head) - len(head.lstrip(" \t"))
    return first < len(text) and continues_previous_line(text, first)


def clause_before(text: str, pos: int, limit: int = 120) -> str:
    """Text from the start of the clause holding `pos` up to `pos`."""
    lo = max(0, pos - limit)
    window = text[lo:pos]
    newline = window.rfind("\n")
    while newline >= 0 and wrapped_break(text, lo + newline + 1):  # hard-wrapped prose: one clause
        newline = window.rfind("\n", 0, newline)
    cut = max(window.rfind(";"), newline, _last_full_stop(window))
    return window[cut + 1:] if cut >= 0 else window


def _last_full_stop(window: str) -> int:
    """Offset of the last '. ' (or '.,', a line break flattened to a comma in exported text: 'one partner.,FAMILY
    HISTORY:') that ends a sentence: not a genus's initial ('for the S. mitis bacteremia')."""
    return max(_last_stop(window, ". "), _last_stop(window, ".,"))


def _last_stop(window: str, mark: str) -> int:
    stop = window.rfind(mark)
    while stop > 0 and window[stop - 1].isupper() and (stop == 1 or not window[stop - 2].isalpha()):
        stop = window.rfind(mark, 0, stop)
    return stop
