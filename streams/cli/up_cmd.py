"""``dyadwatch up``: the whole system on embedded defaults — broker, topics, worker, demo feed, dashboard."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from schemas.base import utc_now
from streams.cli.kafka_cmd import broker_for
from streams.kafka.admin import ensure_topics
from streams.kafka.broker import BrokerError
from streams.kafka.broker.embedded import port_in_use
from streams.kafka.broker.toolchain import ToolchainError
from streams.runtime.settings import Settings, get_settings
from streams.runtime.supervisor import Supervisor

if TYPE_CHECKING:
    from streams.notify.routes import Routes
    from streams.sources.sink import SinkStats


def _dyadwatch() -> str:
    return shutil.which("dyadwatch", path=str(Path(sys.executable).parent)) or "dyadwatch"


def _notify_routes(settings: Settings) -> Routes | None:
    """The notifier's routes when any are configured (checked before anything starts), else None."""
    from streams.notify.routes import RoutesError, routes_for

    try:
        return routes_for(settings)
    except RoutesError as exc:
        typer.secho(f"error: notifier routes: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None


@dataclass(frozen=True)
class UpPorts:
    """Every port `up` listens on: each is a flag and a DYADWATCH_* variable, so two `up`s can run side by side."""

    broker: int
    dashboard: int
    worker: int

    def problem(self) -> str | None:
        """Why these ports cannot work (None: they can): one port for two services, or the dashboard's or the
        worker's already taken (the broker's is checked when it starts: a broker of this data folder is reused)."""
        named = {
            "broker (--port, DYADWATCH_BROKER_PORT)": self.broker,
            "dashboard (--dashboard-port, DYADWATCH_DASHBOARD_PORT)": self.dashboard,
            "worker metrics (--worker-port, DYADWATCH_WORKER_WEB_PORT)": self.worker,
        }
        if len(set(named.values())) < len(named):
            return "two services would share a port: " + ", ".join(f"{k} {v}" for k, v in named.items())
        busy = [f"{name} {port}" for name, port in list(named.items())[1:] if port_in_use(port)]
        return f"port in use (another `dyadwatch up`?): {', '.join(busy)}" if busy else None


def resolve_ports(settings: Settings, broker: int | None, dashboard: int | None, worker: int | None) -> UpPorts:
    """Flags win over the environment (the settings), which wins over the defaults."""
    return UpPorts(
        broker=broker or settings.broker_port,
        dashboard=dashboard or settings.dashboard_port,
        worker=worker or settings.worker_web_port,
    )


def child_commands(
    exe: str, ports: UpPorts, *, demo: bool, demo_rate: float | None, notify: bool = False
) -> list[tuple[str, list[str]]]:
    """The processes `up` supervises, each told its port explicitly."""
    children = [("worker", [exe, "worker", "--web-port", str(ports.worker)])]
    if demo:
        rate = ["--rate", str(demo_rate)] if demo_rate is not None else []
        children.append(("demo-feed", [exe, "ingest", "demo", "--no-seed-page", *rate]))
    children.append(("dashboard", [exe, "dashboard", "--port", str(ports.dashboard)]))
    if notify:
        children.append(("notify", [exe, "notify"]))
    return children


async def send_seed_page(settings: Settings) -> tuple[Path, SinkStats]:
    """The seed news page's stories, dated now so the live view shows them (their own date stays in metadata)."""
    from streams.sources.demo import seed_page_path, seed_stories
    from streams.sources.sink import open_sink

    async with open_sink(settings, dry_run=False) as sink:
        for article in seed_stories(utc_now()):
            await sink.emit(article)
        await sink.flush()
        return seed_page_path(), sink.stats


def up(
    port: Annotated[
        int | None, typer.Option("--port", help="Port of the embedded broker (default $DYADWATCH_BROKER_PORT or 9092).")
    ] = None,
    dashboard_port: Annotated[
        int | None, typer.Option(help="Port of the dashboard (default $DYADWATCH_DASHBOARD_PORT or 8501).")
    ] = None,
    worker_port: Annotated[
        int | None, typer.Option(help="Port of the worker's /metrics (default $DYADWATCH_WORKER_WEB_PORT or 6066).")
    ] = None,
    demo_rate: Annotated[
        float | None, typer.Option(help="Live background articles/s of the demo feed (default: its history's rate).")
    ] = None,
    demo: Annotated[bool, typer.Option(help="Start the synthetic demo feed.")] = True,
    seed: Annotated[
        bool, typer.Option(help="Send the seed news page's stories at start (dated now), and say so.")
    ] = True,
) -> None:
    """Start everything on this machine and keep it running; Ctrl-C stops every process, the broker included."""
    settings = get_settings()
    ports = resolve_ports(settings, port, dashboard_port, worker_port)
    problem = ports.problem()
    if problem:
        typer.secho(f"error: {problem}", fg="red", err=True)
        raise typer.Exit(2)
    notify_routes = _notify_routes(settings)
    broker = broker_for(None)
    typer.secho(f"Starting Apache Kafka {settings.kafka_version} (KRaft, 127.0.0.1:{ports.broker}) …", bold=True)
    try:
        state = broker.start(ports.broker)
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
        if seed:
            page, stats = asyncio.run(send_seed_page(settings))
            typer.secho(
                f"Seed page: {page} — {stats.emitted} stories sent, {stats.duplicates} already sent before (dated "
                f"now). `dyadwatch ingest page` on it will find them already sent; `up --no-seed` leaves it to you.",
                fg="cyan",
            )
        children = child_commands(_dyadwatch(), ports, demo=demo, demo_rate=demo_rate, notify=notify_routes is not None)
        for name, argv in children:
            supervisor.start(name, argv)
        typer.secho(f"Dashboard: http://127.0.0.1:{ports.dashboard}", fg="green", bold=True)
        typer.echo(f"Worker metrics: http://127.0.0.1:{ports.worker}/metrics")
        if notify_routes is not None:
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
