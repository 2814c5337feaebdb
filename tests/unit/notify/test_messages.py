"""Each destination format carries the alert, and alert text is escaped wherever it lands."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from schemas.alert import Alert
from streams.notify.messages import email_message, webhook_body
from streams.notify.routes import EmailDestination
from tests.unit.notify.alerts import make_alert

HOSTILE = "PRK-RUS <script>alert(1)</script> & <!here> *bold* [link](http://x)"


def test_json_body_is_the_alert_as_on_the_topic() -> None:
    alert = make_alert()
    body = webhook_body(alert, "json")
    assert body == alert.to_bytes()
    assert Alert.from_bytes(body) == alert


def test_slack_body_escapes_its_control_characters() -> None:
    doc = json.loads(webhook_body(make_alert(reason=HOSTILE), "slack"))
    text = json.dumps(doc)
    assert "<script>" not in text and "<!here>" not in text
    assert "&lt;!here&gt;" in doc["blocks"][0]["text"]["text"]
    assert "[HIGH] watch:PRK-RUS on PRK-RUS" in doc["text"]
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in doc["blocks"][1]["fields"]}
    assert fields["*Dyad*"] == "PRK-RUS" and fields["*Window*"] == "2025-12-06 09:00 UTC to 2025-12-06 09:15 UTC"


def test_mattermost_body_escapes_markdown() -> None:
    doc = json.loads(webhook_body(make_alert(reason=HOSTILE), "mattermost"))
    attachment = doc["attachments"][0]
    assert r"\*bold\*" in attachment["text"] and r"\[link\]" in attachment["text"]
    assert attachment["color"] == "#dc2626"
    assert {"short": True, "title": "Dyad", "value": "PRK-RUS"} in attachment["fields"]


def test_teams_body_is_an_adaptive_card() -> None:
    alert = make_alert()
    doc = json.loads(webhook_body(alert, "teams"))
    assert doc["type"] == "message"
    card = doc["attachments"][0]["content"]
    assert doc["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["type"] == "AdaptiveCard" and card["body"][1]["text"] == alert.reason
    assert {"title": "Alert id", "value": alert.id} in card["body"][2]["facts"]


def test_mail_has_plain_text_and_escaped_html() -> None:
    alert = make_alert(reason=HOSTILE)
    dest = EmailDestination(smtp="127.0.0.1:25", to=["duty@example.org"], sender="dyadwatch@example.org")
    msg = email_message(alert, dest, name="duty mail", now=datetime(2025, 12, 6, 10, tzinfo=UTC))
    assert msg["Subject"] == "dyadwatch [HIGH] watch:PRK-RUS on PRK-RUS"
    assert msg["To"] == "duty@example.org" and msg["X-Dyadwatch-Alert-Id"] == alert.id
    assert msg["Message-ID"] == f"<{alert.id}.duty-mail@dyadwatch>"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert HOSTILE in plain and "Window:" in plain
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!here&gt;" in html
