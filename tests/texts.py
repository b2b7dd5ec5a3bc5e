"""The real texts that equivalence tests run over: our notes (demo, blind sets, dev gold when present) and the
NegEx sentences. One place for their paths, so every test that claims "same result on real notes" reads the same."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NEGEX = SHARED / "corpora" / "negex" / "rsAnnotations-1-120-random.dev.txt"
OUR_NOTE_FILES = [ROOT / "corpus_samples" / "notes.jsonl", *sorted((ROOT / "tests" / "cases").glob("blind_set*/notes.jsonl"))]
DEV_NOTES = SHARED / "gold" / "dev" / "notes.jsonl"


def note_texts(*, with_dev: bool = False) -> list[str]:
    """Every note text of the demo corpus and the blind sets (and of the dev gold set, when asked and present)."""
    paths = OUR_NOTE_FILES + ([DEV_NOTES] if with_dev and DEV_NOTES.is_file() else [])
    return [json.loads(line)["text"] for path in paths for line in path.open(encoding="utf-8") if line.strip()]


def demo_texts() -> list[str]:
    return [json.loads(line)["text"] for line in (ROOT / "corpus_samples" / "notes.jsonl").open(encoding="utf-8")]


def negex_sentences(limit: int | None = None) -> list[str]:
    """The sentences of the NegEx dev half (its third column), or [] when ../shared is not beside the repo."""
    if not NEGEX.is_file():
        return []
    rows = NEGEX.read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t")[2] for row in rows[:limit] if row.count("\t") >= 2]
