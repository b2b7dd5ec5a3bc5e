"""Notes per second: spaCy's tokenizer, medspaCy's default pipeline and our Extractor, on the same notes.

Run from the repository root: `.venv/bin/python benchmarks/throughput.py [--notes N] [--medspacy-notes N] [--cli]`.
A script, not a test: timings depend on the machine. The last line is machine-readable.

`--cli` adds the whole command line (takes minutes): `nlp-screen screen INPUT --out DIR --quiet` as a
subprocess on a 5,000-note JSONL file, with --workers 1 and --workers 2 (wall clock, start-up included),
whether both give byte-identical patients.jsonl, and the peak memory (max RSS) of a --workers 1 run on
1,000 and on 5,000 notes, which should stay flat. It prints one more line just before the last:
`cli_workers1_notes_per_s=... cli_workers2_notes_per_s=... peak_rss_mb_1000=... peak_rss_mb_5000=...`.
"""
import argparse
import csv
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402

from nlp_screen.models import Note  # noqa: E402

CORPUS_SAMPLES = REPO / "corpus_samples" / "notes.jsonl"
MTSAMPLES = REPO.parent / "shared" / "corpora" / "mtsamples" / "mtsamples.csv"  # ../shared beside the repo
# Our notes are a few KB (the dev set's progress notes run 1-4 KB); 3-5 KB MTSamples reports keep the
# mean close to a long clinic note without letting a few 15 KB operative reports dominate.
MIN_BYTES, MAX_BYTES = 3 * 1024, 5 * 1024
WARMUP_NOTES = 3
SEED = 0
# --cli: notes in the timed input, and in the smaller input whose peak memory is compared with it
CLI_NOTES, CLI_SMALL_NOTES = 5000, 1000
CLI_WORKERS = (1, 2)


@dataclass(frozen=True)
class Timing:
    notes: int
    seconds: float

    @property
    def notes_per_s(self) -> float:
        return self.notes / self.seconds


def load_corpus_samples(path: Path) -> list[Note]:
    """Our synthetic notes (JSON lines), or none if the file is not there yet."""
    if not path.exists():
        return []
    notes = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                notes.append(Note(**{key: record[key] for key in Note.model_fields if key in record}))
    return notes


def load_mtsamples(path: Path) -> list[Note]:
    """MTSamples transcriptions of 3-5 KB, each text once (the CSV lists a note under several specialties)."""
    seen: set[str] = set()
    notes = []
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            text = row["transcription"]
            if text in seen or not MIN_BYTES <= len(text.encode("utf-8")) <= MAX_BYTES:
                continue
            seen.add(text)
            note_id = f"MTS-{row['note_id']}"
            notes.append(Note(patient_id=note_id, note_id=note_id, text=text))
    return notes


def benchmark_notes(corpus_samples: list[Note], mtsamples: list[Note], n: int) -> list[Note]:
    """All corpus samples plus MTSamples up to `n`, shuffled once so every prefix has the same mix."""
    notes = corpus_samples + mtsamples[: max(0, n - len(corpus_samples))]
    random.Random(SEED).shuffle(notes)
    return notes[:n]


def mean_kb(notes: Sequence[Note]) -> float:
    return statistics.mean(len(note.text.encode("utf-8")) for note in notes) / 1024


def time_run(run: Callable[[Sequence[Note]], object], notes: Sequence[Note]) -> Timing:
    """Seconds for one pass over `notes`, after a warm-up pass over a few (lazy loads, caches)."""
    run(notes[:WARMUP_NOTES])
    start = time.perf_counter()
    run(notes)
    return Timing(len(notes), time.perf_counter() - start)


def time_tokenizer(notes: Sequence[Note]) -> Timing:
    nlp = spacy.blank("en")
    return time_run(lambda batch: list(nlp.pipe(note.text for note in batch)), notes)


def load_medspacy_default() -> Language:
    """medspaCy's default pipeline, quiet: PyRuSH logs every sentence at DEBUG, the matcher warns W036."""
    from loguru import logger

    logger.disable("PyRuSH")
    warnings.filterwarnings("ignore", message=r"\[W036\]")
    import medspacy

    return medspacy.load()


def time_medspacy_default(notes: Sequence[Note]) -> Timing:
    nlp = load_medspacy_default()
    return time_run(lambda batch: list(nlp.pipe(note.text for note in batch)), notes)


def time_extractor(notes: Sequence[Note]) -> tuple[Optional[Timing], Optional[dict[str, float]]]:
    """Our full extraction and, when the Extractor exposes its `nlp`, seconds per pipeline step.

    Both are None while the Extractor still raises NotImplementedError.
    """
    from nlp_screen.extract import Extractor

    try:
        extractor = Extractor()
        timing = time_run(lambda batch: list(extractor.pipe(batch)), notes)
    except NotImplementedError:
        return None, None
    nlp = getattr(extractor, "nlp", None)
    return timing, (time_components(nlp, [note.text for note in notes]) if nlp is not None else None)


