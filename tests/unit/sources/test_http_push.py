"""HTTP push: 202 with ids, 422 with field errors, 413 oversize, 401 without the token, health."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from schemas.article import RawArticle, article_id
from streams.sources.http_push import make_push_app
from streams.sources.sink import PrintSink


@pytest.fixture
async def push() -> AsyncIterator[tuple[str, io.StringIO]]:
    out = io.StringIO()
    runner = web.AppRunner(make_push_app(PrintSink(out), token="s3cret", max_body_bytes=50_000), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", out
    finally:
        await runner.cleanup()


AUTH = {"Authorization": "Bearer s3cret"}


async def test_one_object_or_an_array_is_accepted_with_ids(push) -> None:
    base, out = push
    one = {
        "title": "Russia and North Korea sign pact",
        "text": "Moscow and Pyongyang signed.",
        "url": "https://example.com/pact",
        "published_at": "2025-06-03T08:00:00Z",
    }
    async with httpx.AsyncClient(headers=AUTH) as client:
        first = await client.post(f"{base}/articles", json=one)
        batch = await client.post(f"{base}/articles", json=[one, {"title": "Title only", "source": "partner:x"}])
        health = await client.get(f"{base}/health")
    assert first.status_code == 202 and first.json()["ids"] == [article_id("https://example.com/pact", "push", "x")]
    assert batch.status_code == 202
    assert batch.json()["duplicates"] == first.json()["ids"]
    assert batch.json()["ids"][1] == article_id(None, "partner:x", "Title only")
    printed = [RawArticle.model_validate_json(line) for line in out.getvalue().splitlines()]
    assert [a.title for a in printed] == ["Russia and North Korea sign pact", "Title only"]
    assert health.json() == {"status": "ok", "accepted": 2, "rejected": 0}


async def test_invalid_items_get_field_level_errors_and_nothing_is_sent(push) -> None:
    base, out = push
    items = [
        {"title": "fine", "text": "fine"},
        {"title": "bad url", "text": "x", "url": "file:///etc/passwd"},
        {"text": "x", "published_at": "not a date", "colour": "red"},
        "not an object",
        {"title": "", "text": ""},
    ]
    async with httpx.AsyncClient(headers=AUTH) as client:
        response = await client.post(f"{base}/articles", json=items)
    assert response.status_code == 422
    errors = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert errors == {(1, "url"), (2, "published_at"), (2, "colour"), (3, None), (4, "text")}
    assert out.getvalue() == ""


async def test_oversize_bad_json_and_missing_token(push) -> None:
    base, _ = push
    async with httpx.AsyncClient() as client:
        unauthorised = await client.post(f"{base}/articles", json={"title": "t"})
        oversize = await client.post(
            f"{base}/articles", headers=AUTH, content=json.dumps({"title": "t", "text": "x" * 60_000})
        )
        not_json = await client.post(f"{base}/articles", headers=AUTH, content=b"{nope")
        empty = await client.post(f"{base}/articles", headers=AUTH, json=[])
        health = await client.get(f"{base}/health")
    assert unauthorised.status_code == 401
    assert oversize.status_code == 413
    assert not_json.status_code == 400
    assert empty.status_code == 422
    assert health.status_code == 200
