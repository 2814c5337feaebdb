"""Local destinations for the notifier's tests, on 127.0.0.1 only: a webhook receiver and an SMTP inbox (aiosmtpd).

Both run in threads of the test process, so a notifier in the test's event loop or in a subprocess can reach them.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from streams.kafka.broker.embedded import free_port


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def alert_id(self) -> str:
        return self.headers["Idempotency-Key"]

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """Records every POST. ``statuses`` answers the n-th request of a path (the last one repeats; default 200).

    Like a receiver that honours ``Idempotency-Key``, it acts on (``accepted``) the first request of a key that it
    answered 2xx, or is answering, and answers later ones 200 without acting again. ``delay_s`` holds every answer,
    after the request was recorded: a sender killed meanwhile never sees the answer.
    """

    def __init__(self, *, statuses: list[int] | None = None, delay_s: float = 0.0) -> None:
        self.statuses = statuses or [200]
        self.delay_s = delay_s
        self.requests: list[Request] = []
        self.accepted: list[Request] = []
        self.in_flight = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Request(self.path, dict(self.headers.items()), body)
                status = receiver._admit(request)
                try:
                    time.sleep(receiver.delay_s)
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender went away
                finally:
                    with receiver._lock:
                        receiver.in_flight -= 1

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _admit(self, request: Request) -> int:
        with self._lock:
            self.in_flight += 1
            self.requests.append(request)
            nth = sum(1 for r in self.requests if r.path == request.path) - 1
            status = self.statuses[min(nth, len(self.statuses) - 1)]
            key = request.headers.get("Idempotency-Key")
            if 200 <= status < 300 and not any(r.headers.get("Idempotency-Key") == key for r in self.accepted):
                self.accepted.append(request)
            return status

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self._server.server_port}{path}"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def accepted_ids(self, path: str | None = None) -> Counter[str]:
        with self._lock:
            return Counter(r.alert_id for r in self.accepted if path is None or r.path == path)


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class SmtpInbox:
    """An SMTP server on 127.0.0.1 keeping every mail; with ``cert`` it offers STARTTLS and requires it, with
    ``credentials`` it requires a login (over TLS)."""

    cert: tuple[Path, Path] | None = None
    credentials: tuple[str, str] | None = None
    mails: list[Mail] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    def start(self) -> SmtpInbox:
        kwargs: dict[str, Any] = {}
        if self.cert is not None:
            import ssl

            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self.cert[0]), str(self.cert[1]))
            kwargs.update(tls_context=context, require_starttls=True)
        if self.credentials is not None:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=True)
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == self.credentials
        return AuthResult(success=ok, handled=False, auth_data=data.login.decode() if ok else None)

    def alert_ids(self) -> Counter[str]:
        return Counter(m.message["X-Dyadwatch-Alert-Id"] for m in self.mails)


class _Handler:
    def __init__(self, inbox: SmtpInbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        mail = Mail(envelope.mail_from, list(envelope.rcpt_tos), message, session.auth_data)  # type: ignore[arg-type]
        self.inbox.mails.append(mail)
        return "250 OK"


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (openssl), so STARTTLS is tested with the certificate checked."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key
