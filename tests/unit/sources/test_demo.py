"""The demo feed: synthetic and marked so, many pairs and event types, backfilled baseline, a PRK–RUS burst at
20–40 s, the four seed stories — and wording the real classifier turns into the intended dyads."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schemas.article import RawArticle
from streams.classifier.core import get_classifier
from streams.runtime.settings import Settings
from streams.sources.demo import (
    SOURCE,
    DemoWriter,
    Pair,
    backfill,
    live_schedule,
    load_world,
    run_demo_feed,
    seed_stories,
)

WATCH_TOPICS = {"trade", "sanctions", "military", "nuclear", "missile"}


@pytest.fixture(scope="module")
def every_template() -> list[RawArticle]:
    """Several articles for every (pair, event kind) of the world, bursts included."""
    world = load_world()
    writer = DemoWriter(world, random.Random(3), "test")
    now = datetime.now(UTC)
    pairs = [*world.pairs, *(b.pair for b in world.bursts)]
    return [writer.article(Pair(p.a, p.b, 1, (kind,)), now, "t") for p in pairs for kind in p.events for _ in range(4)]


def test_synthetic_articles_are_marked_and_unique(every_template: list[RawArticle]) -> None:
    assert all(a.source == SOURCE and a.metadata["synthetic"] is True for a in every_template)
    assert all(a.url and a.url.startswith("https://demo.dyadwatch.invalid/") for a in every_template)
    assert len({a.id for a in every_template}) == len(every_template)
    assert len({a.metadata["demo_dyad"] for a in every_template}) >= 20
    assert len({a.metadata["demo_event"] for a in every_template}) >= 10


def test_the_classifier_finds_the_intended_dyad(every_template: list[RawArticle]) -> None:
    classifier = get_classifier()
    results = [(a, classifier.classify(a.title, a.text)) for a in every_template]
    hits = sum(1 for a, r in results if r.dyads and r.dyads[0].dyad == a.metadata["demo_dyad"])
    assert hits >= 0.9 * len(results)


def test_burst_articles_trip_the_prk_rus_watch_list() -> None:
    world = load_world()
    [burst] = [b for b in world.bursts if {b.pair.a, b.pair.b} == {"PRK", "RUS"}]
    writer = DemoWriter(world, random.Random(5), "test")
    classifier = get_classifier()
    now = datetime.now(UTC)
    articles = [writer.article(burst.pair, now, "burst") for _ in range(40)]
    results = [classifier.classify(a.title, a.text) for a in articles]
    on_watch = [r for r in results if r.dyads and r.dyads[0].dyad == "PRK-RUS" and WATCH_TOPICS & set(r.topics)]
    assert len(on_watch) >= 0.8 * len(results)


def test_schedule_has_the_prk_rus_surge_between_20_and_40_seconds() -> None:
    world = load_world()
    schedule = list(live_schedule(world, random.Random(1), rate=2.0, duration=60.0))
    assert [at for at, _, _ in schedule] == sorted(at for at, _, _ in schedule)
    surge = [at for at, pair, phase in schedule if phase == "burst" and {pair.a, pair.b} == {"PRK", "RUS"}]
    assert len(surge) >= 20 and all(20 <= at <= 40 for at in surge)
    background = Counter(f"{p.a}-{p.b}" for _, p, phase in schedule if phase == "background")
    assert 60 <= sum(background.values()) <= 180 and len(background) >= 10


def test_backfill_gives_past_baseline_history() -> None:
    world = load_world()
    now = datetime.now(UTC)
    history = backfill(DemoWriter(world, random.Random(2), "test"), now)
    assert len(history) == int(world.backfill_hours * world.backfill_per_hour)
    assert all(
        now - timedelta(hours=world.backfill_hours) <= a.published_at <= now - timedelta(minutes=15) for a in history
    )
    assert sum(a.metadata["demo_dyad"] == "PRK-RUS" for a in history) >= 5


def test_seed_stories_come_from_the_shared_page_or_the_shipped_copy(monkeypatch, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    from_shared = seed_stories(now)
    monkeypatch.setenv("DYADWATCH_SHARED_DIR", str(tmp_path))  # nothing there: the shipped copy is used
    from_copy = seed_stories(now)
    assert [a.id for a in from_shared] == [a.id for a in from_copy] and len(from_copy) == 4
    assert all(
        a.published_at == now and a.metadata["original_published_at"].startswith("2025-12-06") for a in from_copy
    )


async def test_short_dry_run_sends_seed_backfill_and_live(tmp_path: Path, capsys) -> None:
    stats = await run_demo_feed(Settings(data_dir=tmp_path), rate=50.0, duration=0.5, seed=1, dry_run=True)
    lines = capsys.readouterr().out.splitlines()
    articles = [RawArticle.model_validate_json(line) for line in lines]
    phases = Counter(a.metadata.get("demo_phase") for a in articles)
    assert stats.emitted == len(articles)
    assert phases["seed"] == 4 and phases["backfill"] > 100 and phases["background"] >= 1
