"""Note -> NoteFacts: runs the spaCy pipeline on one note and reads every mention off the Doc.

A mention gets its kind and value (from the target rule's metadata or the value extractor), its context flags
with the cue that set each one, its section (and what the section implies), a date written beside it, and its
evidence span.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from spacy.tokens import Doc, Span

from .components import doc_text
from .components.context import context_cues
from .extractors import Found, load_vocabulary
from .extractors.base import clause_before, compiled, line_bounds, words_regex, wrapped_break
from .extractors.readers import (
    read_course,
    read_nyha_class,
    read_test_result,
    read_therapy_course,
    reads_first_course_only,
    words_near,
)
from .models import CONTEXT_FLAGS, Evidence, Mention, Note, NoteFacts
from .pipeline import SPAN_GROUP, build_nlp, default_patterns_dir
from .placement import LineIndex, assign_dates

_MEASURED_KINDS = {"ecog", "lab", "spo2", "age", "blasts", "lesion", "stage"}
_FLAG_ATTRS = tuple((flag, f"is_{flag}") for flag in CONTEXT_FLAGS)  # flag -> ConText's span attribute
_CSF_NOTE = re.compile(r"\bCSF\b|cerebrospinal|lumbar puncture|\bLP\b|cytospin", re.I)


class Extractor:
    """Holds one built pipeline; call it on a Note, or `pipe` many notes."""

    def __init__(self, patterns_dir: Optional[Path] = None) -> None:
        self.patterns_dir = Path(patterns_dir) if patterns_dir else default_patterns_dir()
        self.nlp = build_nlp(self.patterns_dir)
        self.vocabulary = load_vocabulary(self.patterns_dir / "values.json")
        self.section_context = load_section_context(self.patterns_dir / "section_context.json")
        self.section_fields = load_section_fields(self.patterns_dir / "section_fields.json")

    def __call__(self, note: Note) -> NoteFacts:
        return next(self.pipe([note]))

    def pipe(self, notes: Iterable[Note], batch_size: int = 32) -> Iterator[NoteFacts]:
        """NoteFacts for each note, in order; Docs live only for their batch."""
        for batch in _batches(notes, batch_size):
            docs = self.nlp.pipe((self._make_doc(note) for note in batch), batch_size=len(batch))
            for note, doc in zip(batch, docs):
                yield read_note_facts(doc, note, self.vocabulary, self.section_context, self.section_fields)

    def _make_doc(self, note: Note) -> Doc:
        doc = self.nlp.make_doc(note.text)
        doc._.nlp_screen_note_date = note.note_date
        doc.user_data["nlp_screen_text"] = note.text  # components read the text once (components.doc_text)
        return doc

    def doc(self, note: Note) -> Doc:
        """The processed Doc of one note (for `explain` and tests)."""
        doc = self._make_doc(note)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        return doc


def _batches(items: Iterable[Note], size: int) -> Iterator[list[Note]]:
    batch: list[Note] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_section_context(path: Path) -> dict[str, dict[str, list[str]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def load_section_fields(path: Path) -> dict[str, frozenset[str]]:
    """{section: the words its own labelled lines may start with} (patterns/section_fields.json); {} if absent."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: frozenset(w.lower() for w in v) for k, v in data.items() if not k.startswith("_")}


