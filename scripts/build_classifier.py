"""Build the classifier's fast paths: its modules compiled by mypyc (build/classifier-native) and the Rust core in
native/ compiled by cargo (build/classifier-rust). Each step is a no-op when its build is current.

Run by scripts/bootstrap.sh (so by `make run` and `make test`); by hand: ``.venv/bin/python scripts/build_classifier.py
[--force]``. Each takes about a minute on one core the first time. A failed build is reported and leaves the Python
path in use: nothing but speed depends on either.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DYADWATCH_CLASSIFIER_NATIVE"] = "false"  # this process only reads the sources; no stale-build warning

from streams.classifier import native, rust_core  # noqa: E402


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


def find_cargo() -> str | None:
    """cargo on PATH, or where rustup puts it (a non-login shell may lack ~/.cargo/bin on PATH)."""
    found = shutil.which("cargo")
    if found:
        return found
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "bin" / "cargo"
    return str(home) if home.is_file() else None


def build_rust(force: bool = False) -> None:
    """``cargo build --release`` of native/ (crates from crates.io, pinned by Cargo.lock), then swap the library in."""
    if not force and rust_core.is_current():
        return
    cargo = find_cargo()
    if cargo is None:
        raise RuntimeError("cargo not found (install Rust with rustup)")
    digest = rust_core.source_digest()
    target = rust_core.BUILD_DIR.parent / "rust-target"
    env = {**os.environ, "CARGO_TARGET_DIR": str(target), "PYO3_PYTHON": sys.executable}
    subprocess.run(
        [
            cargo,
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--manifest-path",
            str(rust_core.CRATE_DIR / "Cargo.toml"),
        ],
        env=env,
        check=True,
    )
    work = Path(tempfile.mkdtemp(prefix="classifier-rust-", dir=rust_core.BUILD_DIR.parent))
    try:
        shutil.copy2(target / "release" / f"lib{rust_core.MODULE}.so", work / rust_core.LIBRARY)
        _swap_in(work, rust_core.BUILD_DIR, digest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when the build is current")
    args = parser.parse_args()
    failed = 0
    try:
        build(args.force)
        print(f"compiled classifier: {native.BUILD_DIR}")
    except (Exception, SystemExit) as exc:  # setuptools reports compiler failures as SystemExit
        print(f"classifier not compiled ({exc!r}); the pure-Python classifier will be used", file=sys.stderr)
        failed = 1
    try:
        build_rust(args.force)
        print(f"Rust classifier core: {rust_core.BUILD_DIR}")
    except (Exception, SystemExit) as exc:
        print(f"Rust classifier core not built ({exc!r}); analyse() runs in Python", file=sys.stderr)
        failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
