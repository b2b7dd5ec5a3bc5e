"""Our spaCy components: each a small module with a `make_*` factory."""