def read_note_facts(doc: Doc, note: Note, vocabulary: dict, section_context: dict,
                    section_fields: Optional[dict[str, frozenset[str]]] = None) -> NoteFacts:
    """Every mention of one processed note, in text order."""
    text = note.text  # == doc.text, which spaCy would rebuild from the tokens on every access
    sections = SectionIndex(doc, section_fields)
    values = {(s.start_char, s.end_char, s.label_): f for s, f in (doc._.nlp_screen_values or ())}
    spans = sorted(list(doc.spans[SPAN_GROUP] if SPAN_GROUP in doc.spans else ()) + list(doc._.nlp_screen_trials or ()),
                   key=lambda s: (s.start_char, s.end_char))
    dates = doc._.nlp_screen_dates or []
    line_of = LineIndex(text)
    # an age is the note's own ('HPI: 34F. Diagnosed in January 2023'), not an event's: it neither takes a date nor
    # keeps one from its neighbour ('Precursor B-ALL at age 16 (2014)'); nor does a stated absence ('seizure due to
    # HHV-6 encephalitis, 6 months ago, no recurrence'), except a test's negative result, which its date belongs to
    datable = [s for s in spans if not _is_age(s, values) and not _is_absence(s, values)]
    placed = dict(zip((id(s) for s in datable), assign_dates(
        text, [(s.start_char, s.end_char, _is_therapy(s)) for s in datable], dates, sections, line_of)))
    mention_dates = [placed.get(id(s)) for s in spans]
    mentions = []
    for span, date_found in zip(spans, mention_dates):
        found = values.get((span.start_char, span.end_char, span.label_))
        mention = _mention(span, found, note, text, sections, date_found, vocabulary, section_context,
                           line_of(span.start_char))
        if mention is not None:
            mentions.append(mention)
    mentions = _date_other_malignancies(_join_therapies(_attach_stages(mentions, line_of), text, line_of), text, line_of)
    for found in dates:
        mentions.append(Mention(kind="date", label=found.label, attrs=dict(found.attrs),
                                section=sections.category_at_char(found.start),
                                evidence=_evidence(note, text, found.start, found.end, sections.category_at_char(found.start))))
    return NoteFacts(patient_id=note.patient_id, note_id=note.note_id, note_type=note.note_type,
                     note_date=note.note_date, mentions=mentions)


def _attach_stages(mentions: list[Mention], line_of) -> list[Mention]:
    """A stage belongs to the diagnosis nearest it on its line: 'colon cancer, stage IIA, resected' is not the
    MF/SS stage (attrs other_disease)."""
    diagnoses = [m for m in mentions if m.kind == "diagnosis" and not m.attrs.get("generic")]
    out = []
    for m in mentions:
        if m.kind == "stage":
            line = line_of(m.evidence.start)
            near = [d for d in diagnoses if line_of(d.evidence.start) == line]
            if near:
                nearest = min(near, key=lambda d: abs(d.evidence.start - m.evidence.start))
                if nearest.label == "OTHER":
                    m = m.model_copy(update={"attrs": {**m.attrs, "other_disease": True}})
        out.append(m)
    return out


_SENTENCE_END = re.compile(r"[.;](?:\s|$)")


def _opens_parenthesis(between: str) -> bool:
    """Whether a '(' opened in `between` is still open at its end."""
    opened = between.rfind("(")
    return opened >= 0 and ")" not in between[opened:]


def _date_other_malignancies(mentions: list[Mention], text: str, line_of) -> list[Mention]:
    """An undated other malignancy takes, as attrs 'companion_date', the date of the first dated stage or therapy
    that follows it in its sentence, before any other diagnosis: 'classic Hodgkin lymphoma, nodular sclerosis, stage
    IIA, treated with ABVD for four cycles in 2016' was there by 2016 at the latest."""
    out = []
    for i, m in enumerate(mentions):
        if m.kind == "diagnosis" and m.label == "OTHER" and m.date is None and not m.attrs.get("generic"):
            for n in mentions[i + 1:]:
                if n.kind == "diagnosis" and _opens_parenthesis(text[m.evidence.end:n.evidence.start]):
                    continue  # its synonym: 'Wilms tumour (right nephroblastoma) at the age of 4, in 2000'
                if (n.kind == "diagnosis" or line_of(n.evidence.start) != line_of(m.evidence.start)
                        or _SENTENCE_END.search(text, m.evidence.end, n.evidence.start)):
                    break
                if n.kind in ("stage", "therapy") and n.date is not None:
                    m = m.model_copy(update={"attrs": {**m.attrs, "companion_date": n.date.isoformat()}})
                    break
        out.append(m)
    return out


_JOINER = re.compile(r"[\s,]*(?:\+|/|-|&|and|plus|with)?[\s,]*", re.I)


