"""Readers for what is written right after or around a found concept: a test's result, an NYHA class, whether a
condition is resolved/controlled/active, whether a therapy is being given or was held.
"""
from __future__ import annotations

import re
from typing import Optional

from .base import Vocabulary, clause_after, clause_before, compiled, words_regex, wrapped_break

# the method in brackets may stand between the test and its number: 'HBV DNA (PCR)    4,250 IU/mL'; the number may be
# written in scientific notation or as a log ('2.1 x 10^4 IU/mL', '2.1E4 IU/mL', '4.3 log IU/mL')
_NUMBER_RESULT = re.compile(r"^\W{0,3}(?:\((?:q?PCR|RT-PCR|NAAT|quant(?:itative)?|real-time(?:\s+PCR)?)\)\W{0,5})?"
                            r"(?:[<>]=?\s*)?(\d[\d,]*(?:\.\d+)?)(?:\s*[x×*]\s*10\s*(?:\^|\*\*|e)?\s*[-−]?\d+|e[-+]?\d+)?"
                            r"\s*(?:log(?:10)?\s*)?(?:IU/mL|copies/mL|IU/ml|copies)", re.I)
# a quantitative hCG, the specimen words between ('hCG, serum, quant ..... <2.0 mIU/mL')
# or a results table's row, the unit in its own column after the reference range ('hCG, serum, quantitative   <2
# <5 (non-pregnant)    mIU/mL   03/10/2025')
_MIU_RESULT = re.compile(r"^[^\d<>\n]{0,30}?([<>]=?\s*)?(\d[\d,]*(?:\.\d+)?)(?:\s*|[^\S\n]{2,}[^\n]{0,40}?)mIU/mL", re.I)
_BARE_MINUS = re.compile(r"^\s*:?\s*[-−](?=\s*(?:[,;)]|$))")
_BARE_PLUS = re.compile(r"^\s*:?\s*\(?\+\)?(?=\s*(?:[,;).]|$)|\w)")
_NEXT_TEST = re.compile(r"(?:^|[,;]\s*)(?:HIV|HBsAg|anti-HBc|anti-HBs|HBV|HCV|RPR|QFT|QuantiFERON|CMV|EBV|VZV|HTLV|Strongyloides|syphilis|TPPA)", re.I)


def read_test_result(text: str, end: int, vocab: Vocabulary) -> Optional[str]:
    """'positive' / 'negative' / None for the lab test named just before `end`.

    The first result word in the test's clause decides ('anti-HBc REACTIVE (A)  Nonreactive' is positive: the
    reference column comes after). In a list, 'HCV Ab, HIV Ag/Ab, syphilis Ab negative' gives all three negative.
    """
    rx = compiled(vocab, "test_results", lambda: {
        k: words_regex(vocab["test_results"][k]) for k in ("negative", "positive", "stop_words")})
    clause = clause_after(text, end, 90)
    if _BARE_MINUS.match(clause):
        return "negative"
    if _BARE_PLUS.match(clause):  # 'HIV+', 'HBsAg (+)'; not 'LP 08/07 + IT MTX' (plus)
        return "positive"
    quantity = _MIU_RESULT.match(clause)
    if quantity:
        return _hcg_result(quantity, vocab["test_results"]["hcg_cutoffs_miu_per_ml"])
    number = _NUMBER_RESULT.match(clause)
    if number:
        return "positive" if float(number[1].replace(",", "")) > 0 and "<" not in clause[: number.start(1)] else "negative"
    clause = _LIMIT_OF_NORMAL.sub(lambda m: " " * len(m.group(0)), clause)  # 'above the upper limit of normal'
    stop = rx["stop_words"].search(clause)
    neg, pos = rx["negative"].search(clause), rx["positive"].search(clause)
    hits = [(m.start(), kind) for m, kind in ((neg, "negative"), (pos, "positive"), (stop, None)) if m]
    if not hits:
        return None
    return min(hits)[1]


