"""Running ``dyadwatch worker`` as a real subprocess, so tests can kill -9 it, restart it and scrape it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx

from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import PROJECT_ROOT, Settings

DYADWATCH = PROJECT_ROOT / ".venv" / "bin" / "dyadwatch"


class WorkerProcess:
    """One worker with its own data folder and web port; its JSON log goes to ``log_path``."""

    def __init__(
        self, settings: Settings, data_dir: Path, *, rules: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.rules = rules
        self.env = env or {}
        self._log_offset = 0
        self.web_port = free_port()
        self.log_path = data_dir / "worker.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DYADWATCH_TOPIC_PREFIX": self.settings.topic_prefix, **self.env}
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        args = [
            str(DYADWATCH),
            "worker",
            "--bootstrap",
            self.settings.bootstrap_servers,
            "--data-dir",
            str(self.data_dir),
            "--web-port",
            str(self.web_port),
        ]
        if self.rules is not None:
            args += ["--rules", str(self.rules)]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """kill -9: no shutdown hooks, no final commit."""
        if self.alive:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 60.0) -> None:
        """A clean shutdown (SIGTERM), escalating to SIGKILL if it hangs."""
        if not self.alive:
            return
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def metrics(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.web_port}/metrics", timeout=5).text

    def classified(self) -> float | None:
        """How many articles this run has classified (its metrics); None while its web server does not answer."""
        try:
            text = self.metrics()
        except httpx.HTTPError:
            return None
        match = re.search(r'^dyadwatch_records_in_total\{agent="classify"\} (\S+)$', text, re.M)
        return float(match.group(1)) if match else 0.0

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Until Faust logs that the worker is ready (tables recovered, partitions assigned)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive, f"worker exited with {self.proc.returncode if self.proc else None}:\n{self.log_tail()}"
            if b"Worker]: Ready" in self.log_since_start():
                return
            time.sleep(0.3)
        raise TimeoutError(f"worker not ready within {timeout:.0f}s:\n{self.log_tail()}")

    def log_since_start(self) -> bytes:
        """This run's log (the file is shared by restarts)."""
        with open(self.log_path, "rb") as fh:
            fh.seek(self._log_offset)
            return fh.read()

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
