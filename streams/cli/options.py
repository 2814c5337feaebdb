"""Options shared by several commands, so each is declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from streams.runtime.settings import Settings, get_settings

BootstrapOption = Annotated[
    str | None,
    typer.Option(
        "--bootstrap", help="Kafka bootstrap HOST:PORT (default: $DYADWATCH_BOOTSTRAP_SERVERS or 127.0.0.1:9092)."
    ),
]


def settings_for(bootstrap: str | None = None) -> Settings:
    """The settings object, with ``--bootstrap`` overriding the environment when given."""
    settings = get_settings()
    return settings.model_copy(update={"bootstrap_servers": bootstrap}) if bootstrap else settings
