"""INPUT (a .jsonl or .csv file, a .txt file or a directory of them) -> a stream of NoteRecord / InputError.

Readers stream (one line, one CSV record or one .txt file at a time) and never stop on bad input: each
bad record becomes an InputError carrying its source and line, and the reader goes on (contract section 1).

Decisions the contract leaves open:
- Control characters (NUL and the C0 controls other than tab, LF, CR, plus DEL) are replaced one-for-one,
  by a newline for vertical tab / form feed (page breaks in exported notes) and a space otherwise, so that
  evidence offsets into the screened text are offsets into the input text too. The note is screened and a
  "warning" is reported; warnings do not count as skipped records.
- A note longer than MAX_NOTE_CHARS is skipped (an "error"): that is spaCy's default `nlp.max_length`,
  beyond which a pipeline refuses a text, and a clinical note is 1-50 kB, so a megabyte "note" is
  almost always a whole export or binary garbage pasted into one field.
- An impossible or malformed note_date (2025-02-30) is a warning: the note is screened with no date.
- A record without note_id gets `<file name>:<line>` as its id (a warning).
Messages name identifiers and positions only, never note text.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Literal, Mapping, NamedTuple, Optional, Union

from pydantic import BaseModel, ConfigDict

from .models import Note

MAX_NOTE_CHARS = 1_000_000
# ids are printed in messages and outputs: a longer "id" is text in the wrong column, never an id
MAX_ID_CHARS = 200

# tab, LF and CR are kept; vertical tab and form feed become line breaks; the other controls become spaces
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_TABLE = {code: " " for code in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F)} | {0x0B: "\n", 0x0C: "\n"}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")


class UsageError(Exception):
    """The command line cannot run at all (missing INPUT, unknown format, unwritable OUTDIR): exit 2."""


class InputError(BaseModel):
    """One problem with the input, as written to errors.jsonl; "error" means the record was skipped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    line: Optional[int] = None  # 1-based line in `source`; None when the problem is the whole file
    error: str
    level: Literal["error", "warning"] = "error"
    patient_id: Optional[str] = None
    note_id: Optional[str] = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {'warning: ' if self.level == 'warning' else ''}{self.error}"


class NoteRecord(NamedTuple):
    """A note that will be screened, and where it was read."""

    source: str
    line: Optional[int]
    note: Note


Record = Union[NoteRecord, InputError]


# ---------------------------------------------------------------- readers