def _hcg_result(m: re.Match, cutoffs: dict) -> Optional[str]:
    """'negative' below the negative cut-off ('<2.0', '3'), 'positive' from the positive one, else None (equivocal)."""
    value = float(m[2].replace(",", ""))
    if (m[1] or "").startswith("<") or value < cutoffs["negative_below"]:
        return "negative"
    return "positive" if value >= cutoffs["positive_from"] else None


# a limit's name is no result word: 'Detectable HBV DNA above the upper limit of normal'
_LIMIT_OF_NORMAL = re.compile(r"\b(?:upper|lower)\s+limits?\s+of\s+normal\b|\bwithin\s+normal\s+limits\b(?=\s+(?:for|of)\b)", re.I)


_NYHA = re.compile(r"^\s*(?:functional\s+)?(?:class\s*)?(IV|III|II|I|[1-4])\b", re.I)


def read_nyha_class(text: str, end: int, vocab: Vocabulary) -> Optional[int]:
    m = _NYHA.match(text[end:end + 30])
    if not m:
        return None
    token = m[1].upper()
    return int(token) if token.isdigit() else vocab["nyha"]["roman"][token]


def read_course(text: str, start: int, end: int, vocab: Vocabulary) -> Optional[str]:
    """'resolved' / 'controlled' / 'active' from the words around the mention: its clause before, the rest of its
    line after ('Rheumatoid arthritis | dx 2015; in remission') -- the nearest cue wins."""
    rx = compiled(vocab, "course", lambda: {k: words_regex(vocab["course"][k]) for k in ("resolved", "controlled", "active")})
    line_end = text.find("\n", end)
    while line_end != -1 and line_end < end + 120 and wrapped_break(text, line_end + 1):
        line_end = text.find("\n", line_end + 1)  # hard-wrapped prose: 'pneumonia of March has\nresolved'
    before, after = clause_before(text, start, 90), text[end:min(end + 120, len(text) if line_end == -1 else line_end)]
    reason = _REASON_CLAUSE.search(after)  # '..., which I respect given her previous sepsis' is not its course
    if reason:
        after = after[:reason.start()]
    best: tuple[int, Optional[str]] = (10**6, None)
    for kind in ("resolved", "controlled", "active"):
        for m in rx[kind].finditer(after):
            if not _DENIED.search(after[max(0, m.start() - 4):m.start()]):  # 'No active infection' is no activity
                best = min(best, (m.start(), kind))
        for m in rx[kind].finditer(before):
            if not _DENIED.search(before[max(0, m.start() - 4):m.start()]):
                best = min(best, (len(before) - m.end(), kind))
    return best[1]


_DENIED = re.compile(r"\bno\s$|\bnot\s$", re.I)
# (a relative clause that tells the condition's own course is not one: 'ITP as a child, which resolved by the age of 9')
_REASON_CLAUSE = re.compile(r",\s*which\b(?!\s+(?:(?:has|had|have)\s+(?:since\s+|now\s+|long\s+)?(?:been\s+)?|is\s+(?:now\s+)?|was\s+)?"
                            r"(?:resolved|remitted|cleared|healed|controlled|quiescent|inactive|in\s+remission|stable|active|flaring)\b)"
                            r"|\s(?:given|because|due to|owing to|after (?:her|his|their))\b", re.I)


_HELD = re.compile(r"\b(?:held|not given|deferred|cancelled|canceled|omitted|skipped|on hold|withheld|hold|never started|"
                   r"not administered|returned to pharmacy)\b", re.I)
_CURRENT = re.compile(r"\b(?:currently\s+(?:on|receiving)|on\s+(?:\w+\s+){0,2}since|receiving|continues\s+on|ongoing|"
                      r"continu(?:es|ing)(?!\s+to\s+(?:progress|worsen|decline|deteriorate|rise|grow))|still\s+(?:taking|being\s+taken)|"
                      r"given\s+today|administered|started\s+today|infused|completed\s+\d{1,2}:\d{2})\b", re.I)
