"""The protocol's exclusion criteria: one function per contract id, PatientFacts -> CriterionResult.

`fail` needs the excluding condition affirmed, the patient's own, inside its window; `pass` needs its absence
documented (or the event outside its window, or a listed exception); otherwise `unknown`.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Optional

from ..facts import PatientFacts, is_absent, is_affirmed, is_own, is_possible, test_result
from ..models import Mention
from ..protocol import Protocol
from .common import MANUAL_REVIEW, failed, last_day, passed, quote, unknown, when_text
from .therapy import given_therapies

EXC = "exclusion"
# protocol: "unexplained syncope (excluding vasovagal/dehydration-related)"
CELL_THERAPY = ("car_t", "car_nk", "gene_modified_cell_therapy")
RECENT_THERAPY = ("chemotherapy", "targeted", "investigational", "radiotherapy")


def _event_date(m: Mention) -> Optional[dt.date]:
    """When an event happened: a date written beside it; else its note's date when it is described as current
    (not historical); a remote, undated event has no date."""
    if m.date is not None:
        return m.date
    if m.historical or m.attrs.get("course") in ("resolved",):
        return None
    if m.label == "SEIZURE" and (m.attrs.get("course") == "controlled" or _SEIZURE_DISORDER.search(m.evidence.text)):
        return None  # 'Focal epilepsy, well controlled; last seizure May 2025': the disorder is no event, its seizures are
    return m.evidence.note_date


_SEIZURE_DISORDER = re.compile(r"epilep|seizure\s+disorder|convulsive\s+disorder", re.I)


def _within(f: PatientFacts, date: Optional[dt.date], days: int) -> bool:
    gap = f.days_before_as_of(date)
    return gap is not None and 0 <= gap <= days


def exc_prior_cell_therapy(f: PatientFacts, p: Protocol) -> object:
    given = [m for m in given_therapies(f) if m.label in CELL_THERAPY]
    denied = [m for m in f.of("therapy", *CELL_THERAPY, where=is_absent) if m.attrs.get("prior_wording")]
    if given:
        m = f.latest(given)
        corrected = [d for d in denied if d.label == m.label and f.recency_key(d) > f.recency_key(m)]
        if corrected:  # 'the patient wrote "they gave me the CAR-T cells" ... He has never received CAR-T'
            return unknown("exc_prior_cell_therapy", EXC, f"Prior {m.name or m.label} is documented ({quote(m)}), then denied "
                           f"({quote(corrected[-1])}); {MANUAL_REVIEW}.", m, corrected[-1])
        return failed("exc_prior_cell_therapy", EXC, f"Prior {m.name or m.label} is documented{when_text(m)} ({quote(m)}).", m)
    if denied:
        return passed("exc_prior_cell_therapy", EXC, f"No prior CAR or gene-modified cell therapy ({quote(denied[-1])}).", denied[-1])
    return unknown("exc_prior_cell_therapy", EXC, "Prior CAR-T/CAR-NK or gene-modified cell therapy is not mentioned.")


def _cns_state(m: Mention) -> Optional[str]:
    """'positive' / 'negative' / 'undetermined' / None for one CNS mention (disease words, CSF tests, CNS1-3 grades);
    'undetermined' for the patient's own status written as uncertain ('CNS status indeterminate, traumatic tap with
    blasts', 'blasts may represent contamination rather than CNS disease')."""
    if is_possible(m):
        return "undetermined"
    result = test_result(m)
    if m.attrs.get("test"):
        return result
    if m.label == "CNS_NEGATIVE":
        return "negative" if is_affirmed(m) and not m.historical else None
    if is_absent(m):
        # 'no CNS disease at diagnosis' says nothing about now
        return None if m.historical and not m.cues.get("historical", "").startswith("section:") else "negative"
    if is_affirmed(m):
        return "resolved" if m.attrs.get("course") == "resolved" else "positive"
    return None


