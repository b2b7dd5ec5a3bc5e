"""The protocol's inclusion criteria: one function per contract id, PatientFacts -> CriterionResult."""
from __future__ import annotations

from typing import Optional

from ..facts import CUTANEOUS_CATEGORIES, T_CELL_CATEGORIES, PatientFacts, is_absent, is_affirmed, is_own, is_possible
from ..models import Mention
from ..protocol import Protocol
from .common import MANUAL_REVIEW, display, failed, fmt, last_day, passed, quote, unknown, when_text
from .therapy import SYSTEMIC, count_lines_of_therapy, named_lines, systemic_therapies

INC = "inclusion"


def inc_age(f: PatientFacts, p: Protocol) -> object:
    m = f.age
    if m is None:
        return unknown("inc_age", INC, "No age is documented.")
    lo, hi = p.v("age_min"), p.v("age_max")
    least, most = f.age_range()
    age = f.age_years()
    when = f" on {f.as_of.isoformat()} (born {m.attrs['dob']})" if m.attrs.get("dob") else when_text(m)
    if lo <= least and most <= hi:
        return passed("inc_age", INC, f"Age {age}{when} is within the protocol's {lo}-{hi}.", m)
    if most < lo or least > hi:
        return failed("inc_age", INC, f"Age {age}{when} is outside the protocol's {lo}-{hi}.", m)
    return unknown("inc_age", INC, f"Age {age}{when}: {least} or {most} on {f.as_of.isoformat()}, across the protocol's "
                   f"{lo}-{hi}; {MANUAL_REVIEW}.", m)


def inc_diagnosis(f: PatientFacts, p: Protocol) -> object:
    dx = f.diagnoses()
    eligible = [m for m in dx if m.label in T_CELL_CATEGORIES]
    if eligible:
        m = f.latest(eligible)
        return passed("inc_diagnosis", INC, f"{m.label} is documented ({quote(m)}).", m)
    others = [m for m in dx if m.label == "OTHER"]
    excluded_t = [m for m in f.of("diagnosis", *T_CELL_CATEGORIES, where=lambda m: is_own(m) and m.negated)]
    if excluded_t:
        return failed("inc_diagnosis", INC, f"T-cell disease is explicitly excluded ({quote(excluded_t[-1])}).",
                      excluded_t[-1], *others[-1:])
    current_others = [m for m in others if not m.historical]
    if current_others:
        m = f.latest(current_others)
        return failed("inc_diagnosis", INC, f"Only a non-T-cell malignancy is documented ({quote(m)}).", m)
    return unknown("inc_diagnosis", INC, "No T-ALL or T-cell lymphoma diagnosis is documented.")


def _no_malignancy(cid: str, f: PatientFacts):
    """Disease burden and relapse status speak of a malignancy: without one documented they cannot be judged
    ('newly diagnosed diabetes', 'depression in remission' are not a leukaemia's course)."""
    # generic words count here: 'refractory acute leukemia after 2 induction cycles' is a malignancy's course
    if f.of("diagnosis", where=is_affirmed):
        return None
    return unknown(cid, INC, "No malignancy is documented, so this cannot be judged.")


def inc_disease_burden(f: PatientFacts, p: Protocol) -> object:
    if (none := _no_malignancy("inc_disease_burden", f)) is not None:
        return none
    cats = f.t_cell_categories()
    results = []
    if cats & set(CUTANEOUS_CATEGORIES):
        results.append(_mfss_stage(f, p))
    if "T-ALL" in cats or not cats:
        results.append(_marrow_burden(f, p))
    if cats - {"T-ALL", "MF", "SS"} or not cats:
        results.append(_measurable_lesion(f, p))
    for status in ("pass", "fail"):
        for r in results:
            if r.status == status:
                return r
    return results[0] if results else unknown("inc_disease_burden", INC, "No disease burden is documented.")


