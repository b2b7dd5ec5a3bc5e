"""Our spaCy components: each a small module with a `make_*` factory."""

from spacy.tokens import Doc


def doc_text(doc: Doc) -> str:
    """doc.text, built once per Doc: spaCy rebuilds it from the tokens on every access (~0.15 ms for 4 KB)."""
    text = doc.user_data.get("nlp_screen_text")
    if text is None:
        text = doc.user_data["nlp_screen_text"] = doc.text
    return text
