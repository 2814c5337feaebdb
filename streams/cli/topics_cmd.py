"""``dyadwatch topics create|list``: the registry's topics on a cluster."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from schemas.topics import TOPICS
from streams.cli.options import BootstrapOption, settings_for
from streams.kafka.admin import ensure_topics

app = typer.Typer(help="Create and inspect dyadwatch's topics.", no_args_is_help=True)


@app.command()
def create(
    bootstrap: BootstrapOption = None,
    replication_factor: Annotated[
        int | None,
        typer.Option(help="Replication factor for new topics (default $DYADWATCH_REPLICATION_FACTOR, else 1)."),
    ] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="Alter existing topics whose configs drifted from the registry back to it.")
    ] = False,
) -> None:
    """Create every registry topic that is missing; report existing ones that differ. Safe to run twice.

    Exit code 2 when a topic conflicts (partitions, replication factor: no config change repairs it) or its configs
    drifted and --fix was not given.
    """
    settings = settings_for(bootstrap)
    try:
        outcomes = asyncio.run(ensure_topics(settings, replication_factor=replication_factor, fix=fix))
    except Exception as exc:
        typer.secho(f"error: topics on {settings.bootstrap_servers}: {type(exc).__name__}: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    colours = {"created": "green", "exists": None, "fixed": "yellow", "drift": "red", "conflict": "red"}
    for outcome in outcomes:
        typer.secho(f"{outcome.status:8} {outcome.name} {outcome.detail}".rstrip(), fg=colours[outcome.status])
    conflicts = sum(o.status == "conflict" for o in outcomes)
    drifted = sum(o.status == "drift" for o in outcomes)
    if conflicts:
        typer.secho(f"{conflicts} topic(s) exist with settings that differ from the registry.", fg="red", err=True)
    if drifted:
        typer.secho(f"{drifted} topic(s) have configs that drifted; `--fix` alters them back.", fg="red", err=True)
    if conflicts or drifted:
        raise typer.Exit(2)


@app.command("list")
def list_topics(bootstrap: BootstrapOption = None) -> None:
    """Print the registry: name, key, partitions, cleanup policy, retention, what the record timestamps mean."""
    settings = settings_for(bootstrap)
    for spec in TOPICS.values():
        timestamps = "published" if spec.event_time else "written"
        typer.echo(
            f"{spec.name(settings.topic_prefix):28} key={spec.key:18} partitions={spec.partitions} "
            f"cleanup={spec.cleanup_policy:13} retention={spec.retention_text():18} timestamps={timestamps:9} "
            f"{spec.model.__name__}"
        )
