"""Fixtures of the classifier tests: one loaded classifier per session (building the gazetteer takes ~1 s)."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from streams.classifier import Classifier, get_classifier
from streams.runtime.settings import get_settings


@pytest.fixture(scope="session")
def clf() -> Classifier:
    return get_classifier()


def switched_on(monkeypatch: pytest.MonkeyPatch, variable: str, module: ModuleType) -> Iterator[None]:
    """A fast path's switch set on, whatever this run chose; the module's ``status`` is restored afterwards."""
    before = module.status
    monkeypatch.setenv(variable, "true")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    module.status = before
