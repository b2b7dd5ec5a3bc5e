"""INPUT -> OUTDIR: streams notes through the Extractor, evaluates each patient, writes the four outputs.

A patient's notes may lie anywhere in INPUT, so every note's NoteFacts is kept until all notes are
extracted. It is kept as zlib-compressed JSON: measured on the dev set, a NoteFacts object takes about
80 kB of memory per note (50 times the note's text) and its compressed JSON 1.5 kB; packing costs about
0.1 ms against about 30 ms of NLP per note, and makes what workers send back cheap to pickle.

Results are written to patients.jsonl as each patient is evaluated; only the worklist rows and the
keys of evidence spans stay in memory. The HTML report needs the line around each evidence span: rather
than keep note text (or a line for every mention) through the NLP pass, INPUT is read a second time,
without NLP, keeping only the lines of spans that are criterion evidence; the report is then written
from patients.jsonl. Both extra reads cost a small fraction of the NLP pass.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import time
import zlib
from collections import Counter, deque
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Optional, Protocol, Sequence, Union

from pydantic import BaseModel, ConfigDict

from .criteria import evaluate_patient
from .extract import Extractor
from .io import InputError, JsonlWriter, NoteRecord, Record, UsageError, read_notes
from .models import Note, NoteFacts, PatientResult
from .report.html import Snippet, SnippetKey, snippet_around, write_report
from .report.worklist import VERDICT_ORDER, worklist_row, write_worklist

# Records per unit of work: large enough that pickling and the pipe's batching pay off, small enough that
# the progress bar moves and a worker's queue stays short.
CHUNK_SIZE = 64
BATCH_SIZE = 32


class NoteExtractor(Protocol):
    def __call__(self, note: Note) -> NoteFacts: ...

    def pipe(self, notes: Iterable[Note], batch_size: int = ...) -> Iterator[NoteFacts]: ...


Evaluator = Callable[[str, Sequence[NoteFacts], Optional[dt.date]], PatientResult]
# a note's packed NoteFacts, or the one-line reason its extraction failed
Outcome = Union[bytes, str]
# (patient_id, note_id) -> {(start, end): evidence text}
Spans = dict[tuple[str, str], dict[tuple[int, int], str]]


class ScreenSummary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    patients: int
    verdicts: dict[str, int]
    notes_screened: int
    notes_skipped: int
    warnings: int
    patients_failed: int
    seconds: float

    @property
    def complete(self) -> bool:
        """Every record was screened and every patient evaluated (exit code 0, else 3)."""
        return self.notes_skipped == 0 and self.patients_failed == 0


def screen(
    input_path: Path,
    out_dir: Path,
    as_of: Optional[dt.date] = None,
    workers: int = 1,
    progress: Optional[Callable[[int], None]] = None,
    *,
    on_error: Optional[Callable[[InputError], None]] = None,
    extractor_factory: Callable[[], NoteExtractor] = Extractor,
    evaluate: Evaluator = evaluate_patient,
) -> ScreenSummary:
    """Screen every note of INPUT and write OUTDIR/patients.jsonl, worklist.csv, report.html, errors.jsonl.

    `progress(n)` is told each time n more records are done (screened or skipped); `on_error` gets each
    problem as it is written to errors.jsonl. With workers > 1 each worker process builds its own
    extractor with `extractor_factory`, which must therefore be picklable (a class or module-level
    function). Raises UsageError for a missing or unknown INPUT and an unwritable OUTDIR.
    """
    started = time.perf_counter()
    records = read_notes(input_path)
    out_dir = Path(out_dir)
    rows: list[dict[str, str]] = []
    spans: Spans = {}
    with _open_errors(out_dir) as errors:
        run = _Run(errors, on_error, progress)
        for chunk, outcomes in _extract(_chunks(records), extractor_factory, workers):
            run.collect(chunk, outcomes)
        with JsonlWriter(out_dir / "patients.jsonl") as patients:
            for result in run.evaluate(evaluate, as_of, source=str(input_path)):
                patients.write(result)
                rows.append(worklist_row(result))
                add_evidence_spans(spans, result)
    write_worklist(out_dir / "worklist.csv", rows)
    write_report(out_dir / "report.html", _read_results(out_dir / "patients.jsonl"), collect_snippets(input_path, spans))
    verdicts = Counter(row["verdict"] for row in rows)
    return ScreenSummary(
        patients=len(rows),
        verdicts={verdict: verdicts[verdict] for verdict in VERDICT_ORDER},
        notes_screened=run.screened,
        notes_skipped=run.skipped,
        warnings=run.warnings,
        patients_failed=run.failed,
        seconds=round(time.perf_counter() - started, 3),
    )


def add_evidence_spans(spans: Spans, result: PatientResult) -> None:
    """Note the evidence spans of a result's criteria, whose lines the report will show."""
    for criterion in result.criteria:
        for ev in criterion.evidence:
            spans.setdefault((result.patient_id, ev.note_id), {})[(ev.start, ev.end)] = ev.text


