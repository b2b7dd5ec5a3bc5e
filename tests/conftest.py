"""Shared pytest fixtures: one Extractor per test session (building the spaCy/medSpaCy pipeline is slow)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def extractor():
    """The real extraction pipeline on the repository's patterns/, built once."""
    from nlp_screen.extract import Extractor

    return Extractor()