def exc_active_cns(f: PatientFacts, p: Protocol) -> object:
    ms = [m for m in f.of("condition", "CNS_INVOLVEMENT", "CNS_NEGATIVE", where=lambda m: is_own(m) or is_possible(m))
          if _cns_state(m)]
    current = [m for m in ms if not (m.historical and _cns_state(m) == "positive")]
    m = f.latest(current)
    if m is None:
        if ms:
            return unknown("exc_active_cns", EXC, f"Only prior CNS involvement is documented ({quote(ms[-1])}); {MANUAL_REVIEW}.", ms[-1])
        return unknown("exc_active_cns", EXC, "CNS status is not documented.")
    state = _cns_state(m)
    if state == "undetermined":
        return unknown("exc_active_cns", EXC, f"CNS status undetermined{when_text(m)} ({quote(m)}); {MANUAL_REVIEW}.", m)
    if state == "positive":
        return failed("exc_active_cns", EXC, f"Active CNS involvement{when_text(m)} ({quote(m)}).", m)
    return passed("exc_active_cns", EXC, f"CNS {'involvement resolved' if state == 'resolved' else 'negative'}{when_text(m)} ({quote(m)}).", m)


def _therapy_event_date(m: Mention, last_doses: Iterable[Mention] = ()) -> Optional[dt.date]:
    """A therapy's date: written beside it, or its note's date when it is being given then ('currently on'). A
    regimen given in cycles 'continues' between its doses: when its note dates the last dose ('Continue mLSG15' /
    'last dose (cycle 2, day 17) 02/25/2026'), that is the regimen's latest dose (`last_doses`: the dated
    LAST_THERAPY mentions that name no other therapy)."""
    if m.date is not None:
        return m.date
    same_note = [d.date for d in last_doses if d.evidence.note_id == m.evidence.note_id and d.date is not None]
    if not m.attrs.get("current"):
        # a note about one kind of therapy only ('INVESTIGATIONAL DRUG SERVICE ... last dose taken on 07/05/2025'):
        # its last dose is that therapy's
        return max(same_note) if same_note and m.attrs.get("sole_category_in_note") else None
    if m.attrs.get("level") == "regimen" and same_note:
        return max(same_note)
    return m.evidence.note_date


def _text_line(m: Mention) -> tuple:
    """(note, line of text) of a therapy mention (extract sets attrs line)."""
    return (m.evidence.note_id, m.attrs.get("line"))


def _mark_sole_category_in_note(f: PatientFacts, ms: list[Mention]) -> list[Mention]:
    """`ms` with attrs sole_category_in_note on each undated therapy whose note names therapies of its category
    only (every therapy mention of the note counted, whatever its context)."""
    categories: dict[str, set[str]] = {}
    for t in f.of("therapy"):
        categories.setdefault(t.evidence.note_id, set()).add(t.label)
    return [m.model_copy(update={"attrs": {**m.attrs, "sole_category_in_note": True}})
            if m.date is None and categories.get(m.evidence.note_id) == {m.label} else m for m in ms]


# How far after 'last dose' the name of the drug it speaks of may stand ('last dose of nelarabine 02/10').
_LAST_DOSE_NAMES_REACH = 40


def _last_doses_of_no_other_therapy(f: PatientFacts) -> list[Mention]:
    """Dated 'last dose' statements that name no therapy right after them: they speak of the regimen in course."""
    therapies = f.of("therapy")
    return [d for d in f.of("disease_status", "LAST_THERAPY", where=is_affirmed) if d.date is not None
            and not any(t.evidence.note_id == d.evidence.note_id
                        and 0 <= t.evidence.start - d.evidence.end <= _LAST_DOSE_NAMES_REACH for t in therapies)]


