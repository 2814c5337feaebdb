"""``dyadwatch ingest demo``: a synthetic news feed that makes the dashboard come alive within a minute.

It sends (1) the four real stories of the seed news page, (2) a few hours of backfilled history with past
publication times, so spike rules have a baseline, (3) a steady background of articles across many country pairs and
event types, and (4) scheduled bursts — a PRK–RUS surge 20–40 s after start — that trip the spike and watch-list
rules. Every synthetic article says so: ``source == "demo:synthetic"``, ``metadata["synthetic"] is True``, and its
link is under the reserved ``.invalid`` domain. The world it draws from is ``data/demo_feed.yaml``.
"""

from __future__ import annotations

import asyncio
import heapq
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from schemas.article import RawArticle
from schemas.base import make_dyad, utc_now
from streams.runtime.settings import PROJECT_ROOT, Settings
from streams.sources.article_fields import make_article
from streams.sources.news_page import page_articles
from streams.sources.pacing import sleep_or_stop
from streams.sources.rejections import log_event
from streams.sources.sink import ArticleSink, SinkStats, open_sink

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE = "demo:synthetic"
_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "to", "in", "on"})
DEMO_HOST = "https://demo.dyadwatch.invalid"  # RFC 2606: can never resolve, so no one mistakes these for real links


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    weight: float
    events: tuple[str, ...]


@dataclass(frozen=True)
class Burst:
    pair: Pair
    start_s: float
    end_s: float
    count: int


@dataclass(frozen=True)
class DemoWorld:
    countries: dict[str, dict[str, str]]
    pairs: tuple[Pair, ...]
    events: dict[str, dict[str, Any]]
    bursts: tuple[Burst, ...]
    backfill_hours: float
    backfill_per_hour: float


@lru_cache(maxsize=2)
def load_world(path: Path = DATA_DIR / "demo_feed.yaml") -> DemoWorld:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = tuple(Pair(p["a"], p["b"], float(p.get("weight", 1)), tuple(p["events"])) for p in data["pairs"])
    bursts = tuple(
        Burst(Pair(b["a"], b["b"], 1.0, tuple(b["events"])), float(b["start_s"]), float(b["end_s"]), int(b["count"]))
        for b in data.get("bursts", [])
    )
    backfill = data.get("backfill", {})
    return DemoWorld(
        data["countries"],
        pairs,
        data["events"],
        bursts,
        float(backfill.get("hours", 0)),
        float(backfill.get("articles_per_hour", 0)),
    )


class DemoWriter:
    """Writes one synthetic article for a pair and event kind, with wording drawn from the world's templates."""

    def __init__(self, world: DemoWorld, rng: random.Random, run_id: str) -> None:
        self.world, self.rng, self.run_id = world, rng, run_id
        self.count = 0

    def _fill(self, template: str, values: dict[str, str]) -> str:
        text = template.format(**values)
        return text[0].upper() + text[1:]

    @staticmethod
    def _headline_case(phrase: str) -> str:
        return " ".join(w if w in _SMALL_WORDS else w[0].upper() + w[1:] for w in phrase.split())

    def article(self, pair: Pair, published_at: datetime, phase: str) -> RawArticle:
        kind = self.rng.choice(pair.events)
        event = self.world.events[kind]
        a, b = (pair.b, pair.a) if event.get("symmetric") and self.rng.random() < 0.5 else (pair.a, pair.b)
        ca, cb = self.world.countries[a], self.world.countries[b]
        values = {
            "a": ca["name"],
            "a_adj": ca["adj"],
            "a_cap": ca["cap"],
            "b": cb["name"],
            "b_adj": cb["adj"],
            "b_cap": cb["cap"],
            "item": self.rng.choice(event["items"]),
            "day": published_at.strftime("%A"),
            "n": str(self.rng.randint(3, 40)),
        }
        title = self._fill(self.rng.choice(event["titles"]), {**values, "item": self._headline_case(values["item"])})
        self.count += 1
        slug = "-".join(w for w in title.lower().replace(";", "").replace(",", "").split()[:8])
        return make_article(
            source=SOURCE,
            url=f"{DEMO_HOST}/{self.run_id}/{self.count}/{slug}",
            title=title,
            text=self._fill(self.rng.choice(event["texts"]), values),
            published_at=published_at,
            language="en",
            metadata={
                "synthetic": True,
                "demo_phase": phase,
                "demo_event": kind,
                "demo_dyad": make_dyad(a, b),
                "demo_actor": a,
                "demo_target": b,
            },
        )


