"""``dyadwatch up``: the whole system on embedded defaults — broker, topics, worker, demo feed, dashboard."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from streams.cli.kafka_cmd import broker_for
from streams.kafka.admin import ensure_topics
from streams.kafka.broker import BrokerError
from streams.kafka.broker.toolchain import ToolchainError
from streams.runtime.settings import Settings, get_settings
from streams.runtime.supervisor import Supervisor

if TYPE_CHECKING:
    from streams.notify.routes import Routes


def _dyadwatch() -> str:
    return shutil.which("dyadwatch", path=str(Path(sys.executable).parent)) or "dyadwatch"


def _registered(name: str) -> bool:
    from typer.main import get_command

    from streams.cli.main import app

    return name in get_command(app).commands  # type: ignore[attr-defined]


def _notify_routes(settings: Settings) -> Routes | None:
    """The notifier's routes when any are configured (checked before anything starts), else None."""
    from streams.notify.routes import RoutesError, routes_for

    try:
        return routes_for(settings)
    except RoutesError as exc:
        typer.secho(f"error: notifier routes: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None


def up(
    port: Annotated[int, typer.Option(help="Port of the embedded broker.")] = 9092,
    dashboard_port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8501,
    demo_rate: Annotated[
        float | None, typer.Option(help="Live background articles/s of the demo feed (default: its history's rate).")
    ] = None,
    demo: Annotated[bool, typer.Option(help="Start the synthetic demo feed.")] = True,
) -> None:
    """Start everything on this machine and keep it running; Ctrl-C stops every process, the broker included."""
    settings = get_settings()
    notify_routes = _notify_routes(settings)
    broker = broker_for(None)
    typer.secho(f"Starting Apache Kafka {settings.kafka_version} (KRaft, 127.0.0.1:{port}) …", bold=True)
    try:
        state = broker.start(port)
    except (BrokerError, ToolchainError) as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    settings = settings.model_copy(update={"bootstrap_servers": state.bootstrap})
    env = {**os.environ, "DYADWATCH_BOOTSTRAP_SERVERS": state.bootstrap, "PYTHONUNBUFFERED": "1"}
    supervisor = Supervisor(env)

    def shutdown(*_: object) -> None:
        raise KeyboardInterrupt

    # SIGINT too: a process started from a background job inherits SIGINT ignored, and Python then never turns
    # Ctrl-C into KeyboardInterrupt (seen in CI runs launched from a subshell: `up` outlived the test's Ctrl-C).
    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    exit_code = 0
    try:
        for outcome in asyncio.run(ensure_topics(settings, fix=True)):  # the embedded broker's topics are ours
            typer.echo(f"topic {outcome.status:8} {outcome.name} {outcome.detail}".rstrip())
        exe = _dyadwatch()
        if _registered("worker"):
            supervisor.start("worker", [exe, "worker"])
        if demo and _registered("ingest"):
            rate = ["--rate", str(demo_rate)] if demo_rate is not None else []
            supervisor.start("demo-feed", [exe, "ingest", "demo", *rate])
        if _registered("dashboard"):
            supervisor.start("dashboard", [exe, "dashboard", "--port", str(dashboard_port)])
            typer.secho(f"Dashboard: http://127.0.0.1:{dashboard_port}", fg="green", bold=True)
        if notify_routes is not None and _registered("notify"):
            supervisor.start("notify", [exe, "notify"])
            names = ", ".join(notify_routes.destinations)
            typer.secho(f"Notifier: new alerts to {names} (dyadwatch notify)", fg="green")
        typer.secho(f"Kafka: {state.bootstrap}   (Ctrl-C stops everything)", fg="green")
        if not supervisor.children:
            signal.pause()
        while True:
            ended = supervisor.wait_any()
            code = ended.process.returncode if ended.process else 0
            if ended.name == "demo-feed" and code == 0:
                typer.echo("demo feed finished; the rest keeps running")
                supervisor.children.remove(ended)
                if supervisor.children:
                    continue
                signal.pause()
            typer.secho(f"{ended.name} exited with code {code}; stopping everything", fg="red", err=True)
            exit_code = code or 1
            break
    except KeyboardInterrupt:
        typer.echo("\nstopping …")
    finally:
        supervisor.stop_all()
        broker.stop()
        typer.echo("all processes stopped, broker included")
    raise typer.Exit(exit_code)
