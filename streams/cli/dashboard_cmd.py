"""``dyadwatch dashboard``: the Streamlit watch-floor app, headless, on 127.0.0.1 unless told otherwise;
``dyadwatch dashboard hash-password NAME``: an entry for the dashboard's password file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from streams.cli.options import BootstrapOption, settings_for
from streams.runtime.settings import PROJECT_ROOT

APP_PATH = PROJECT_ROOT / "dashboard" / "app.py"

app = typer.Typer(help="The watch-floor dashboard (run without a subcommand to start it).", invoke_without_command=True)


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


@app.callback()
def dashboard(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option("--port", help="HTTP port (default $DYADWATCH_DASHBOARD_PORT or 8501).")
    ] = None,
    bootstrap: BootstrapOption = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="Interface to listen on (default $DYADWATCH_DASHBOARD_ADDRESS or 127.0.0.1). Beyond loopback, a "
            "sign-in method is required (docs/dashboard.md).",
        ),
    ] = None,
) -> None:
    """Start the dashboard; it reads the topics of the given broker and writes analyst acks to alert-acks."""
    if ctx.invoked_subcommand is not None:
        return
    from dashboard.auth import startup_problem

    settings = settings_for(bootstrap)
    settings = settings.model_copy(
        update={
            "dashboard_port": port or settings.dashboard_port,
            "dashboard_address": address or settings.dashboard_address,
        }
    )
    problem = startup_problem(settings)
    if problem:
        typer.secho(f"error: not starting the dashboard. {problem}", fg="red", err=True)
        raise typer.Exit(2)
    env = {
        **os.environ,
        "DYADWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "DYADWATCH_DASHBOARD_ADDRESS": settings.dashboard_address,
    }
    url = f"http://{settings.dashboard_address}:{settings.dashboard_port}"
    typer.echo(f"dyadwatch dashboard on {url} (Kafka {settings.bootstrap_servers})")
    argv = streamlit_argv(settings.dashboard_port, settings.dashboard_address)
    os.execve(argv[0], argv, env)  # Streamlit becomes this process: signals and exit codes reach it directly


@app.command("hash-password")
def hash_password_cmd(
    name: Annotated[str, typer.Argument(help="The analyst's name, as acknowledgements will show it.")],
    file: Annotated[
        Path | None, typer.Option("--file", help="Append the entry to this password file instead of printing it.")
    ] = None,
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the password from standard input (for scripts).")
    ] = False,
) -> None:
    """Make a `name:argon2-hash` line for DYADWATCH_DASHBOARD_PASSWORD_FILE (the password itself is never stored)."""
    from dashboard.auth import password_entry

    password = (
        sys.stdin.readline().rstrip("\r\n")
        if stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    try:
        entry = password_entry(name, password)
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    if file is None:
        typer.echo(entry)
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    with open(file, "a", encoding="utf-8") as out:
        out.write(entry + "\n")
    os.chmod(file, 0o600)
    typer.echo(f"added {name.strip()} to {file}")
