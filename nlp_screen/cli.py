"""Command line: `nlp-screen screen INPUT --out OUTDIR`, `nlp-screen explain TEXT-OR-FILE`, `nlp-screen --version`.

Thin typer commands over `screen.screen` and `Extractor`; a usage error exits 2 with one line, never a traceback.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn, Optional, Sequence, TextIO

import typer

from . import __version__
from .extract import Extractor
from .io import InputError, UsageError, clean_text, estimate_records, parse_date
from .models import CONTEXT_FLAGS, Mention, Note
from .screen import ScreenSummary, screen

EXIT_OK, EXIT_USAGE, EXIT_SKIPPED = 0, 2, 3

app = typer.Typer(
    name="nlp-screen",
    help="Screen free-text patient notes against the eligibility criteria of the CD5 CAR-NK trial.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would hold patient text
)


def main() -> None:
    app()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"nlp-screen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                          callback=_show_version, is_eager=True)] = False,
) -> None:
    """Screen free-text patient notes against the eligibility criteria of the CD5 CAR-NK trial."""


@app.command("screen")
def screen_command(
    input_path: Annotated[Path, typer.Argument(
        metavar="INPUT", show_default=False,
        help="A .jsonl or .csv file of notes, a .txt note, or a directory INPUT/<patient_id>/<note_id>.txt.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar="OUTDIR", show_default=False,
        help="Where patients.jsonl, worklist.csv, report.html and errors.jsonl are written.")],
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", metavar="YYYY-MM-DD",
        help="Screening date for the time windows (default: each patient's latest note date).")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Processes running the NLP pipeline.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no closing summary.")] = False,
) -> None:
    """Screen every note in INPUT. Exit 0 when every record was screened, 3 when some were skipped."""
    try:
        as_of_date = parse_date(as_of) if as_of is not None else None
    except ValueError:
        _usage_error(f"--as-of must be a real date written YYYY-MM-DD, got {as_of!r}")
    show_progress = not quiet and sys.stderr.isatty()
    status = StderrStatus(sys.stderr, total=_estimate(input_path) if show_progress else None, show_progress=show_progress)
    try:
        summary = screen(input_path, out, as_of=as_of_date, workers=workers, progress=status.advance, on_error=status.problem)
    except UsageError as exc:
        _usage_error(str(exc))
    finally:
        status.close()
    if not quiet:
        typer.echo(summary_text(summary, out), err=True)
    raise typer.Exit(EXIT_OK if summary.complete else EXIT_SKIPPED)


@app.command("explain")
def explain_command(
    text_or_file: Annotated[str, typer.Argument(
        metavar="TEXT-OR-FILE", show_default=False,
        help="A note file, '-' for standard input, or else the note text itself.")],
) -> None:
    """Run one note through the pipeline and list every mention found: for people writing rules."""
    note = _note_to_explain(text_or_file)
    facts = Extractor()(note)
    typer.echo(f"{note.note_id}: {len(note.text):,} characters, {len(facts.mentions)} mentions")
    if facts.mentions:
        typer.echo(mention_table(facts.mentions))


# ---------------------------------------------------------------- pure helpers


def mention_table(mentions: Sequence[Mention]) -> str:
    """One aligned row per mention, in text order: span, kind, label and value, context (cue), section, text."""
    header = ("span", "kind", "label / value", "context (cue)", "section", "text")
    rows = [
        (f"{m.evidence.start}-{m.evidence.end}", m.kind, _describe_value(m), _describe_context(m),
         m.section or "-", _one_line(m.evidence.text))
        for m in sorted(mentions, key=lambda m: (m.evidence.start, m.evidence.end))
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    rule = tuple("-" * width for width in widths)
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
                     for row in (header, rule, *rows))


def summary_text(summary: ScreenSummary, out_dir: Path) -> str:
    verdicts = ", ".join(f"{count} {verdict}" for verdict, count in summary.verdicts.items())
    lines = [
        f"{summary.patients} patients: {verdicts}",
        f"{summary.notes_screened} notes screened, {summary.notes_skipped} skipped, "
        f"{summary.warnings} warnings in {summary.seconds:.1f} s",
    ]
    if summary.patients_failed:
        lines.append(f"{summary.patients_failed} patients could not be evaluated")
    problems = summary.notes_skipped or summary.warnings or summary.patients_failed
    lines.append(f"results in {out_dir}" + (f" (problems listed in {out_dir / 'errors.jsonl'})" if problems else ""))
    return "\n".join(lines)


def progress_line(done: int, total: Optional[int], seconds: float, width: int = 24) -> str:
    """e.g. "[######------] 1,200/4,800 notes  310 notes/s  ETA 0:00:12"; the total is an estimate."""
    rate = done / seconds if seconds > 0 else 0.0
    speed = f"{rate:,.0f} notes/s"
    if not total:
        return f"{done:,} notes  {speed}"
    total = max(total, done)
    filled = round(width * done / total)
    eta = _clock((total - done) / rate) if rate > 0 else "-:--:--"
    return f"[{'#' * filled}{'-' * (width - filled)}] {done:,}/{total:,} notes  {speed}  ETA {eta}"


class StderrStatus:
    """The stderr side of a run: a one-line message per input problem and, on a terminal, a progress
    line rewritten in place (at most every REDRAW_SECONDS)."""

    REDRAW_SECONDS = 0.2

    def __init__(self, stream: TextIO, total: Optional[int], show_progress: bool) -> None:
        self._stream, self._total, self._show = stream, total, show_progress
        self._done, self._started, self._drawn_at = 0, time.monotonic(), 0.0
        self._line_shown = False

    def advance(self, n: int) -> None:
        self._done += n
        now = time.monotonic()
        if self._show and now - self._drawn_at >= self.REDRAW_SECONDS:
            self._drawn_at = now
            self._stream.write("\r\033[K" + progress_line(self._done, self._total, now - self._started))
            self._stream.flush()
            self._line_shown = True

    def problem(self, problem: InputError) -> None:
        self._erase()
        self._stream.write(f"{problem}\n")
        self._stream.flush()

    def close(self) -> None:
        self._erase()

    def _erase(self) -> None:
        if self._line_shown:
            self._stream.write("\r\033[K")
            self._line_shown = False
            self._drawn_at = 0.0  # redraw on the next note


def _describe_value(m: Mention) -> str:
    parts = [m.label]
    if m.name:
        parts.append(m.name)
    if m.value is not None:
        high = f"-{m.high:g}" if m.high is not None and m.high != m.value else ""
        parts.append(f"{m.value:g}{high}{m.unit or ''}")
    parts.extend(f"{key}={value}" for key, value in m.attrs.items() if value is not None)
    if m.date is not None:
        parts.append(f"@{m.date.isoformat()}")
    return " ".join(parts)


def _describe_context(m: Mention) -> str:
    flags = [flag for flag in CONTEXT_FLAGS if getattr(m, flag)]
    if not flags:
        return "affirmed"
    return ", ".join(f'{flag} ("{m.cues[flag]}")' if m.cues.get(flag) else flag for flag in flags)


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", "⏎")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def _estimate(input_path: Path) -> Optional[int]:
    try:
        return estimate_records(input_path)
    except OSError:
        return None  # missing INPUT: screen() says so


def _note_to_explain(text_or_file: str) -> Note:
    if text_or_file == "-":
        text, note_id = sys.stdin.read(), "stdin"
    elif _is_file(Path(text_or_file)):
        path = Path(text_or_file)
        try:
            text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        except (OSError, UnicodeDecodeError):
            _usage_error(f"cannot read {path} as UTF-8 text")
        note_id = path.stem
    else:
        text, note_id = text_or_file, "text"
    return Note(patient_id="explain", note_id=note_id, text=clean_text(text)[0])


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a long note text is no file name (ENAMETOOLONG, NUL)
        return False


def _usage_error(message: str) -> NoReturn:
    typer.echo(f"nlp-screen: error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)
