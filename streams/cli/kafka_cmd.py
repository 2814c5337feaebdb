"""``dyadwatch kafka start|stop|status``: the embedded single-node KRaft broker."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from streams.kafka.broker import BrokerError, EmbeddedBroker
from streams.kafka.broker.acls import ROLES, AclError
from streams.kafka.broker.toolchain import ToolchainError, ensure_broker_jars
from streams.runtime.settings import get_settings

app = typer.Typer(help="Run a local Apache Kafka broker (KRaft, single node, 127.0.0.1 only).", no_args_is_help=True)

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Broker data folder (default: $DYADWATCH_DATA_DIR/kafka).")
]


def broker_for(data_dir: Path | None) -> EmbeddedBroker:
    settings = get_settings()
    return EmbeddedBroker(
        data_dir or settings.data_dir / "kafka",
        jar_cache_root=settings.jar_cache_dir,
        kafka_version=settings.kafka_version,
        heap=settings.kafka_heap,
    )


@app.command()
def start(
    port: Annotated[int, typer.Option("--port", help="Client port on 127.0.0.1.")] = 9092,
    data_dir: DataDirOption = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the broker to answer.")] = 90.0,
    secure: Annotated[
        bool,
        typer.Option(
            "--secure",
            help="SASL/SCRAM-SHA-512 and ACLs: one principal per role (worker, ingest, dashboard, notifier, reader) "
            "with least-privilege rights, passwords in <data-dir>/credentials.json (mode 0600). Needs a new data "
            "folder; a secure folder stays secure. See docs/security.md.",
        ),
    ] = False,
) -> None:
    """Format the store on first use, start the broker, and return once clients can fetch metadata."""
    broker = broker_for(data_dir)
    settings = get_settings()
    try:
        state = broker.start(port, timeout=timeout, secure=secure, topic_prefix=settings.topic_prefix)
    except (BrokerError, ToolchainError, AclError) as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Kafka {settings.kafka_version} running (pid {state.pid}, data {broker.data_dir})")
    if state.secure:
        typer.echo(
            f"secure: SASL_PLAINTEXT/SCRAM-SHA-512, ACLs for topics {settings.topic_prefix}.*; credentials of "
            f"{', '.join(['admin', *ROLES])} in {broker.credentials_file} (mode 0600). Connect as a role with "
            f'`eval "$(dyadwatch kafka credentials ROLE --data-dir {broker.data_dir})"`.'
        )
    typer.echo(state.bootstrap)


@app.command()
def credentials(
    role: Annotated[str, typer.Argument(help="admin, worker, ingest, dashboard, notifier or reader.")],
    data_dir: DataDirOption = None,
) -> None:
    """Print `export DYADWATCH_...` lines that make dyadwatch commands connect to a secure broker as ROLE."""
    broker = broker_for(data_dir)
    found = broker.credentials()
    if found is None:
        typer.secho(f"error: {broker.data_dir} holds no secure broker (start one with --secure).", fg="red", err=True)
        raise typer.Exit(1)
    if role not in found.passwords:
        typer.secho(f"error: no role {role!r}; known: {', '.join(found.passwords)}.", fg="red", err=True)
        raise typer.Exit(1)
    for name, value in found.environment(role).items():
        typer.echo(f"export {name}={shlex.quote(value)}")


@app.command()
def fetch() -> None:
    """Fetch the broker's jars from Maven Central into the cache (done by `start` too); prints the folder."""
    settings = get_settings()
    try:
        typer.echo(str(ensure_broker_jars(settings.jar_cache_dir, settings.kafka_version)))
    except ToolchainError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None


@app.command()
def stop(data_dir: DataDirOption = None) -> None:
    """Stop the broker cleanly and wait until its process has exited."""
    broker = broker_for(data_dir)
    if broker.stop():
        typer.echo(f"Kafka broker in {broker.data_dir} stopped.")
    else:
        typer.echo(f"No Kafka broker running from {broker.data_dir}.")


@app.command()
def status(data_dir: DataDirOption = None) -> None:
    """Say whether the broker of a data folder runs, and where. Exit code 0 if it does, 3 if not."""
    broker = broker_for(data_dir)
    state = broker.state()
    if state is None:
        typer.echo(f"stopped ({broker.data_dir})")
        raise typer.Exit(3)
    security = f"secure credentials={broker.credentials_file}" if state.secure else "plaintext"
    typer.echo(
        f"running pid={state.pid} bootstrap={state.bootstrap} cluster={state.cluster_id} {security} ({broker.data_dir})"
    )
