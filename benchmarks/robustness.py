"""Screens all of MTSamples (or the TREC patient descriptions) through the command line: does it finish, does
every patient get a line, and which rules fire on notes that have nothing to do with the trial?

    .venv/bin/python benchmarks/robustness.py [--corpus mtsamples|trec] [--workers N] [--keep DIR] [--top N] [--examples N]

--corpus trec: the TREC Clinical Trials 2021/2022 and SIGIR-2016 patient topics, the TREC CDS 2014/2015
descriptions and the TREC CDS 2016 admission notes (MIMIC-III, hard-wrapped lines), one patient each, note date
2024-06-01 (their texts carry none). The last line then starts `trec_notes=`.

Every MTSamples row with a non-empty transcription becomes one patient: patient_id `row-<i>` (i = the
0-based row index of the CSV, i.e. Kaggle's row index), note_id `MTS-<note_id>` (the CSV's note_id column,
row index + 1), note_type = its medical_specialty, no note_date (so each as-of date is today). The CSV lists
one report under several specialties, so a text may be screened several times (2,357 distinct texts).

MTSamples holds no relapsed/refractory T-cell patient, so no `candidate` is expected: each one is printed
with its note and the evidence of inc_diagnosis, inc_relapsed_refractory and inc_cd5. The exclusions and
inclusions that `fail` are counted, and for the most frequent ones the evidence texts that fired most
often (counted once per distinct note text) are shown with the line around them: over-eager rules show
here. The script also checks the contract's invariants on every line (27 criteria in order, evidence
offsets matching the note text). A script, not a test. The last line is machine-readable:
`<corpus>_notes=... candidates=... excluded=... insufficient=... crashed=0|1`.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Optional
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import MTSAMPLES, nlp_screen_command  # noqa: E402  one definition of each for both benchmarks

from nlp_screen.criteria import KEY_INCLUSIONS  # noqa: E402  the verdict rule's three key inclusions

TOP_FAIL_CRITERIA, EXAMPLES_PER_CRITERION = 5, 3
N_CRITERIA = 27
NOTE_HEAD_CHARS, CONTEXT_CHARS = 120, 70


def load_notes(path: Path) -> list[dict]:
    notes = []
    with path.open(encoding="utf-8", newline="") as rows:
        for index, row in enumerate(csv.DictReader(rows)):
            if row["transcription"].strip():
                notes.append({"patient_id": f"row-{index}", "note_id": f"MTS-{row['note_id']}",
                              "note_type": row["medical_specialty"].strip() or None, "text": row["transcription"]})
    return notes


TREC = MTSAMPLES.parents[1] / "trec_ct"
TREC_NOTE_DATE = "2024-06-01"


def load_trec_notes(folder: Path = TREC) -> list[dict]:
    """Every TREC patient text as one patient: the TrialGPT query files, then the CDS topic files."""
    texts: list[tuple[str, str, str]] = []  # (patient id, note type, text)
    for queries in sorted(folder.glob("trialgpt_*/queries.jsonl")):
        for line in queries.open(encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                texts.append((row["_id"], "clinic_note", row["text"]))
    for topics in sorted((folder / "trec_cds").glob("topics*.xml")):
        for topic in ElementTree.parse(topics).getroot():
            for field, note_type in (("note", "discharge_summary"), ("description", "clinic_note")):
                node = topic.find(field)
                if node is not None and node.text and node.text.strip():
                    texts.append((f"{topics.stem}-{topic.get('number')}-{field}", note_type, node.text))
    return [{"patient_id": pid, "note_id": f"{pid}-N1", "note_type": note_type, "note_date": TREC_NOTE_DATE, "text": text}
            for pid, note_type, text in texts]


CORPORA = {"mtsamples": lambda: load_notes(MTSAMPLES), "trec": load_trec_notes}


def one_line(text: str) -> str:
    return " ".join(text.split())


def context(text: str, start: int, end: int) -> str:
    """The evidence with up to CONTEXT_CHARS either side, on one line, the evidence in [[ ]]."""
    left = text[max(0, start - CONTEXT_CHARS):start]
    right = text[end:end + CONTEXT_CHARS]
    return f"...{one_line(left)} [[{one_line(text[start:end])}]] {one_line(right)}..."


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="mtsamples", help="which texts (default mtsamples)")
    parser.add_argument("--workers", type=int, default=1, help="--workers for nlp-screen (default 1)")
    parser.add_argument("--keep", type=Path, default=None, help="write INPUT and OUTDIR here instead of a temp dir")
    parser.add_argument("--top", type=int, default=TOP_FAIL_CRITERIA, help=f"fail criteria given examples (default {TOP_FAIL_CRITERIA})")
    parser.add_argument("--examples", type=int, default=EXAMPLES_PER_CRITERION,
                        help=f"evidence texts shown per criterion (default {EXAMPLES_PER_CRITERION})")
    args = parser.parse_args(argv)

    notes = CORPORA[args.corpus]()
    by_patient = {note["patient_id"]: note for note in notes}
    work = args.keep or Path(tempfile.mkdtemp(prefix=f"nlp-screen-{args.corpus}-"))
    work.mkdir(parents=True, exist_ok=True)
    input_path, out_dir = work / f"{args.corpus}.jsonl", work / "out"
    with input_path.open("w", encoding="utf-8") as fh:
        for note in notes:
            fh.write(json.dumps(note, ensure_ascii=False) + "\n")

    command = [*nlp_screen_command(), "screen", str(input_path), "--out", str(out_dir), "--workers", str(args.workers)]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    crashed = proc.returncode not in (0, 3) or "Traceback" in proc.stderr

    print(f"command: nlp-screen screen {input_path} --out {out_dir} --workers {args.workers}")
    print(f"exit code: {proc.returncode} ({'ok' if proc.returncode == 0 else 'records skipped' if proc.returncode == 3 else 'FAILED'})")
    stderr_lines = proc.stderr.splitlines()
    if stderr_lines:
        shown = stderr_lines if len(stderr_lines) <= 12 else stderr_lines[:4] + ["..."] + stderr_lines[-8:]
        print("stderr:\n" + "\n".join(f"  {line}" for line in shown))

    # ------------------------------------------------ patients.jsonl against the input
    results: dict[str, dict] = {}
    bad_lines = 0
    patients_path = out_dir / "patients.jsonl"
    if patients_path.exists():
        with patients_path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    result = json.loads(line)
                    results[result["patient_id"]] = result
                except (json.JSONDecodeError, KeyError, TypeError):
                    bad_lines += 1
    missing = [pid for pid in by_patient if pid not in results]
    unexpected = [pid for pid in results if pid not in by_patient]
    errors_path = out_dir / "errors.jsonl"
    error_lines = sum(1 for line in errors_path.open(encoding="utf-8") if line.strip()) if errors_path.exists() else None
    crashed = crashed or not patients_path.exists() or bool(missing) or bad_lines > 0

    verdicts = Counter(result.get("verdict") for result in results.values())
    wrong_criteria = offset_mismatches = 0
    criterion_order: Optional[list[str]] = None
    fails: Counter = Counter()
    # criterion -> evidence text (normalised) -> distinct note texts it fired on, and one example
    fail_evidence: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    fail_example: dict[tuple[str, str], tuple[str, str, str]] = {}
    fail_no_evidence: Counter = Counter()
    for pid, result in results.items():
        note = by_patient.get(pid)
        criteria = result.get("criteria", [])
        ids = [c.get("id") for c in criteria]
        if criterion_order is None:
            criterion_order = ids
        if len(ids) != N_CRITERIA or ids != criterion_order:
            wrong_criteria += 1
        for criterion in criteria:
            for ev in criterion.get("evidence", []):
                if note is None or ev.get("note_id") != note["note_id"] or note["text"][ev["start"]:ev["end"]] != ev["text"]:
                    offset_mismatches += 1
            if criterion.get("status") != "fail":
                continue
            cid = criterion["id"]
            fails[cid] += 1
            if not criterion.get("evidence"):
                fail_no_evidence[cid] += 1
                key = "(no evidence)"
                fail_evidence[cid][key].add(note["text"] if note else pid)
                fail_example.setdefault((cid, key), (pid, criterion.get("reason", ""), ""))
            for ev in criterion.get("evidence", []):
                key = one_line(ev["text"]).lower()
                fail_evidence[cid][key].add(note["text"] if note else pid)
                if (cid, key) not in fail_example:
                    shown = context(note["text"], ev["start"], ev["end"]) if note else ev["text"]
                    fail_example[(cid, key)] = (pid, criterion.get("reason", ""), shown)

    print()
    print(f"notes: {len(notes)} ({len({n['text'] for n in notes})} distinct texts), patients in patients.jsonl: "
          f"{len(results)}, missing: {len(missing)}" + (f" (e.g. {', '.join(missing[:5])})" if missing else "")
          + (f", unexpected: {len(unexpected)}" if unexpected else "") + (f", unreadable lines: {bad_lines}" if bad_lines else ""))
    print("patients per verdict: " + ", ".join(f"{verdict} {verdicts.get(verdict, 0)}" for verdict in ("candidate", "excluded", "insufficient"))
          + "".join(f", {verdict} {count}" for verdict, count in verdicts.items() if verdict not in ("candidate", "excluded", "insufficient")))
    print(f"errors.jsonl lines: {error_lines if error_lines is not None else 'no errors.jsonl'}")
    print(f"seconds: {seconds:.1f} ({len(notes) / seconds:.1f} notes/s, --workers {args.workers}, start-up included)")
    print(f"contract checks: lines without the {N_CRITERIA} criteria in the same order: {wrong_criteria}; "
          f"evidence spans whose text does not match the note at its offsets: {offset_mismatches}")

    # ------------------------------------------------ candidates (none expected)
    candidates = [result for result in results.values() if result.get("verdict") == "candidate"]
    print()
    print(f"candidates: {len(candidates)} (none expected)")
    for result in candidates:
        pid = result["patient_id"]
        note = by_patient.get(pid, {"note_id": "?", "note_type": "?", "text": ""})
        print(f"\n  {pid} {note['note_id']} [{note['note_type']}]: {one_line(note['text'])[:NOTE_HEAD_CHARS]!r}")
        for criterion in result["criteria"]:
            if criterion["id"] not in KEY_INCLUSIONS:
                continue
            print(f"    {criterion['id']} {criterion['status']}: {criterion.get('reason', '')}")
            for ev in criterion.get("evidence", []):
                print(f"      evidence {ev['start']}-{ev['end']} [{ev.get('section')}]: {one_line(ev['text'])!r}")
                if note["text"]:
                    print(f"        {context(note['text'], ev['start'], ev['end'])}")

    # ------------------------------------------------ fail counts
    print()
    print(f"criteria that fail (patients of {len(results)}; distinct note texts in brackets):")
    distinct_texts = {cid: len(set().union(*fail_evidence[cid].values())) for cid in fails}
    for cid, count in fails.most_common():
        extra = f", {fail_no_evidence[cid]} with no evidence" if fail_no_evidence[cid] else ""
        print(f"  {cid:32} {count:>5} ({distinct_texts[cid]}){extra}")
    print()
    print(f"the {args.top} most frequent fail criteria: the {args.examples} evidence texts that fired on "
          f"most distinct notes (with the line around them)")
    for cid, count in fails.most_common(args.top):
        print(f"\n  {cid} ({count} patients, {distinct_texts[cid]} distinct notes, "
              f"{len(fail_evidence[cid])} distinct evidence texts)")
        ranked = sorted(fail_evidence[cid].items(), key=lambda item: (-len(item[1]), item[0]))
        for key, texts in ranked[:args.examples]:
            pid, reason, shown = fail_example[(cid, key)]
            print(f"    {key!r} on {len(texts)} notes, e.g. {pid} ({by_patient[pid]['note_id'] if pid in by_patient else '?'})")
            print(f"      reason: {reason}")
            if shown:
                print(f"      {shown}")

    print()
    print(f"{args.corpus}_notes={len(notes)} candidates={verdicts.get('candidate', 0)} excluded={verdicts.get('excluded', 0)} "
          f"insufficient={verdicts.get('insufficient', 0)} crashed={int(crashed)}")
    return int(crashed)


if __name__ == "__main__":
    sys.exit(main())