def collect_snippets(input_path: Path, spans: Mapping[tuple[str, str], Mapping[tuple[int, int], str]]) -> dict[SnippetKey, Snippet]:
    """Second pass over INPUT: the line around each of `spans`, and nothing else."""
    wanted = {key: dict(by_offsets) for key, by_offsets in spans.items()}
    snippets: dict[SnippetKey, Snippet] = {}
    for record in read_notes(input_path) if wanted else ():
        if isinstance(record, InputError):
            continue
        note = record.note
        pending = wanted.get((note.patient_id, note.note_id))
        if not pending:
            continue
        for (start, end), text in list(pending.items()):
            # a span only belongs to this note if the text matches (a note id may repeat in bad input)
            if note.text[start:end] == text:
                snippets[(note.patient_id, note.note_id, start, end)] = snippet_around(note.text, start, end)
                del pending[(start, end)]
        if not pending:
            del wanted[(note.patient_id, note.note_id)]
            if not wanted:
                break
    return snippets


class _Run:
    """What the NLP pass keeps: each patient's packed NoteFacts in order of first appearance, and the counts.

    Problems travel inside the chunks and are reported when their chunk is collected, so errors.jsonl
    and stderr list them in input order whatever the number of workers.
    """

    def __init__(self, errors: JsonlWriter, on_error: Optional[Callable[[InputError], None]],
                 progress: Optional[Callable[[int], None]]) -> None:
        self.facts: dict[str, list[bytes]] = {}
        self.screened = self.skipped = self.warnings = self.failed = 0
        self._errors, self._on_error, self._progress = errors, on_error, progress

    def collect(self, chunk: list[Record], outcomes: list[Outcome]) -> None:
        """Take in one chunk: its problems, and the outcome of each of its notes (in order)."""
        outcome_of = iter(outcomes)
        for record in chunk:
            if isinstance(record, InputError):
                self.report(record)
                continue
            source, line, note = record
            self.facts.setdefault(note.patient_id, [])
            outcome = next(outcome_of)
            if isinstance(outcome, str):
                self.report(InputError(source=source, line=line, error=outcome, patient_id=note.patient_id, note_id=note.note_id))
            else:
                self.facts[note.patient_id].append(outcome)
                self.screened += 1
        if self._progress is not None:  # records done: notes and skipped records; a warning is about a note
            self._progress(sum(1 for r in chunk if not isinstance(r, InputError) or r.level == "error"))

    def report(self, problem: InputError) -> None:
        if problem.level == "warning":
            self.warnings += 1
        else:
            self.skipped += 1
            if problem.patient_id is not None:
                # a patient is listed even when none of their notes could be screened
                self.facts.setdefault(problem.patient_id, [])
        self._emit(problem)

    def evaluate(self, evaluate: Evaluator, as_of: Optional[dt.date], source: str) -> Iterator[PatientResult]:
        """Each patient's result, in order of first appearance; their NoteFacts are let go as they go."""
        for patient_id in list(self.facts):
            notes = [_unpack(packed) for packed in self.facts.pop(patient_id)]
            try:
                result = evaluate(patient_id, notes, as_of)
            except Exception as exc:  # one patient's evaluation bug must not lose the whole run
                self.failed += 1
                self._emit(InputError(source=source, error=f"evaluation failed ({type(exc).__name__}); patient not screened",
                                      patient_id=patient_id))
                continue
            yield result

    def _emit(self, problem: InputError) -> None:
        self._errors.write(problem)
        if self._on_error is not None:
            self._on_error(problem)


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    """INPUT in chunks of CHUNK_SIZE records (notes and problems, in input order)."""
    records = iter(records)
    while chunk := list(islice(records, CHUNK_SIZE)):
        yield chunk


