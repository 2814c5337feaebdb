"""Runs the whole system's processes side by side for `dyadwatch up`, and stops every one of them on exit."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

COLOURS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m"]
RESET = "\033[0m"


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    pump: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    """Starts named child processes, prefixes their output, and terminates them all (SIGTERM, then SIGKILL)."""

    def __init__(self, env: dict[str, str], out: IO[str] = sys.stdout) -> None:
        self.env = env
        self.out = out
        self.children: list[Child] = []
        self._lock = threading.Lock()

    def start(self, name: str, argv: Sequence[str]) -> Child:
        child = Child(name, argv)
        child.process = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            start_new_session=True,  # our signal handling decides when children stop, in order
        )
        colour = COLOURS[len(self.children) % len(COLOURS)]
        child.pump = threading.Thread(target=self._pump, args=(child, f"{colour}{name:>9} |{RESET} "), daemon=True)
        child.pump.start()
        self.children.append(child)
        return child

    def _pump(self, child: Child, prefix: str) -> None:
        assert child.process and child.process.stdout
        for raw in iter(child.process.stdout.readline, b""):
            with self._lock:
                self.out.write(prefix + raw.decode(errors="replace"))
                self.out.flush()

    def wait_any(self, poll: float = 0.5) -> Child:
        """Block until one child exits; return it."""
        while True:
            for child in self.children:
                if child.process and child.process.poll() is not None:
                    return child
            time.sleep(poll)

    def stop_all(self, timeout: float = 20.0) -> None:
        """Stop children in reverse start order so producers stop before what they feed."""
        for child in reversed(self.children):
            proc = child.process
            if proc and proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + timeout
        for child in reversed(self.children):
            proc = child.process
            if proc is None:
                continue
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
