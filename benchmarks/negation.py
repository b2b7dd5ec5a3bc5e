"""NegEx/ConText test sentences -> precision, recall and F1 of our negated / historical / hypothetical flags,
beside medSpaCy's default ConText rules on the same rows.

    PYTHONPATH=. .venv/bin/python benchmarks/negation.py [ANNOTATIONS.tsv] [--rules patterns/context_rules.json]
            [--errors negated|historical|hypothetical] [--splitter auto|sentencizer]

The file is the NegEx "rsAnnotations" TSV (header row; Condition, sentence, negation_status, temporality ...);
the default is the dev half in ../shared. The other half is held out: tune rules on general patterns, never on
single sentences. Gold: negated = "Negated", historical = temporality "Historical", hypothetical = temporality
"Not particular". Our context stage runs as in the pipeline: sentence splitter, sectionizer, ConText, and what
the section says (a finding under PAST MEDICAL HISTORY: is historical, as in nlp_screen.extract); medSpaCy's
default rules run with the splitter and ConText only. The concept is the one span in the group.
The last line printed is `negation_f1=... historical_f1=... hypothetical_f1=...`.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp_screen.components.concept_context import add_concept_context  # noqa: E402
from nlp_screen.components.context import SPAN_GROUP, add_context  # noqa: E402
from nlp_screen.extract import SectionIndex, load_section_context, section_flags  # noqa: E402
from nlp_screen.pipeline import add_sectionizer, configure_tokenizer  # noqa: E402

PATTERNS = ROOT / "patterns"
SECTION_CONTEXT = load_section_context(PATTERNS / "section_context.json")

DEFAULT_DATA = ROOT.parent / "shared" / "corpora" / "negex" / "rsAnnotations-1-120-random.dev.txt"
DEFAULT_RULES = ROOT / "patterns" / "context_rules.json"
FLAGS = ("negated", "historical", "hypothetical")
TARGET_LABEL = "CONDITION"  # NegEx concepts are findings; our target rules label those CONDITION


@dataclass(frozen=True)
class Row:
    line: str
    condition: str
    sentence: str
    gold: dict[str, bool]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Result:
    scores: dict[str, Score] = field(default_factory=lambda: {flag: Score() for flag in FLAGS})
    errors: dict[str, list[tuple[str, Row, str]]] = field(default_factory=lambda: {flag: [] for flag in FLAGS})


def read_rows(path: Path) -> list[Row]:
    """Read the TSV by column position (the headers are long, e.g. "negation_status (negated, affirmed, possible)")."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for cells in reader:
            if len(cells) < 5:
                continue
            line, condition, sentence, negation, temporality = (c.strip() for c in cells[:5])
            gold = {
                "negated": negation.lower() == "negated",
                "historical": temporality.lower() == "historical",
                "hypothetical": temporality.lower() == "not particular",
            }
            rows.append(Row(line, condition, sentence, gold))
    return rows


def find_concept(sentence: str, condition: str) -> Optional[tuple[int, int]]:
    """Character offsets of `condition` in `sentence`: case-insensitive, any run of whitespace matching any other.

    Among several occurrences the one written in upper case wins: that is how the annotators marked the target.
    """
    words = condition.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    matches = list(pattern.finditer(sentence))
    if not matches:
        return None
    upper = [m for m in matches if m.group(0).isupper()]
    chosen = (upper or matches)[0]
    return chosen.start(), chosen.end()


def add_sentences(nlp: Language, splitter: str = "auto") -> str:
    """Add our line-aware splitter ("auto") or spaCy's sentencizer plus a newline rule; return its name."""
    if splitter == "auto":
        import nlp_screen.components.sentences  # noqa: F401  registers "nlp_screen_sentences"

        nlp.add_pipe("nlp_screen_sentences")
        return "nlp_screen_sentences"
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("negation_benchmark_newlines")
    return "sentencizer+newlines"


@Language.component("negation_benchmark_newlines")
def _newline_sentences(doc: Doc) -> Doc:
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


def ours(rules_path: Path) -> Callable[[Language], None]:
    def add(nlp: Language) -> None:
        configure_tokenizer(nlp)
        add_sectionizer(nlp, PATTERNS)
        add_context(nlp, rules_path)
        add_concept_context(nlp, rules_path.parent / "concept_context.json")
    return add


def medspacy_default(prune_on_target_overlap: bool) -> Callable[[Language], None]:
    def add(nlp: Language) -> None:
        import medspacy.context  # noqa: F401

        nlp.add_pipe("medspacy_context", config={
            "rules": "default", "input_span_type": "group", "span_group_name": SPAN_GROUP,
            "prune_on_target_overlap": prune_on_target_overlap,
        })
    return add


def build(add_context_pipe: Callable[[Language], None], splitter: str = "auto") -> tuple[Language, str]:
    nlp = spacy.blank("en")
    splitter = add_sentences(nlp, splitter)
    add_context_pipe(nlp)
    return nlp, splitter


