"""`dyadwatch up` starts the notifier when routes are configured, says so, and refuses bad routes before starting."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from streams.kafka.broker.embedded import free_port
from streams.runtime.settings import Settings
from tests.integration.notify.notify_io import group_settled
from tests.integration.notify.receivers import SmtpInbox, WebhookReceiver
from tests.unit.notify.alerts import SEED_APPLES_ID
from tests.waiting import wait_until

DYADWATCH = str(Path(sys.executable).parent / "dyadwatch")


def _env(tmp_path: Path, **notify: str) -> dict[str, str]:
    return {
        **os.environ,
        "DYADWATCH_DATA_DIR": str(tmp_path),
        "DYADWATCH_WORKER_WEB_PORT": str(free_port()),
        **{f"DYADWATCH_NOTIFY_{k.upper()}": v for k, v in notify.items()},
    }


def test_up_starts_the_notifier_and_the_seed_page_alert_arrives_once(tmp_path: Path) -> None:
    """The whole system: the demo feed sends the seed page, the worker raises watch:PRK-RUS for its story of North
    Korean apples in Russian shops, the notifier `up` started delivers it to a webhook and an inbox, once each."""
    receiver, inbox = WebhookReceiver().start(), SmtpInbox().start()
    port = free_port()
    env = _env(tmp_path, webhooks=receiver.url(), smtp=inbox.address, to="duty@example.org", starttls="false")
    proc = subprocess.Popen(
        [DYADWATCH, "up", "--port", str(port), "--dashboard-port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    output: list[str] = []
    pump = threading.Thread(target=lambda: output.extend(iter(proc.stdout.readline, "")), daemon=True)
    pump.start()

    def printed(what: str) -> str:
        return f"{what} not seen; `up` printed:\n{''.join(output)[-4000:]}"

    def seed_alert_ids() -> set[str]:
        return {
            r.alert_id
            for r in list(receiver.requests)
            if r.json()["rule"] == "watch:PRK-RUS" and SEED_APPLES_ID in r.json()["sample_article_ids"]
        }

    try:
        assert wait_until(lambda: "Ctrl-C stops everything" in "".join(output), timeout=150), printed("the start")
        assert "Notifier: new alerts to webhook-" in "".join(output)
        assert wait_until(seed_alert_ids, timeout=240), printed("the seed page's PRK-RUS alert at the webhook")
        [seed_id] = seed_alert_ids()
        assert wait_until(lambda: seed_id in inbox.alert_ids(), timeout=150), printed("the alert in the inbox")
        settings = Settings(bootstrap_servers=f"127.0.0.1:{port}")
        settled = wait_until(lambda: asyncio.run(group_settled(settings)), timeout=150)
        assert settled, printed("every alert so far settled")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=90)
        pump.join(timeout=10)
        receiver.stop()
        inbox.stop()
    assert "all processes stopped, broker included" in "".join(output)
    hooks, mails = Counter(r.alert_id for r in receiver.requests), inbox.alert_ids()
    assert (hooks[seed_id], mails[seed_id]) == (1, 1)
    assert set(hooks.values()) == {1} and set(mails.values()) == {1}, "some alert was sent twice"


def test_up_refuses_bad_routes_before_starting_anything(tmp_path: Path) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("destinations: {}\nroutes: [{to: [nobody]}]\n")
    result = subprocess.run(
        [DYADWATCH, "up", "--port", str(free_port()), "--no-demo"],
        capture_output=True,
        text=True,
        env=_env(tmp_path, routes_file=str(routes)),
        timeout=60,
    )
    assert result.returncode == 1
    assert "error: notifier routes" in result.stderr and "unknown destinations: nobody" in result.stderr
    assert "Starting Apache Kafka" not in result.stdout
    assert not (tmp_path / "kafka").exists()