def _join_therapies(mentions: list[Mention], text: str, line_of) -> list[Mention]:
    """Mark a therapy written as part of a combination with the one before it ('nelarabine + cyclophosphamide',
    'refractory to alemtuzumab and bendamustine'), so that lines of therapy count 'A 2023, then B 2024' as two."""
    out, previous = [], None
    for m in mentions:
        if m.kind == "therapy":
            joined = (previous is not None and line_of(previous.evidence.start) == line_of(m.evidence.start)
                      and _JOINER.fullmatch(text[previous.evidence.end:m.evidence.start]) is not None)
            if joined:
                m = m.model_copy(update={"attrs": {**m.attrs, "joined": True}})
            previous = m
        out.append(m)
    return out


def _is_absence(span: Span, values: dict) -> bool:
    """A negated finding or status found by a target rule (not a value, not a test): it names no event to date."""
    if (span.start_char, span.end_char, span.label_) in values or not getattr(span._, "is_negated", False):
        return False
    rule = getattr(span._, "target_rule", None)
    meta = (rule.metadata or {}) if rule is not None else {}
    return meta.get("concept") in ("condition", "disease_status") and not meta.get("test")


def _is_age(span: Span, values: dict) -> bool:
    found = values.get((span.start_char, span.end_char, span.label_))
    return found is not None and found.kind == "age"


def _is_therapy(span: Span) -> bool:
    return span.label_ == "THERAPY"


def _mention(span: Span, found: Optional[Found], note: Note, text: str, sections: "SectionIndex",
             date_found: Optional[Found], vocabulary: dict, section_context: dict, line: int) -> Optional[Mention]:
    section = sections.category_at_char(span.start_char)
    absence_only = False  # a target rule's 'absence_only': kept only when negated
    if found is not None:
        kind, label = found.kind, found.label
        fields: dict[str, Any] = {"value": found.value, "high": found.high, "unit": found.unit, "attrs": dict(found.attrs)}
        name = None
    else:
        rule = getattr(span._, "target_rule", None)
        meta = dict(rule.metadata or {}) if rule is not None else {}
        meta.pop("note", None)  # the rule's documentation, not a fact
        kind = meta.pop("concept", None)
        if kind is None:
            return None  # a rule that only hides a shorter match ('Coreg CR 40 mg')
        if meta.pop("needs_csf_context", False) and not _CSF_NOTE.search(text):
            return None  # 'positive for malignant cells' is CNS disease only in a CSF report
        if meta.pop("field_label_only", False) and not _FIELD_LABEL_END.match(text, span.end_char):
            return None  # the bare 'autoimmune' names a disease only as a form's label ('Autoimmune: No'), not in
            # 'autoimmune panel negative'
        absence_only = meta.pop("absence_only", False)
        label = meta.pop("category", kind.upper())
        name = meta.pop("name", None) or span.text
        fields = {"attrs": meta}
        _read_after(kind, label, span, text, fields["attrs"], vocabulary)
        if kind == "therapy":
            fields["attrs"]["line"] = line  # lines of therapy are counted per line of text (see criteria.therapy)
    date = dt.date.fromisoformat(date_found.attrs["iso"]) if date_found is not None else None
    if date_found is not None and date_found.attrs.get("until"):
        fields["attrs"]["date_precision"] = "range"  # 'CR1 sometime between 02/2024 and 08/2024'
        fields["attrs"]["date_until"] = date_found.attrs["until"]
    elif date_found is not None and date_found.attrs["precision"] in ("month", "year"):
        fields["attrs"]["date_precision"] = date_found.attrs["precision"]  # 'in remission during 2024'
    if (kind == "therapy" and _administration_note(note.note_type, vocabulary) and not fields["attrs"].get("not_given")
            and not _EARLIER_DOSES.search(clause_before(text, span.start_char, 40))
            and _line_says_given(text, span.start_char, span.end_char)):
        # an infusion record: the dose its line says was given that day (not its 'Regimen: ... scheduled' header,
        # not 'Prior X administrations')
        fields["attrs"]["current"] = True
    if kind == "condition" and (_is_topic_heading(span, text) or _is_panel_title(span, text)):
        return None  # 'Infection. Recurrent skin colonisation managed ...': a letter's paragraph title; a result
        # panel's title ('PREGNANCY' over 'Component  Value  Flag ...')
    if kind == "cd5" and fields["attrs"].get("method") is None:
        fields["attrs"]["method"] = _cd5_method(section, note.note_type, vocabulary)
    context = span._  # spaCy builds a new extension view on every `span._`: one for the five flags
    flags = {flag: bool(getattr(context, attr, False)) for flag, attr in _FLAG_ATTRS}  # set by ConText
    cues = context_cues(span)
    if flags["negated"] and (kind in _MEASURED_KINDS or (kind == "lvef" and fields["value"] is not None)):
        # a number is not negated by a list's 'no' ('in no distress, temperature 36.7, oxygen saturation 94%'; 'no
        # vaccines recently, echo last tuesday ejection fraction sixty percent'); an LVEF in words may be ('no reduced
        # systolic function')
        flags["negated"] = False
        cues.pop("negated", None)
    if absence_only and not flags["negated"]:
        return None  # 'No infections since relapse' documents an absence; 'infections during induction' no episode
    _apply_test_result(fields["attrs"], flags, cues)
    for flag in section_flags(section_context, section, kind, label):
        if flag == "ignore":
            return None
        if flag == "current":
            line_start, line_end = line_bounds(text, span.start_char)
            if (_NOT_CURRENT.search(text, span.end_char, line_end)
                    or text.count("(", line_start, span.start_char) > text.count(")", line_start, span.start_char)):
                continue  # a medication list's 'pralatrexate 30 mg/m2 IV weekly (not taking) - stopped 04/2025', or a
                # remark on another drug's line: 'acyclovir 400 mg PO BID (HSV prophylaxis, continued after romidepsin)'
            fields["attrs"]["current"] = True
        elif flag == "hypothetical" and fields["attrs"].get("current"):
            continue  # 'PLAN: continue mogamulizumab' is a therapy being given, not a plan
        elif not flags.get(flag):
            flags[flag] = True
            cues[flag] = f"section:{section}"
    start, end = (found.start, found.end) if found is not None else (span.start_char, span.end_char)
    return Mention(kind=kind, label=label, name=name, **fields, **flags, cues=cues, section=section, date=date,
                   evidence=_evidence(note, text, start, end, section))


