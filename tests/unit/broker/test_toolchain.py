"""Missing or old Java and missing Maven give actionable errors before anything is started."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streams.kafka.broker.toolchain import ToolchainError, ensure_broker_jars, java_major, require_maven


def fake_java(tmp_path: Path, version_line: str) -> str:
    java = tmp_path / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(0o755)
    return str(java)


def test_java_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolchainError, match="Java was not found.*apt-get install openjdk-17"):
        java_major()


@pytest.mark.parametrize("line", ['openjdk version "11.0.2" 2019-01-15', 'java version "1.8.0_292"'])
def test_java_too_old(tmp_path: Path, line: str) -> None:
    with pytest.raises(ToolchainError, match="needs Java 17 or newer"):
        java_major(fake_java(tmp_path, line))


def test_java_version_is_read(tmp_path: Path) -> None:
    assert java_major(fake_java(tmp_path, 'openjdk version "21.0.4" 2024-07-16')) == 21
    assert java_major() >= 17  # the real one on this machine


def test_maven_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolchainError, match="Maven .* not found.*apt-get install maven"):
        require_maven()
    with pytest.raises(ToolchainError, match="Maven"):
        ensure_broker_jars(tmp_path / "cache", "4.1.1")
    assert os.environ["PATH"] == str(tmp_path)


def test_maven_failure_shows_its_output(tmp_path: Path) -> None:
    mvn = tmp_path / "mvn"
    mvn.write_text("#!/bin/sh\necho 'Could not resolve dependencies for org.apache.kafka:kafka_2.13:9.9.9'\nexit 1\n")
    mvn.chmod(0o755)
    with pytest.raises(ToolchainError, match="Could not resolve dependencies"):
        ensure_broker_jars(tmp_path / "cache", "9.9.9", mvn=str(mvn))
