"""`dyadwatch kafka start|status|stop` run a real broker and fail with actionable errors.

These tests start brokers of their own in temporary folders (the session broker stays untouched).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from streams.kafka.broker import BrokerError, EmbeddedBroker
from streams.kafka.broker.embedded import free_port, pid_alive, wait_for_metadata
from streams.runtime.settings import PROJECT_ROOT, Settings

DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DYADWATCH, *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "DYADWATCH_DATA_DIR": str(PROJECT_ROOT / "var"), **(env or {})},
    )


def new_broker(path: Path) -> EmbeddedBroker:
    return EmbeddedBroker(path, jar_cache_root=PROJECT_ROOT / "var", kafka_version=Settings().kafka_version)


def test_cli_start_status_stop_leaves_no_process(tmp_path: Path) -> None:
    port, data = free_port(), tmp_path / "try-kafka"
    started = cli("kafka", "start", "--port", str(port), "--data-dir", str(data))
    try:
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip().splitlines()[-1] == f"127.0.0.1:{port}"
        pid = json.loads((data / "broker.json").read_text())["pid"]
        status = cli("kafka", "status", "--data-dir", str(data))
        assert status.returncode == 0 and f"bootstrap=127.0.0.1:{port}" in status.stdout
        # Bound to loopback only.
        with pytest.raises(OSError), socket.create_connection((_non_loopback_ip(), port), timeout=1):
            pass
        again = cli("kafka", "start", "--port", str(port), "--data-dir", str(data))
        assert again.returncode == 0, "start on a running broker is idempotent"
    finally:
        stopped = cli("kafka", "stop", "--data-dir", str(data))
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert not pid_alive(pid)
    assert cli("kafka", "status", "--data-dir", str(data)).returncode == 3
    # Restart on the same, already formatted folder.
    broker = new_broker(data)
    try:
        broker.start(port)
    finally:
        broker.stop()


def _non_loopback_ip() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # no packet is sent for UDP connect
            ip = sock.getsockname()[0]
        except OSError:
            ip = "0.0.0.0"
    if ip.startswith("127."):
        pytest.skip("machine has no non-loopback address to probe")
    return ip


def test_port_taken_is_reported(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = cli("kafka", "start", "--port", str(port), "--data-dir", str(tmp_path / "k"))
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already taken" in result.stderr


def test_broker_dying_at_start_shows_its_log(tmp_path: Path) -> None:
    broker = new_broker(tmp_path / "k")
    broker.start(free_port())
    broker.stop()
    meta = broker.log_dirs / "meta.properties"
    meta.write_text(meta.read_text().replace("node.id=1", "node.id=7"))
    with pytest.raises(BrokerError, match=r"(?s)exited with code.*Last lines of .*broker\.log.*node"):
        broker.start(free_port(), timeout=180)
    assert broker.state() is None


def test_data_folder_of_another_cluster_is_refused(tmp_path: Path) -> None:
    broker = new_broker(tmp_path / "k")
    broker.start(free_port())
    broker.stop()
    broker.cluster_id_file.write_text("AAAAAAAAAAAAAAAAAAAAAA")
    with pytest.raises(BrokerError, match="formatted for cluster id .* Use another --data-dir"):
        broker.start(free_port())


def test_wait_for_metadata_times_out_clearly() -> None:
    with pytest.raises(BrokerError, match="No Kafka metadata from 127.0.0.1"):
        wait_for_metadata(f"127.0.0.1:{free_port()}", timeout=1.5)
