"""`dyadwatch up` starts the system and Ctrl-C stops every process it started, the broker included."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from streams.kafka.broker.embedded import free_port, pid_alive
from tests.waiting import wait_until

DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")


def test_ctrl_c_stops_everything(tmp_path: Path) -> None:
    """Ports from the environment (broker, dashboard) and a flag (worker); the seed page is sent and said so."""
    port, dash_port, worker_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "DYADWATCH_DATA_DIR": str(tmp_path),
        "DYADWATCH_BROKER_PORT": str(port),
        "DYADWATCH_DASHBOARD_PORT": str(dash_port),
    }
    proc = subprocess.Popen(
        [DYADWATCH, "up", "--worker-port", str(worker_port), "--no-demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    output = ""
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and "Ctrl-C stops everything" not in output:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, output
            output += line
        assert f"Kafka: 127.0.0.1:{port}" in output, output
        assert f"Dashboard: http://127.0.0.1:{dash_port}" in output, output
        assert f"Worker metrics: http://127.0.0.1:{worker_port}/metrics" in output, output
        assert "Seed page:" in output and "4 stories sent, 0 already sent before" in output, output
        # The children are going: the worker's web server and the dashboard answer.
        worker_up = f"http://127.0.0.1:{worker_port}/metrics"
        dashboard_up = f"http://127.0.0.1:{dash_port}/_stcore/health"
        assert wait_until(lambda: _answers(worker_up) and _answers(dashboard_up), timeout=150), output
        broker_pid = json.loads((tmp_path / "kafka" / "broker.json").read_text())["pid"]
        descendants = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            left = _processes_left(proc.pid)
            proc.kill()
            rest, _ = proc.communicate(timeout=30)
            raise AssertionError(
                f"`dyadwatch up` still ran 90 s after Ctrl-C; processes left: {left}; "
                f"its output ended: {(output + rest)[-4000:]}"
            ) from None
    output += rest
    assert "all processes stopped, broker included" in output, output
    assert not pid_alive(broker_pid)
    wait_until(lambda: not any(pid_alive(pid) for pid in descendants), timeout=5)  # the last ones being reaped
    assert [pid for pid in descendants if pid_alive(pid)] == []


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _processes_left(pid: int) -> list[str]:
    """What still runs under `up` (name, state, command line), for a failure message."""
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []
    out = []
    for p in procs:
        with contextlib.suppress(psutil.Error):
            out.append(f"{p.pid} {p.status()} {' '.join(p.cmdline())[:120]}")
    return out
