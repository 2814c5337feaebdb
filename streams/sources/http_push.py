"""``dyadwatch ingest serve``: an HTTP endpoint other systems push articles to.

``POST /articles`` takes one JSON article or an array of them. If any item is invalid, nothing is sent and 422 lists
each item's field errors. Otherwise every item goes to the broker, and the answer is 202 with their ids only when the
broker acknowledged every one (or had it already: ``duplicates``); when it refused some, the answer lists the ids it
took and each refused item with the broker's reason — 422 for a record it will never take (too large), 503 when
retrying later may help. Bodies over the cap get 413, bodies that are not JSON or nest deeper than
``MAX_BODY_DEPTH`` get 400. ``GET /health`` reports counts. With a token configured, POST needs
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas.article import RawArticle, nesting_depth
from schemas.base import MAX_TEXT_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS
from streams.runtime.settings import Settings
from streams.sources.article_fields import make_article
from streams.sources.rejections import Rejected, log_event, log_rejected
from streams.sources.sink import ArticleSink, SinkStats, open_sink

DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_ITEMS_PER_REQUEST = 1000
MAX_BODY_DEPTH = 16  # an array of articles whose metadata nests MAX_METADATA_DEPTH levels fits well within it


@dataclass
class PushState:
    token: str | None
    max_body_bytes: int
    accepted: int = 0
    rejected: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


SINK_KEY = web.AppKey("sink", ArticleSink)
STATE_KEY = web.AppKey("state", PushState)


class PushedArticle(BaseModel):
    """What a client may post. ``id``, ``schema_version`` and ``ingested_at`` are accepted and ignored: ids are ours."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field("push", min_length=1, max_length=200)
    url: str | None = Field(None, max_length=MAX_URL_CHARS)
    title: str = Field("", max_length=MAX_TITLE_CHARS)
    text: str = Field("", max_length=MAX_TEXT_CHARS)
    language: str | None = Field(None, max_length=16)
    published_at: datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None
    schema_version: int | None = None
    ingested_at: datetime | None = None

    def article(self) -> RawArticle:
        if self.url is not None and not self.url.lower().startswith(("http://", "https://")):
            raise Rejected("url: must be an http(s) URL")
        return make_article(
            source=self.source,
            title=self.title,
            text=self.text,
            url=self.url,
            published_at=self.published_at,
            language=self.language,
            metadata=self.metadata,
        )


def _item_errors(index: int, item: Any) -> tuple[RawArticle | None, list[dict[str, Any]]]:
    if not isinstance(item, dict):
        return None, [{"index": index, "field": None, "message": "each item must be a JSON object"}]
    try:
        return PushedArticle.model_validate(item).article(), []
    except ValidationError as exc:
        return None, [
            {"index": index, "field": ".".join(str(p) for p in err["loc"]) or None, "message": err["msg"]}
            for err in exc.errors()
        ]
    except Rejected as exc:
        field, _, message = exc.reason.partition(": ")
        if field not in PushedArticle.model_fields:  # e.g. 'no title and no text'
            field, message = "text", exc.reason
        return None, [{"index": index, "field": field, "message": message}]


def _authorised(request: web.Request, token: str | None) -> bool:
    if not token:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


async def post_articles(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if not _authorised(request, state.token):
        return web.json_response(
            {"error": "missing or wrong bearer token"}, status=401, headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        log_rejected("push", "request body over the size cap", peer=request.remote)
        return web.json_response({"error": f"body exceeds {state.max_body_bytes} bytes"}, status=413)
    try:
        payload = json.loads(raw)
    except RecursionError:
        payload, problem = None, "body nests too deeply to parse"
    except (ValueError, UnicodeDecodeError) as exc:
        payload, problem = None, f"body is not JSON: {exc}"
    else:
        problem = f"body nests deeper than {MAX_BODY_DEPTH} levels" if nesting_depth(payload) > MAX_BODY_DEPTH else None
    if problem is not None:
        state.rejected += 1
        log_rejected("push", problem, peer=request.remote)
        return web.json_response({"error": problem}, status=400)
    items = payload if isinstance(payload, list) else [payload]
    if not items or len(items) > MAX_ITEMS_PER_REQUEST:
        return web.json_response(
            {"errors": [{"index": None, "field": None, "message": f"send 1 to {MAX_ITEMS_PER_REQUEST} articles"}]},
            status=422,
        )
    articles, errors = [], []
    for index, item in enumerate(items):
        article, item_errors = _item_errors(index, item)
        errors += item_errors
        if article is not None:
            articles.append(article)
    if errors:
        state.rejected += len(items)
        log_rejected("push", "invalid articles", peer=request.remote, errors=errors[:20])
        return web.json_response({"errors": errors}, status=422)
    sink = request.app[SINK_KEY]
    async with state.lock:  # one batch at a time: a producer restart after a refusal never interleaves with another
        deliveries = [await sink.emit(article) for article in articles]
        await sink.flush()
    taken = [d.article_id for d in deliveries if d.status in ("delivered", "duplicate")]
    duplicates = [d.article_id for d in deliveries if d.status == "duplicate"]
    refused = [(index, d) for index, d in enumerate(deliveries) if d.status == "refused"]
    state.accepted += sum(d.status == "delivered" for d in deliveries)
    if not refused:
        return web.json_response({"ids": taken, "duplicates": duplicates}, status=202)
    state.rejected += len(refused)
    return web.json_response(
        {
            "error": "the broker did not take every article",
            "ids": taken,
            "duplicates": duplicates,
            "refused": [{"index": index, "id": d.article_id, "reason": d.reason} for index, d in refused],
        },
        status=503 if all(d.retriable for _, d in refused) else 422,
    )


async def health(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response({"status": "ok", "accepted": state.accepted, "rejected": state.rejected})


def make_push_app(
    sink: ArticleSink, *, token: str | None = None, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> web.Application:
    app = web.Application(client_max_size=max_body_bytes)
    app[SINK_KEY] = sink
    app[STATE_KEY] = PushState(token, max_body_bytes)
    app.router.add_post("/articles", post_articles)
    app.router.add_get("/health", health)
    return app


async def serve_push(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    dry_run: bool = False,
    resend: bool = False,
    stop: asyncio.Event | None = None,
    started: asyncio.Event | None = None,
) -> SinkStats:
    """Serve until ``stop`` is set; ``started`` is set once the port accepts connections."""
    stop = stop or asyncio.Event()
    async with open_sink(settings, dry_run=dry_run, resend=resend) as sink:
        runner = web.AppRunner(make_push_app(sink, token=token, max_body_bytes=max_body_bytes), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
            log_event("push_listening", url=f"http://{host}:{port}/articles", token=bool(token))
            if started is not None:
                started.set()
            await stop.wait()
        finally:
            await runner.cleanup()
        return sink.stats