def _marrow_burden(f: PatientFacts, p: Protocol):
    floor = p.v("marrow_blasts_min_percent")
    blasts = f.latest(f.of("blasts", where=lambda m: is_affirmed(m) and m.attrs.get("site") != "blood"))
    mrd = f.latest(f.of("mrd", where=is_affirmed))
    if blasts is not None and blasts.value >= floor:
        return passed("inc_disease_burden", INC, f"Marrow blasts {fmt(blasts.value)}%{when_text(blasts)} (>= {floor}%).", blasts)
    if mrd is not None and mrd.label == "positive":
        return passed("inc_disease_burden", INC, f"MRD positive{when_text(mrd)}.", mrd)
    if blasts is not None and mrd is not None and mrd.label == "negative" and f.recency_key(mrd)[:2] >= f.recency_key(blasts)[:2]:
        # (an MRD-negative remission older than the marrow that counts blasts says nothing of that marrow: 'CR1,
        # MRD negative, 01/2025' ... 'marrow 10/20/2025: 3% blasts; MRD versus regeneration')
        return failed("inc_disease_burden", INC,
                      f"Marrow blasts {fmt(blasts.value)}% (< {floor}%) with MRD-negative remission.", blasts, mrd)
    return unknown("inc_disease_burden", INC, "No marrow blast count or MRD result is documented.", blasts)


def _measurable_lesion(f: PatientFacts, p: Protocol):
    nodal, extra = p.v("nodal_long_axis_min_cm"), p.v("extranodal_long_axis_min_cm")
    lesions = f.of("lesion", where=lambda m: is_affirmed(m) and not m.historical and not m.attrs.get("previous"))
    measurable = [m for m in lesions if m.attrs.get("axis") != "short"
                  and m.value > (nodal if m.attrs.get("site") == "nodal" else extra)]
    stated = f.latest(f.of("condition", "MEASURABLE_DISEASE", where=is_own))
    if measurable and stated is not None and stated.negated and f.when(stated) is not None \
            and all(f.when(m) is not None and f.when(m) < f.when(stated) for m in measurable):
        # 'Restaging CT 04/22/2025: residual nodes 1.3 cm and 1.1 cm, no measurable lesion' outdates the 2023 mass
        return failed("inc_disease_burden", INC, f"No measurable disease{when_text(stated)} ({quote(stated)}); the "
                      f"measurable lesions are older.", stated)
    if measurable:
        # the newest study's largest lesion: an older, larger one is history the coordinator need not weigh
        m = max(f.latest_date_group(measurable), key=lambda m: (m.value, f.recency_key(m)))
        return passed("inc_disease_burden", INC,
                      f"Measurable {m.attrs.get('site')} lesion {fmt(m.value)} cm{when_text(m)} (> {fmt(nodal if m.attrs.get('site') == 'nodal' else extra)} cm).", m)
    if stated is not None and not stated.negated:
        return passed("inc_disease_burden", INC, f"Measurable disease is stated{when_text(stated)} ({quote(stated)}).", stated)
    if stated is not None:
        return failed("inc_disease_burden", INC, f"No measurable disease{when_text(stated)} ({quote(stated)}).", stated)
    status = f.latest(f.of("disease_status", "CR", "RELAPSE", "RELAPSED_REFRACTORY", "REFRACTORY", "PRIMARY_REFRACTORY",
                           "PROGRESSION", "RELAPSE_POST_HSCT", where=is_affirmed))
    if status is not None and status.label == "CR" and not lesions and not suspected_failure(f):
        return failed("inc_disease_burden", INC, f"Lymphoma in complete remission without a measurable lesion ({quote(status)}{when_text(status)}).", status)
    return unknown("inc_disease_burden", INC, "No measurable lesion (nodal > 1.5 cm, extranodal > 1.0 cm) is documented.")


def suspected_failure(f: PatientFacts) -> list[Mention]:
    """Relapse, refractoriness or progression written even if only suspected ('relapse vs reactive, biopsy
    pending'): enough to keep 'in remission' from deciding against the patient -- unless a later note says the
    remission holds ('excision: reactive T-cell infiltrate, no evidence of lymphoma. He remains in CR1')."""
    ms = f.of("disease_status", "RELAPSE", "RELAPSED_REFRACTORY", "REFRACTORY", "PRIMARY_REFRACTORY",
              "PROGRESSION", "RELAPSE_POST_HSCT", where=lambda m: not (m.family or m.negated or m.hypothetical))
    remission = f.latest(f.of("disease_status", "CR", where=is_affirmed))
    return [m for m in ms if not (m.uncertain and remission is not None and f.recency_key(remission) > f.recency_key(m))]


