"""What an alert looks like at each destination: webhook bodies (generic JSON, Slack, Microsoft Teams, Mattermost)
and a mail (plain text and HTML). Pure functions of the alert, so every format is unit-tested on its own.

All alert text is escaped for where it lands: Slack's mrkdwn control characters, Mattermost's Markdown, HTML.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from schemas.alert import Alert, Severity
from streams.notify.routes import EmailDestination, WebhookFormat

COLOURS = {Severity.LOW: "#6b7280", Severity.MEDIUM: "#d97706", Severity.HIGH: "#dc2626", Severity.CRITICAL: "#7f1d1d"}


def title(alert: Alert) -> str:
    return f"[{alert.severity.upper()}] {alert.rule} on {alert.dyad}"


def facts(alert: Alert) -> list[tuple[str, str]]:
    """The alert's details as (label, value) pairs, the same in every format."""
    rows = [
        ("Dyad", alert.dyad),
        ("Rule", f"{alert.rule} ({alert.kind})"),
        ("Severity", str(alert.severity)),
        ("Window", f"{_when(alert.window_start)} to {_when(alert.window_end)}"),
        ("Observed", _number(alert.observed)),
    ]
    if alert.expected is not None:
        rows.append(("Expected", _number(alert.expected)))
    rows += [("Raised", _when(alert.created_at)), ("Alert id", alert.id)]
    return rows


def webhook_body(alert: Alert, fmt: WebhookFormat) -> bytes:
    """The POST body for a webhook of format ``fmt``; ``json`` is the alert exactly as on the alerts topic."""
    if fmt == "json":
        return alert.to_bytes()
    doc = {"slack": _slack, "teams": _teams, "mattermost": _mattermost}[fmt](alert)
    return json.dumps(doc, ensure_ascii=False).encode()


def _slack(alert: Alert) -> dict[str, Any]:
    text = f"*{_slack_escape(title(alert))}*\n{_slack_escape(alert.reason)}"
    fields = [{"type": "mrkdwn", "text": f"*{label}*\n{_slack_escape(value)}"} for label, value in facts(alert)]
    return {
        "text": _slack_escape(f"{title(alert)}: {alert.reason}"),  # the notification's plain fallback
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "section", "fields": fields[:10]},
        ],
    }


def _mattermost(alert: Alert) -> dict[str, Any]:
    return {
        "text": f"**{_md_escape(title(alert))}**",
        "attachments": [
            {
                "fallback": f"{title(alert)}: {alert.reason}",
                "color": COLOURS[alert.severity],
                "text": _md_escape(alert.reason),
                "fields": [
                    {"short": True, "title": label, "value": _md_escape(value)} for label, value in facts(alert)
                ],
            }
        ],
    }


def _teams(alert: Alert) -> dict[str, Any]:
    """An Adaptive Card in a message, the body Teams' Workflows ("Post to a channel when a webhook request is
    received") and incoming webhooks take. Text blocks are plain: the card's Markdown subset has no escaping."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": title(alert), "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": alert.reason, "wrap": True},
            {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in facts(alert)]},
        ],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def email_message(alert: Alert, destination: EmailDestination, *, name: str, now: datetime) -> EmailMessage:
    """A multipart/alternative mail: plain text first, then HTML with every alert value escaped.

    The Message-ID is the same for every try of one (alert, destination), so a mail system that keeps the first
    of a repeated Message-ID drops a resend after a crash.
    """
    msg = EmailMessage()
    msg["Subject"] = f"dyadwatch {title(alert)}"
    msg["From"] = destination.sender
    msg["To"] = ", ".join(destination.to)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = f"<{alert.id}.{re.sub(r'[^A-Za-z0-9._-]', '-', name)}@dyadwatch>"
    msg["X-Dyadwatch-Alert-Id"] = alert.id
    width = max(len(label) for label, _ in facts(alert))
    lines = [
        title(alert),
        "",
        alert.reason,
        "",
        *(f"{label + ':':<{width + 1}} {value}" for label, value in facts(alert)),
    ]
    msg.set_content("\n".join(lines) + "\n")
    rows = "".join(
        f'<tr><th align="left" style="padding-right:12px">{html.escape(label)}</th><td>{html.escape(value)}</td></tr>'
        for label, value in facts(alert)
    )
    msg.add_alternative(
        "<!doctype html><html><body>"
        f'<h2 style="color:{COLOURS[alert.severity]}">{html.escape(title(alert))}</h2>'
        f"<p>{html.escape(alert.reason)}</p><table>{rows}</table></body></html>",
        subtype="html",
    )
    return msg


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) >= 0.01 or value == 0 else f"{value:.2e}"


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)
