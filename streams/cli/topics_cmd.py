"""``dyadwatch topics create|list``: the registry's topics on a cluster."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from schemas.topics import TOPICS
from streams.cli.options import BootstrapOption, settings_for
from streams.kafka_admin import ensure_topics

app = typer.Typer(help="Create and inspect dyadwatch's topics.", no_args_is_help=True)


@app.command()
def create(
    bootstrap: BootstrapOption = None,
    replication_factor: Annotated[
        int, typer.Option(help="Replication factor for new topics (1 on a single broker).")
    ] = 1,
) -> None:
    """Create every registry topic that is missing. Safe to run twice; a conflicting existing topic is reported."""
    settings = settings_for(bootstrap)
    try:
        outcomes = asyncio.run(ensure_topics(settings, replication_factor=replication_factor))
    except Exception as exc:
        typer.secho(f"error: could not reach Kafka at {settings.bootstrap_servers}: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    conflicts = 0
    for outcome in outcomes:
        colour = {"created": "green", "exists": None, "conflict": "red"}[outcome.status]
        typer.secho(f"{outcome.status:8} {outcome.name} {outcome.detail}".rstrip(), fg=colour)
        conflicts += outcome.status == "conflict"
    if conflicts:
        typer.secho(f"{conflicts} topic(s) exist with settings that differ from the registry.", fg="red", err=True)
        raise typer.Exit(2)


@app.command("list")
def list_topics(bootstrap: BootstrapOption = None) -> None:
    """Print the registry: name, key, partitions, cleanup policy, retention."""
    settings = settings_for(bootstrap)
    for spec in TOPICS.values():
        days = "forever" if spec.retention_ms < 0 else f"{spec.retention_ms / 86_400_000:g}d"
        typer.echo(
            f"{spec.name(settings.topic_prefix):28} key={spec.key:18} partitions={spec.partitions} "
            f"cleanup={spec.cleanup_policy:13} retention={days:8} {spec.model.__name__}"
        )
