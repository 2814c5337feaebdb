"""``dyadwatch dashboard``: the Streamlit watch-floor app, headless, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from streams.cli.options import BootstrapOption, settings_for
from streams.runtime.settings import PROJECT_ROOT

APP_PATH = PROJECT_ROOT / "dashboard" / "app.py"


def streamlit_argv(port: int, address: str = "127.0.0.1") -> list[str]:
    """``streamlit run`` for the dashboard: loopback by default, no browser, no file watcher, dark watch-floor theme."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_PATH),
        "--server.headless=true",
        f"--server.address={address}",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=minimal",
        "--theme.base=dark",
        "--theme.primaryColor=#f46036",
    ]


def dashboard(
    port: Annotated[int | None, typer.Option("--port", help="HTTP port on 127.0.0.1 (default: settings).")] = None,
    bootstrap: BootstrapOption = None,
    address: Annotated[
        str, typer.Option("--address", help="Interface to listen on (0.0.0.0 only in a container or behind a proxy).")
    ] = "127.0.0.1",
) -> None:
    """Start the dashboard; it reads the topics of the given broker and writes analyst acks to alert-acks."""
    settings = settings_for(bootstrap)
    env = {**os.environ, "DYADWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers}
    port = port or settings.dashboard_port
    typer.echo(f"dyadwatch dashboard on http://{address}:{port} (Kafka {settings.bootstrap_servers})")
    argv = streamlit_argv(port, address)
    os.execve(argv[0], argv, env)  # Streamlit becomes this process: signals and exit codes reach it directly