def _straddling_the_window(f: PatientFacts, dated: list, last_doses: list[Mention], window: int) -> list[Mention]:
    """Therapies dated only to a month or a year that reaches into the window: 'nelarabine 03/2025' on 03/20/2025 (the
    month's first day is outside it, its last days inside) -- unless the same drug, a drug on the same line ('GDP x3
    (02/2025-04/2025) ... last gemcitabine 04/10/2025') or a 'last dose' naming no other is dated to the day within
    that period ('Bendamustine C1-C3 09-11/2025, last dose 11/14/2025')."""
    exact = [(m.name, _text_line(m), m.date) for m, _ in dated if m.date is not None and not m.attrs.get("date_precision")]
    exact += [(None, None, d.date) for d in last_doses if not d.attrs.get("date_precision")]
    return [m for m, d in dated if m.date == d and _within(f, min(last_day(m), f.as_of), window)
            and not any((name in (m.name, None) or line == _text_line(m)) and m.date <= day <= last_day(m)
                        for name, line, day in exact)]


def exc_recent_anticancer_therapy(f: PatientFacts, p: Protocol) -> object:
    window = p.v("anticancer_therapy_window_days")
    ms = [m for m in given_therapies(f) if m.label in RECENT_THERAPY]
    # A loose 'patient receiving chemotherapy' (an imaging indication) does not outweigh the dates the notes give
    # for named regimens; a named one 'currently on GDP' does.
    if any(m.date is not None for m in ms):
        ms = [m for m in ms if m.date is not None or m.name != "chemotherapy"]
    last_doses = _last_doses_of_no_other_therapy(f)
    ms = _mark_sole_category_in_note(f, ms)
    dated = [(m, d) for m in ms if (d := _therapy_event_date(m, last_doses)) is not None and d <= f.as_of]
    recent = [(m, d) for m, d in dated if _within(f, d, window)]
    if recent:
        m, d = max(recent, key=lambda md: (md[1], f.recency_key(md[0])))
        return failed("exc_recent_anticancer_therapy", EXC,
                      f"{m.name or m.label} on {d.isoformat()}, {(f.as_of - d).days} days before {f.as_of.isoformat()} (within {window} days).", m)
    straddling = _straddling_the_window(f, dated, last_doses, window)
    if straddling:
        m = f.latest(straddling)
        return unknown("exc_recent_anticancer_therapy", EXC, f"{m.name or m.label} is dated only to "
                       f"{m.date.isoformat()}-{last_day(m).isoformat()}, which reaches into the {window} days before "
                       f"{f.as_of.isoformat()}; {MANUAL_REVIEW}.", m)
    # 'last treatment around late 2024', 'last dose 03/31': the end of therapy, dated (never a fail: 'last dose' may
    # speak of another drug)
    last = [m for m in f.of("disease_status", "LAST_THERAPY", where=is_affirmed) if m.date is not None and m.date <= f.as_of]
    latest_end = max(last, key=lambda m: (m.date, f.recency_key(m))) if last else None
    if dated:
        m, d = max(dated, key=lambda md: (md[1], f.recency_key(md[0])))
        if latest_end is None or latest_end.date <= d:
            return passed("exc_recent_anticancer_therapy", EXC,
                          f"Last anticancer therapy {m.name or m.label} on {d.isoformat()}, {(f.as_of - d).days} days before {f.as_of.isoformat()}.", m)
    # an end of therapy later than any dated regimen documents that none followed, unless it is itself recent (or,
    # dated only to a month, may be: 'last cycle given in June 2025', screened 06/25)
    end_reaches = latest_end is not None and _within(f, min(last_day(latest_end), f.as_of), window)
    if latest_end is not None and not end_reaches:
        return passed("exc_recent_anticancer_therapy", EXC, f"Last therapy on {latest_end.date.isoformat()}, "
                      f"{(f.as_of - latest_end.date).days} days before {f.as_of.isoformat()} ({quote(latest_end)}).", latest_end)
    # 'No leukemia therapy since relapse' states an absence itself: the 'No' that ConText reads on it is its own
    none_given = f.of("therapy", *RECENT_THERAPY, where=is_absent) + f.of("disease_status", "NO_THERAPY_SINCE")
    if end_reaches and latest_end.attrs.get("date_precision"):
        return unknown("exc_recent_anticancer_therapy", EXC, f"The last therapy is dated only to {latest_end.date.isoformat()}-"
                       f"{last_day(latest_end).isoformat()}, which reaches into the {window} days before {f.as_of.isoformat()} "
                       f"({quote(latest_end)}); {MANUAL_REVIEW}.", latest_end)
    if none_given:
        return passed("exc_recent_anticancer_therapy", EXC, f"No recent anticancer therapy ({quote(none_given[-1])}).", none_given[-1])
    return unknown("exc_recent_anticancer_therapy", EXC, "The date of the last anticancer therapy is not documented.")