_STAGE_ORDER = ["0", "IA", "IB", "IIA", "IIB", "III", "IIIA", "IIIB", "IV", "IVA", "IVA1", "IVA2", "IVB"]


def _stage_rank(label: str) -> Optional[int]:
    return _STAGE_ORDER.index(label) if label in _STAGE_ORDER else None


def _mfss_stage(f: PatientFacts, p: Protocol):
    floor = p.v("mfss_min_stage")
    stages = [m for m in f.of("stage", where=is_affirmed) if _stage_rank(m.label) is not None
              and not m.attrs.get("other_disease")]
    m = f.latest(stages)
    if m is None:
        return unknown("inc_disease_burden", INC, "No MF/SS stage is documented.")
    if _stage_rank(m.label) >= _stage_rank(floor):
        return passed("inc_disease_burden", INC, f"MF/SS stage {m.label}{when_text(m)} is {floor} or higher.", m)
    return failed("inc_disease_burden", INC, f"MF/SS stage {m.label}{when_text(m)} is below {floor}.", m)


def inc_relapsed_refractory(f: PatientFacts, p: Protocol) -> object:
    cid = "inc_relapsed_refractory"
    if (none := _no_malignancy(cid, f)) is not None:
        return none
    status = f.of("disease_status", where=is_affirmed)
    by = {label: [m for m in status if m.label == label] for label in
          ("RELAPSE", "RELAPSED_REFRACTORY", "REFRACTORY", "PRIMARY_REFRACTORY", "PROGRESSION", "CR",
           "NEWLY_DIAGNOSED", "RELAPSE_POST_HSCT", "LINES", "INDUCTION_CYCLES", "RELAPSE_AFTER_CR")}
    min_lines, min_cycles = p.v("min_failed_lines"), p.v("min_induction_cycles")
    tall = "T-ALL" in f.t_cell_categories()
    therapies = systemic_therapies(f)
    stated_only = [m for m in by["LINES"] if m.attrs.get("only")]
    # 'first-line therapy only' is the note's own count: it outranks counting the regimens named
    # ... unless a later note counts more ('first-line therapy only' at first relapse, then 'failed two lines')
    stated = f.latest(stated_only) if stated_only else None
    if stated is not None and any(f.recency_key(m) > f.recency_key(stated) for m in by["LINES"] if not m.attrs.get("only")):
        stated = None
    lines = (int(stated.value) if stated is not None
             else max([count_lines_of_therapy(f, therapies)] + [int(m.value) for m in by["LINES"]]))
    cycles = max([int(m.value) for m in by["INDUCTION_CYCLES"]], default=0)
    hsct = [m for m in f.of("therapy", "hsct_allogeneic", "hsct_autologous", where=is_affirmed)]
    if by["RELAPSE_POST_HSCT"]:
        m = f.latest(by["RELAPSE_POST_HSCT"])
        return passed(cid, INC, f"Relapse after HSCT ({quote(m)}).", m)
    post_hsct = _relapse_after_transplant(f, by["RELAPSE"] + by["RELAPSED_REFRACTORY"], hsct)
    if post_hsct is not None:
        rel, tx = post_hsct
        return passed(cid, INC, f"Relapse{when_text(rel)} after {tx.name or 'HSCT'}{when_text(tx)}.", rel, tx)
    failure = by["REFRACTORY"] + by["PRIMARY_REFRACTORY"] + by["PROGRESSION"] + by["RELAPSED_REFRACTORY"] + by["RELAPSE"]
    # T-ALL: a failure written of the first induction course only ('induction failure after course I') does not
    # show the failure of >= 2 cycles or lines the protocol asks for, however many were given since
    refractory, primary = (
        [m for m in by[label] if not (tall and m.attrs.get("first_course_only"))] for label in ("REFRACTORY", "PRIMARY_REFRACTORY"))
    if primary and (not tall or cycles >= min_cycles or lines >= min_lines):
        m = f.latest(primary)
        return passed(cid, INC, f"Primary refractory disease ({quote(m)}).", m, *by["INDUCTION_CYCLES"][-1:])
    if tall and cycles >= min_cycles and (refractory or primary):
        m = f.latest(by["INDUCTION_CYCLES"])
        return passed(cid, INC, f"Refractory to {cycles} induction cycles.", m)
    shown = refractory + primary + by["PROGRESSION"] + by["RELAPSED_REFRACTORY"] + by["RELAPSE"]
    if shown and lines >= min_lines:
        m = f.latest(shown)
        evidence = [m] + [f.latest(by["LINES"])] if by["LINES"] else [m] + therapies[-2:]
        return passed(cid, INC, f"Relapsed/refractory after {lines} lines of therapy ({quote(m)}).", *evidence)
    relapse = by["RELAPSE"] + by["RELAPSED_REFRACTORY"]
    max_months = p.v("relapse_after_cr_max_months")
    written = f.latest(by["RELAPSE_AFTER_CR"])
    if tall and written is not None and written.value <= max_months:
        return passed(cid, INC, f"Relapse {fmt(written.value)} months after first CR (within {max_months}).", written)
    if tall and relapse and by["CR"]:
        early = _relapse_within(f, by["CR"], relapse, max_months)
        if early is not None:
            cr, rel = early
            return passed(cid, INC, f"Relapse within {fmt(max_months)} months of first CR.", cr, rel)
    if by["NEWLY_DIAGNOSED"] and not therapies and not failure:
        m = f.latest(by["NEWLY_DIAGNOSED"])
        return failed(cid, INC, f"Newly diagnosed and untreated ({quote(m)}).", m)
    if by["CR"] and not failure and not suspected_failure(f):
        m = f.latest(by["CR"])
        return failed(cid, INC, f"In remission without a documented relapse ({quote(m)}).", m)
    # 'relapsed/refractory' says nothing about which: only a written relapse after one line decides this fail, and
    # only when no note leaves a transplant open ('we cannot confirm whether the autologous SCT was performed')
    maybe_hsct = f.of("therapy", "hsct_allogeneic", "hsct_autologous", where=is_possible)
    # nor when a further line is written as unconfirmed ('? 2nd-line tx at OSH: ? azacitidine vs ? romidepsin')
    maybe_line = [m for m in f.of("therapy", where=is_possible) if m.label in SYSTEMIC]
    # nor when the notes leave open whether remission was ever reached ('it does not state whether she achieved
    # complete remission', 'relapse after CR or primary refractory disease ... cannot be determined')
    open_response = f.of("disease_status", "CR", "REFRACTORY", "PRIMARY_REFRACTORY", where=is_possible)
    # 'IV chemotherapy at an outside centre (regimens and lines not documented)' is at least one line, not exactly one
    counted = bool(stated_only or by["LINES"] or named_lines(therapies))
    if (by["RELAPSE"] and lines == 1 and counted and not hsct and not maybe_hsct and not maybe_line and not open_response
            and not (by["REFRACTORY"] or by["PRIMARY_REFRACTORY"] or by["PROGRESSION"])):
        m = f.latest(by["RELAPSE"])
        if not tall:
            return failed(cid, INC, f"Lymphoma relapse after a single line of therapy without HSCT ({quote(m)}).", m, *therapies[-1:])
        late = _relapse_within(f, by["CR"], relapse, max_months, late=True)
        if late is None and written is not None and written.value > max_months:
            late = (written,)
        if late is not None:
            return failed(cid, INC, f"T-ALL first relapse more than {fmt(max_months)} months after first CR, after first-line therapy only.", *late)
    return unknown(cid, INC, "Relapsed/refractory status cannot be determined from the notes.",
                   *(f.latest(failure) and [f.latest(failure)] or []))


