"""Where each alert goes: named destinations (webhooks, mailboxes) and the routes that pick them by rule, dyad and
severity, read from a YAML file (docs/notify.md) or built from the simple-case settings (``--webhook``, ``--smtp``).

Secrets never sit in the file: a destination names the environment variable that holds its HMAC key or SMTP
password (``secret_env``, ``password_env``), read when the file is loaded, so a missing one stops the start.
"""

from __future__ import annotations

import hashlib
import os
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from schemas.alert import Alert, Severity
from streams.runtime.settings import Settings

SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity)}

WebhookFormat = Literal["json", "slack", "teams", "mattermost"]


class RoutesError(ValueError):
    """The routes cannot be used; the message says what to fix."""


def _from_env(data: Any, field: str) -> Any:
    """Fill ``field`` from the environment variable named by ``<field>_env``; unset is an error."""
    if not isinstance(data, dict) or not data.get(f"{field}_env"):
        return data
    name = data[f"{field}_env"]
    if name not in os.environ:
        raise ValueError(f"environment variable {name} ({field}_env) is not set")
    return {**data, field: os.environ[name]}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookDestination(_Strict):
    """An HTTP(S) endpoint that gets one POST per alert, in ``format``, signed when it has a secret."""

    type: Literal["webhook"] = "webhook"
    url: str = Field(min_length=1, max_length=2048, repr=False)  # webhook URLs often carry a token: never logged
    format: WebhookFormat = "json"
    secret_env: str | None = None
    secret: SecretStr | None = None

    _secret_from_env = model_validator(mode="before")(lambda data: _from_env(data, "secret"))

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        return url


class EmailDestination(_Strict):
    """A mail to ``to`` through one SMTP server, STARTTLS unless turned off, login when ``user`` is set."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: Literal["email"] = "email"
    smtp: str = Field(description="HOST:PORT of the SMTP server.")
    starttls: bool = True
    ca_file: Path | None = Field(None, description="CA bundle for the server's certificate (default: the system's).")
    user: str | None = None
    password_env: str | None = None
    password: SecretStr | None = None
    sender: str = Field("dyadwatch@localhost", alias="from", min_length=3)
    to: list[Annotated[str, Field(min_length=3, pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)

    _password_from_env = model_validator(mode="before")(lambda data: _from_env(data, "password"))

    @field_validator("smtp")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{value!r} is not HOST:PORT")
        return value

    @property
    def host(self) -> str:
        return self.smtp.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.smtp.rpartition(":")[2])


Destination = Annotated[WebhookDestination | EmailDestination, Field(discriminator="type")]


class Route(_Strict):
    """Alerts that match every given filter go to ``to``. Empty filters match everything.

    ``rules`` and ``dyads`` are shell-style patterns ('watch:*', 'PRK-*'); ``countries`` matches a dyad that has
    any of the ISO alpha-3 codes on either side; ``min_severity`` is the lowest severity sent.
    """

    to: list[str] = Field(min_length=1)
    rules: list[str] = Field(default_factory=list)
    dyads: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    min_severity: Severity = Severity.LOW

    def matches(self, alert: Alert) -> bool:
        return (
            SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[self.min_severity]
            and (not self.rules or any(fnmatchcase(alert.rule, p) for p in self.rules))
            and (not self.dyads or any(fnmatchcase(alert.dyad, p) for p in self.dyads))
            and (not self.countries or bool(set(alert.dyad.split("-")) & set(self.countries)))
        )


class Routes(_Strict):
    """The whole routing model: named destinations and the routes over them."""

    destinations: dict[Annotated[str, Field(min_length=1, max_length=64)], Destination]
    routes: list[Route] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_destinations(self) -> Routes:
        for i, route in enumerate(self.routes):
            unknown = [name for name in route.to if name not in self.destinations]
            if unknown:
                raise ValueError(f"routes[{i}].to names unknown destinations: {', '.join(unknown)}")
        return self

    def destinations_for(self, alert: Alert) -> dict[str, WebhookDestination | EmailDestination]:
        """Every destination of every matching route, each once, in the order the routes name them."""
        names = dict.fromkeys(name for route in self.routes if route.matches(alert) for name in route.to)
        return {name: self.destinations[name] for name in names}

    def merged(self, other: Routes | None) -> Routes:
        if other is None:
            return self
        return Routes(destinations={**self.destinations, **other.destinations}, routes=[*self.routes, *other.routes])


def load_routes_file(path: Path) -> Routes:
    """The routes of a YAML file, or :class:`RoutesError` naming the file and what is wrong."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise RoutesError(f"{path}: {exc}") from None
    try:
        return Routes.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise RoutesError(f"{path}: {problems}") from None


def routes_from_flags(settings: Settings) -> Routes | None:
    """The simple case: every alert to each ``notify_webhooks`` URL and to ``notify_to`` through ``notify_smtp``.

    Destination names derive from the target, so they stay the same across restarts (the delivery log keys on them).
    """
    destinations: dict[str, WebhookDestination | EmailDestination] = {}
    secret = settings.notify_webhook_secret
    for url in settings.notify_webhooks:
        name = f"webhook-{_digest(url, settings.notify_webhook_format)}"
        destinations[name] = WebhookDestination(url=url, format=settings.notify_webhook_format, secret=secret)
    if settings.notify_smtp:
        if not settings.notify_to:
            raise RoutesError("--smtp needs at least one --to address")
        name = f"email-{_digest(settings.notify_smtp, *sorted(settings.notify_to))}"
        destinations[name] = EmailDestination(
            smtp=settings.notify_smtp,
            starttls=settings.notify_starttls,
            user=settings.notify_smtp_user,
            password=settings.notify_smtp_password,
            sender=settings.notify_from,
            to=settings.notify_to,
        )
    elif settings.notify_to:
        raise RoutesError("--to needs --smtp HOST:PORT")
    if not destinations:
        return None
    return Routes(destinations=destinations, routes=[Route(to=list(destinations))])


def routes_for(settings: Settings) -> Routes | None:
    """The routes the settings configure (file and flags together), ``None`` if none; :class:`RoutesError` if bad."""
    try:
        flags = routes_from_flags(settings)
    except ValidationError as exc:
        raise RoutesError("; ".join(e["msg"] for e in exc.errors(include_url=False))) from None
    if settings.notify_routes_file is None:
        return flags
    return load_routes_file(settings.notify_routes_file).merged(flags)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:10]
