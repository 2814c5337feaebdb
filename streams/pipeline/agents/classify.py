"""classify: articles → events and dyad-events. Drops re-sent articles (by id, within the dedup horizon),
classifies the rest, publishes each event and its per-dyad records (``fan_out``), and at the end of the batch one
partial per (dyad, window) it touched for the count agent (``streams/pipeline/partials.py``).

The dedup memory is partitioned like the articles topic, so it only sees every copy of an article when every copy
is keyed by its id. A record found on another partition than its id's (another key, or none) is sent back to
``articles`` keyed by its id and handled when it arrives there: however a producer keys an article, it is counted
once. An article published further in the future than ``DYADWATCH_FUTURE_TOLERANCE_S`` is dead-lettered
(``future_timestamp``): its window does not exist yet, and no clock skew explains it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Protocol

from schemas import ClassifiedEvent, RawArticle
from schemas.base import utc_now
from streams.pipeline.agents import fan_out
from streams.pipeline.agents.deadletter import Rejected
from streams.pipeline.agents.dedup_memory import BatchLog, DedupEntries, SightingsTable
from streams.pipeline.agents.faust_internals import acting_for, key_partition
from streams.pipeline.agents.stage import Item, Pipeline, run_stage
from streams.pipeline.dedup import Sighting, Verdict, judge
from streams.pipeline.partials import TOPIC_SUFFIX, Partials

AGENT = "classify"
log = logging.getLogger("dyadwatch.agents.classify")


class Classifier(Protocol):
    def classify(self, title: str, text: str, **article: Any) -> ClassifiedEvent: ...


def sighting_timing(horizon_s: float):
    """(partition, event time, expiry) of a stored sighting, for the expiring table."""

    def timing(value: dict[str, Any]) -> tuple[int, float, float]:
        seen = Sighting.from_dict(value)
        return seen.partition, seen.seen_at, seen.seen_at + horizon_s

    return timing


def classify_article(classifier: Classifier, article: RawArticle) -> ClassifiedEvent:
    """Run the classifier core; any failure of it on this article becomes a dead letter, not a crash."""
    try:
        return classifier.classify(
            article.title,
            article.text,
            article_id=article.id,
            source=article.source,
            url=article.url,
            published_at=article.published_at,
        )
    except Exception as exc:
        log.exception("classifier failed", extra={"article_id": article.id})
        reason = f"the classifier failed on this article: {type(exc).__name__}: {exc}"
        raise Rejected("classifier_error", reason) from exc


def check_not_future(article: RawArticle, tolerance_s: float) -> None:
    """Refuse an article published more than ``tolerance_s`` after the worker's clock."""
    ahead_s = (article.published_at - utc_now()).total_seconds()
    if ahead_s > tolerance_s:
        raise Rejected(
            "future_timestamp",
            f"published_at {article.published_at.isoformat()} is {ahead_s:,.0f} s ahead of the worker's clock, "
            f"beyond the {tolerance_s:g} s tolerance (DYADWATCH_FUTURE_TOLERANCE_S)",
        )


def register(app: Any, pipeline: Pipeline, classifier: Classifier) -> None:
    horizon_s = pipeline.settings.dedup_horizon_days * 86400.0
    tolerance_s = pipeline.settings.future_tolerance_s
    articles_topic = pipeline.topics["articles"].get_topic_name()

    def keyed_elsewhere(item: Item[RawArticle]) -> bool:
        """True when the article's id belongs on another partition than the one it was read from."""
        key = item.value.id.encode()
        if item.event.message.key == key:  # keyed by its id, as every source does: no need to hash it
            return False
        return key_partition(pipeline.producer, articles_topic, key) != item.partition

    seen = pipeline.expiring_table(
        app,
        "article-dedup",
        "articles",
        sighting_timing(horizon_s),
        horizon_s,
        table_class=SightingsTable,
        entries=DedupEntries,
    )
    sightings = BatchLog(seen.table)

    def is_duplicate(item: Item[RawArticle]) -> bool:
        """Judge the article against the dedup memory and remember this sighting (in the item's partition)."""
        message = item.event.message
        seen.prepare(message.partition)
        current = Sighting(message.partition, message.offset, message.timestamp)
        stored = seen.get(item.value.id)
        previous = Sighting.from_dict(stored) if stored else None
        duplicate = judge(previous, current, horizon_s) is Verdict.DUPLICATE
        if not duplicate:
            # Written again on a replay too, so the changelog catches up with a store that was ahead of it.
            seen.put(item.value.id, current.to_dict())
            sightings.add(item.value.id, current, item.anchor)
        seen.advance(message.partition, message.timestamp)
        return duplicate

    partials = Partials(timedelta(minutes=pipeline.settings.window_minutes))

    async def handle(items: list[Item[RawArticle]]) -> None:
        try:
            await classify_each(items)
        finally:  # a batch that fails half-way still hands on what it remembered and published (see run_stage)
            sightings.flush()
            for partial, origins in partials.drain():
                await pipeline.send(AGENT, TOPIC_SUFFIX, partial.dyad, partial, origins=origins)

    async def classify_each(items: list[Item[RawArticle]]) -> None:
        """In three passes over the batch, so each stage's tables and code stay in the CPU caches: timed inside a busy
        worker, a demo article's classification took 163 µs of CPU between the other stages' work, 126 µs in a pass
        of its own (88 µs in a loop of nothing but classifications)."""
        fresh = await admit(items)
        done = []
        for item in fresh:
            try:
                done.append((item, classify_article(classifier, item.value)))
            except Rejected as rejected:
                await pipeline.reject(AGENT, item.event, rejected)
        for item, classified in done:
            await publish_event(item, classified)

    async def admit(items: list[Item[RawArticle]]) -> list[Item[RawArticle]]:
        """The batch's articles to classify: not elsewhere-keyed (sent on to their partition), not seen before,
        not from the future (dead-lettered)."""
        fresh = []
        for item in items:
            if keyed_elsewhere(item):
                await pipeline.send(AGENT, "articles", item.value.id, item.value, origins=(item.event,))
                continue
            with acting_for(item.anchor):
                if is_duplicate(item):
                    pipeline.metrics.duplicates.inc()
                    continue
            try:
                check_not_future(item.value, tolerance_s)
            except Rejected as rejected:
                await pipeline.reject(AGENT, item.event, rejected)
                continue
            fresh.append(item)
        return fresh

    async def publish_event(item: Item[RawArticle], classified: ClassifiedEvent) -> None:
        message = item.event.message
        # Keyed by the article id, whose articles partition this is (``keyed_elsewhere``): no hashing it again.
        await pipeline.send(
            AGENT, "events", classified.article_id, classified, origins=(item.event,), placed_as=message
        )
        for record in await fan_out.publish(pipeline, AGENT, classified, item.event):
            partials.add(record, message.partition, message.offset, item.event)

    @app.agent(pipeline.topics["articles"], name=AGENT)
    async def classify(stream: Any) -> None:
        await run_stage(pipeline, stream, agent=AGENT, model=RawArticle, handle=handle)