def _relapse_after_transplant(f: PatientFacts, relapses: list[Mention], hsct: list[Mention]):
    """A relapse dated after a dated transplant (the phrase 'relapse after HSCT' need not be written)."""
    tx_dates = [m for m in hsct if m.date is not None]
    if not tx_dates:
        return None
    first_tx = min(tx_dates, key=lambda m: m.date)
    after = [m for m in relapses if m.when is not None and not m.historical and m.when > first_tx.date]
    return (f.latest(after), first_tx) if after else None


def _relapse_within(f: PatientFacts, crs: list[Mention], relapses: list[Mention], months: int, late: bool = False):
    """(CR, relapse) when the first relapse after the first dated CR came within `months` of it (or, late=True,
    certainly after): a CR or relapse dated only by its year or month ('in remission at some point during 2024',
    'relapse in June 2025') counts from the start or the end of that period, whichever makes the answer hold for
    every day of it."""
    cr_dates = _most_precise([m for m in crs if m.date is not None])
    rel_dates = [m for m in relapses if m.date is not None]
    if not cr_dates or not rel_dates:
        return None
    cr = min(cr_dates, key=lambda m: m.date)
    after = [m for m in rel_dates if m.date > cr.date]
    if not after:
        return None
    rel = min(after, key=lambda m: m.date)
    limit = months * 30.44
    if late:
        # every CR date written before the relapse must be too far from it: two records that disagree on when CR1
        # came ('March 2024' / 'June 2024') leave a relapse 11-14 months later undecided
        last_cr = max((m for m in cr_dates if m.date < rel.date), key=last_day)
        return (last_cr, rel) if (rel.date - last_day(last_cr)).days > limit else None
    earliest = cr.date
    # a relapse dated by its month ('June 2025') may fall on any day of it: within only if its last day is
    return (cr, rel) if (last_day(rel) - earliest).days <= limit else None


