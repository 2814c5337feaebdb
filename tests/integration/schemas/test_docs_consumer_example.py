"""The consumer example in docs/topics.md works as printed, against the real broker and the published JSON Schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from schemas import Alert, Severity
from schemas.export import JSON_DIR
from streams.kafka.clients import make_producer
from streams.runtime.settings import PROJECT_ROOT, Settings


def example_code() -> str:
    text = (PROJECT_ROOT / "docs" / "topics.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "docs/topics.md should hold exactly one python example"
    return blocks[0]


def read_lines(proc: subprocess.Popen[str], wanted: int, timeout_s: float = 60) -> list[str]:
    """The consumer's first ``wanted`` lines, or fail with what it wrote to stderr."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    os.set_blocking(proc.stdout.fileno(), False)  # type: ignore[union-attr]
    while time.monotonic() < deadline and len(lines) < wanted:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if line:
            lines.append(line.rstrip("\n"))
        else:
            assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
            time.sleep(0.2)
    return lines


async def test_docs_consumer_validates_against_the_published_schema(kafka_settings: Settings, tmp_path) -> None:
    script = tmp_path / "consumer.py"
    script.write_text(example_code())
    env = {
        **os.environ,
        "DYADWATCH_BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "DYADWATCH_TOPIC_PREFIX": kafka_settings.topic_prefix,
        "DYADWATCH_SCHEMA_DIR": str(JSON_DIR),
    }
    # Run outside the repository with no PYTHONPATH: the example needs the schema file, not our code.
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        now = datetime.now(UTC)
        alert = Alert(
            id="docs-1",
            rule="watch:PRK-RUS",
            kind="watchlist",
            severity=Severity.HIGH,
            dyad="PRK-RUS",
            window_start=now,
            window_end=now + timedelta(minutes=15),
            observed=4,
            reason="PRK-RUS: 4 articles on trade, sanctions",
            created_at=now,
        )
        future = json.loads(alert.to_bytes()) | {"id": "docs-2", "schema_version": alert.SCHEMA_VERSION + 1}
        topic = kafka_settings.topic("alerts")
        producer = make_producer(kafka_settings)
        await producer.start()
        try:
            await producer.send_and_wait(topic, json.dumps(future).encode(), key=b"docs-2")
            await producer.send_and_wait(topic, None, key=b"docs-3")  # a tombstone is passed over, not a crash
            await producer.send_and_wait(topic, alert.to_bytes(), key=alert.id.encode())
        finally:
            await producer.stop()
        lines = read_lines(proc, 2)
        assert lines == [
            f"skipped offset 0: {alert.SCHEMA_VERSION} was expected",
            "high     PRK-RUS watch:PRK-RUS: PRK-RUS: 4 articles on trade, sanctions",
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