def read_notes(path: Path) -> Iterator[Record]:
    """The records of INPUT, in input order. Raises UsageError now (not while iterating) for a missing
    INPUT or an unknown format."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"INPUT not found: {path}")
    if path.is_dir():
        return _read_directory(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return _read_txt(path, patient_id=path.stem, note_id=path.stem)
    if suffix in _FILE_READERS:
        return _FILE_READERS[suffix](path)
    raise UsageError(f"unknown INPUT format {path.name!r}: expected a .jsonl or .csv file, a .txt file or a directory")


def estimate_records(path: Path) -> int:
    """A quick upper estimate of the number of records in INPUT (lines, or .txt files), for a progress bar."""
    path = Path(path)
    if path.is_dir():
        return sum(1 for _ in path.glob("*.txt")) + sum(1 for _ in path.glob("*/*.txt"))
    if path.suffix.lower() == ".txt":
        return 1
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    lines += last != b"\n"
    return max(lines - (path.suffix.lower() == ".csv"), 0)


def _read_jsonl(path: Path) -> Iterator[Record]:
    source = str(path)
    try:
        with path.open("rb") as fh:
            for line_no, raw in enumerate(fh, 1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield _not_utf8(source, line_no, raw[exc.start], exc.start + 1)
                    continue
                if line_no == 1:
                    line = line.removeprefix("\ufeff")
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield InputError(source=source, line=line_no, error=f"malformed JSON ({exc.msg} at column {exc.colno}); skipped")
                    continue
                except (ValueError, RecursionError):
                    yield InputError(source=source, line=line_no, error="malformed JSON; skipped")
                    continue
                if not isinstance(record, dict):
                    yield InputError(source=source, line=line_no, error=f"a JSON {type(record).__name__}, not an object; skipped")
                    continue
                yield from note_from_fields(record, source, line_no)
    except OSError as exc:
        yield InputError(source=source, error=f"cannot read: {exc.strerror or exc}")


def _read_csv(path: Path) -> Iterator[Record]:
    source = str(path)
    # a note is one field: the csv module's 128 kB default would refuse long notes before we can judge them
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_NOTE_CHARS + 1))
    try:
        with path.open("rb") as fh:
            yield from _csv_records(fh, source)
    except OSError as exc:
        yield InputError(source=source, error=f"cannot read: {exc.strerror or exc}")


def _csv_records(fh: IO[bytes], source: str) -> Iterator[Record]:
    bad_lines: list[InputError] = []  # non-UTF-8 lines read for the current record

    def decoded_lines() -> Iterator[str]:
        # lines keep their own endings, as csv wants (the equivalent of newline="")
        for line_no, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad_lines.append(_not_utf8(source, line_no, raw[exc.start], exc.start + 1))
                line = raw.decode("utf-8", errors="replace")
            yield line.removeprefix("\ufeff") if line_no == 1 else line

    reader = csv.reader(decoded_lines())
    try:
        header = next(reader, None)
    except csv.Error:
        header = []
    if header is None:
        return
    columns = [name.strip().lower() for name in header]
    if bad_lines or not {"patient_id", "text"} <= set(columns):
        # the first row may be a note: never echo it
        yield InputError(source=source, line=1, error="the first row is not a header naming the columns patient_id and text; file skipped")
        return
    start = reader.line_num + 1
    while True:
        bad_lines.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield InputError(source=source, line=start, error=f"malformed CSV ({exc}); skipped")
            start = reader.line_num + 1
            continue
        line_no, start = start, reader.line_num + 1
        if bad_lines:
            yield bad_lines[0]
        elif any(cell.strip() for cell in row):
            yield from note_from_fields(dict(zip(columns, row)), source, line_no)


def _read_directory(root: Path) -> Iterator[Record]:
    """INPUT/<patient_id>/<note_id>.txt, and INPUT/<patient_id>.txt for a patient with one note."""
    for entry in _visible_entries(root):
        if entry.is_dir():
            for item in _visible_entries(entry):
                if item.is_file() and item.suffix.lower() == ".txt":
                    yield from _read_txt(item, patient_id=entry.name, note_id=item.stem)
                else:
                    yield _ignored(item)
        elif entry.suffix.lower() == ".txt":
            yield from _read_txt(entry, patient_id=entry.stem, note_id=entry.stem)
        else:
            yield _ignored(entry)


def _read_txt(path: Path, patient_id: str, note_id: str) -> Iterator[Record]:
    source = str(path)
    ids = {"patient_id": patient_id, "note_id": note_id}
    try:
        if path.stat().st_size > 4 * MAX_NOTE_CHARS:  # 4 bytes per character at most: too long, unread
            yield _too_long(source, None, ids)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(source=source, error=f"cannot read: {exc.strerror or exc}; skipped", **ids)
        return
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line_no = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        yield _not_utf8(source, line_no, data[exc.start], column, **ids)
        return
    yield from note_from_fields({**ids, "text": text}, source, None)


def _visible_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _ignored(path: Path) -> InputError:
    return InputError(source=str(path), error="not a .txt note; ignored", level="warning")


# ---------------------------------------------------------------- one record

def note_from_fields(fields: Mapping[str, Any], source: str, line: Optional[int]) -> Iterator[Record]:
    """Validate one input record (JSON object, CSV row or .txt file): yields its warnings then the
    NoteRecord, or a single "error" when the record is skipped. Unknown keys are ignored."""
    patient_id = _identifier(fields.get("patient_id"))
    note_id = _identifier(fields.get("note_id"))
    ids = {"patient_id": patient_id, "note_id": note_id}
    text = fields.get("text")
    if patient_id is None:
        yield InputError(source=source, line=line, error=f"record has no patient_id (or one over {MAX_ID_CHARS} characters); skipped", **ids)
        return
    if text is None:
        yield InputError(source=source, line=line, error="record has no text; skipped", **ids)
        return
    if not isinstance(text, str):
        yield InputError(source=source, line=line, error=f"text is a {_json_type(text)}, not a string; skipped", **ids)
        return
    if len(text) > MAX_NOTE_CHARS:
        yield _too_long(source, line, ids, len(text))
        return
    text, replaced = clean_text(text)
    if not text.strip():
        yield InputError(source=source, line=line, error="empty note; skipped", **ids)
        return

    warnings = []
    if note_id is None:
        note_id = ids["note_id"] = f"{Path(source).name}:{line}"
        warnings.append(f"record has no note_id; screened as {note_id!r}")
    if replaced:
        warnings.append(f"{replaced} control character(s) replaced by spaces or line breaks; screened")
    note_date, date_problem = _note_date(fields.get("note_date"))
    if date_problem:
        warnings.append(date_problem)
    note_type = fields.get("note_type")
    if isinstance(note_type, str):
        note_type = note_type.strip() or None
    elif note_type is not None:
        warnings.append(f"note_type is a {_json_type(note_type)}, not a string; ignored")
        note_type = None
    for warning in warnings:
        yield InputError(source=source, line=line, error=warning, level="warning", **ids)
    yield NoteRecord(source, line, Note(patient_id=patient_id, note_id=note_id, note_type=note_type, note_date=note_date, text=text))


def clean_text(text: str) -> tuple[str, int]:
    """The text with its control characters replaced one-for-one (offsets are kept), and how many there were."""
    found = len(_CONTROL_CHARS.findall(text))
    return (text.translate(_CONTROL_TABLE), found) if found else (text, 0)


def parse_date(value: str) -> dt.date:
    """A calendar date written YYYY-MM-DD (a time after it is ignored); ValueError when it is not a real date."""
    match = _ISO_DATE.fullmatch(value.strip())
    if not match:
        raise ValueError("not a date written YYYY-MM-DD")
    return dt.date(*map(int, match.groups()))


def _note_date(value: Any) -> tuple[Optional[dt.date], Optional[str]]:
    if value is None or value == "":
        return None, None
    if isinstance(value, str):
        try:
            return parse_date(value), None
        except ValueError:
            # quote only a value shaped like a date: a shifted CSV column could put note text here
            shown = f" {value.strip()[:10]!r}" if _ISO_DATE.fullmatch(value.strip()) else ""
            return None, f"note_date{shown} is not a real date (YYYY-MM-DD); screened without a date"
    return None, f"note_date is a {_json_type(value)}, not a string; screened without a date"


def _identifier(value: Any) -> Optional[str]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= MAX_ID_CHARS:
        return value.strip()
    return None


def _json_type(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", list: "list", dict: "object"}.get(type(value), type(value).__name__)


def _too_long(source: str, line: Optional[int], ids: Mapping[str, Optional[str]], chars: Optional[int] = None) -> InputError:
    size = f"{chars:,} characters" if chars is not None else "a file"
    return InputError(source=source, line=line, error=f"note too long ({size}, limit {MAX_NOTE_CHARS:,}); skipped", **ids)


def _not_utf8(source: str, line: int, byte: int, column: int, **ids: Optional[str]) -> InputError:
    return InputError(source=source, line=line, error=f"not valid UTF-8 (byte 0x{byte:02x} at column {column}); skipped", **ids)


_FILE_READERS = {".jsonl": _read_jsonl, ".csv": _read_csv}


# ---------------------------------------------------------------- writers

class JsonlWriter:
    """Writes pydantic records one JSON line each, as they come; counts them."""

    def __init__(self, path: Path) -> None:
        self._fh = Path(path).open("w", encoding="utf-8", newline="\n")
        self.count = 0

    def write(self, record: BaseModel) -> None:
        self._fh.write(record.model_dump_json() + "\n")
        self.count += 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "JsonlWriter":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def write_jsonl(path: Path, records: Iterable[BaseModel]) -> int:
    """Write every record as one JSON line; returns how many were written."""
    with JsonlWriter(path) as writer:
        for record in records:
            writer.write(record)
        return writer.count
