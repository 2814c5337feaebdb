"""``dyadwatch notify``: deliver each new alert to webhooks and mailboxes (docs/notify.md)."""

from __future__ import annotations

import asyncio
import logging
import logging.config
import os
import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from streams.cli.options import BootstrapOption, settings_for
from streams.notify.routes import WebhookFormat
from streams.runtime.settings import Settings


def notify(
    routes: Annotated[
        Path | None,
        typer.Option(
            "--routes", exists=True, dir_okay=False, help="YAML routes file (default: $DYADWATCH_NOTIFY_ROUTES_FILE)."
        ),
    ] = None,
    webhook: Annotated[
        list[str] | None, typer.Option("--webhook", help="Send every alert to this URL (repeatable).")
    ] = None,
    webhook_format: Annotated[
        WebhookFormat | None,
        typer.Option("--webhook-format", help="Body of the --webhook requests (default: json, the alert itself)."),
    ] = None,
    webhook_secret_env: Annotated[
        str | None, typer.Option("--webhook-secret-env", help="Environment variable holding the HMAC-SHA256 key.")
    ] = None,
    smtp: Annotated[str | None, typer.Option("--smtp", help="Mail every alert through this HOST:PORT.")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient of the mails (repeatable).")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="Sender address of the mails.")] = None,
    smtp_user: Annotated[str | None, typer.Option("--smtp-user", help="SMTP login name.")] = None,
    smtp_password_env: Annotated[
        str | None, typer.Option("--smtp-password-env", help="Environment variable holding the SMTP password.")
    ] = None,
    starttls: Annotated[
        bool | None, typer.Option("--starttls/--no-starttls", help="STARTTLS before login and sending (default on).")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Validate the routes, list the destinations, exit.")] = False,
    bootstrap: BootstrapOption = None,
) -> None:
    """Deliver each new alert (not historical, not twice) to webhooks and mail, as the routes say; Ctrl-C stops."""
    from streams.notify.notifier import Notifier, consumer_group
    from streams.notify.routes import RoutesError, routes_for

    settings = _with_flags(
        settings_for(bootstrap),
        notify_routes_file=routes,
        notify_webhooks=webhook or None,
        notify_webhook_format=webhook_format,
        notify_webhook_secret=_env_secret(webhook_secret_env, "--webhook-secret-env"),
        notify_smtp=smtp,
        notify_to=to or None,
        notify_from=sender,
        notify_smtp_user=smtp_user,
        notify_smtp_password=_env_secret(smtp_password_env, "--smtp-password-env"),
        notify_starttls=starttls,
    )
    try:
        configured = routes_for(settings)
    except RoutesError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    if configured is None:
        typer.secho("error: nowhere to send alerts: give --routes, --webhook or --smtp with --to", fg="red", err=True)
        raise typer.Exit(2)
    for name, destination in configured.destinations.items():
        typer.echo(f"destination {name}: {describe(destination)}")
    typer.echo(f"{len(configured.routes)} route(s); consumer group {consumer_group(settings)}")
    if check:
        return
    from streams.runtime.worker_logs import logging_config

    logging.config.dictConfig(logging_config("INFO"))
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await Notifier(settings, configured).run(stop)

    asyncio.run(main())


def describe(destination: Any) -> str:
    """One line per destination, without the URL's path (webhook URLs often carry their token there)."""
    from urllib.parse import urlsplit

    if destination.type == "webhook":
        parts = urlsplit(destination.url)
        port = f":{parts.port}" if parts.port else ""
        signed = ", signed" if destination.secret else ""
        return f"{destination.format} webhook {parts.scheme}://{parts.hostname}{port}/…{signed}"
    tls = "STARTTLS" if destination.starttls else "no TLS"
    return f"mail to {', '.join(destination.to)} via {destination.smtp} ({tls})"


def _with_flags(settings: Settings, **flags: Any) -> Settings:
    """The settings with every given flag applied, validated like the environment's values."""
    given = {name: value for name, value in flags.items() if value is not None}
    return Settings.model_validate({**settings.model_dump(), **given}) if given else settings


def _env_secret(name: str | None, flag: str) -> str | None:
    if name is None:
        return None
    if name not in os.environ:
        raise typer.BadParameter(f"environment variable {name} is not set", param_hint=flag)
    return os.environ[name]
