"""Fixtures of the classifier tests: one loaded classifier per session (building the gazetteer takes ~1 s)."""

from __future__ import annotations

import pytest

from streams.classifier import Classifier, get_classifier


@pytest.fixture(scope="session")
def clf() -> Classifier:
    return get_classifier()
