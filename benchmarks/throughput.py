"""Notes per second: spaCy's tokenizer, medspaCy's default pipeline and our Extractor, on the same notes.

Run from the repository root: `.venv/bin/python benchmarks/throughput.py [--notes N] [--medspacy-notes N]`.
A script, not a test: timings depend on the machine. The last line is machine-readable.
"""
import argparse
import csv
import json
import random
import statistics
import sys
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
MTSAMPLES = Path("/work/shared/corpora/mtsamples/mtsamples.csv")
# Our notes are a few KB (the dev set's progress notes run 1-4 KB); 3-5 KB MTSamples reports keep the
# mean close to a long clinic note without letting a few 15 KB operative reports dominate.
MIN_BYTES, MAX_BYTES = 3 * 1024, 5 * 1024
WARMUP_NOTES = 3
SEED = 0


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


def report(
    notes: Sequence[Note],
    n_from_corpus: int,
    n_corpus_samples: int,
    tokenizer: Timing,
    medspacy_default: Optional[Timing],
    medspacy_notes: Sequence[Note],
    ours: Optional[Timing],
    components: Optional[dict[str, float]],
) -> str:
    """The readable table, ending with the one machine-readable line."""
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
    lines += [
        "",
        f"notes_per_s={rate(ours)} medspacy_default_notes_per_s={rate(medspacy_default)} "
        f"tokenizer_notes_per_s={rate(tokenizer)}",
    ]
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=300, help="notes for the tokenizer and our Extractor")
    parser.add_argument("--medspacy-notes", type=int, default=60, help="notes for medspaCy's slower default pipeline (0 skips it)")
    parser.add_argument("--workers", type=int, default=None, help="reserved: whole-CLI measurement with N worker processes")
    args = parser.parse_args(argv)
    if args.workers is not None:
        print(f"--workers {args.workers}: not implemented yet (reserved for the whole-CLI measurement)", file=sys.stderr)

    corpus_samples = load_corpus_samples(CORPUS_SAMPLES)
    if not corpus_samples:
        print(f"{CORPUS_SAMPLES.relative_to(REPO)} not found or empty: MTSamples only", file=sys.stderr)
    notes = benchmark_notes(corpus_samples, load_mtsamples(MTSAMPLES), args.notes)
    medspacy_notes = notes[: args.medspacy_notes]

    tokenizer = time_tokenizer(notes)
    ours, components = time_extractor(notes)
    medspacy_default = time_medspacy_default(medspacy_notes) if medspacy_notes else None
    corpus_ids = {note.note_id for note in corpus_samples}
    n_from_corpus = sum(note.note_id in corpus_ids for note in notes)
    print(report(notes, n_from_corpus, len(corpus_samples), tokenizer, medspacy_default, medspacy_notes, ours, components))


if __name__ == "__main__":
    main()