def section_flags(section_context: dict, section: Optional[str], kind: str, label: str = "") -> list[str]:
    """What a section says about a mention of `kind` in it ('family' in family history, 'historical' in PMH ...);
    an entry "kind:LABEL" applies to that label only."""
    return [flag for flag, kinds in section_context.get(section or "", {}).items()
            if "*" in kinds or kind in kinds or f"{kind}:{label}" in kinds]


def _apply_test_result(attrs: dict, flags: dict, cues: dict) -> None:
    """A lab test's written result decides its polarity ('HBsAg neg' is negated; 'anti-HBc REACTIVE' is not, even
    after 'HBsAg negative,' in the same sentence)."""
    if not attrs.get("test") or attrs.get("result") is None:
        return
    if attrs["result"] == "negative" and not flags["negated"]:
        flags["negated"], cues["negated"] = True, "result: negative"
    elif attrs["result"] == "positive" and flags["negated"]:
        flags["negated"] = False
        cues.pop("negated", None)


def _administration_note(note_type: Optional[str], vocabulary: dict) -> bool:
    kind = (note_type or "").lower()
    return any(word in kind for word in vocabulary["administration_note_types"]["words"])


def _is_topic_heading(span: Span, text: str) -> bool:
    """A generic finding word standing alone before '.' or ':' at a line or sentence start is a heading."""
    if span.text.lower() not in ("infection", "infections", "infectious disease", "cardiac", "neurology", "seizure",
                                 "seizures", "stroke", "autoimmune", "autoimmune disease", "psychiatric", "pregnancy"):
        return False
    line_start = text.rfind("\n", 0, span.start_char) + 1
    if _TABLE_CELL.fullmatch(text, line_start, span.start_char) and _CELL_END.match(text, span.end_char):
        return True  # a table's column header: '| Date | Infection | Treatment / end date |'
    if _LIST_PREFIX.fullmatch(text, line_start, span.start_char) and _HISTORY_TITLE.match(text, span.end_char):
        return True  # 'INFECTION HISTORY (all dates verified in our records)': the title of a list of past ones
    after = text[span.end_char:span.end_char + 1]
    if after == ":" and _SHORT_ANSWER.match(text, span.end_char + 1):
        return False  # 'Seizures: none': the finding and its answer, not a heading
    return (_LIST_PREFIX.fullmatch(text, line_start, span.start_char) is not None
            or text.endswith(". ", 0, span.start_char)) and after in (".", ":")


