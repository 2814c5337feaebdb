"""Java and Maven checks, and fetching the broker's jars with the Maven project in ``kafka/``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from streams.runtime.settings import PROJECT_ROOT

MIN_JAVA = 17
POM = PROJECT_ROOT / "kafka" / "pom.xml"


class ToolchainError(RuntimeError):
    """A missing or unusable Java/Maven, with what to do about it."""


def java_major(java: str | None = None) -> int:
    """Major version of the ``java`` on PATH (or the given binary); raises ToolchainError with a fix if unusable."""
    java = java or shutil.which("java")
    if not java:
        raise ToolchainError(
            f"Java was not found on PATH. The embedded Kafka broker needs Java {MIN_JAVA}+: "
            "install it (Debian: `apt-get install openjdk-17-jre-headless`) "
            "or point DYADWATCH_BOOTSTRAP_SERVERS at a running broker."
        )
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except OSError as exc:
        raise ToolchainError(f"Could not run {java}: {exc}") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise ToolchainError(f"Could not read the Java version from `{java} -version`: {out.stderr.strip()[:200]}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_x" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise ToolchainError(
            f"Java {major} found at {java}, but Apache Kafka 4 needs Java {MIN_JAVA} or newer. "
            "Install a newer JDK (Debian: `apt-get install openjdk-17-jre-headless`) and put it first on PATH."
        )
    return major


def require_maven(mvn: str | None = None) -> str:
    mvn = mvn or shutil.which("mvn")
    if not mvn:
        raise ToolchainError(
            "Maven (`mvn`) was not found on PATH; it fetches the Kafka broker's jars from Maven Central on first use. "
            "Install it (Debian: `apt-get install maven`), or copy the jars into the cache folder yourself."
        )
    return mvn


def lib_dir(data_root: Path, version: str) -> Path:
    """Where the broker's jars for one Kafka version are cached (outside git, shared by every data folder)."""
    return data_root / "kafka-lib" / version


def ensure_broker_jars(data_root: Path, version: str, *, mvn: str | None = None) -> Path:
    """Fetch Kafka ``version`` and its runtime dependencies once; later calls return the cached folder."""
    target = lib_dir(data_root, version).resolve()
    marker = target / ".complete"
    if marker.exists():
        return target
    maven = require_maven(mvn)
    target.mkdir(parents=True, exist_ok=True)
    cmd = [maven, "-q", "-B", "-f", str(POM), "package", f"-Dkafka.version={version}", f"-Dbroker.lib.dir={target}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not any(target.glob("kafka_2.13-*.jar")):
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise ToolchainError(f"Maven could not fetch Kafka {version} ({' '.join(cmd)}):\n{tail}")
    marker.write_text(version)
    return target