def _infection_date(m: Mention) -> Optional[dt.date]:
    """An infection described as going on ('currently on day 8 of linezolid for VRE bacteremia, positive
    cultures 04/01') is present at its note's date, whatever date its diagnosis carries."""
    if m.attrs.get("course") == "active" and m.evidence.note_date is not None:
        return max(d for d in (m.date, m.evidence.note_date) if d is not None)
    return _event_date(m)


def exc_active_infection(f: PatientFacts, p: Protocol) -> object:
    window = p.v("infection_window_days")
    ms = f.of("condition", "ACTIVE_INFECTION")
    active = [m for m in ms if is_affirmed(m) and m.attrs.get("course") not in ("resolved", "controlled")
              and not m.historical and _within(f, _infection_date(m), window)]
    if active:
        m = f.latest(active)
        return failed("exc_active_infection", EXC, f"Infection within {window} days of {f.as_of.isoformat()}{when_text(m)} ({quote(m)}).", m)
    # 'no infective symptoms' (INFECTION_SIGNS) documents absence; affirmed symptoms alone are no infection
    absent = [m for m in ms + f.of("condition", "INFECTION_SIGNS") if is_absent(m)]
    if absent:
        return passed("exc_active_infection", EXC, f"No active infection documented ({quote(absent[-1])}).", absent[-1])
    resolved = [m for m in ms if is_affirmed(m) and m.attrs.get("course") == "resolved"
                and m.date is not None and not _within(f, m.date, window)]
    if resolved:
        return passed("exc_active_infection", EXC, f"Infection resolved more than {window} days ago ({quote(resolved[-1])}).", resolved[-1])
    return unknown("exc_active_infection", EXC, "No statement about active infection.")


def _windowed_events(cid: str, f: PatientFacts, labels: tuple[str, ...], window: int, what: str,
                     absent_ok: Iterable[Mention] = (), dated_only: bool = False) -> object:
    ms = f.of("condition", *labels)
    inside, outside = [], []
    for m in ms:
        if not is_affirmed(m):
            continue
        d = m.date if dated_only else _event_date(m)
        if d is not None and _within(f, d, window):
            inside.append(m)
        elif d is not None or m.historical or m.attrs.get("course") in ("resolved", "controlled"):
            outside.append(m)
    if inside:
        m = f.latest(inside)
        return failed(cid, EXC, f"{what} within {window} days{when_text(m)} ({quote(m)}).", m)
    absent = [m for m in ms if is_absent(m)] + list(absent_ok)
    if outside:
        m = f.latest(outside)
        return passed(cid, EXC, f"{what} documented only outside the {window}-day window ({quote(m)}).", m, *absent[-1:])
    if absent:
        return passed(cid, EXC, f"Documented as absent: {what} ({quote(absent[-1])}).", absent[-1])
    return unknown(cid, EXC, f"{what} is not mentioned.")