def _most_precise(ms: list[Mention]) -> list[Mention]:
    """Drop a mention dated only by month or year when a day-dated one falls in that period: 'CR1 01/2025' and
    'CR1 on 01/21/2025' are one remission, dated 01/21."""
    exact = [m for m in ms if not m.attrs.get("date_precision")]
    return [m for m in ms if m in exact or not any(m.date <= e.date <= last_day(m) for e in exact)]




def inc_cd5(f: PatientFacts, p: Protocol) -> object:
    from .cd5 import judge_cd5, select_cd5
    selected = select_cd5(f)
    if selected is None:
        return unknown("inc_cd5", INC, "No CD5 result on the tumour cells is documented.")
    if selected.word == "undetermined":
        m = selected.mention
        return unknown("inc_cd5", INC, f"The latest note leaves the tumour's CD5 undetermined{when_text(m)} ({quote(m)}).", m)
    return judge_cd5(selected, p)


def select_ecog(f: PatientFacts) -> Optional[Mention]:
    """The latest day's performance status; on that day an ECOG written or described ('in bed or chair for more than
    half of the day') outranks one converted from a Karnofsky score (KPS 50 is ECOG 2 in some tables, 3 in others)."""
    group = f.latest_date_group(f.of("ecog", where=is_affirmed))
    return ([e for e in group if not e.attrs.get("converted_from_kps")] or group)[-1] if group else None


def inc_ecog(f: PatientFacts, p: Protocol) -> object:
    m = select_ecog(f)
    if m is None:
        return unknown("inc_ecog", INC, "No ECOG performance status is documented.")
    hi = p.v("ecog_max")
    conv = f" (converted from KPS {m.attrs['converted_from_kps']}%)" if m.attrs.get("converted_from_kps") else ""
    if m.value <= hi:
        return passed("inc_ecog", INC, f"ECOG {fmt(m.value)}{conv}{when_text(m)} is within the protocol's 0-{hi}.", m)
    return failed("inc_ecog", INC, f"ECOG {fmt(m.value)}{conv}{when_text(m)} is above the protocol's 0-{hi}.", m)


def inc_life_expectancy(f: PatientFacts, p: Protocol) -> object:
    hospice = f.of("condition", "HOSPICE", where=lambda m: is_affirmed(m) and not m.historical)
    if hospice:
        m = f.latest(hospice)
        return failed("inc_life_expectancy", INC, f"Hospice, comfort care or short life expectancy is documented ({quote(m)}).", m)
    return passed("inc_life_expectancy", INC, "No hospice, comfort care or life expectancy under 12 weeks is documented.")


def select_lvef(f: PatientFacts) -> Optional[Mention]:
    """The most recent LVEF; on its date a number beats a description of the same study."""
    group = f.latest_date_group(f.of("lvef", where=is_affirmed))
    numeric = [m for m in group if m.value is not None]
    return (numeric or group or [None])[-1]