# a medication list entry that is not being taken
_NOT_CURRENT = re.compile(r"\b(?:not\s+taking|completed|finished|stopped|discontinued|d/c'?d|held|on\s+hold|inactive|"
                          r"historical|last\s+dose)\b", re.I)


def _is_panel_title(span: Span, text: str) -> bool:
    """A finding's name alone on its line, over a results table's header row, names the panel: 'PREGNANCY' /
    'Component   Value   Flag   Ref range ...'; 'HEPATITIS PANEL:' / 'Test  Result ...'."""
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    if line_end < 0 or not _BLANK.fullmatch(text, line_start, span.start_char):
        return False
    if _PANEL_TITLE_END.fullmatch(text, span.end_char, line_end) is None:
        return False
    if _TABLE_HEADER.match(text, line_end + 1) is not None:
        return True
    # an ALL-CAPS heading over its text ('PREGNANCY' / 'LMP 09/30/2025. Urine hCG 10/27: faint line, equivocal.'),
    # not an item of a list of short ones ('PROBLEMS:' / 'PREGNANCY' / 'ANEMIA')
    nxt_end = text.find("\n", line_end + 1)
    nxt = text[line_end + 1:len(text) if nxt_end < 0 else nxt_end].strip()
    return span.text.isupper() and len(nxt.split()) >= 3 and not nxt.isupper()


_BLANK = re.compile(r"[^\S\n]*")
_PANEL_TITLE_END = re.compile(r"(?:[^\S\n]+(?:panel|screen|tests?|studies|serology|results?))?[^\S\n]*:?[^\S\n]*", re.I)
# a results table's header row: its first column's name, then more columns after a run of blanks
_TABLE_HEADER = re.compile(r"[^\S\n]*\|?[^\S\n]*(?:Component|Test(?:\s+name)?|Analyte|Lab|Result|Name|Parameter)"
                           r"(?:[^\S\n]{2,}|[^\S\n]*\|)\S", re.I)


# what ends a form's field label: 'Autoimmune: No', 'Autoimmune (active): N'
_FIELD_LABEL_END = re.compile(r"[^\S\n]*(?:\([^)\n]{0,30}\)[^\S\n]*)?:")
_HISTORY_TITLE = re.compile(r"[^\S\n]+(?:history|hx|summary|log)\b", re.I)
_TABLE_CELL = re.compile(r"(?:[^\n|]*\|)+[^\S\n]*")
_CELL_END = re.compile(r"[^\S\n]*\|")
_SHORT_ANSWER = re.compile(r"[^\S\n]*(?:none|no|nil|denies|denied|negative|neg|absent|yes|n/?a)\b(?:[^\S\n]+(?:active|current|currently|known|"
                           r"documented|reported|identified|noted|present|seen)\b)?[^\S\n]*(?:[.;,]|\n|$)", re.I)


# what may stand before a heading word on its line: a bullet or an item number ('- Infection: no active infection')
_LIST_PREFIX = re.compile(r"[^\S\n]*(?:[-*\u2022][^\S\n]*|\d{1,2}[.)][^\S\n]*)?")


_GIVEN_ON_LINE = re.compile(r"\b(?:given|administered|infused|infusion\s+(?:started|completed)|completed|started|pushed)\b", re.I)


def _line_says_given(text: str, start: int, end: int) -> bool:
    """Whether an administration record gives the dose of the drug at text[start:end]: its line says so ('| Given |
    09:12 |'), or, on a line that is no table row, no line of the record holds that drug back ('| romidepsin (C3D1) |
    ... | Not given - held |' makes its 'Regimen: romidepsin ... scheduled' header no dose)."""
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if _GIVEN_ON_LINE.search(text, end, line_end):
        return True
    if "|" in text[line_start:line_end]:
        return False
    drug = re.escape(text[start:end])
    return re.search(rf"(?im)^[^\n]*\b{drug}\b[^\n]*\b(?:not\s+given|held|withheld|never\s+started)\b", text) is None


