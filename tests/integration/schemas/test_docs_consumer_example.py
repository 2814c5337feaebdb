"""The consumer example in docs/topics.md works as printed, against the real broker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from schemas import Alert, Severity
from streams.kafka_clients import make_producer
from streams.settings import PROJECT_ROOT, Settings


def example_code() -> str:
    text = (PROJECT_ROOT / "docs" / "topics.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "docs/topics.md should hold exactly one python example"
    return blocks[0]


async def test_docs_consumer_prints_alerts(kafka_settings: Settings, tmp_path) -> None:
    script = tmp_path / "consumer.py"
    script.write_text(example_code())
    env = {
        **os.environ,
        "DYADWATCH_BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "DYADWATCH_TOPIC_PREFIX": kafka_settings.topic_prefix,
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
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
        producer = make_producer(kafka_settings)
        await producer.start()
        await producer.send_and_wait(kafka_settings.topic("alerts"), alert.to_bytes(), key=alert.id.encode())
        await producer.stop()
        deadline = time.monotonic() + 60
        line = ""
        os.set_blocking(proc.stdout.fileno(), False)
        while time.monotonic() < deadline and "PRK-RUS" not in line:
            chunk = proc.stdout.readline()
            line += chunk or ""
            if not chunk:
                assert proc.poll() is None, proc.stderr.read()
                time.sleep(0.2)
        assert line.strip() == "high     PRK-RUS watch:PRK-RUS: PRK-RUS: 4 articles on trade, sanctions"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