def inc_cardiac_function(f: PatientFacts, p: Protocol) -> object:
    m = select_lvef(f)
    floor = p.v("lvef_min_percent")
    if m is None:
        return unknown("inc_cardiac_function", INC, "No LVEF is documented.")
    if m.value is not None:
        text = f"LVEF {fmt(m.value)}%" + (f"-{fmt(m.high)}%" if m.high and m.high != m.value else "")
        if m.value >= floor:
            return passed("inc_cardiac_function", INC, f"{text}{when_text(m)} is at least {floor}%.", m)
        return failed("inc_cardiac_function", INC, f"{text}{when_text(m)} is below {floor}%.", m)
    q = m.attrs.get("qualitative")
    if q == "normal":
        return passed("inc_cardiac_function", INC, f"LV systolic function described as normal{when_text(m)}.", m)
    return failed("inc_cardiac_function", INC, f"LV systolic function described as {q}{when_text(m)}.", m)


def select_lab(f: PatientFacts, analyte: str) -> Optional[Mention]:
    """The most recent reading; a bare repeat of a same-day value written with its ULN yields to that one."""
    group = f.latest_date_group(f.of("lab", analyte, where=is_affirmed))
    if not group:
        return None
    last = group[-1]
    if last.attrs.get("uln"):
        return last
    same = [m for m in group if m.attrs.get("uln") and m.value == last.value]
    return (same or [last])[-1]


def lab_ratio(m: Mention, p: Protocol, f: Optional[PatientFacts] = None) -> tuple[Optional[float], str, Optional[Mention]]:
    """value / ULN: the ULN written beside the value; else the one written beside the same result restated elsewhere
    (the same test, value and unit: 'creatinine 204 umol/L' in an assessment, '204 H ... 45-90 umol/L' in the results
    table), returned as the third item; else the contract's reference limit for the unit. A different value does
    not borrow another reading's ULN."""
    uln = m.attrs.get("uln")
    if uln:
        return m.value / uln, "written ULN", None
    unit = m.unit or _guess_unit(m, p)
    lab_range = _restated_with_uln(f, m, unit, p) if f is not None else None
    if lab_range is not None:
        uln = lab_range.attrs["uln"]
        return m.value / uln, f"ULN {fmt(uln)} {unit}, written with the same result: {quote(lab_range)}", lab_range
    uln = getattr(p.reference_limits, m.label).get(unit)
    return (m.value / uln if uln else None), f"reference ULN {fmt(uln)} {unit}", None


def _restated_with_uln(f: PatientFacts, m: Mention, unit: str, p: Protocol) -> Optional[Mention]:
    """The latest reading of the same result (test, value, unit) written with its ULN."""
    ranged = [o for o in f.of("lab", m.label, where=is_affirmed)
              if o.attrs.get("uln") and o.value == m.value and (o.unit or _guess_unit(o, p)) == unit]
    return f.latest(ranged) if ranged else None


def _guess_unit(m: Mention, p: Protocol) -> str:
    cut = getattr(p.si_unit_threshold, m.label, None)
    if cut is not None and m.value > cut:
        return "umol/L"
    return "U/L" if m.label in ("alt", "ast") else "mg/dL"


def inc_renal_function(f: PatientFacts, p: Protocol) -> object:
    m = select_lab(f, "creatinine")
    if m is None:
        return unknown("inc_renal_function", INC, "No creatinine is documented.")
    ratio, source, lab_range = lab_ratio(m, p, f)
    limit = p.v("creatinine_max_x_uln")
    if ratio is None:
        return unknown("inc_renal_function", INC, f"Creatinine {fmt(m.value)} has no usable ULN.", m)
    text = f"Creatinine {fmt(m.value)}{' ' + m.unit if m.unit else ''}{when_text(m)} is {ratio:.2f} x ULN ({source})"
    evidence = [m] + ([lab_range] if lab_range is not None else [])
    if ratio <= limit:
        return passed("inc_renal_function", INC, f"{text}, within {fmt(limit)} x ULN.", *evidence)
    return failed("inc_renal_function", INC, f"{text}, above {fmt(limit)} x ULN.", *evidence)


