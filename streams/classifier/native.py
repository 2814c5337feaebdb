"""The classifier compiled by mypyc: the same modules as C extensions, loaded only when built from these sources.

``scripts/build_classifier.py`` (run by the bootstrap) compiles :data:`COMPILED_MODULES` into
``build/classifier-native`` and writes a stamp of the sources it read. :func:`activate` puts that directory in front
of the package's ``__path__`` when the stamp still matches, so an edited ``.py`` is never shadowed by a stale
extension; otherwise the pure-Python modules load. Outputs are the same either way (``tests/unit/classifier/
test_native.py``); only the speed differs (``docs/benchmarks.md``).
"""

from __future__ import annotations

import hashlib
import logging
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent  # never compiled, so this is where the sources are
DATA_DIR = PACKAGE_DIR / "data"  # a compiled module's own __file__ points into the build, away from its data
BUILD_DIR = PACKAGE_DIR.parents[1] / "build" / "classifier-native"
STAMP = "SOURCES.sha256"
GROUP = "dyadwatch_classifier"  # mypyc's shared library is <GROUP>__mypyc, a top-level module
# Everything on the worker's classify path, except this loader.
COMPILED_MODULES = (
    "actors",
    "attribution",
    "core",
    "dyads",
    "event_payload",
    "event_types",
    "gazetteer",
    "intensity",
    "keyword_scanner",
    "records",
    "scoring",
    "sentences",
    "shared_pass",
    "text_cleaning",
    "topics",
)


@dataclass(frozen=True, slots=True)
class NativeStatus:
    loaded: bool
    reason: str


status = NativeStatus(False, "not activated")


def files_digest(paths: Iterable[Path]) -> str:
    """What a build must have been made from: its source files and the interpreter that loads it (the mypyc build's
    stamp)."""
    h = hashlib.sha256(f"{sys.implementation.cache_tag} {platform.machine()}\n".encode())
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def stamp_matches(build_dir: Path, digest: str) -> bool:
    """Whether ``build_dir`` holds a build stamped with ``digest``."""
    stamp = build_dir / STAMP
    return stamp.is_file() and stamp.read_text().strip() == digest


def source_digest() -> str:
    return files_digest(PACKAGE_DIR / f"{name}.py" for name in COMPILED_MODULES)


def is_current(build_dir: Path = BUILD_DIR) -> bool:
    """Whether a build in ``build_dir`` was made from the sources and interpreter in use now."""
    return stamp_matches(build_dir, source_digest())


def activate(package_path: list[str], build_dir: Path = BUILD_DIR) -> NativeStatus:
    """Prefer the compiled modules for the package whose ``__path__`` this is, if they are current."""
    global status
    status = _check(build_dir)
    if status.loaded:
        package_path.insert(0, str(build_dir / "streams" / "classifier"))
        if str(build_dir) not in sys.path:
            sys.path.append(str(build_dir))  # for the group's shared library only: `streams` is already imported
    return status


def _check(build_dir: Path) -> NativeStatus:
    from streams.runtime.settings import get_settings

    if not get_settings().classifier_native:
        return NativeStatus(False, "DYADWATCH_CLASSIFIER_NATIVE is off")
    if not (build_dir / STAMP).is_file():
        return NativeStatus(False, f"not built ({build_dir}; scripts/build_classifier.py)")
    if not is_current(build_dir):
        log.warning("compiled classifier in %s is stale; using the pure-Python modules", build_dir)
        return NativeStatus(False, "stale build: sources changed since; scripts/build_classifier.py rebuilds it")
    return NativeStatus(True, f"mypyc build in {build_dir}")
