"""The mypyc-compiled classifier: loaded only when current, in use under `make test`, and equal to the pure Python."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from streams.classifier import Classifier, native
from streams.runtime.settings import PROJECT_ROOT
from tests.unit.classifier.conftest import switched_on

# Prints, for the rows given as JSON lines on stdin, analyse() with its explanation at two dates.
DUMP = """
import dataclasses, json, sys
from datetime import date
from streams.classifier import Classifier, native
print(json.dumps(native.status.loaded))
clf = Classifier()
for line in sys.stdin:
    title, text = json.loads(line)
    for day in (None, date(2019, 1, 1)):
        print(json.dumps(dataclasses.asdict(clf.analyse(title, text, published=day)), sort_keys=True))
"""


PURE_CHOSEN = os.environ.get("DYADWATCH_CLASSIFIER_NATIVE", "").lower() in ("0", "false", "no", "off")


@pytest.fixture
def keep_status(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from switched_on(monkeypatch, "DYADWATCH_CLASSIFIER_NATIVE", native)


def test_without_a_build_the_package_path_is_left_alone(tmp_path: Path, keep_status: None) -> None:
    path = ["src"]
    status = native.activate(path, tmp_path)
    assert (status.loaded, path) == (False, ["src"])
    assert "not built" in status.reason


def test_a_stale_build_is_not_loaded(tmp_path: Path, keep_status: None) -> None:
    (tmp_path / native.STAMP).write_text("0" * 64 + "\n")
    path = ["src"]
    status = native.activate(path, tmp_path)
    assert (status.loaded, path) == (False, ["src"])
    assert "stale" in status.reason


def test_a_current_build_goes_first_on_the_package_path(tmp_path: Path, keep_status: None) -> None:
    (tmp_path / native.STAMP).write_text(native.source_digest() + "\n")
    path = ["src"]
    assert native.activate(path, tmp_path).loaded
    assert path == [str(tmp_path / "streams" / "classifier"), "src"]


def test_the_digest_changes_with_any_compiled_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "classifier"
    copy.mkdir()
    for name in native.COMPILED_MODULES:
        (copy / f"{name}.py").write_bytes((native.PACKAGE_DIR / f"{name}.py").read_bytes())
    monkeypatch.setattr(native, "PACKAGE_DIR", copy)
    same = native.source_digest()
    with (copy / "dyads.py").open("a") as fh:
        fh.write("\n# edited\n")
    assert native.source_digest() != same


def test_make_test_runs_the_compiled_classifier() -> None:
    """The bootstrap builds it before pytest; a missing or stale build would make every figure in the notes wrong."""
    if PURE_CHOSEN:
        pytest.skip("pure Python chosen with DYADWATCH_CLASSIFIER_NATIVE")
    assert native.status.loaded, f"{native.status.reason}: run scripts/build_classifier.py"
    from streams.classifier import core

    assert Path(core.__file__).is_relative_to(native.BUILD_DIR)


def _dump(rows: list[tuple[str, str]], *, native_on: bool) -> list[str]:
    env = {**os.environ, "DYADWATCH_CLASSIFIER_NATIVE": "true" if native_on else "false"}
    proc = subprocess.run(
        [sys.executable, "-c", DUMP],
        input="".join(json.dumps(r) + "\n" for r in rows),
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
        timeout=240,
    )
    loaded, *lines = proc.stdout.splitlines()
    assert json.loads(loaded) is native_on, "wrong classifier build loaded"
    return lines


def test_compiled_and_pure_python_give_identical_results(shared: Path, clf: Classifier) -> None:
    """Explanations included: every rule must take the same branch. Rows: the seed page, every 8th eval row, edges."""
    if PURE_CHOSEN:
        pytest.skip("pure Python chosen with DYADWATCH_CLASSIFIER_NATIVE: nothing compiled to compare")
    if not native.status.loaded:
        pytest.fail(f"no compiled classifier to compare: {native.status.reason}")
    rows: list[tuple[str, str]] = [("", (shared / "seed" / "news_page.txt").read_text(encoding="utf-8"))]
    for name in ("plover_dev.jsonl", "reuters_dev.jsonl"):
        with (shared / "eval" / name).open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i % 8 == 0:
                    row = json.loads(line)
                    rows.append((row.get("title") or "", row.get("text") or ""))
    rows += [
        ("", ""),
        ("<b>Putin</b> meets <script>x</script> Kim Jong Un", "Seoul\x00\x07 🚀 Москва, talks in Geneva. " * 40),
        ("South JKorea", "Georgia and Jordan met in Washington, the Kremlin said." * 3),
    ]
    pure = _dump(rows, native_on=False)
    compiled = [
        json.dumps(dataclasses.asdict(clf.analyse(t, x, published=day)), sort_keys=True)
        for t, x in rows
        for day in (None, date(2019, 1, 1))
    ]
    assert len(pure) == len(compiled) == 2 * len(rows)
    diffs = [i for i, (a, b) in enumerate(zip(pure, compiled, strict=True)) if a != b]
    assert not diffs, f"{len(diffs)} rows differ, first: {rows[diffs[0] // 2]!r}"