def evaluate(nlp: Language, rows: list[Row]) -> Result:
    """Run the pipeline on each sentence with its concept as the only span in the group and count flags.

    A row whose concept cannot be found has no span to flag: it counts as predicted "no flag".
    """
    result = Result()
    for row in rows:
        doc = nlp.make_doc(row.sentence)
        offsets = find_concept(row.sentence, row.condition)
        span: Optional[Span] = None
        if offsets is not None:
            span = doc.char_span(*offsets, label=TARGET_LABEL, alignment_mode="expand")
        doc.spans[SPAN_GROUP] = [span] if span is not None else []
        for _, pipe in nlp.pipeline:
            doc = pipe(doc)
        predicted = {
            "negated": bool(span is not None and span._.is_negated),
            "historical": bool(span is not None and span._.is_historical),
            "hypothetical": bool(span is not None and span._.is_hypothetical),
        }
        if span is not None and "medspacy_sectionizer" in nlp.pipe_names:
            section = SectionIndex(doc).category_at_char(span.start_char)
            for flag in section_flags(SECTION_CONTEXT, section, "condition"):
                if flag in predicted:
                    predicted[flag] = True
        for flag in FLAGS:
            gold, pred = row.gold[flag], predicted[flag]
            score = result.scores[flag]
            if gold and pred:
                score.tp += 1
            elif pred:
                score.fp += 1
                result.errors[flag].append(("FP", row, _cues(span)))
            elif gold:
                score.fn += 1
                result.errors[flag].append(("FN", row, _cues(span)))
    return result


def _cues(span: Optional[Span]) -> str:
    if span is None:
        return "(concept not found)"
    doc = span.doc
    return "; ".join(f"{m.category}:{doc[m.modifier_span[0]:m.modifier_span[1]].text}" for m in span._.modifiers)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES)
    parser.add_argument("--errors", choices=FLAGS, action="append", default=[],
                        help="list our false positives and negatives for this flag")
    parser.add_argument("--splitter", choices=("auto", "sentencizer"), default="auto",
                        help="auto: nlp_screen_sentences; sentencizer: spaCy's, plus a newline rule")
    parser.add_argument("--min", nargs="+", default=[], metavar="NAME=VALUE",
                        help="floors for the last line's figures, e.g. historical_f1=0.80; exit 1 below any")
    args = parser.parse_args(argv)
    floors = parse_floors(parser, args.min)
    for path in (args.data, args.rules):
        if not path.is_file():
            parser.error(f"no such file: {path}")

    rows = read_rows(args.data)
    missing = [row.line for row in rows if find_concept(row.sentence, row.condition) is None]
    systems = {
        "medspacy default": medspacy_default(False),
        "default+prune": medspacy_default(True),
        "nlp-screen": ours(args.rules),
    }
    results = {}
    splitter = ""
    for label, add in systems.items():
        nlp, splitter = build(add, args.splitter)
        results[label] = evaluate(nlp, rows)

    print(f"{args.data.name}: {len(rows)} rows; sentence splitter: {splitter}")
    print(f"concept not found in its sentence: {len(missing)} rows (scored as no flag): {', '.join(missing) or '-'}")
    gold_counts = {flag: sum(row.gold[flag] for row in rows) for flag in FLAGS}
    print("gold: " + ", ".join(f"{flag} {n}" for flag, n in gold_counts.items()))
    header = f"{'flag':<13}" + "".join(f"{label:>26}" for label in systems)
    print(header)
    print(f"{'':<13}" + "".join(f"{'P     R     F1':>26}" for _ in systems))
    for flag in FLAGS:
        cells = []
        for label in systems:
            s = results[label].scores[flag]
            cells.append(f"{s.precision:.3f} {s.recall:.3f} {s.f1:.3f}")
        print(f"{flag:<13}" + "".join(f"{c:>26}" for c in cells))

    for flag in args.errors:
        print(f"\n# {flag} errors of nlp-screen")
        for kind, row, cues in results["nlp-screen"].errors[flag]:
            print(f"{kind} {row.line}\t{row.condition}\t{row.sentence}\t[{cues}]")

    s = results["nlp-screen"].scores
    figures = {"negation_f1": s["negated"].f1, "historical_f1": s["historical"].f1,
               "hypothetical_f1": s["hypothetical"].f1}
    print(" ".join(f"{name}={value:.3f}" for name, value in figures.items()))
    below = [f"{name}={figures[name]:.3f} < {floor}" for name, floor in floors.items() if figures[name] < floor]
    if below:
        print("below the floor: " + ", ".join(below), file=sys.stderr)
        return 1
    return 0


def parse_floors(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, float]:
    """["historical_f1=0.80", ...] -> {"historical_f1": 0.8}; an unknown name or a non-number is a usage error."""
    names = ("negation_f1", "historical_f1", "hypothetical_f1")
    floors = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in names:
            parser.error(f"--min: unknown figure {name!r} (expected one of {', '.join(names)})")
        try:
            floors[name] = float(value)
        except ValueError:
            parser.error(f"--min: {item!r} is not NAME=NUMBER")
    return floors


if __name__ == "__main__":
    raise SystemExit(main())