# 'while receiving GDP' / 'when on ...' dates the therapy by its main clause ('ECOG 2 in 09/2024 while receiving GDP')
_CURRENT_BEFORE = re.compile(r"\b(?:currently\s+on|currently\s+receiving|now\s+on|remains\s+on|still\s+on|continues\s+on|"
                             r"(?<!while\s)(?<!when\s)receiving|continue|continuing|continues)\s+(?:[\w-]+\s+){0,2}$", re.I)


def read_therapy_course(text: str, start: int, end: int) -> dict[str, bool]:
    """{'not_given': 'C2D8 gemcitabine HELD', 'current': 'on duvelisib since 07/2024' / 'currently on GDP',
    'prior_wording': 'No prior CAR-T'}."""
    after = clause_after(text, end, 70)
    before = clause_before(text, start, 40)
    return {"not_given": bool(_HELD.search(after[:40]) or _HELD.search(before[-25:])),
            "current": bool(_CURRENT.search(after[:50]) or _CURRENT_BEFORE.search(before)),
            # 'No prior CAR-T', 'no cellular therapy': a denial about the patient's history; 'no approved CAR-T for
            # T-cell disease' speaks of what exists, not of what the patient had
            "prior_wording": not _NOT_HISTORY.search(before[-40:] + after[:50]),
            # '6-MP/MTX maintenance' belongs to the line it maintains
            "maintenance": bool(_MAINTENANCE.search(before[-40:] + after[:40])),
            # 's/p CAR-NK', 'received CAR-NK cells 03/2024': wording that the therapy was given
            "given_wording": bool(_GIVEN.search(before[-40:]) or _GIVEN_AFTER.search(after[:40]))}


_MAINTENANCE = re.compile(r"\bmaint(?:enance)?\b|\bPOMP\b", re.I)
_GIVEN = re.compile(r"\b(?:received|s/p|status\s+post|after|following|infused|underwent|completed|treated\s+with|prior|previous|history\s+of|h/o|exposure\s+to)\b", re.I)
_GIVEN_AFTER = re.compile(r"\b(?:infusion|infused|given|administered|received|completed)\b|\(\d{1,2}/\d{2,4}\)|\b\d{1,2}/\d{4}\b", re.I)


_NOT_HISTORY = re.compile(r"\b(?:approved|available|options?|candidate|eligible|indicated|offered|insurance|covered)\b", re.I)


# 'induction failure after course I', 'after one induction course (induction failure; not in CR)', 'refractory to the
# first induction': a failure that speaks of the first course only
_FIRST_COURSE = re.compile(
    r"\b(?:after|following|post|to|with)\s+(?:(?:the|a)\s+)?(?:first|1st|one|single|initial)\s+(?:[\w/-]+\s+){0,2}?"
    r"(?:induction|course|cycle|block|attempt)s?\b|\b(?:course|cycle|block)\s+(?:I|1|one)\b(?!\s*(?:and|&|\+|-|/)\s*(?:II|2|two)\b)",
    re.I)


def reads_first_course_only(text: str, start: int, end: int) -> bool:
    """A failure statement ('primary induction failure', 'refractory') written of the first induction course only:
    the protocol's T-ALL refractoriness needs failure of two or more."""
    return bool(_FIRST_COURSE.search(clause_before(text, start, 50)) or _FIRST_COURSE.search(clause_after(text, end, 50)))


def words_near(text: str, start: int, end: int, vocab: Vocabulary, key: str, before: int, after: int) -> bool:
    """A word of vocab[key]["words"] in the mention's clause: up to `before` characters before it or `after` after.

    'Prostate adenocarcinoma, Gleason 3+4, pT2 N0, radical prostatectomy' (localized_prostate: organ-confined, the
    protocol's exception); 'h/o SCC R forearm 2022, excised (Mohs)' (skin_sites: a squamous carcinoma of the skin)."""
    rx = compiled(vocab, key, lambda: words_regex(vocab[key]["words"]))
    return bool(rx.search(clause_before(text, start, before)) or rx.search(clause_after(text, end, after)))