def exc_cerebrovascular_or_seizure(f: PatientFacts, p: Protocol) -> object:
    return _windowed_events("exc_cerebrovascular_or_seizure", f, ("STROKE", "ICH", "SEIZURE"),
                            p.v("cerebrovascular_window_days"), "Stroke, TIA, intracranial haemorrhage or seizure")


def exc_viral_infection(f: PatientFacts, p: Protocol) -> object:
    parts = {"HBV": ("HBSAG", "ANTI_HBC", "HBV_DNA", "HBV"), "HCV": ("HCV_AB", "HCV_RNA", "HCV"),
             "HIV": ("HIV",), "syphilis": ("SYPHILIS",), "tuberculosis": ("TB",)}
    # per part, the label a mention is kept under: a disease-level TB mention apart from its tests
    positives: list[tuple[str, Mention]] = []
    negatives: list[Mention] = []
    pending: list[tuple[str, Mention]] = []
    for part, labels in parts.items():
        ms = f.of("condition", *labels)
        latest: dict[str, Mention] = {}
        for m in sorted(ms, key=f.recency_key):
            # a test's written result decides; without one, 'negative for HIV, hepatitis B ...' (a negation that
            # covers the list) still documents a negative test
            state = ((test_result(m) or ("negative" if is_absent(m) else None)) if m.attrs.get("test") else
                     "positive" if is_affirmed(m) else "negative" if is_absent(m) else None)
            if state:
                key = "TB_DISEASE" if m.label == "TB" and not m.attrs.get("test") else m.label
                if key == "TB_DISEASE" and state == "positive" and m.historical:
                    state = "past"  # 'a history of tuberculosis' is not active tuberculosis: to review
                if part == "HIV" and latest.get(key) is not None and latest[key].attrs["state"] == "positive" and is_own(latest[key]):
                    continue  # HIV infection does not go away: 'HIV-1 RNA < 20 copies/mL' on ART after 'HIV infection since 2011'
                latest[key] = m.model_copy(update={"attrs": {**m.attrs, "state": state}})
        state_of = {label: m.attrs["state"] for label, m in latest.items()}
        decisive = _viral_part_status(part, state_of)
        if decisive == "positive":
            positives.append((part, next(m for label, m in latest.items() if _deciding_label(part, label, state_of))))
        elif decisive == "negative":
            negatives.extend(latest.values())
        elif decisive == "needs_dna":
            pending.append((part, next(iter(latest.values()))))
    if positives:
        part, m = positives[0]
        return failed("exc_viral_infection", EXC, f"{part} positive{when_text(m)} ({quote(m)}).", *[m for _, m in positives])
    if negatives and not pending:
        return passed("exc_viral_infection", EXC, "Documented viral markers are negative or not excluding ("
                      + ", ".join(quote(m) for m in negatives[:4]) + ").", *negatives[:6])
    if pending:
        part, m = pending[0]
        what = ("past tuberculosis or a positive IGRA/PPD, without active disease stated" if part == "tuberculosis"
                else "serology positive without a viral load")
        return unknown("exc_viral_infection", EXC, f"{part}: {what} ({quote(m)}); {MANUAL_REVIEW}.", m)
    return unknown("exc_viral_infection", EXC, "No HBV, HCV, HIV, syphilis or tuberculosis result is documented.")


