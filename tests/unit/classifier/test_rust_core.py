"""The Rust core: loaded only when current, in use under `make test`, and equal to the Python path on every row."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from streams.classifier import Classifier, rust_core
from streams.classifier.text_cleaning import MAX_INPUT_CHARS, MAX_TITLE_CHARS, as_text, prepare
from streams.runtime.settings import PROJECT_ROOT
from tests.unit.classifier.conftest import switched_on

RUST_OFF = os.environ.get("DYADWATCH_CLASSIFIER_RUST", "").lower() in ("0", "false", "no", "off")


@pytest.fixture
def keep_status(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from switched_on(monkeypatch, "DYADWATCH_CLASSIFIER_RUST", rust_core)


@pytest.fixture(scope="module")
def rust(clf: Classifier) -> Classifier:
    if RUST_OFF:
        pytest.skip("Python path chosen with DYADWATCH_CLASSIFIER_RUST")
    assert clf.rust_core, f"{rust_core.status.reason}: run scripts/build_classifier.py"
    return clf


def test_without_a_build_nothing_loads(tmp_path: Path, keep_status: None) -> None:
    assert rust_core.load_module(tmp_path) is None
    assert "not built" in rust_core.status.reason


def test_a_stale_build_is_not_loaded(tmp_path: Path, keep_status: None) -> None:
    (tmp_path / rust_core.STAMP).write_text("0" * 64 + "\n")
    (tmp_path / rust_core.LIBRARY).write_bytes(b"not a library")
    assert rust_core.load_module(tmp_path) is None
    assert "stale" in rust_core.status.reason


def test_the_digest_changes_with_any_crate_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "native"
    shutil.copytree(rust_core.CRATE_DIR, copy, ignore=shutil.ignore_patterns("target"))
    monkeypatch.setattr(rust_core, "CRATE_DIR", copy)
    same = rust_core.source_digest()
    with (copy / "src" / "dyads.rs").open("a") as fh:
        fh.write("\n// edited\n")
    assert rust_core.source_digest() != same


def test_make_test_runs_the_rust_core(rust: Classifier) -> None:
    """The bootstrap builds it before pytest: without it the speed figures in the notes would not hold."""
    assert rust_core.status.loaded
    assert rust.analyse("Putin meets Kim Jong Un", "", explain=False).actor_codes == ["RUS", "PRK"]


def _as_dict(analysis: Any) -> dict[str, Any]:
    return dataclasses.asdict(analysis)


def _compare(clf: Classifier, rows: list[tuple[object, object]], day: date | None = None) -> tuple[int, list[int]]:
    """(rows the core answered, indexes where it differs from the Python path given the same text).

    The core must answer every row that cleaning makes ASCII: it declines only the others, so a row it drops there
    (a panic, caught and answered by Python) counts as a difference too."""
    answered, diffs = 0, []
    for i, (title, text) in enumerate(rows):
        prep = prepare(title, text)
        fast = clf.analyse(title, text, published=day, explain=False)  # type: ignore[arg-type]
        slow = clf._analyse(prep, day, False)
        took = clf._rust.analyse(as_text(title), as_text(text), None) is not None
        answered += took
        if _as_dict(fast) != _as_dict(slow) or took != prep.cleaned.isascii():
            diffs.append(i)
    return answered, diffs


def _labelled_rows(shared: Path) -> list[tuple[object, object]]:
    rows: list[tuple[object, object]] = [("", (shared / "seed" / "news_page.txt").read_text(encoding="utf-8"))]
    files = [shared / "eval" / "plover_dev.jsonl", shared / "eval" / "reuters_dev.jsonl"]
    files += sorted((PROJECT_ROOT / "eval").glob("*.jsonl"))
    for path in files:
        with path.open(encoding="utf-8") as fh:
            rows += [(r.get("title") or "", r.get("text") or "") for r in map(json.loads, fh)]
    return rows


def test_rust_and_python_agree_on_every_labelled_article(rust: Classifier, shared: Path) -> None:
    """Every actor, span, weight, dyad, direction, event, topic and confidence, on all ~13,000 rows we have."""
    rows = _labelled_rows(shared)
    answered, diffs = _compare(rust, rows)
    assert not diffs, f"{len(diffs)} of {len(rows)} rows differ, first: {rows[diffs[0]]!r:.300}"
    assert answered > 0.99 * len(rows)  # only text that stays outside ASCII after cleaning goes to Python


def test_rust_and_python_agree_at_a_publication_date(rust: Classifier, shared: Path) -> None:
    """Leaders' aliases carry office dates; with a date the candidates are chosen by it."""
    rows = _labelled_rows(shared)[::10]
    for day in (date(2001, 6, 1), date(2019, 1, 1), date(2025, 11, 1)):
        _, diffs = _compare(rust, rows, day)
        assert not diffs, f"{day}: {len(diffs)} rows differ, first: {rows[diffs[0]]!r:.300}"