_EARLIER_DOSES = re.compile(r"\b(?:prior|previous|earlier|past)\b", re.I)
_REFUSAL = re.compile(r"\b(?:refus|declin)", re.I)
# How far after a venous-access problem its workaround may be written: the rest of its paragraph, within this reach.
_WORKAROUND_REACH = 250


def _workaround_follows(text: str, end: int, vocabulary: dict) -> bool:
    """'Poor peripheral venous access. Collection will need a temporary apheresis catheter': how the cells will be
    collected anyway, in the same paragraph (vocabulary apheresis_access_workarounds)."""
    window = text[end:end + _WORKAROUND_REACH].split("\n\n", 1)[0]
    rx = compiled(vocabulary, "apheresis_access_workarounds",
                  lambda: words_regex(vocabulary["apheresis_access_workarounds"]["words"]))
    return rx.search(window) is not None


def _read_after(kind: str, label: str, span: Span, text: str, attrs: dict, vocabulary: dict) -> None:
    """Fill what a target rule cannot know: a test's result, an NYHA class, a condition's or therapy's course."""
    if kind == "condition":
        if attrs.get("test"):
            attrs["result"] = read_test_result(text, span.end_char, vocabulary)
        if label == "NYHA":
            attrs["nyha_class"] = read_nyha_class(text, span.end_char, vocabulary)
        attrs["course"] = read_course(text, span.start_char, span.end_char, vocabulary)
        if label == "APHERESIS_CONTRAINDICATION" and not _REFUSAL.search(span.text) and _workaround_follows(
                text, span.end_char, vocabulary):
            attrs["workaround"] = True  # 'Poor peripheral venous access (... collection via an apheresis catheter)'
    elif kind == "therapy":
        course = read_therapy_course(text, span.start_char, span.end_char)
        course["maintenance"] = course["maintenance"] or bool(attrs.get("maintenance"))  # a maintenance regimen ('POMP')
        attrs.update(course)
    elif kind == "disease_status" and label in ("PRIMARY_REFRACTORY", "REFRACTORY"):
        if reads_first_course_only(text, span.start_char, span.end_char):
            attrs["first_course_only"] = True
    elif kind == "diagnosis" and not attrs.get("exception"):
        s, e = span.start_char, span.end_char
        if compiled(vocabulary, "revised_to", lambda: re.compile(vocabulary["diagnosis_revision"]["before"], re.I)).search(
                text, max(0, s - 80), s):
            attrs["revised_to"] = True  # 'diagnosis REVISED to T-cell/histiocyte-rich large B-cell lymphoma'
        if "prostat" in span.text.lower() and words_near(text, s, e, vocabulary, "localized_prostate", 40, 100):
            attrs["exception"] = "prostate_localized"
        elif attrs.get("squamous") and (words_near(text, s, e, vocabulary, "skin_sites", 30, 80)
                                        or specimen_is(text, vocabulary, "skin_sites")):
            attrs["exception"] = "skin_bcc_scc"


_SPECIMEN_LINE = re.compile(r"^[^\S\n]*(?:Specimen|SPECIMEN|Site|SITE|Source|SOURCE)s?\b[^\n]*", re.M)


def specimen_is(text: str, vocabulary: dict, key: str) -> bool:
    """A report's 'Specimen:' line names one of vocabulary[key]: 'Specimen: skin, right dorsal forearm' places the
    report's 'INVASIVE SQUAMOUS CELL CARCINOMA' in the skin."""
    line = _SPECIMEN_LINE.search(text)
    return bool(line and compiled(vocabulary, key, lambda: words_regex(vocabulary[key]["words"])).search(line.group()))


def _cd5_method(section: Optional[str], note_type: Optional[str], vocabulary: dict) -> Optional[str]:
    v = vocabulary["cd5"]
    return v["method_by_section"].get(section or "") or v["method_by_note_type"].get((note_type or "").lower())


def _evidence(note: Note, text: str, start: int, end: int, section: Optional[str]) -> Evidence:
    return Evidence(note_id=note.note_id, start=start, end=end, text=text[start:end], section=section,
                    note_date=note.note_date, note_type=note.note_type)


