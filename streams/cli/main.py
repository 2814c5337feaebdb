"""Entry point of the ``dyadwatch`` command: wires each command group's Typer app together, nothing else."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from streams.cli import (
    classify_cmd,
    dashboard_cmd,
    ingest_cmd,
    kafka_cmd,
    notify_cmd,
    schemas_cmd,
    topics_cmd,
    up_cmd,
    worker_cmd,
)
from streams.runtime.settings import Settings, describe_invalid

app = typer.Typer(
    name="dyadwatch",
    help="Kafka-native geopolitical event monitor: who acts on whom, live, per country pair.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(kafka_cmd.app, name="kafka")
app.add_typer(topics_cmd.app, name="topics")
app.add_typer(schemas_cmd.app, name="schemas")
app.add_typer(ingest_cmd.app, name="ingest")
app.command("worker")(worker_cmd.worker)
app.command("up")(up_cmd.up)
app.add_typer(dashboard_cmd.app, name="dashboard")
app.command("classify")(classify_cmd.classify)
app.command("eval")(classify_cmd.evaluate)
app.command("notify")(notify_cmd.notify)


def main() -> None:
    try:
        app()
    except ValidationError as exc:
        if exc.title != Settings.__name__:  # a bug's validation error, not the user's configuration
            raise
        print(describe_invalid(exc), file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
