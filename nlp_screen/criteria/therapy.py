"""Therapy history shared by several criteria: which therapies count, and how many lines of therapy were given."""
from __future__ import annotations

from ..facts import CUTANEOUS_CATEGORIES, PatientFacts, is_affirmed
from ..models import Mention

SYSTEMIC = ("chemotherapy", "targeted", "immunotherapy", "investigational", "car_t", "car_nk", "gene_modified_cell_therapy")
# Given alongside a line, not a line of their own: CNS prophylaxis and transplant conditioning.
NOT_A_LINE = ("intrathecal chemotherapy", "conditioning")


def given_therapies(f: PatientFacts) -> list[Mention]:
    """Therapies the patient received: affirmed, not planned, not held; skin-directed therapy only for MF/SS.

    A generic 'genetically modified cellular product' on the same line as a named CAR-T/CAR-NK is that product,
    not another therapy.
    """
    cutaneous = bool(f.t_cell_categories() & set(CUTANEOUS_CATEGORIES))
    # a generic 'cell therapy' names no product: it only documents absence ("no prior cell therapy")
    # a therapy dated after its own note was still ahead when written ('Induction per CALGB 10403 starts 04/11/2025'
    # in a note of 04/10/2025)
    given = [m for m in f.of("therapy", where=is_affirmed)
             if not m.attrs.get("not_given") and not m.attrs.get("generic")
             and (cutaneous or not m.attrs.get("skin_directed"))
             and not (m.date is not None and m.evidence.note_date is not None and m.date > m.evidence.note_date)]
    named_car_lines = {_line_key(m) for m in given if m.label in ("car_t", "car_nk")}
    return [m for m in given if not (m.label == "gene_modified_cell_therapy" and _line_key(m) in named_car_lines)
            and not (m.label == "car_nk" and not _said_given(m))]


def _said_given(m: Mention) -> bool:
    """A CAR-NK mention is nearly always this trial ('revisit CAR-NK after antibiotics'): it counts as a therapy
    the patient had only when the notes say so (historical, dated, 'received', 's/p')."""
    return m.historical or m.date is not None or bool(m.attrs.get("given_wording"))


def _line_key(m: Mention) -> tuple[str, int]:
    return (m.evidence.note_id, m.attrs.get("line", -1))


def systemic_therapies(f: PatientFacts) -> list[Mention]:
    return sorted((m for m in given_therapies(f) if m.label in SYSTEMIC), key=f.recency_key)


def count_lines_of_therapy(f: PatientFacts, therapies: list[Mention]) -> int:
    """Distinct lines of systemic therapy in the history.

    On one line of text, named regimens are lines of their own and agents beside a regimen are its parts
    ('GDP (gemcitabine, cisplatin)'); agents without a regimen form one combination per run written together
    ('nelarabine + cyclophosphamide + etoposide'), so 'mogamulizumab 2023 (progression), then romidepsin 2024' is
    two. Across notes a regimen is
    counted once, and a combination that only restates others ('refractory to alemtuzumab and bendamustine') adds
    nothing. Generic 'chemotherapy' counts only when nothing more specific is named.
    """
    by_line: dict[tuple[str, int], list[Mention]] = {}
    # a medication list names drugs one a line, not lines of therapy ('mercaptopurine (not taking)' / 'methotrexate
    # (not taking)' / 'vincristine (completed)'): it counts only when nothing else tells the history
    listed = [m for m in therapies if m.section == "medications"]
    if len(listed) < len(therapies):
        therapies = [m for m in therapies if m.section != "medications"]
    for m in therapies:
        if (m.name or "") in NOT_A_LINE or m.attrs.get("maintenance"):
            continue
        by_line.setdefault(_line_key(m), []).append(m)
    regimens: set[str] = set()
    combos: list[frozenset[str]] = []
    for group in by_line.values():
        line_regimens = {m.name for m in group if m.attrs.get("level") == "regimen" and m.name != "chemotherapy"}
        regimens |= line_regimens
        if line_regimens:
            continue  # agents beside a named regimen are its parts or its maintenance
        for run in _joined_runs(sorted(group, key=lambda m: m.evidence.start)):
            agents = {m.name for m in run if m.name != "chemotherapy"}
            if agents:
                combos.append(frozenset(agents))
    kept: list[frozenset[str]] = []
    for combo in sorted(set(combos), key=len):
        covered = frozenset().union(*kept) if kept else frozenset()
        if not combo <= covered:
            kept.append(combo)
    lines = len(regimens) + len(kept)
    if lines == 0 and any(m.name == "chemotherapy" for m in therapies):
        return 1
    return lines


def named_lines(therapies: list[Mention]) -> list[Mention]:
    """The therapies that name what was given (a regimen or an agent): a bare 'chemotherapy' tells that a line was
    given, not how many."""
    return [m for m in therapies if (m.name or "") not in NOT_A_LINE and m.name != "chemotherapy"
            and not m.attrs.get("maintenance")]


def _joined_runs(mentions: list[Mention]) -> list[list[Mention]]:
    runs: list[list[Mention]] = []
    for m in mentions:
        if runs and m.attrs.get("joined"):
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs
