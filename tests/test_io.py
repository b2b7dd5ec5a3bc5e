"""Readers: every input format, and every kind of bad input reported with its source and line."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nlp_screen.io import (MAX_NOTE_CHARS, InputError, NoteRecord, UsageError, clean_text, estimate_records,
                           read_notes, write_jsonl)
from nlp_screen.models import Note

GOOD = {"patient_id": "P1", "note_id": "N1", "note_type": "progress_note", "note_date": "2025-03-01",
        "text": "T-ALL, relapsed."}


def split(records):
    records = list(records)
    return ([r.note for r in records if isinstance(r, NoteRecord)],
            [r for r in records if isinstance(r, InputError) and r.level == "error"],
            [r for r in records if isinstance(r, InputError) and r.level == "warning"])


def jsonl_line(**fields) -> bytes:
    return json.dumps(fields).encode("utf-8")


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


# ---------------------------------------------------------------- formats

def test_jsonl_notes_keep_their_optional_fields(tmp_path):
    path = write_lines(tmp_path / "notes.jsonl", [jsonl_line(**GOOD), jsonl_line(patient_id="P2", note_id="N9", text="x")])
    notes, errors, warnings = split(read_notes(path))
    assert notes == [Note(patient_id="P1", note_id="N1", note_type="progress_note", note_date=dt.date(2025, 3, 1),
                          text="T-ALL, relapsed."),
                     Note(patient_id="P2", note_id="N9", text="x")]
    assert errors == warnings == []


def test_csv_notes_are_read_by_column_name_and_extra_columns_are_ignored(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('text,mrn,Patient_ID,note_id,note_date\n"line one\nline two, with comma",123,P1,N1,2025-03-01\n'
                    "second,456,P2,N2,\n", encoding="utf-8")
    notes, errors, warnings = split(read_notes(path))
    assert [(n.patient_id, n.note_id, n.note_date, n.text) for n in notes] == [
        ("P1", "N1", dt.date(2025, 3, 1), "line one\nline two, with comma"),
        ("P2", "N2", None, "second"),
    ]
    assert errors == warnings == []


def test_a_directory_holds_one_folder_per_patient_and_loose_txt_files_are_patients(tmp_path):
    (tmp_path / "P2").mkdir()
    (tmp_path / "P2" / "N1.txt").write_text("first", encoding="utf-8")
    (tmp_path / "P2" / "N2.txt").write_text("second", encoding="utf-8")
    (tmp_path / "P1.txt").write_text("only note", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    notes, errors, _ = split(read_notes(tmp_path))
    assert [(n.patient_id, n.note_id, n.note_type, n.note_date, n.text) for n in notes] == [
        ("P1", "P1", None, None, "only note"), ("P2", "N1", None, None, "first"), ("P2", "N2", None, None, "second")]
    assert errors == []


def test_a_non_txt_file_in_a_directory_is_ignored_with_a_warning(tmp_path):
    (tmp_path / "P1").mkdir()
    (tmp_path / "P1" / "N1.pdf").write_bytes(b"%PDF")
    notes, errors, warnings = split(read_notes(tmp_path))
    assert notes == errors == []
    assert [(w.source, w.error) for w in warnings] == [(str(tmp_path / "P1" / "N1.pdf"), "not a .txt note; ignored")]


def test_a_single_txt_file_is_one_patient_named_after_the_file(tmp_path):
    path = tmp_path / "P7.txt"
    path.write_text("\ufeffT-ALL", encoding="utf-8")
    notes, _, _ = split(read_notes(path))
    assert notes == [Note(patient_id="P7", note_id="P7", text="T-ALL")]


def test_numeric_ids_are_read_as_strings(tmp_path):
    path = write_lines(tmp_path / "n.jsonl", [jsonl_line(patient_id=17, note_id=3, text="x")])
    notes, _, _ = split(read_notes(path))
    assert (notes[0].patient_id, notes[0].note_id) == ("17", "3")


def test_a_missing_input_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="INPUT not found"):
        read_notes(tmp_path / "nope.jsonl")


def test_an_unknown_extension_is_a_usage_error(tmp_path):
    (tmp_path / "notes.xlsx").write_bytes(b"PK")
    with pytest.raises(UsageError, match="unknown INPUT format"):
        read_notes(tmp_path / "notes.xlsx")


# ---------------------------------------------------------------- bad input, one record at a time

SKIPPED = [
    # id, the bad line, expected error
    ("truncated JSON", b'{"patient_id": "P9", "note_id": "N9", "text": "cut off', "malformed JSON"),
    ("not an object", b'["P9", "text"]', "a JSON list, not an object"),
    ("no patient_id", jsonl_line(note_id="N9", text="x"), "record has no patient_id"),
    ("blank patient_id", jsonl_line(patient_id="  ", note_id="N9", text="x"), "record has no patient_id"),
    ("note text as patient_id", jsonl_line(patient_id="pt " * 100, note_id="N9", text="x"), "record has no patient_id"),
    ("no text", jsonl_line(patient_id="P9", note_id="N9"), "record has no text"),
    ("text not a string", jsonl_line(patient_id="P9", note_id="N9", text=["a", "list"]), "text is a list, not a string"),
    ("non-UTF-8 bytes", b'{"patient_id": "P9", "note_id": "N9", "text": "caf\xe9"}', "not valid UTF-8 (byte 0xe9 at column 51)"),
    ("empty note", jsonl_line(patient_id="P9", note_id="N9", text=""), "empty note"),
    ("whitespace note", jsonl_line(patient_id="P9", note_id="N9", text=" \n\t "), "empty note"),
    ("note over the limit", jsonl_line(patient_id="P9", note_id="N9", text="x" * (MAX_NOTE_CHARS + 1)), "note too long"),
]


@pytest.mark.parametrize(("line", "error"), [case[1:] for case in SKIPPED], ids=[case[0] for case in SKIPPED])
def test_a_bad_jsonl_line_is_skipped_with_its_source_and_line_and_the_others_are_read(tmp_path, line, error):
    path = write_lines(tmp_path / "notes.jsonl", [jsonl_line(**GOOD), line, jsonl_line(**{**GOOD, "note_id": "N2"})])
    notes, errors, _ = split(read_notes(path))
    assert [n.note_id for n in notes] == ["N1", "N2"]
    assert len(errors) == 1
    assert (errors[0].source, errors[0].line) == (str(path), 2)
    assert error in errors[0].error and errors[0].error.endswith("skipped")


def test_a_one_megabyte_note_is_over_the_limit_and_skipped(tmp_path):
    path = write_lines(tmp_path / "notes.jsonl", [jsonl_line(patient_id="P1", note_id="N1", text="CD5 " * 262_144)])
    notes, errors, _ = split(read_notes(path))
    assert notes == []
    assert errors[0].line == 1 and "note too long (1,048,576 characters, limit 1,000,000)" in errors[0].error


def test_an_impossible_date_is_a_warning_and_the_note_is_read_without_a_date(tmp_path):
    path = write_lines(tmp_path / "notes.jsonl", [jsonl_line(**{**GOOD, "note_date": "2025-02-30"})])
    notes, errors, warnings = split(read_notes(path))
    assert [n.note_date for n in notes] == [None]
    assert errors == []
    assert [(w.line, w.error) for w in warnings] == [
        (1, "note_date '2025-02-30' is not a real date (YYYY-MM-DD); screened without a date")]


def test_control_characters_become_spaces_so_that_offsets_still_point_into_the_input(tmp_path):
    text = "T-ALL\x00\x07 relapsed\x0cpage 2\tCD5 92%\r\n"
    path = write_lines(tmp_path / "notes.jsonl", [jsonl_line(patient_id="P1", note_id="N1", text=text)])
    notes, errors, warnings = split(read_notes(path))
    assert notes[0].text == "T-ALL   relapsed\npage 2\tCD5 92%\r\n"
    assert notes[0].text.index("CD5") == text.index("CD5")
    assert errors == []
    assert warnings[0].line == 1 and "3 control character(s) replaced" in warnings[0].error


def test_clean_text_leaves_ordinary_text_untouched():
    assert clean_text("a\tb\r\nc") == ("a\tb\r\nc", 0)


def test_a_record_without_note_id_is_named_after_its_file_and_line(tmp_path):
    path = write_lines(tmp_path / "notes.jsonl", [b"", jsonl_line(patient_id="P1", text="x")])
    notes, _, warnings = split(read_notes(path))
    assert notes[0].note_id == "notes.jsonl:2"
    assert "no note_id" in warnings[0].error


def test_bad_csv_rows_are_reported_with_the_line_they_start_on(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(b'patient_id,note_id,text\nP1,N1,"two\nlines"\nP2,N2,caf\xe9\nP3,N3,\nP4,N4,fine\n')
    notes, errors, _ = split(read_notes(path))
    assert [n.note_id for n in notes] == ["N1", "N4"]
    assert [(e.line, e.error) for e in errors] == [
        (4, "not valid UTF-8 (byte 0xe9 at column 10); skipped"), (5, "empty note; skipped")]


def test_a_csv_whose_first_row_is_not_a_header_is_skipped_without_echoing_it(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("P1,N1,secret clinical text\n", encoding="utf-8")
    notes, errors, _ = split(read_notes(path))
    assert notes == []
    assert errors[0].line == 1 and "secret" not in errors[0].error


def test_a_txt_note_that_is_not_utf8_is_reported_with_the_line_of_the_bad_byte(tmp_path):
    (tmp_path / "P1").mkdir()
    (tmp_path / "P1" / "N1.txt").write_bytes(b"line one\nline two \xff\n")
    notes, errors, _ = split(read_notes(tmp_path))
    assert notes == []
    assert [(e.line, e.patient_id, e.error) for e in errors] == [
        (2, "P1", "not valid UTF-8 (byte 0xff at column 10); skipped")]


def test_an_empty_txt_note_is_skipped_and_keeps_its_patient_id(tmp_path):
    (tmp_path / "P1.txt").write_text("   \n", encoding="utf-8")
    _, errors, _ = split(read_notes(tmp_path))
    assert [(e.source, e.line, e.patient_id, e.error) for e in errors] == [
        (str(tmp_path / "P1.txt"), None, "P1", "empty note; skipped")]


def test_error_messages_never_quote_the_note_text(tmp_path):
    lines = [b'{"patient_id": "P1", "note_id": "N1", "text": "SECRET unterminated',
             b'{"patient_id": "P1", "note_id": "N2", "text": "SECRET caf\xe9"}',
             jsonl_line(note_id="N3", text="SECRET"),
             jsonl_line(patient_id="P1", note_id="N4", text="SECRET\x00", note_date="SECRET")]
    path = write_lines(tmp_path / "notes.jsonl", lines)
    problems = [r for r in read_notes(path) if isinstance(r, InputError)]
    assert len(problems) == 5
    assert not any("SECRET" in str(p) for p in problems)


# ---------------------------------------------------------------- helpers

def test_the_record_estimate_counts_lines_without_a_header(tmp_path):
    (tmp_path / "a.jsonl").write_text("{}\n{}\n{}", encoding="utf-8")
    (tmp_path / "a.csv").write_text("patient_id,text\nP1,x\nP2,y\n", encoding="utf-8")
    assert estimate_records(tmp_path / "a.jsonl") == 3
    assert estimate_records(tmp_path / "a.csv") == 2


def test_input_errors_print_as_source_line_and_message():
    assert str(InputError(source="n.jsonl", line=3, error="empty note; skipped")) == "n.jsonl:3: empty note; skipped"
    assert str(InputError(source="P1.txt", error="odd", level="warning")) == "P1.txt: warning: odd"


def test_write_jsonl_writes_one_line_per_record(tmp_path):
    notes = [Note(patient_id="P1", note_id=f"N{i}", text="x") for i in range(3)]
    assert write_jsonl(tmp_path / "out.jsonl", notes) == 3
    assert [Note.model_validate_json(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()] == notes