def _open_errors(out_dir: Path) -> JsonlWriter:
    """errors.jsonl, opened first: it is always written, and opening it proves OUTDIR is writable."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return JsonlWriter(out_dir / "errors.jsonl")
    except OSError as exc:
        raise UsageError(f"cannot write to OUTDIR {out_dir}: {exc.strerror or exc}") from None


def _read_results(path: Path) -> Iterator[PatientResult]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield PatientResult.model_validate_json(line)


# ---------------------------------------------------------------- extraction, here or in worker processes

def _extract(chunks: Iterator[list[Record]], factory: Callable[[], NoteExtractor],
             workers: int) -> Iterator[tuple[list[Record], list[Outcome]]]:
    """Each chunk with the outcomes of its notes, in input order, extracted here or by worker processes."""
    if workers <= 1:
        extractor = factory()
        for chunk in chunks:
            yield chunk, _extract_notes(extractor, _notes(chunk))
        return
    with multiprocessing.Pool(workers, initializer=_start_worker, initargs=(factory,)) as pool:
        # Pool.imap would drain all of INPUT into its task queue at once; a window of 2 chunks per
        # worker keeps memory flat while every worker stays busy, and popping from the left keeps order.
        window: deque = deque()
        for chunk in chunks:
            window.append((chunk, pool.apply_async(_work, (_notes(chunk),))))
            if len(window) >= 2 * workers:
                done, pending = window.popleft()
                yield done, pending.get()
        for done, pending in window:
            yield done, pending.get()


def _extract_notes(extractor: NoteExtractor, notes: list[Note]) -> list[Outcome]:
    """The packed NoteFacts of each note, in order. A note the extractor fails on becomes a reason and the
    others are still extracted: the batch is redone one note at a time."""
    try:
        facts = list(extractor.pipe(notes, batch_size=BATCH_SIZE))
    except Exception:
        facts = []
    if len(facts) != len(notes):
        return [_extract_one(extractor, note) for note in notes]
    return [_pack(note_facts) for note_facts in facts]


def _extract_one(extractor: NoteExtractor, note: Note) -> Outcome:
    try:
        return _pack(extractor(note))
    except Exception as exc:  # the exception's message may quote the note: only its type is reported
        return f"extraction failed ({type(exc).__name__}); skipped"


def _pack(facts: NoteFacts) -> bytes:
    return zlib.compress(facts.model_dump_json().encode("utf-8"), 1)


def _unpack(packed: bytes) -> NoteFacts:
    return NoteFacts.model_validate_json(zlib.decompress(packed))


def _notes(chunk: list[Record]) -> list[Note]:
    return [record.note for record in chunk if isinstance(record, NoteRecord)]


_worker_extractor: Optional[NoteExtractor] = None
_worker_failure: Optional[str] = None


def _start_worker(factory: Callable[[], NoteExtractor]) -> None:
    """Pool initializer: one extractor per worker process, built once."""
    global _worker_extractor, _worker_failure
    try:
        _worker_extractor = factory()
    except Exception as exc:
        # raising here would make the pool restart the worker for ever; fail the first task instead
        _worker_failure = f"{type(exc).__name__}: {exc}"


def _work(notes: list[Note]) -> list[Outcome]:
    if _worker_extractor is None:
        raise RuntimeError(f"the extractor could not be built in a worker process ({_worker_failure})")
    return _extract_notes(_worker_extractor, notes)
