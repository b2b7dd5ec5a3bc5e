"""Disease burden and course: marrow blasts, MRD, lesion sizes, MF/SS stage, relapse after HSCT, lines of therapy."""
from __future__ import annotations

import re
from typing import Optional

from .base import CaselessRegex, Found, Vocabulary, clause_after, clause_before, words_regex

_BLASTS = re.compile(
    r"(?<![\w.])([<>]\s*)?(\d{1,3}(?:\.\d+)?)\s*%\s*(?:marrow\s+|circulating\s+|peripheral\s+)?(?:lympho)?blasts\b"
    r"|\b(?:lympho)?blasts\s*(?:[:=]|of|at|were)?\s*([<>]\s*)?(\d{1,3}(?:\.\d+)?)\s*%", re.I)


def find_blasts(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    """'38% blasts', 'blasts 22%', '11% marrow blasts'; site marrow or blood from the words around."""
    v = vocab["blasts"]
    blood, marrow = words_regex(v["blood_site"]), words_regex(v["marrow_site"])
    out = []
    for m in _BLASTS.finditer(text):
        value = float(m[2] or m[4])
        comparator = (m[1] or m[3] or "").strip() or None
        if value > 100:
            continue
        near = clause_before(text, m.start(), 60) + text[m.start():m.end() + 12]
        b, mw = list(blood.finditer(near)), list(marrow.finditer(near))
        site = None
        if b or mw:
            site = "blood" if (max((x.end() for x in b), default=-1) > max((x.end() for x in mw), default=-1)) else "marrow"
        out.append(Found(m.start(), m.end(), "blasts", "BLASTS", value=value, unit="%",
                         attrs={"site": site, "comparator": comparator}))
    return out


_MRD = re.compile(
    r"(?<![\w])MRD(?:\s+(?:by\s+(?:flow|NGS|PCR|FCM)|\((?:flow|NGS|PCR)\)))?(?:[- ]?(negative|neg|positive|pos|\+|-)(?![\w]))?"
    r"(?:\s*(?:of|:|=|was|is|level|at|\()?\s*"
    r"(?:(<\s*)?(\d+(?:\.\d+)?)\s*%\)?|\(?\s*10\^?-(\d)\s*\)?|(negative|positive|undetectable|not detected|detected))?)?", re.I)


def find_mrd(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    """'MRD-negative', 'MRD 0.08%', 'MRD (10^-3)', 'MRD positive' -> label positive/negative, value percent."""
    out = []
    for m in _MRD.finditer(text):
        word = (m[1] or m[5] or "").lower()
        # '<0.01%' is the assay's sensitivity, not a level
        level: Optional[float] = (float(m[3]) if m[3] and not m[2] else None) if m[3] else (10.0 ** -int(m[4]) * 100 if m[4] else None)
        below_sensitivity = bool(m[2]) and m[3] is not None and float(m[3]) <= 0.01
        if word in ("negative", "neg", "-", "undetectable", "not detected") or below_sensitivity:
            label = "negative"
        elif word in ("positive", "pos", "+", "detected") or (level is not None and level > 0):
            label = "positive"
        else:
            continue
        out.append(Found(m.start(), m.end(), "mrd", label, value=level, unit="%" if level is not None else None))
    return out


# r"\d(?<![\w.]\d)" is r"(?<![\w.])\d" checked after the digit, so re skips straight to digits (see extractors.Gate)
_SIZE = re.compile(
    r"(\d(?<![\w.]\d)\d?(?:\.\d+)?)(?:\s*(?:x|×)\s*(\d{1,2}(?:\.\d+)?))?(?:\s*(?:x|×)\s*(\d{1,2}(?:\.\d+)?))?\s*(cm|mm|centimet(?:er|re)s?|millimet(?:er|re)s?)\b"
    r"(?:\s*\(?(short|long)[- ]axis\)?)?", re.I)


def find_lesions(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    """Lesion sizes beside a node/mass word: '3.2 x 2.4 cm' -> long axis 3.2 cm; site nodal or extranodal."""
    v = vocab["lesions"]
    lesion, nodal = words_regex(v["lesion_words"]), words_regex(v["nodal_words"])
    not_lesion, previous = words_regex(v["not_a_lesion"]), words_regex(v["previous_words"])
    benign = words_regex(v["benign_after"])
    out = []
    for m in _SIZE.finditer(text):
        dims = [float(x) for x in (m[1], m[2], m[3]) if x]
        scale = 0.1 if m[4].lower().startswith("m") else 1.0
        dims = [d * scale for d in dims]
        before = clause_before(text, m.start(), 80)
        # the words that name what was measured: the clause up to the size, after the last size before it
        subject = re.split(r"\d(?:\.\d+)?\s*(?:cm|mm)\b", before)[-1]
        tail = subject[-40:]
        last_lesion = max((x.end() for x in lesion.finditer(tail)), default=-1)
        last_organ = max((x.end() for x in not_lesion.finditer(tail)), default=-1)
        if last_lesion < 0:
            # the size before its noun: 'a 2.4 cm right inguinal node', 'new 3.1 x 2.0 cm left axillary lymph node'
            head = _noun_after(text, m.end())
            last_lesion = max((x.end() for x in lesion.finditer(head)), default=-1)
            last_organ = max((x.end() for x in not_lesion.finditer(head)), default=-1)
            subject = head
        if last_lesion < 0 or last_organ > last_lesion or benign.search(clause_after(text, m.end(), 40)):
            continue
        prev_open = before.rfind("(")
        is_previous = prev_open > before.rfind(")") and bool(previous.search(before[prev_open:]))
        axis = (m[5] or "").lower() or None
        out.append(Found(m.start(), m.end(), "lesion", "LESION", value=max(dims), high=min(dims) if len(dims) > 1 else None,
                         unit="cm", attrs={"site": "nodal" if nodal.search(subject) else "extranodal",
                                           "previous": is_previous, "axis": axis}))
    return out


_NOUN_AFTER = re.compile(r"[^\S\n]*(?:[A-Za-z][\w/-]*[^\S\n]*){1,5}")
_NOUN_END = re.compile(r"\b(?:and|with|or|at|in|on|of|from|to|by|but|which)\b", re.I)  # the noun phrase ends there


def _noun_after(text: str, end: int) -> str:
    """The few words right after a size, up to punctuation or a number: the noun a size written first measures."""
    m = _NOUN_AFTER.match(text, end)
    return _NOUN_END.split(m.group(0), 1)[0] if m else ""


# 'stage IVA1', 'staged as IIB', 'I would stage her as IVA1'
_STAGE = re.compile(r"\bstage(?:d|\s+(?:him|her|them|the\s+patient|this))?(?:\s+as)?(?:\s*:)?\s+(0|IV|I{1,3}|[1-4])\s*([ABE])?\s*([12])?(?![\w])", re.I)
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_STAGE_THRESHOLD_AFTER = re.compile(r"\s*(?:threshold|cut-?off|requirement|criteri|or\s+(?:higher|above|greater|more\s+advanced)|and\s+above|"
                                    r"\+|required|needed|minimum)", re.I)
_STAGE_THRESHOLD_BEFORE = re.compile(r"(?:at\s+least|>=|≥|minimum(?:\s+of)?|requires?|required)\s*$", re.I)
_TNMB = re.compile(r"\bT([1-4])[a-c]?\s*,?\s*N([0-3])[a-c]?\s*,?\s*M([01])[a-c]?\s*,?\s*B([0-2])[a-c]?\b")


def find_stages(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    """'stage IB', 'stage IVA1' (MF/SS or Ann Arbor); the evaluator decides which disease a stage belongs to."""
    out = []
    for m in _STAGE.finditer(text):
        if _STAGE_THRESHOLD_AFTER.match(text, m.end()) or _STAGE_THRESHOLD_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue  # 'below the stage IIB threshold of the trial', 'requires stage IIB or higher': a rule, not a stage
        label = (_ROMAN.get(m[1], m[1]) + (m[2] or "") + (m[3] or "")).upper()
        out.append(Found(m.start(), m.end(), "stage", label))
    return out


# (never across a check box: '[ ] relapse <12 mo after CR1   [ ] relapse post-HSCT' are two options)
_RELAPSE_POST_HSCT = re.compile(
    r"\b(?:relaps\w*|recurren\w*)\b[^.;\n\[]{0,80}?\b(?:after|post|following|s/p)\b[^.;\n\[]{0,40}?"
    r"(?:\b(?:allo\w*|auto\w*|haplo\w*|MUD|MSD)?[- ]?(?:HSCT|SCT|ASCT|BMT|HCT)\b|\btransplant\w*)"
    r"|\bpost[- ]?(?:transplant|HSCT|allo-?HSCT|allograft)\s+relaps\w*", re.I)
# 'relapse ... after one line of therapy (CHOP) without transplant'
_NO_TRANSPLANT = re.compile(r"\b(?:without|no|not|never|declined|before|prior\s+to|instead\s+of)\b", re.I)
# These three are case-insensitive and run on the lowercased note (base.CaselessRegex), so they are written lowercase:
# r"\blast\s+" then starts with a literal re finds by a fast string search
_LINES = CaselessRegex(
    r"\b(\d|one|two|three|four|five|six)\s*(?:\+\s*)?(?:prior\s+|previous\s+|systemic\s+|treatment\s+|therapy\s+)*(?:lines?|regimens?)\b"
    r"(?:\s+of\s+(?:therapy|treatment|chemotherapy|systemic\s+therapy))?")
_ONLY_BEFORE = re.compile(r"\bonly\s+$")
_ONLY_AFTER = re.compile(r"\s+only\b")
# 'Therapy to date: first-line therapy only', 'only first-line treatment': the count of lines, stated
_FIRST_LINE_ONLY = re.compile(r"\b(?:first-?\s?line|1st-?\s?line)\s+(?:therapy|treatment|chemotherapy)?\s*only\b"
                              r"|\bonly\s+(?:the\s+)?(?:first-?\s?line|1st-?\s?line)\s+(?:therapy|treatment|chemotherapy)\b", re.I)
_INDUCTION = re.compile(
    r"\b(\d|two|three|four)\s+(?:induction\s+(?:attempts?|cycles?|courses?|regimens?)|inductions\b|cycles?\s+of\s+(?:standard\s+)?"
    r"induction)", re.I)
_MONTH_COUNT = {w: i for i, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen".split(), start=1)}
_RELAPSE_AFTER_CR = re.compile(
    r"\brelaps\w*\s+(?:~|about|approximately|approx\.?|at|only|some)?\s*(\d{1,3}|" + "|".join(_MONTH_COUNT) + r")\s*(?:months?|mo)\s+(?:after|post|from|following|into)\s+"
    r"(?:achieving\s+|attaining\s+|first\s+)?(?:CR1?|CRi|(?:first\s+)?(?:complete\s+)?remission)\b", re.I)
_RELAPSE_LATE = re.compile(
    r"\brelaps\w*\s+\(?\s*(?:>|≥|more\s+than|over|beyond|greater\s+than|later\s+than)\s*(\d{1,3})\s*(?:months?|mo)\s+"
    r"(?:after|post|from|following)\s+(?:achieving\s+|first\s+)?(?:CR1?|CRi|(?:first\s+)?(?:complete\s+)?remission)\b", re.I)
_LAST_THERAPY = CaselessRegex(
    r"\blast\s+(?:dose|treatment|therapy|chemo(?:therapy)?|cycle|infusion|systemic\s+therapy|anti-?cancer\s+therapy|"
    r"lymphoma-directed\s+therapy|leukemia-directed\s+therapy)\b")
# the span leaves out 'no' so that ConText still reads it as the negation of the therapy word
_NO_THERAPY_SINCE = CaselessRegex(
    r"\bno\s+((?:[\w-]+\s+){0,2}?(?:therapy|treatment|tx|chemo(?:therapy)?|anti-?cancer\s+therapy)\s+(?:has\s+been\s+|was\s+)?"
    r"(?:given\s+)?(?:since|after|following))\b")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def find_status_phrases(text: str, vocab: Vocabulary, note_date=None) -> list[Found]:
    """'relapse ~19 months post transplant', 'refractory to 2 lines', 'after 3 induction attempts',
    'relapsed 8 months after CR1' (months from first remission to relapse)."""
    lower = text.lower()  # each pattern runs only where its key word occurs (a regex pass costs ~0.1 ms)
    relapse = "relaps" in lower
    out = []
    if relapse or "recurren" in lower:
        out += [Found(m.start(), m.end(), "disease_status", "RELAPSE_POST_HSCT") for m in _RELAPSE_POST_HSCT.finditer(text)
                if not _NO_TRANSPLANT.search(m.group(0))]
    if "line" in lower or "regimen" in lower:
        for m in _LINES.finditer(text, lower):
            n = int(m[1]) if m[1].isdigit() else _NUMBERS[m[1].lower()]
            # 'Only ONE line of systemic therapy', 'one line only': the note's own count, stated
            only = bool(_ONLY_BEFORE.search(lower, max(0, m.start() - 8), m.start()) or _ONLY_AFTER.match(lower, m.end()))
            out.append(Found(m.start(), m.end(), "disease_status", "LINES", value=float(n), attrs={"only": True} if only else {}))
        out += [Found(m.start(), m.end(), "disease_status", "LINES", value=1.0, attrs={"only": True})
                for m in _FIRST_LINE_ONLY.finditer(text)]
    if relapse:
        for m in _RELAPSE_AFTER_CR.finditer(text):
            months = int(m[1]) if m[1].isdigit() else _MONTH_COUNT[m[1].lower()]
            out.append(Found(m.start(), m.end(), "disease_status", "RELAPSE_AFTER_CR", value=float(months), unit="months"))
        for m in _RELAPSE_LATE.finditer(text):  # 'late first relapse (> 12 months after CR1)': more than the months written
            out.append(Found(m.start(), m.end(), "disease_status", "RELAPSE_AFTER_CR", value=float(m[1]) + 0.5, unit="months"))
    if "since" in lower or "after" in lower or "following" in lower:
        out += [Found(m.start(1), m.end(1), "disease_status", "NO_THERAPY_SINCE") for m in _NO_THERAPY_SINCE.finditer(text, lower)]
    if "last" in lower:
        out += [Found(m.start(), m.end(), "disease_status", "LAST_THERAPY") for m in _LAST_THERAPY.finditer(text, lower)]
    for m in (_INDUCTION.finditer(text) if "induction" in lower else ()):
        n = int(m[1]) if m[1].isdigit() else _NUMBERS[m[1].lower()]
        out.append(Found(m.start(), m.end(), "disease_status", "INDUCTION_CYCLES", value=float(n)))
    return out
