"""One mail of an alert through an SMTP server: STARTTLS with the certificate checked, login when configured.

smtplib in a worker thread: one short session per mail, no connection kept open between alerts.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage

from schemas.alert import Alert
from streams.notify.messages import email_message
from streams.notify.retry import DeliveryFailed
from streams.notify.routes import EmailDestination


async def mail_alert(alert: Alert, destination: EmailDestination, *, name: str, timeout_s: float) -> None:
    message = email_message(alert, destination, name=name, now=datetime.now(UTC))
    await asyncio.to_thread(_send, message, destination, timeout_s)


def _send(message: EmailMessage, destination: EmailDestination, timeout_s: float) -> None:
    try:
        with smtplib.SMTP(destination.host, destination.port, timeout=timeout_s) as smtp:
            if destination.starttls:
                cafile = str(destination.ca_file) if destination.ca_file else None
                smtp.starttls(context=ssl.create_default_context(cafile=cafile))
            if destination.user:
                password = destination.password.get_secret_value() if destination.password else ""
                smtp.login(destination.user, password)
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryFailed(f"every recipient refused: {_codes(exc.recipients)}", permanent=True) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailed(f"login refused: {exc.smtp_code} {exc.smtp_error!r}", permanent=True) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryFailed(f"server does not support it: {exc}", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from None
    except (smtplib.SMTPException, OSError) as exc:  # connection refused/reset, timeouts, TLS failures
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:500]) from None
    if refused:
        raise DeliveryFailed(f"some recipients refused: {_codes(refused)}", permanent=True)


def _codes(refused: dict[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{addr} ({code})" for addr, (code, _) in refused.items())[:500]
