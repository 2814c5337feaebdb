"""Plausible, valid topic records for the dashboard's tests, benchmark and screenshots (deterministic per seed).

Counts are aggregated from the generated events exactly as the pipeline would, so the figures on every page agree.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from dashboard.live_view import LiveView
from schemas import Alert, ClassifiedEvent, DyadLink, DyadWindowCount, EventType, QuadClass, Severity
from schemas.base import utc_now
from schemas.event import ActorMention
from streams.kafka.clients import make_producer
from streams.runtime.settings import Settings

DYAD_WEIGHTS = {
    "PRK-RUS": 9,
    "KOR-PRK": 8,
    "CHN-USA": 10,
    "RUS-UKR": 12,
    "IRN-ISR": 7,
    "CHN-TWN": 6,
    "IND-PAK": 5,
    "JPN-PRK": 4,
    "RUS-USA": 6,
    "CHN-PHL": 3,
    "DEU-RUS": 2,
    "FRA-MLI": 1,
    "SYR-TUR": 3,
    "SAU-YEM": 2,
    "ARM-AZE": 2,
    "SRB-XKX": 1,
    "ETH-SOM": 1,
    "COD-RWA": 2,
    "USA-VEN": 2,
    "GBR-IRN": 1,
}
TYPE_QUAD = {
    EventType.CONSULT: (QuadClass.VERBAL_COOPERATION, 1.0),
    EventType.AGREE: (QuadClass.VERBAL_COOPERATION, 3.0),
    EventType.COOPERATE: (QuadClass.MATERIAL_COOPERATION, 5.0),
    EventType.AID: (QuadClass.MATERIAL_COOPERATION, 7.0),
    EventType.ACCUSE: (QuadClass.VERBAL_CONFLICT, -2.0),
    EventType.THREATEN: (QuadClass.VERBAL_CONFLICT, -6.0),
    EventType.SANCTION: (QuadClass.MATERIAL_CONFLICT, -5.0),
    EventType.MOBILIZE: (QuadClass.MATERIAL_CONFLICT, -7.0),
    EventType.ASSAULT: (QuadClass.MATERIAL_CONFLICT, -9.0),
}
TOPIC_OF = {
    EventType.SANCTION: "sanctions",
    EventType.MOBILIZE: "military",
    EventType.ASSAULT: "military",
    EventType.AID: "humanitarian",
    EventType.COOPERATE: "trade",
}
KIND_OF = {"watch": "watchlist", "spike": "spike", "escalation": "escalation", "first_seen": "first_seen"}
SOURCES = ("rss:reuters", "rss:yonhap", "rss:nknews", "gdelt", "rss:aljazeera", "rss:bbc")


@dataclass(frozen=True)
class SyntheticRecords:
    events: list[ClassifiedEvent]
    counts: list[DyadWindowCount]
    alerts: list[Alert]


def fill_view(view: LiveView, records: SyntheticRecords) -> LiveView:
    """Apply the records to a view directly, as the feed would after reading them from the topics."""
    for e in records.events:
        view.apply_event(e)
    for c in records.counts:
        view.apply_count(c.key, c)
    for a in records.alerts:
        view.apply_alert(a.id, a)
    return view


def make_event(
    article_id: str,
    dyad: str,
    published_at: datetime,
    event_type: EventType = EventType.SANCTION,
    title: str | None = None,
    url: str | None = None,
    source: str = "rss:demo",
) -> ClassifiedEvent:
    quad, intensity = TYPE_QUAD.get(event_type, (QuadClass.NONE, 0.0))
    a, b = dyad.split("-")
    return ClassifiedEvent(
        article_id=article_id,
        source=source,
        url=url or f"https://news.example.org/{article_id}",
        title=title or f"{a} and {b}: {event_type.value.lower()} reported",
        snippet=f"Report on {a} and {b}.",
        published_at=published_at,
        actors=[
            ActorMention(code=a, aliases=[a], mentions=1, role="source"),
            ActorMention(code=b, aliases=[b], mentions=1, role="target"),
        ],
        dyads=[DyadLink(dyad=dyad, source=a, target=b, weight=1.0)],
        event_type=event_type,
        quad_class=quad,
        topics=[TOPIC_OF[event_type]] if event_type in TOPIC_OF else [],
        intensity=intensity,
        confidence=0.8,
        explanation=[f"actor {a} matched", f"actor {b} matched", f"event {event_type.value}: keyword rule"],
        classifier_version="synthetic-1",
    )


def make_alert(
    alert_id: str,
    dyad: str,
    created_at: datetime,
    severity: Severity = Severity.HIGH,
    rule: str | None = None,
    reason: str | None = None,
    observed: float = 5.0,
) -> Alert:
    window_start = created_at.replace(minute=created_at.minute - created_at.minute % 15, second=0, microsecond=0)
    return Alert(
        id=alert_id,
        rule=rule or f"watch:{dyad}",
        kind=KIND_OF.get((rule or "watch").split(":")[0], "spike"),
        severity=severity,
        dyad=dyad,
        window_start=window_start,
        window_end=window_start + timedelta(minutes=15),
        observed=observed,
        expected=1.0,
        reason=reason or f"{dyad}: {observed:.0f} events in 15 min against about 1 expected",
        created_at=created_at,
    )


def window_counts(events: list[ClassifiedEvent], window_minutes: int = 15) -> list[DyadWindowCount]:
    """Tumbling-window counts per dyad, with breakdowns and mean intensity, as the pipeline computes them."""
    groups: defaultdict[tuple[str, datetime], list[ClassifiedEvent]] = defaultdict(list)
    size = timedelta(minutes=window_minutes)
    for e in events:
        ts = e.published_at
        start = ts - timedelta(minutes=ts.minute % window_minutes, seconds=ts.second, microseconds=ts.microsecond)
        for dyad in e.dyad_keys:
            groups[(dyad, start)].append(e)
    out = []
    for (dyad, start), members in groups.items():
        by_type: defaultdict[str, int] = defaultdict(int)
        by_quad: defaultdict[str, int] = defaultdict(int)
        for e in members:
            by_type[e.event_type.value] += 1
            by_quad[str(int(e.quad_class))] += 1
        out.append(
            DyadWindowCount(
                dyad=dyad,
                window_start=start,
                window_end=start + size,
                count=len(members),
                by_event_type=dict(by_type),
                by_quad_class=dict(by_quad),
                mean_intensity=sum(e.intensity for e in members) / len(members),
                sample_article_ids=[e.article_id for e in members[:10]],
                updated_at=start + size,
            )
        )
    return out


def generate(
    n_events: int = 2_000, n_alerts: int = 40, hours: float = 48.0, seed: int = 7, now: datetime | None = None
) -> SyntheticRecords:
    rng = random.Random(seed)
    now = now or utc_now()
    dyads, weights = list(DYAD_WEIGHTS), list(DYAD_WEIGHTS.values())
    types = list(TYPE_QUAD)
    events = []
    for i in range(n_events):
        # Skewed towards recent hours so trends rise, as a live feed looks.
        age = timedelta(hours=hours * rng.random() ** 1.6)
        dyad = rng.choices(dyads, weights)[0]
        events.append(make_event(f"syn-{seed}-{i:06d}", dyad, now - age, rng.choice(types), source=rng.choice(SOURCES)))
    severities = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW]
    alerts = [
        make_alert(
            f"syn-alert-{seed}-{i:05d}",
            dyad := rng.choices(dyads, weights)[0],
            now - timedelta(hours=hours * rng.random() ** 2),
            rng.choices(severities, [1, 3, 5, 6])[0],
            rule=rng.choice([f"watch:{dyad}", "spike:poisson", "escalation:intensity", "first_seen"]),
            observed=float(rng.randint(3, 40)),
        )
        for i in range(n_alerts)
    ]
    return SyntheticRecords(events, window_counts(events), alerts)


async def publish(settings: Settings, records: SyntheticRecords) -> None:
    """Produce the records to their topics with their registry keys, as the pipeline would."""
    producer = make_producer(settings, client_id="dyadwatch-synthetic")
    await producer.start()
    try:
        sends = [
            *((settings.topic("events"), e.article_id, e) for e in records.events),
            *((settings.topic("dyad-counts"), c.key, c) for c in records.counts),
            *((settings.topic("alerts"), a.id, a) for a in records.alerts),
        ]
        futures = [await producer.send(topic, model.to_bytes(), key=key.encode()) for topic, key, model in sends]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
