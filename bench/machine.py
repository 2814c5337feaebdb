"""Facts about the machine a benchmark ran on, printed beside every figure (ratios only mean something in context)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import psutil

from streams.runtime.settings import get_settings


def machine_facts() -> dict[str, str]:
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "python": sys.version.split()[0],
        "kafka": get_settings().kafka_version,
        "java": java[0] if java else "unknown",
        "os": platform.platform(),
    }