def _viral_part_status(part: str, s: dict[str, str]) -> Optional[str]:
    """The protocol's rule for each part: HBV and HCV exclude only with viral DNA/RNA above ULN."""
    if part == "HBV":
        if s.get("HBV_DNA") == "positive":
            return "positive"
        if s.get("HBV_DNA") == "negative" or (s.get("HBSAG") == "negative" and s.get("ANTI_HBC") in ("negative", None)):
            return "negative"
        if s.get("HBSAG") == "positive" or s.get("ANTI_HBC") == "positive":
            return "needs_dna"
        return "negative" if s.get("HBV") == "negative" else None
    if part == "HCV":
        if s.get("HCV_RNA") == "positive":
            return "positive"
        if s.get("HCV_RNA") == "negative" or s.get("HCV_AB") == "negative":
            return "negative"
        if s.get("HCV_AB") == "positive":
            return "needs_dna"
        return "negative" if s.get("HCV") == "negative" else None
    if part == "tuberculosis":
        # the protocol excludes active tuberculosis: a positive IGRA/PPD alone is latent infection, to review
        if s.get("TB_DISEASE") == "positive":
            return "positive"
        if s.get("TB_DISEASE") == "past" or (s.get("TB") == "positive" and s.get("TB_DISEASE") != "negative"):
            return "needs_dna"  # 'history of TB', a positive IGRA alone; but 'latent TB treated; no active TB' passes
        return "negative" if "negative" in s.values() else None
    values = set(s.values())
    if "positive" in values:
        return "positive"
    return "negative" if "negative" in values else None


def _deciding_label(part: str, label: str, s: dict[str, str]) -> bool:
    if part == "tuberculosis":
        return label == "TB_DISEASE"
    if part == "HBV":
        return label == "HBV_DNA"
    if part == "HCV":
        return label == "HCV_RNA"
    return s.get(label) == "positive"


def exc_cardiac_disease(f: PatientFacts, p: Protocol) -> object:
    cid = "exc_cardiac_disease"
    window, nyha_max = p.v("mi_cabg_window_days"), p.v("nyha_max_allowed_class")
    fails, absent = [], []
    nyha = f.latest([m for m in f.of("condition", "NYHA", where=is_affirmed) if m.attrs.get("nyha_class")])
    if nyha is not None:
        (fails if nyha.attrs["nyha_class"] > nyha_max else absent).append(nyha)
    for m in f.of("condition", "MI", "CABG", where=is_affirmed):
        d = _event_date(m)
        if d is not None and _within(f, d, window):
            fails.append(m)
        elif d is not None or m.historical:
            absent.append(m)
    for m in f.of("condition", "VENTRICULAR_ARRHYTHMIA", where=is_affirmed):
        if not m.historical and m.attrs.get("course") != "resolved":
            fails.append(m)
    for m in f.of("condition", "SYNCOPE", where=is_affirmed):
        if "unexplained" in m.evidence.text.lower() and not m.historical:
            fails.append(m)
    for m in f.of("condition", "CARDIOMYOPATHY", where=is_affirmed):
        if "severe" in m.evidence.text.lower() and m.attrs.get("course") not in ("resolved",):
            fails.append(m)
    absent += f.of("condition", "NYHA", "MI", "CABG", "VENTRICULAR_ARRHYTHMIA", "ARRHYTHMIA", "SYNCOPE",
                   "CARDIOMYOPATHY", "CARDIAC_HISTORY", where=is_absent)
    # the protocol excludes only unexplained syncope: a vasovagal or dehydration-related one documents its absence
    absent += f.of("condition", "SYNCOPE_EXPLAINED", where=is_affirmed)
    if fails:
        m = f.latest(fails)
        what = f"NYHA class {m.attrs['nyha_class']}" if m.label == "NYHA" else quote(m)
        return failed(cid, EXC, f"Excluding cardiac disease documented: {what}{when_text(m)}.", *fails)
    if absent:
        m = f.latest(absent)
        return passed(cid, EXC, f"No excluding cardiac disease ({quote(m)}).", m)
    return unknown(cid, EXC, "No statement about heart failure, MI, ventricular arrhythmia, syncope or cardiomyopathy.")


_DIFFERENTIAL_EXCLUSION = re.compile(r"exclud|rul(?:ed|e)\s+out|r/o", re.I)


def is_history_absence(m: Mention) -> bool:
    """An absence stated about the patient ('no autoimmune disease'), not a pathologist excluding a differential
    ('granulomatosis with polyangiitis ... excluded on this material')."""
    return is_absent(m) and not _DIFFERENTIAL_EXCLUSION.search(m.cues.get("negated", ""))


