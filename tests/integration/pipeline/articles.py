"""A small generator of realistic test articles (headline + sentences naming two countries and what happened),
and the offline reference: what the worker's counts must be for a given input, computed with the same classifier.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from schemas import RawArticle
from schemas.article import article_id
from streams.classifier import get_classifier
from streams.pipeline.windows import window_bounds

COUNTRIES = {
    "Russia": "Moscow",
    "North Korea": "Pyongyang",
    "China": "Beijing",
    "South Korea": "Seoul",
    "Japan": "Tokyo",
    "Iran": "Tehran",
    "Israel": "Jerusalem",
    "Ukraine": "Kyiv",
    "India": "New Delhi",
    "Pakistan": "Islamabad",
    "France": "Paris",
    "Germany": "Berlin",
    "Brazil": "Brasilia",
    "Egypt": "Cairo",
}
HEADLINES = [
    "{a} imposes new sanctions on {b} over missile tests",
    "{a} and {b} sign trade agreement to expand exports",
    "{a} troops shell {b} border posts, military says",
    "{a} foreign minister holds talks with {b} envoy",
    "{a} sends humanitarian aid to {b} after floods",
    "{a} accuses {b} of nuclear enrichment breach",
    "{a} threatens {b} with retaliation over naval drills",
    "{a} condemns {b} weapons shipment",
]
SENTENCES = [
    "Officials in {ca} said the decision followed weeks of tension with {cb}.",
    "The move by {a} drew a sharp response from {b}, diplomats said.",
    "Analysts expect {b} to respond within days.",
    "The agreement covers energy, customs and shipping between {a} and {b}.",
]


def make_articles(n: int, *, seed: int, start: datetime, span: timedelta, source: str = "test:gen") -> list[RawArticle]:
    """``n`` articles published within ``[start, start + span)``, each naming a country pair."""
    rng = random.Random(seed)
    names = sorted(COUNTRIES)
    out = []
    for i in range(n):
        a, b = rng.sample(names, 2)
        fmt = {"a": a, "b": b, "ca": COUNTRIES[a], "cb": COUNTRIES[b]}
        title = rng.choice(HEADLINES).format(**fmt)
        text = " ".join(s.format(**fmt) for s in rng.sample(SENTENCES, 2))
        url = f"https://news.example.org/{seed}/{i}"
        published = start + timedelta(seconds=rng.uniform(0, span.total_seconds()))
        out.append(
            RawArticle(
                id=article_id(url, source, title),
                source=source,
                url=url,
                title=title,
                text=text,
                published_at=published.replace(microsecond=0),
            )
        )
    return out


def prk_rus_article(n: int, published: datetime, *, tag: str) -> RawArticle:
    """Article ``n`` of a series that all classify as PRK-RUS (Russia ships grain to North Korea)."""
    title = f"Russia agrees to ship grain to North Korea, report {n}"
    url = f"https://news.example.org/{tag}-{n}"
    return RawArticle(
        id=article_id(url, "test", title),
        source="test",
        url=url,
        title=title,
        text="Moscow agreed to supply grain to Pyongyang, officials said.",
        published_at=published,
    )


def expected_counts(articles: list[RawArticle], window: timedelta) -> dict[str, int]:
    """``dyad@window_start`` → article count, as the pipeline must report it (first copy of each id wins)."""
    classifier = get_classifier()
    windows: dict[str, set[str]] = defaultdict(set)
    seen: set[str] = set()
    for art in articles:
        if art.id in seen:
            continue
        seen.add(art.id)
        event = classifier.classify(
            art.title, art.text, article_id=art.id, source=art.source, url=art.url, published_at=art.published_at
        )
        for dyad in dict.fromkeys(event.dyad_keys):
            start, _ = window_bounds(event.published_at, window)
            windows[f"{dyad}@{start.isoformat()}"].add(art.id)
    return {key: len(ids) for key, ids in windows.items()}


def recent_start(hours: float = 6.0) -> datetime:
    """A start time a few hours back, so generated windows are inside the retention and not in the future."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now - timedelta(hours=hours)