def inc_hepatic_function(f: PatientFacts, p: Protocol) -> object:
    liver = f.of("condition", "LIVER_INVOLVEMENT", where=is_affirmed)
    t_limit = p.v("transaminase_max_x_uln_liver_involvement" if liver else "transaminase_max_x_uln")
    limits = {"alt": t_limit, "ast": t_limit, "bilirubin": p.v("bilirubin_max_x_uln")}
    parts, over = [], []
    ranges: dict[int, Mention] = {}  # the lab's own ULN a reading was measured against (lab_ratio)
    for analyte, limit in limits.items():
        m = select_lab(f, analyte)
        if m is None:
            continue
        ratio, _, lab_range = lab_ratio(m, p, f)
        if ratio is None:
            continue
        if lab_range is not None:
            ranges[id(m)] = lab_range
        parts.append((m, ratio, limit))
        if ratio > limit:
            over.append((m, ratio, limit))
    if over:
        text = "; ".join(f"{display(m.label)} {fmt(m.value)} is {r:.1f} x ULN (limit {fmt(l)})" for m, r, l in over)
        return failed("inc_hepatic_function", INC, text + ".", *_with_ranges([m for m, _, _ in over], ranges))
    if parts:
        text = ", ".join(f"{display(m.label)} {r:.1f} x ULN" for m, r, _ in parts)
        return passed("inc_hepatic_function", INC, f"{text}: within limits.", *_with_ranges([m for m, _, _ in parts], ranges))
    return unknown("inc_hepatic_function", INC, "No ALT, AST or bilirubin is documented.")


def _with_ranges(readings: list[Mention], ranges: dict[int, Mention]) -> list[Mention]:
    return readings + [ranges[id(m)] for m in readings if id(m) in ranges]


def inc_pulmonary_function(f: PatientFacts, p: Protocol) -> object:
    m = f.latest(f.of("spo2", where=is_affirmed))
    floor = p.v("spo2_min_percent")
    if m is None:
        return unknown("inc_pulmonary_function", INC, "No oxygen saturation is documented.")
    ra = m.attrs.get("room_air")
    if ra is False:
        return failed("inc_pulmonary_function", INC, f"SpO2 {fmt(m.value)}% on supplemental oxygen{when_text(m)}.", m)
    if m.value >= floor:
        air = "on room air" if ra else "(room air not stated)"
        return passed("inc_pulmonary_function", INC, f"SpO2 {fmt(m.value)}% {air}{when_text(m)} is at least {floor}%.", m)
    if ra:
        return failed("inc_pulmonary_function", INC, f"SpO2 {fmt(m.value)}% on room air{when_text(m)} is below {floor}%.", m)
    return unknown("inc_pulmonary_function", INC, f"SpO2 {fmt(m.value)}% without room air stated.", m)


def _not_contradicted(cid: str, label: str, what: str, later_absence_decides: bool = False):
    """Pass unless `label` is affirmed (not resolved, no stated workaround: 'poor veins ... collection via an
    apheresis catheter'). With later_absence_decides, a statement of absence written after every affirmed mention
    ('Veins ... not suitable for apheresis draw flow rates' / 'Poor venous access is not a contraindication to
    leukapheresis') is the assessment's conclusion and decides."""
    def judge(f: PatientFacts, p: Protocol):
        found = f.of("condition", label, where=lambda m: is_affirmed(m) and m.attrs.get("course") != "resolved"
                     and not m.attrs.get("workaround"))
        absent = f.latest(f.of("condition", label, where=is_absent)) if later_absence_decides else None
        if found and absent is not None and f.recency_key(absent) > f.recency_key(f.latest(found)):
            return passed(cid, INC, f"No {what}: {quote(absent)} (written after {quote(f.latest(found))}).", absent)
        if found:
            m = f.latest(found)
            return failed(cid, INC, f"A {what} is documented ({quote(m)}).", m)
        return passed(cid, INC, f"No {what} is documented.")
    judge.__name__ = cid
    return judge


inc_apheresis_feasible = _not_contradicted("inc_apheresis_feasible", "APHERESIS_CONTRAINDICATION",
                                           "contraindication to leukapheresis or venipuncture", later_absence_decides=True)
inc_no_severe_psychiatric = _not_contradicted("inc_no_severe_psychiatric", "PSYCHIATRIC_SEVERE", "severe psychiatric disorder")


def inc_contraception(f: PatientFacts, p: Protocol) -> object:
    return unknown("inc_contraception", INC, f"{MANUAL_REVIEW}: agreement to use contraception is confirmed at consent.")


def inc_consent(f: PatientFacts, p: Protocol) -> object:
    return unknown("inc_consent", INC, f"{MANUAL_REVIEW}: informed consent is obtained by the study team.")