def time_components(nlp: Language, texts: Sequence[str]) -> dict[str, float]:
    """Seconds spent in make_doc and in each pipeline component, run one after another on each text."""
    seconds = {"make_doc": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    components = [(name, nlp.get_pipe(name)) for name in nlp.pipe_names]
    for text in texts:
        start = time.perf_counter()
        doc = nlp.make_doc(text)
        seconds["make_doc"] += time.perf_counter() - start
        for name, component in components:
            start = time.perf_counter()
            doc = component(doc)
            seconds[name] += time.perf_counter() - start
    return seconds


def ratio(numerator: Optional[Timing], denominator: Optional[Timing]) -> str:
    if numerator is None or denominator is None:
        return "n/a"
    return f"{numerator.notes_per_s / denominator.notes_per_s:.3f}"


def rate(timing: Optional[Timing]) -> str:
    return "n/a" if timing is None else f"{timing.notes_per_s:.1f}"


# ---------------------------------------------------------------- --cli: the whole command line


@dataclass(frozen=True)
class CliRun:
    label: str
    notes: int
    workers: int
    exit_code: int
    seconds: float
    peak_rss_mb: float  # max RSS of the largest process of the run (RUSAGE_CHILDREN), not a sum
    stderr_lines: int
    patients_sha256: Optional[str]

    @property
    def notes_per_s(self) -> float:
        return self.notes / self.seconds


@dataclass(frozen=True)
class CliResults:
    input_description: str
    runs: list[CliRun]
    identical: Optional[bool]  # patients.jsonl of --workers 1 and 2 byte for byte (None: a run wrote none)

    def run(self, notes: int, workers: int) -> Optional[CliRun]:
        return next((r for r in self.runs if r.notes == notes and r.workers == workers), None)


# Runs in a fresh interpreter per measurement, so RUSAGE_CHILDREN covers that one CLI run and its
# worker processes only; its own start-up is outside the clock. Prints one JSON line.
_WRAPPER = """
import json, resource, subprocess, sys, time
stderr_path, argv = sys.argv[1], sys.argv[2:]
with open(stderr_path, "wb") as err:
    start = time.perf_counter()
    code = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=err)
    seconds = time.perf_counter() - start
print(json.dumps({"exit_code": code, "seconds": seconds,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def cli_records(corpus_samples_path: Path, mtsamples_path: Path, n: int) -> tuple[list[dict], str]:
    """`n` input records: every MTSamples row with a non-empty transcription (one patient per row, its
    specialty as note_type, no date), then the corpus samples (their own patient ids, several notes per
    patient, with dates), the sequence cycled when shorter than `n` (ids of later rounds get "~k"), then
    shuffled once so that any prefix has the same mix (a patient's notes may lie anywhere in INPUT)."""
    base: list[dict] = []
    with mtsamples_path.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            if row["transcription"].strip():
                note_id = f"MTS-{row['note_id']}"
                base.append({"patient_id": note_id, "note_id": note_id,
                             "note_type": row["medical_specialty"].strip() or None, "text": row["transcription"]})
    n_mtsamples = len(base)
    if corpus_samples_path.exists():
        with corpus_samples_path.open(encoding="utf-8") as lines:
            base.extend(json.loads(line) for line in lines if line.strip())
    n_corpus = len(base) - n_mtsamples
    if not base:
        raise SystemExit("--cli: no notes found")
    records = []
    for i in range(n):
        record, rounds = dict(base[i % len(base)]), i // len(base)
        if rounds:
            record["patient_id"] = f"{record['patient_id']}~{rounds}"
            record["note_id"] = f"{record.get('note_id')}~{rounds}"
        records.append(record)
    random.Random(SEED).shuffle(records)
    used_corpus = sum(1 for i in range(n) if i % len(base) >= n_mtsamples)
    description = (
        f"{n_mtsamples} MTSamples rows with a transcription (one patient each) + {n_corpus} corpus_samples notes "
        f"(grouped by their own patient ids); the first {n} of that sequence"
        + (f", cycled {(n - 1) // len(base) + 1} times" if n > len(base) else f", {used_corpus} corpus_samples notes included")
        + ", shuffled"
    )
    return records, description


def write_jsonl(path: Path, records: Sequence[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def nlp_screen_command() -> list[str]:
    """The installed console script beside this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / "nlp-screen"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("nlp-screen")
    if found:
        return [found]
    raise SystemExit("--cli: the nlp-screen command is not installed (pip install -e .)")


def run_cli(label: str, input_path: Path, out_dir: Path, notes: int, workers: int) -> CliRun:
    stderr_path = out_dir.with_name(out_dir.name + ".stderr")
    command = [*nlp_screen_command(), "screen", str(input_path), "--out", str(out_dir),
               "--workers", str(workers), "--quiet"]
    wrapped = subprocess.run([sys.executable, "-c", _WRAPPER, str(stderr_path), *command],
                             capture_output=True, text=True, check=True)
    measured = json.loads(wrapped.stdout.strip().splitlines()[-1])
    stderr_text = stderr_path.read_text(encoding="utf-8", errors="replace")
    if measured["exit_code"] not in (0, 3):
        tail = "\n".join(stderr_text.splitlines()[-20:])
        print(f"--cli {label}: nlp-screen exited {measured['exit_code']}:\n{tail}", file=sys.stderr)
    patients = out_dir / "patients.jsonl"
    digest = hashlib.sha256(patients.read_bytes()).hexdigest() if patients.exists() else None
    return CliRun(label, notes, workers, measured["exit_code"], measured["seconds"],
                  measured["maxrss_kb"] / 1024, len(stderr_text.splitlines()), digest)


def measure_cli(corpus_samples_path: Path, mtsamples_path: Path) -> CliResults:
    """The timed runs on CLI_NOTES notes (--workers 1 and 2) and a --workers 1 run on CLI_SMALL_NOTES."""
    records, description = cli_records(corpus_samples_path, mtsamples_path, CLI_NOTES)
    runs = []
    with tempfile.TemporaryDirectory(prefix="nlp-screen-cli-") as tmp:
        large, small = Path(tmp) / f"notes{CLI_NOTES}.jsonl", Path(tmp) / f"notes{CLI_SMALL_NOTES}.jsonl"
        write_jsonl(large, records)
        write_jsonl(small, records[:CLI_SMALL_NOTES])
        for workers in CLI_WORKERS:
            runs.append(run_cli(f"{CLI_NOTES} notes", large, Path(tmp) / f"out{CLI_NOTES}-w{workers}", CLI_NOTES, workers))
        runs.append(run_cli(f"{CLI_SMALL_NOTES} notes", small, Path(tmp) / f"out{CLI_SMALL_NOTES}-w1", CLI_SMALL_NOTES, 1))
    digests = [r.patients_sha256 for r in runs if r.notes == CLI_NOTES]
    identical = None if None in digests else len(set(digests)) == 1
    return CliResults(description, runs, identical)


def cli_report(cli: CliResults) -> list[str]:
    lines = [
        "",
        "Whole CLI (nlp-screen screen INPUT --out DIR --workers N --quiet, subprocess, wall clock incl. start-up):",
        f"  input: {cli.input_description}",
        f"  {'run':14} {'workers':>7} {'exit':>5} {'seconds':>9} {'notes/s':>9} {'peak RSS MB':>12} {'stderr lines':>13}",
    ]
    for r in cli.runs:
        lines.append(f"  {r.label:14} {r.workers:>7} {r.exit_code:>5} {r.seconds:>9.2f} {r.notes_per_s:>9.1f}"
                     f" {r.peak_rss_mb:>12.1f} {r.stderr_lines:>13}")
    lines.append("  peak RSS: the largest single process of the run (with --workers 2, one worker or the parent), not a sum")
    w1, w2 = cli.run(CLI_NOTES, 1), cli.run(CLI_NOTES, 2)
    if cli.identical is None:
        lines.append("  patients.jsonl --workers 1 vs 2: not compared (a run wrote no patients.jsonl)")
    else:
        lines.append(f"  patients.jsonl --workers 1 vs 2: {'byte-identical' if cli.identical else 'DIFFERENT'}"
                     f" (sha256 {w1.patients_sha256[:16]}" + ("" if cli.identical else f" vs {w2.patients_sha256[:16]}") + ")")
    small = cli.run(CLI_SMALL_NOTES, 1)
    if w1 and small:
        lines.append(f"  peak RSS {CLI_NOTES} vs {CLI_SMALL_NOTES} notes (--workers 1): "
                     f"{w1.peak_rss_mb - small.peak_rss_mb:+.1f} MB ({w1.peak_rss_mb / small.peak_rss_mb - 1:+.1%})")
    return lines


def cli_line(cli: CliResults) -> str:
    def per_s(workers: int) -> str:
        r = cli.run(CLI_NOTES, workers)
        return "n/a" if r is None else f"{r.notes_per_s:.1f}"

    def rss(notes: int) -> str:
        r = cli.run(notes, 1)
        return "n/a" if r is None else f"{r.peak_rss_mb:.1f}"

    return (f"cli_workers1_notes_per_s={per_s(1)} cli_workers2_notes_per_s={per_s(2)} "
            f"peak_rss_mb_{CLI_SMALL_NOTES}={rss(CLI_SMALL_NOTES)} peak_rss_mb_{CLI_NOTES}={rss(CLI_NOTES)}")


def report(
    notes: Sequence[Note],
    n_from_corpus: int,
    n_corpus_samples: int,
    tokenizer: Timing,
    medspacy_default: Optional[Timing],
    medspacy_notes: Sequence[Note],
    ours: Optional[Timing],
    components: Optional[dict[str, float]],
    cli: Optional[CliResults] = None,
) -> str:
    """The readable table, ending with the one machine-readable line (and, with `cli`, one more before it)."""
    lines = [
        f"notes: {len(notes)} ({n_from_corpus} of {n_corpus_samples} corpus_samples, "
        f"{len(notes) - n_from_corpus} MTSamples {MIN_BYTES // 1024}-{MAX_BYTES // 1024} KB), "
        f"mean {mean_kb(notes):.2f} KB; medspaCy subset: the first {len(medspacy_notes)}"
        + (f", mean {mean_kb(medspacy_notes):.2f} KB" if medspacy_notes else ""),
        "",
        f"{'pipeline':34} {'notes':>6} {'seconds':>9} {'notes/s':>9} {'ms/note':>9}",
    ]
    rows = [
        ("(a) spaCy blank('en') tokenizer", tokenizer),
        ("(b) medspaCy default (load())", medspacy_default),
        ("(c) nlp-screen Extractor", ours),
    ]
    for label, timing in rows:
        if timing is None:
            lines.append(f"{label:34} {'':>6} {'n/a':>9} {'n/a':>9} {'n/a':>9}")
        else:
            lines.append(
                f"{label:34} {timing.notes:>6} {timing.seconds:>9.2f} {timing.notes_per_s:>9.1f}"
                f" {1000 * timing.seconds / timing.notes:>9.2f}"
            )
    lines += [
        "",
        f"ours / medspaCy default: {ratio(ours, medspacy_default)}   ours / tokenizer: {ratio(ours, tokenizer)}",
    ]
    if components:
        total = sum(components.values())
        lines += ["", f"Extractor.nlp per step ({len(notes)} notes; the rest of (c) is reading facts off the Doc):"]
        lines.append(f"  {'step':32} {'seconds':>9} {'ms/note':>9} {'share':>7}")
        for name, seconds in components.items():
            lines.append(
                f"  {name:32} {seconds:>9.3f} {1000 * seconds / len(notes):>9.3f} {seconds / total:>7.1%}"
            )
        lines.append(f"  {'total':32} {total:>9.3f} {1000 * total / len(notes):>9.3f}")
    if cli is not None:
        lines += cli_report(cli)
    lines.append("")
    if cli is not None:
        lines.append(cli_line(cli))
    lines += [
        f"notes_per_s={rate(ours)} medspacy_default_notes_per_s={rate(medspacy_default)} "
        f"tokenizer_notes_per_s={rate(tokenizer)}",
    ]
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=300, help="notes for the tokenizer and our Extractor")
    parser.add_argument("--medspacy-notes", type=int, default=60, help="notes for medspaCy's slower default pipeline (0 skips it)")
    parser.add_argument("--cli", action="store_true",
                        help=f"also time the whole nlp-screen command on {CLI_NOTES:,} notes with --workers 1 and 2, "
                             f"and its peak memory on {CLI_SMALL_NOTES:,} and {CLI_NOTES:,} notes (takes minutes)")
    args = parser.parse_args(argv)

    corpus_samples = load_corpus_samples(CORPUS_SAMPLES)
    if not corpus_samples:
        print(f"{CORPUS_SAMPLES.relative_to(REPO)} not found or empty: MTSamples only", file=sys.stderr)
    notes = benchmark_notes(corpus_samples, load_mtsamples(MTSAMPLES), args.notes)
    medspacy_notes = notes[: args.medspacy_notes]

    tokenizer = time_tokenizer(notes)
    ours, components = time_extractor(notes)
    medspacy_default = time_medspacy_default(medspacy_notes) if medspacy_notes else None
    cli = measure_cli(CORPUS_SAMPLES, MTSAMPLES) if args.cli else None
    corpus_ids = {note.note_id for note in corpus_samples}
    n_from_corpus = sum(note.note_id in corpus_ids for note in notes)
    print(report(notes, n_from_corpus, len(corpus_samples), tokenizer, medspacy_default, medspacy_notes, ours, components, cli))


if __name__ == "__main__":
    main()
