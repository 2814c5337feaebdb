"""Build the classifier's fast path: its modules compiled by mypyc into build/classifier-native; a no-op when that
build is current.

Run by scripts/bootstrap.sh (so by `make run` and `make test`); by hand: ``.venv/bin/python scripts/build_classifier.py
[--force]``. About a minute on one core. A failed build is reported and leaves the pure-Python modules in use: nothing
but speed depends on it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DYADWATCH_CLASSIFIER_NATIVE"] = "false"  # this process only reads the sources; no stale-build warning

from streams.classifier import native  # noqa: E402


def build(force: bool = False) -> None:
    """Compile into a fresh folder, then swap it in, so a failed build leaves the previous one in place."""
    if not force and native.is_current():
        return
    digest = native.source_digest()
    from mypyc.build import mypycify
    from setuptools import setup

    sources = [str(native.PACKAGE_DIR / f"{name}.py") for name in native.COMPILED_MODULES]
    native.BUILD_DIR.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="classifier-native-", dir=native.BUILD_DIR.parent))
    out = work / "out"
    cwd = Path.cwd()
    try:
        os.chdir(work)  # setuptools reads pyproject.toml from the working directory: keep the project's out of it
        extensions = mypycify(
            [*sources, "--ignore-missing-imports", "--follow-imports=silent"],
            opt_level="3",
            group_name=native.GROUP,
            target_dir=str(work / "c"),
        )
        setup(
            name=native.GROUP,
            ext_modules=extensions,
            script_args=["-q", "build_ext", "--build-lib", str(out), "--build-temp", str(work / "tmp"), "-j", "2"],
        )
        _swap_in(out, native.BUILD_DIR, digest)
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)


def _swap_in(new: Path, build_dir: Path, digest: str) -> None:
    """Stamp a finished build and put it where the loader looks, so that a failed build never replaces a good one."""
    (new / native.STAMP).write_text(digest + "\n")
    old = build_dir.with_name(build_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if build_dir.exists():
        build_dir.rename(old)
    new.rename(build_dir)
    shutil.rmtree(old, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when the build is current")
    args = parser.parse_args()
    try:
        build(args.force)
    except (Exception, SystemExit) as exc:  # setuptools reports compiler failures as SystemExit
        print(f"classifier not compiled ({exc!r}); the pure-Python classifier will be used", file=sys.stderr)
        return 1
    print(f"compiled classifier: {native.BUILD_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