def exc_autoimmune(f: PatientFacts, p: Protocol) -> object:
    cid = "exc_autoimmune"
    ms = [m for m in f.of("condition", "AUTOIMMUNE") if not m.negated or is_history_absence(m)]
    latest: dict[str, Mention] = {}
    for m in sorted((m for m in ms if is_own(m)), key=f.recency_key):
        latest[_disease_key(m)] = m
    active = [m for m in latest.values() if is_affirmed(m) and m.attrs.get("course") == "active"]
    if active:
        m = f.latest(active)
        return failed(cid, EXC, f"Active autoimmune disease{when_text(m)} ({quote(m)}).", m)
    undecided = [m for m in latest.values() if is_affirmed(m) and m.attrs.get("course") not in ("resolved", "controlled")]
    if undecided:
        m = f.latest(undecided)
        return unknown(cid, EXC, f"Autoimmune disease without a stated activity ({quote(m)}); {MANUAL_REVIEW}.", m)
    if latest:
        m = f.latest(latest.values())
        state = "absent" if m.negated else m.attrs.get("course")
        return passed(cid, EXC, f"Autoimmune disease {state} ({quote(m)}).", *latest.values())
    return unknown(cid, EXC, "Autoimmune disease is not mentioned.")


def _disease_key(m: Mention) -> str:
    words = re.findall(r"[a-z]+", (m.name or m.evidence.text).lower())
    return words[0] if words else m.label


# An exception that names its organ: another, undated mention of a cancer of that organ is the same disease.
EXCEPTION_ORGANS = {"prostate_localized": "prostat"}


def _described_before(f: PatientFacts, m: Mention, window: int) -> bool:
    """An undated malignancy whose stage or treatment in the same sentence is dated before the window
    (extract: attrs companion_date). A later companion date decides nothing: the disease may be older."""
    companion = m.attrs.get("companion_date")
    return companion is not None and not _within(f, dt.date.fromisoformat(companion), window) \
        and dt.date.fromisoformat(companion) < f.as_of


def _restates(m: Mention, dated: list[tuple[str, str]]) -> bool:
    """Whether undated `m` names a malignancy dated elsewhere (one name holding the other: 'Hodgkin lymphoma' /
    'classic Hodgkin lymphoma 2014-2019'), and is written as history or in the note that dates it."""
    name = _malignancy_name(m)
    return any((name in other or other in name) and (m.historical or note == m.evidence.note_id)
               for other, note in dated)


def _malignancy_name(m: Mention) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (m.name or m.evidence.text).lower()))


