"""HTTP push: 202 with ids, 422 with field errors, 413 oversize, 401 without the token, health."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from schemas.article import MAX_METADATA_KEYS, RawArticle, article_id
from streams.runtime.settings import Settings
from streams.sources.http_push import make_push_app
from streams.sources.sink import PrintSink


@pytest.fixture
async def push() -> AsyncIterator[tuple[str, io.StringIO]]:
    out = io.StringIO()
    sink = PrintSink(Settings(max_message_bytes=20_000), out)  # the dry-run sink applies the same size rule
    runner = web.AppRunner(make_push_app(sink, token="s3cret", max_body_bytes=50_000), access_log=None)
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


async def test_deeply_nested_bodies_are_400_not_500(push) -> None:
    base, out = push
    deep = b"[" * 20_000 + b"]" * 20_000  # past the JSON parser's own recursion limit, within the size cap
    nested = {"title": "t", "text": "x", "metadata": {}}
    cursor = nested["metadata"]
    for _ in range(40):
        cursor["a"] = {}
        cursor = cursor["a"]
    async with httpx.AsyncClient(headers=AUTH) as client:
        too_deep_to_parse = await client.post(f"{base}/articles", content=deep)
        too_deep = await client.post(f"{base}/articles", json=nested)
        health = await client.get(f"{base}/health")
    assert too_deep_to_parse.status_code == 400 and "deeply" in too_deep_to_parse.json()["error"]
    assert too_deep.status_code == 400 and "deeper than" in too_deep.json()["error"]
    assert health.json()["rejected"] == 2 and out.getvalue() == ""


async def test_metadata_is_bounded_in_keys_and_nesting(push) -> None:
    base, out = push
    many_keys = {"title": "a", "text": "x", "metadata": {f"k{i}": i for i in range(MAX_METADATA_KEYS + 1)}}
    nested = {"title": "b", "text": "x", "metadata": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}}
    fine = {"title": "d", "text": "x", "metadata": {f"k{i}": {"a": [1, 2]} for i in range(MAX_METADATA_KEYS)}}
    async with httpx.AsyncClient(headers=AUTH) as client:
        answers = [await client.post(f"{base}/articles", json=item) for item in (many_keys, nested, fine)]
    assert [a.status_code for a in answers] == [422, 422, 202]
    assert all(a.json()["errors"][0]["field"] == "metadata" for a in answers[:2])
    assert f"at most {MAX_METADATA_KEYS} items" in answers[0].json()["errors"][0]["message"]
    assert "nested deeper than 8 levels" in answers[1].json()["errors"][0]["message"]
    assert [RawArticle.model_validate_json(line).title for line in out.getvalue().splitlines()] == ["d"]


async def test_a_record_over_the_size_cap_once_serialised_is_refused_not_answered_202(push) -> None:
    """Each field within its own bound, the record as a whole over max_message_bytes: refused with the reason,
    and the other articles of the request are still delivered."""
    base, out = push
    big = {"title": "big", "text": "x" * 25_000}
    small = [{"title": f"small {i}", "text": "fine"} for i in range(3)]
    async with httpx.AsyncClient(headers=AUTH) as client:
        answer = await client.post(f"{base}/articles", json=[small[0], big, *small[1:]])
        again = await client.post(f"{base}/articles", json=big)
    assert answer.status_code == 422
    body = answer.json()
    [refused] = body["refused"]
    assert refused["index"] == 1 and refused["id"] == article_id(None, "push", "big")
    assert "over the 20000-byte cap" in refused["reason"]
    assert body["ids"] == [article_id(None, "push", f"small {i}") for i in range(3)]
    assert again.status_code == 422 and again.json()["duplicates"] == []  # never counted as a duplicate
    assert [RawArticle.model_validate_json(line).title for line in out.getvalue().splitlines()] == [
        "small 0",
        "small 1",
        "small 2",
    ]