class SectionIndex:
    """Section category and title-line of any character offset (medSpaCy sections are token ranges).

    `fields` ({section: words}) ends a field-like section at the first later line that opens with a 'Label:'
    not starting with one of its words ('FH: brother with CLL' / 'Infection: ... resolved'): from there on the
    text belongs to no section.
    """

    def __init__(self, doc: Doc, fields: Optional[dict[str, frozenset[str]]] = None) -> None:
        sections = [s for s in (getattr(doc._, "sections", None) or [])]
        self._starts = [doc[s.title_start].idx if s.title_start < len(doc) else len(doc.text) for s in sections]
        self._cats = [s.category for s in sections]
        self._title_ends = [doc[s.title_end - 1].idx + len(doc[s.title_end - 1]) if s.title_end > s.title_start else None
                            for s in sections]
        if fields and any(c in fields for c in self._cats):
            self._end_field_sections(doc_text(doc), fields)

    def _end_field_sections(self, text: str, fields: dict[str, frozenset[str]]) -> None:
        """Insert a no-section boundary where a field-like section meets a foreign 'Label:' line."""
        rows = list(zip(self._starts, self._cats, self._title_ends))
        out = []
        for i, (start, cat, title_end) in enumerate(rows):
            out.append((start, cat, title_end))
            if cat in fields:
                stop = rows[i + 1][0] if i + 1 < len(rows) else len(text)
                ends = [e for e in (foreign_label_line(text, title_end or start, stop, fields[cat]),
                                    inline_field_end(text, title_end, stop, fields[cat])) if e is not None]
                end = min(ends) if ends else None
                if end is not None:
                    out.append((end, None, None))
        self._starts, self._cats, self._title_ends = (list(column) for column in zip(*out))

    def _index(self, char: int) -> int:
        return bisect.bisect_right(self._starts, char) - 1

    def category_at_char(self, char: int) -> Optional[str]:
        i = self._index(char)
        return self._cats[i] if i >= 0 else None

    def title_span(self, char: int) -> Optional[tuple[int, int]]:
        i = self._index(char)
        if i < 0 or self._title_ends[i] is None:
            return None
        return self._starts[i], self._title_ends[i]


# a label may carry its date: 'Serology 09/2025:', 'Labs 10/13:'
# (a line break, or one an export flattened to a comma after a stop: 'Noncontributory.,OBJECTIVE:')
_LABEL_LINE = re.compile(r"(?:\n|(?<=[.?!:]),)[^\S\n]*(?:[-*\u2022][^\S\n]*)?([A-Za-z][\w /&'().-]{0,40}?)[^\S\n]*:")


_BULLET = re.compile(r"[^\S\n]*(?:[-*\u2022>]|\d{1,2}[.)])")
_WORD = re.compile(r"[A-Za-z]+")


def inline_field_end(text: str, title_end: Optional[int], stop: int, members: frozenset[str]) -> Optional[int]:
    """Where a field written on its label's line ends: 'Family history: mother with breast cancer.' / 'No prior
    CAR-T.' (the next line is the patient's again). Lines that continue it stay: a hard-wrapped line, a list item,
    a line naming one of `members` ('Father: MI at 60', 'Pancreatic cancer in grandfather'). None for a label alone
    on its line (its items follow)."""
    if title_end is None:
        return None
    line_end = text.find("\n", title_end, stop)
    if line_end < 0 or not text[title_end:line_end].strip(" \t:"):
        return None
    pos = line_end + 1
    while pos < stop:
        nxt = text.find("\n", pos, stop)
        nxt = stop if nxt < 0 else nxt
        if not text[pos:nxt].strip():
            return pos
        words = {w.lower() for w in _WORD.findall(text, pos, nxt)}
        if not (wrapped_break(text, pos) or _BULLET.match(text, pos, nxt) or words & members):
            return pos
        pos = nxt + 1
    return None


def foreign_label_line(text: str, start: int, stop: int, members: frozenset[str]) -> Optional[int]:
    """Offset of the first line in text[start:stop] that opens with a 'Label:' whose first word is not one of
    `members` ('Infection:' in a family history), or None."""
    for m in _LABEL_LINE.finditer(text, start, stop):
        first = m[1].split()[0].lower().strip("()'-/&")
        if first not in members:
            return m.start() + 1
    return None