def exc_prior_malignancy(f: PatientFacts, p: Protocol) -> object:
    cid = "exc_prior_malignancy"
    window = p.v("prior_malignancy_window_days")
    # 'no other malignancy' documents absence; 'no evidence of lymphoma' speaks of the index disease
    absent = [m for m in f.of("diagnosis", where=is_absent) if m.attrs.get("generic") is True]
    if not f.t_cell_categories():
        if absent:
            return passed(cid, EXC, f"No other malignancy ({quote(absent[-1])}).", absent[-1])
        return unknown(cid, EXC, "The primary diagnosis is not established, so no other malignancy can be judged.")
    others = [m for m in f.diagnoses() if m.label == "OTHER"]
    excepted = [m for m in others if m.attrs.get("exception") in EXCEPTION_ORGANS]
    excepted_organs = {EXCEPTION_ORGANS[m.attrs["exception"]] for m in excepted}
    dated = [(_malignancy_name(m), m.evidence.note_id) for m in others if m.date is not None]
    inside, passed_ms, undated = [], [], []
    for m in others:
        if m.attrs.get("exception"):
            passed_ms.append(m)
            continue
        if any(organ in m.evidence.text.lower() for organ in excepted_organs) and (
                m.date is None or any(e.date is not None and e.date.year == m.date.year for e in excepted)):
            # 'Prostate cancer on surveillance' again, undated, or dated to the same year ('Prostate adenocarcinoma
            # s/p prostatectomy 2021' / '... localized ..., prostatectomy 03/2021'): the localized one named elsewhere
            passed_ms.append(m)
            continue
        if m.date is None and _restates(m, dated):
            continue  # 'history of B-ALL' restates the B-ALL dated elsewhere ('Precursor B-ALL at age 16 (2014)')
        d = m.date
        if d is not None and _within(f, d, window):
            inside.append(m)
        elif d is not None and d < f.as_of:
            passed_ms.append(m)
        elif _described_before(f, m, window):
            passed_ms.append(m)  # staged or treated more than 5 years ago, so diagnosed before that
        else:
            undated.append(m)
    if inside:
        m = f.latest(inside)
        return failed(cid, EXC, f"Another malignancy within 5 years{when_text(m)} ({quote(m)}).", m)
    if undated:
        m = f.latest(undated)
        return unknown(cid, EXC, f"Another malignancy without a date ({quote(m)}); {MANUAL_REVIEW}.", m)
    if passed_ms:
        m = f.latest(passed_ms)
        why = "an allowed exception" if m.attrs.get("exception") else "more than 5 years ago"
        when = (f", staged or treated on {m.attrs['companion_date']}" if m.date is None and m.attrs.get("companion_date")
                else when_text(m))
        return passed(cid, EXC, f"Other malignancy is {why} ({quote(m)}{when}).", *passed_ms)
    if absent:
        return passed(cid, EXC, f"No other malignancy ({quote(absent[-1])}).", absent[-1])
    return unknown(cid, EXC, "Other malignancies are not mentioned.")


def exc_live_vaccine(f: PatientFacts, p: Protocol) -> object:
    # a vaccine named without a date ('MMR and varicella vaccines are deferred ... have not been given') is no
    # evidence that one was given in the last 4 weeks: only a dated one decides
    # 'no vaccines since transplant' rules out live ones too; a vaccine given says nothing about which
    no_vaccine = f.of("condition", "ANY_VACCINE", where=is_absent)
    return _windowed_events("exc_live_vaccine", f, ("LIVE_VACCINE",), p.v("live_vaccine_window_days"), "Live vaccine",
                            absent_ok=no_vaccine, dated_only=True)


def exc_pregnancy(f: PatientFacts, p: Protocol) -> object:
    cid = "exc_pregnancy"
    sex = f.latest(f.of("sex", where=is_affirmed))
    if sex is not None and sex.label == "male":
        # a pregnancy in a man's notes is someone else's ('his partner Maya is 22 weeks pregnant')
        return passed(cid, EXC, "Male patient.", sex)
    states = f.of("condition", "PREGNANCY", "BREASTFEEDING")
    pregnant = [m for m in states if not m.attrs.get("test") and is_affirmed(m) and not m.historical]
    tests = [m for m in states if m.attrs.get("test") and is_own(m) and test_result(m)]
    latest_test = f.latest(tests)
    if latest_test is not None and test_result(latest_test) == "positive":
        return failed(cid, EXC, f"Positive pregnancy test{when_text(latest_test)} ({quote(latest_test)}).", latest_test)
    if pregnant:
        m = f.latest(pregnant)
        return failed(cid, EXC, f"Pregnancy, breastfeeding or planned pregnancy documented ({quote(m)}).", m)
    if latest_test is not None:
        return passed(cid, EXC, f"Negative pregnancy test{when_text(latest_test)} ({quote(latest_test)}).", latest_test)
    return unknown(cid, EXC, "No pregnancy test is documented.", sex)


def exc_investigator(f: PatientFacts, p: Protocol) -> object:
    return unknown("exc_investigator", EXC, f"{MANUAL_REVIEW}: investigator-determined eligibility.")