HOSTILE: list[tuple[object, object]] = [
    ("", ""),
    (None, None),
    ("North Korea fires missile", ""),
    ("", "   \n\n  "),
    ("<b>Putin</b> meets <i>Kim Jong Un</i>", "<p>Russia &amp; North Korea sign a treaty&nbsp;in Pyongyang.</p>"),
    ("Talks", "<script>var x = 'South Korea';</script><STYLE>p{}</STYLE > Japan protests to China.<!-- Iran -->"),
    ("Tags", "<div class=\"x\">Iran</div> <a href='y'>Israel strikes Iran</a> &#8212; &#x2014; & < > <<<"),
    ("Controls", "Iran\x00\x07 and\x1b Iraq\x7f sign\r\na deal.\x0b\x0cSyria\tobjects."),
    ("Quotes “smart”", "China’s navy ‘shadowed’ a Philippine ship — Manila said… “again”\u00a0today."),
    ("Escaped", 'Japan said \\"no\\" to China\\\'s demand, Seoul said.'),
    ("Emoji 🚀", "North Korea launches a rocket 🚀 toward Japan."),
    ("Mixed scripts", "Москва and Kyiv trade strikes; Beijing urges restraint."),
    ("Т" * 5, "Russia and Ukraine swap prisoners."),
    ("US " * (MAX_TITLE_CHARS // 2), "China responds."),
    ("Long", "Russia strikes Ukraine. " * (MAX_INPUT_CHARS // 20)),
    ("Long quotes", "Iran’s envoy meets Iraq’s. " * (MAX_INPUT_CHARS // 25)),
    ("", "WASHINGTON (Reuters) - Georgia's governor met Jordan in Washington state, the AP said."),
    ("", "Acme Inc said on Tuesday its profit rose 5 dlrs a share on the NYSE."),
    ("South JKorea", "NorthKoreaNorth Korean officials met South Korean envoys in Geneva for talks."),
]


def test_rust_and_python_agree_on_hostile_text(rust: Classifier) -> None:
    answered, diffs = _compare(rust, HOSTILE)
    assert not diffs, f"differs on {[HOSTILE[i] for i in diffs]!r:.500}"
    # Text that cleaning makes ASCII (curly quotes, dashes, controls, markup) runs in Rust; emoji and Cyrillic do not.
    assert answered == len(HOSTILE) - 4


def test_the_truncation_flag_and_spans_come_through(rust: Classifier) -> None:
    out = rust.analyse("Russia warns Ukraine", "Kyiv replies. " * (MAX_INPUT_CHARS // 10), explain=False)
    assert out.truncated
    assert {a.code: a.spans[0] for a in out.actors} == {"RUS": (0, 6), "UKR": (13, 20)}


def test_explain_false_gives_no_explanation_on_either_path(rust: Classifier) -> None:
    title, text = "Russia and Ukraine swap prisoners", "MOSCOW (Reuters) - Russia and Ukraine swapped 100 prisoners."
    assert rust.analyse(title, text, explain=False).explanation == []
    assert rust._analyse(prepare(title, text), None, False).explanation == []
    assert rust.analyse(title, text).explanation  # the default explains, in Python


def test_the_core_refuses_a_configuration_it_cannot_run(rust: Classifier) -> None:
    module = rust_core.load_module()
    config = rust_core.config_for(rust)
    entry = config["entries"][0]
    config["entries"][0] = (entry[0], entry[1], [("USAX", *entry[2][0][1:])], entry[3], entry[4])
    with pytest.raises(ValueError, match="alpha-3"):
        module.NativeClassifier(config)
    config = rust_core.config_for(rust)
    config["rules"]["observed"] = ("(unclosed", 0)
    with pytest.raises(ValueError, match="observed"):
        module.NativeClassifier(config)


FRAGMENTS = [
    "Russia",
    "North Korea",
    "South Korea",
    "Korea",
    "Georgia",
    "Washington",
    "Turkey",
    "turkey",
    "Congo",
    "Jordan",
    "Michael Jordan",
    "U.S.",
    "US",
    "us",
    "Kim Jong Un",
    "Kremlin",
    "Beijing",
    "Taiwan",
    "Chinese",
    "Israeli",
    "strikes",
    "sanctions",
    "agrees to a ceasefire",
    "held talks in Geneva",
    "said",
    "exchanged fire with",
    "after",
    "amid",
    "who",
    "which",
    "was attacked by",
    "received aid from",
    "detects",
    "demonstrated",
    "the state news agency said",
    "according to",
    "and",
    "-",
    "/",
    ". ",
    ", ",
    "; ",
    " - ",
    "\n",
    ": ",
    " ",
    " ",
    "SEOUL (Yonhap) -- ",
    "<b>",
    "</b>",
    "&amp;",
    "<script>x</script>",
    "\x00",
    "\r",
    "’",
    "“",
    "—",
    "\\'",
    "10",
    "Inc",
    "dlrs",
    "Thanksgiving",
    "Taiwan remarks",
    "ethnic Russians",
    "NorthKoreaNorth",
]


@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join),
)
@hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_rust_and_python_agree_on_generated_text(rust: Classifier, title: str, text: str) -> None:
    """Random mixes of aliases, ambiguity triggers, cues, clause markers, punctuation and markup."""
    _, diffs = _compare(rust, [(title, text)])
    assert not diffs