def seed_page_path() -> Path:
    """The seed news page: ``$DYADWATCH_SHARED_DIR/seed/news_page.txt`` (or ../shared) if present, else our copy."""
    shared = Path(os.environ.get("DYADWATCH_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
    candidate = shared / "seed" / "news_page.txt"
    return candidate if candidate.is_file() else DATA_DIR / "news_page.txt"


def seed_stories(now: datetime) -> list[RawArticle]:
    """The seed page's four real stories, re-dated to ``now`` so they show in the live view (original date kept)."""
    stories = page_articles(seed_page_path().read_bytes(), source="page:news_page.txt")
    return [
        s.model_copy(
            update={
                "published_at": now,
                "metadata": {**s.metadata, "demo_phase": "seed", "original_published_at": s.published_at.isoformat()},
            }
        )
        for s in stories
    ]


def backfill(writer: DemoWriter, now: datetime) -> list[RawArticle]:
    """Past articles spread over the backfill hours (oldest first), weighted by pair like the background."""
    world = writer.world
    total = int(world.backfill_hours * world.backfill_per_hour)
    weights = [p.weight for p in world.pairs]
    span = world.backfill_hours * 3600
    # stop a window short of now, so the live window starts from the background and bursts alone
    offsets = sorted((writer.rng.uniform(15 * 60, span) for _ in range(total)), reverse=True)
    return [
        writer.article(writer.rng.choices(world.pairs, weights)[0], now - timedelta(seconds=off), "backfill")
        for off in offsets
    ]


def live_schedule(
    world: DemoWorld, rng: random.Random, rate: float, duration: float | None
) -> Iterator[tuple[float, Pair, str]]:
    """(seconds after start, pair, phase) in time order: a Poisson background at ``rate``/s plus the bursts."""
    queue: list[tuple[float, int, Pair, str]] = []
    for burst in world.bursts:
        if duration is None or burst.start_s < duration:
            for _ in range(burst.count):
                heapq.heappush(queue, (rng.uniform(burst.start_s, burst.end_s), len(queue), burst.pair, "burst"))
    weights = [p.weight for p in world.pairs]
    next_background = rng.expovariate(rate) if rate > 0 else float("inf")
    while True:
        if queue and queue[0][0] <= next_background:
            at, _, pair, phase = heapq.heappop(queue)
        elif next_background != float("inf"):
            at, pair, phase = next_background, rng.choices(world.pairs, weights)[0], "background"
            next_background += rng.expovariate(rate)
        else:
            return
        if duration is not None and at > duration:
            return
        yield at, pair, phase


async def _emit_all(sink: ArticleSink, articles: list[RawArticle]) -> None:
    for article in articles:
        await sink.emit(article)
    await sink.flush()


async def run_demo_feed(
    settings: Settings,
    *,
    rate: float | None = None,
    duration: float | None = None,
    seed: int = 7,
    dry_run: bool = False,
    resend: bool = False,
    stop: asyncio.Event | None = None,
    seed_page: bool = True,
) -> SinkStats:
    """Run the demo feed until ``duration`` seconds have passed (forever when None) or ``stop`` is set.

    ``rate`` is the live background in articles/s; by default the backfilled history's own rate, so that only the
    scheduled bursts stand out as spikes. ``seed_page=False`` leaves the seed page's stories out (``dyadwatch up``
    sends them itself, or not, and says so).
    """
    stop = stop or asyncio.Event()
    world = load_world()
    rate = world.backfill_per_hour / 3600 if rate is None else rate
    rng = random.Random(seed)
    started, now = time.monotonic(), utc_now()
    writer = DemoWriter(world, rng, run_id=f"{now:%Y%m%dT%H%M%S}-{seed}")
    async with open_sink(settings, dry_run=dry_run, resend=resend) as sink:
        if seed_page:
            await _emit_all(sink, seed_stories(now))
        await _emit_all(sink, backfill(writer, now))
        log_event("demo_backfilled", articles=sink.stats.emitted, hours=world.backfill_hours)
        for at, pair, phase in live_schedule(world, rng, rate, duration):
            if await sleep_or_stop(stop, at - (time.monotonic() - started)):
                break
            await sink.emit(writer.article(pair, datetime.now(UTC), phase))
            if phase == "burst" or writer.count % 10 == 0:
                await sink.flush()  # keep live articles live: no batching delay on the way to the dashboard
        await sink.flush()
        return sink.stats
