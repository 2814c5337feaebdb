"""The Rust core (``native/``): ``Classifier.analyse`` without explanations, for ASCII text, several times faster.

The rules live in the Python modules of this package; the crate repeats their steps and takes every word list,
pattern and weight from them when it loads (:func:`config_for`), so that data is never written twice.
``tests/unit/classifier/test_rust_core.py`` holds both paths to identical results on every labelled article we have.
The core answers only prepared ASCII text (most newswire once cleaning has folded quotes and dashes); anything else,
and every call that wants an explanation, runs the Python path.

``scripts/build_classifier.py`` builds the crate with cargo into ``build/classifier-rust`` and stamps it with a digest
of the crate's sources; :func:`load_module` uses it only when that stamp matches, as :mod:`native` does for the mypyc
build.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from streams.classifier import actors, attribution, dyads, event_types, native, sentences, text_cleaning, topics
from streams.classifier.native import PACKAGE_DIR, NativeStatus

if TYPE_CHECKING:
    from streams.classifier.event_types import CueSet
    from streams.classifier.gazetteer import Gazetteer
    from streams.classifier.keyword_scanner import KeywordScanner
    from streams.classifier.shared_pass import SharedPass

log = logging.getLogger(__name__)

CRATE_DIR = PACKAGE_DIR.parents[1] / "native"
BUILD_DIR = PACKAGE_DIR.parents[1] / "build" / "classifier-rust"
MODULE = "dyadwatch_core"
LIBRARY = f"{MODULE}.so"
STAMP = native.STAMP

status = NativeStatus(False, "not loaded")


def crate_sources() -> list[Path]:
    return [CRATE_DIR / "Cargo.toml", CRATE_DIR / "Cargo.lock", *sorted((CRATE_DIR / "src").glob("*.rs"))]


def source_digest() -> str:
    return native.files_digest(crate_sources())


def is_current(build_dir: Path = BUILD_DIR) -> bool:
    return (build_dir / LIBRARY).is_file() and native.stamp_matches(build_dir, source_digest())


def load_module(build_dir: Path = BUILD_DIR) -> Any | None:
    """The built extension module when it is current and enabled, else None (and :data:`status` says why)."""
    global status
    from streams.runtime.settings import get_settings

    if not get_settings().classifier_rust:
        status = NativeStatus(False, "DYADWATCH_CLASSIFIER_RUST is off")
        return None
    if not (build_dir / STAMP).is_file():
        status = NativeStatus(False, f"not built ({build_dir}; scripts/build_classifier.py)")
        return None
    if not is_current(build_dir):
        log.warning("Rust classifier core in %s is stale; using the Python path", build_dir)
        status = NativeStatus(False, "stale build: crate changed since; scripts/build_classifier.py rebuilds it")
        return None
    if MODULE in sys.modules:
        module = sys.modules[MODULE]
    else:
        path = str(build_dir / LIBRARY)
        loader = importlib.machinery.ExtensionFileLoader(MODULE, path)
        spec = importlib.util.spec_from_file_location(MODULE, path, loader=loader)
        if spec is None:
            status = NativeStatus(False, f"cannot load {path}")
            return None
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        sys.modules[MODULE] = module
    status = NativeStatus(True, f"Rust core in {build_dir}")
    return module


def _pattern(p: Any) -> tuple[str, int]:
    return p.pattern, int(p.flags)


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _key_class(key: str) -> str:
    if key in actors._KOREA_KEYS:
        return "korea"
    if key in actors._CONGO_KEYS:
        return "congo"
    if key in actors._GEORGIA_KEYS:
        return "georgia"
    if key in ("washington", "turkey"):
        return key
    return "other" if key in actors._AMBIGUOUS_KEYS else "plain"


class Rules(Protocol):
    """What the core is loaded from: the loaded dictionaries of a ``core.Classifier``, which passes itself. A
    protocol, so that this module never imports the classifier that attaches it."""

    gazetteer: Gazetteer
    scanner: KeywordScanner
    cues: CueSet

    shared_pass: SharedPass

    def tuning(self) -> dict[str, float | int]: ...


def config_for(classifier: Rules) -> dict[str, Any]:
    """Everything the core needs, taken from the objects and modules the Python path uses."""
    gaz, scanner, shared = classifier.gazetteer, classifier.scanner, classifier.shared_pass
    entries = [
        (
            e.key,
            gaz.case_forms[i],
            [(a.code, a.kind, a.text, a.weight, _ordinal(a.start), _ordinal(a.end)) for a in e.candidates],
            _key_class(e.key),
            e.key in actors.PERSON_RISK_KEYS,
        )
        for i, e in enumerate(gaz.by_index)
    ]
    names: dict[str, int] = {}
    patterns: list[tuple[str, str, int]] = []
    anchored: list[list[tuple[int, int]]] = []
    for items in scanner.anchored_patterns():
        row = []
        for name, compiled, zone in items:
            if name not in names:
                names[name] = len(patterns)
                patterns.append((name, *_pattern(compiled)))
            row.append((names[name], zone))
        anchored.append(row)
    if scanner.residual_count:
        raise ValueError("cue patterns without a literal prefix are not supported by the Rust core")
    return {
        "keys": shared.keys,
        "gazetteer_keys": len(gaz.by_index),
        "scanner_of": shared.scanner_of,
        "entries": entries,
        "patterns": patterns,
        "anchored": anchored,
        "cues": [(name, cue.weight) for name, cue in classifier.cues.cues.items()],
        "lexicon_prefix": event_types.LEXICON_PREFIX,
        "topics": list(topics.TOPIC_PATTERNS),
        "hard_news": list(topics.HARD_NEWS),
        "subordinate_marker": event_types.SUBORDINATE_MARKER,
        "ok_neighbours": sorted(gaz.person_name_ok_neighbours),
        "turkey_food_after": sorted(actors._TURKEY_FOOD_AFTER),
        "turkey_food_before": sorted(actors._TURKEY_FOOD_BEFORE),
        "washington_state_words": list(actors._WASHINGTON_STATE_WORDS),
        "venue_lead_ins": list(actors._VENUE_LEAD_INS),
        "state_venue_lead_ins": list(actors._STATE_VENUE_LEAD_INS),
        "topic_nouns_after": list(actors._TOPIC_NOUNS_AFTER),
        "abbreviations": sorted(sentences.ABBREVIATIONS),
        "reporter_verbs": list(attribution.VERBS),
        "rules": {
            "caucasus": _pattern(actors._CAUCASUS_RE),
            "us_state": _pattern(actors._US_STATE_RE),
            "wash_abbreviation": _pattern(actors._WASH_ABBREVIATION_RE),
            "meeting_words": _pattern(actors._MEETING_WORDS_RE),
            "dateline": _pattern(actors._DATELINE_RE),
            "movement_after": _pattern(actors._MOVEMENT_AFTER_RE),
            "us_business": _pattern(actors._US_BUSINESS_RE),
            "attribution": _pattern(attribution._ATTRIBUTION_RE),
            "media": _pattern(attribution._MEDIA_RE),
            "coordination": _pattern(dyads._COORDINATION_RE),
            "hyphen_pair": _pattern(dyads._HYPHEN_PAIR_RE),
            "fronted_participle": _pattern(dyads._FRONTED_PARTICIPLE_RE),
            "dyad_subordinate": _pattern(dyads._SUBORDINATE_RE),
            "joined": _pattern(dyads._JOINED_RE),
            "observed": _pattern(dyads._OBSERVED_RE),
            "received_from": _pattern(dyads._RECEIVED_FROM_RE),
            "passive_by": _pattern(dyads._PASSIVE_BY_RE),
            "reciprocal": _pattern(dyads._RECIPROCAL_RE),
            "headline_reciprocal": _pattern(dyads._HEADLINE_RECIPROCAL_RE),
        },
        "numbers": classifier.tuning(),
        "cleaning": {
            "max_title_chars": text_cleaning.MAX_TITLE_CHARS,
            "max_input_chars": text_cleaning.MAX_INPUT_CHARS,
            "translation": sorted(text_cleaning.TRANSLATION.items()),
            "script": _pattern(text_cleaning._SCRIPT_RE),
            "markup": _pattern(text_cleaning._MARKUP_RE),
        },
    }


def attach(classifier: Rules) -> Any | None:
    """The Rust core (a ``dyadwatch_core.NativeClassifier``) loaded with this classifier's rules, or None when it is
    not built, stale, disabled or refuses the configuration. Its ``analyse`` is read by ``Classifier._from_rust``."""
    global status
    module = load_module()
    if module is None:
        return None
    try:
        return module.NativeClassifier(config_for(classifier))
    except (ValueError, TypeError) as exc:
        log.warning("Rust classifier core refused the configuration (%s); using the Python path", exc)
        status = NativeStatus(False, f"refused the configuration: {exc}")
        return None
