"""spaCy's stock English tokenizer vs ours (configure_tokenizer: only the apostrophe special cases kept), on the
notes benchmarks/throughput.py uses. Prints the special-case counts and the best of 3 passes in notes/s.

    .venv/bin/python benchmarks/tokenizer.py [--notes 300]
"""
import argparse
import sys
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput  # noqa: E402  same notes as the throughput benchmark

from nlp_screen.pipeline import configure_tokenizer  # noqa: E402


def best_notes_per_s(nlp, texts: list[str], passes: int = 3) -> float:
    list(nlp.tokenizer.pipe(texts[:20]))  # warm-up
    best = 0.0
    for _ in range(passes):
        start = time.perf_counter()
        list(nlp.tokenizer.pipe(texts))
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=300)
    args = parser.parse_args()
    notes = throughput.benchmark_notes(throughput.load_corpus_samples(throughput.CORPUS_SAMPLES),
                                       throughput.load_mtsamples(throughput.MTSAMPLES), args.notes)
    texts = [note.text for note in notes]
    stock, ours = spacy.blank("en"), spacy.blank("en")
    configure_tokenizer(ours)
    print(f"special cases: stock {len(stock.tokenizer.rules)}, ours {len(ours.tokenizer.rules)}")
    print(f"stock_notes_per_s={best_notes_per_s(stock, texts):.0f} ours_notes_per_s={best_notes_per_s(ours, texts):.0f}")


if __name__ == "__main__":
    main()
