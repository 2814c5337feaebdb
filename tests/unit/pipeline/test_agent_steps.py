"""The agents' own steps, with a stand-in classifier (no Kafka, no Faust worker)."""

import random
from datetime import UTC, datetime

import pytest

from schemas import ClassifiedEvent, DyadEvent, DyadLink, EventType, QuadClass, RawArticle
from streams.classifier import get_classifier
from streams.pipeline.agents.classify import classify_article
from streams.pipeline.agents.deadletter import Rejected
from streams.pipeline.agents.fan_out import dyad_events
from streams.sources.demo import DemoWriter, load_world, seed_stories

PUBLISHED = datetime(2025, 6, 10, 9, 5, tzinfo=UTC)
ARTICLE = RawArticle(
    id="a1",
    source="test",
    title="Russia and North Korea sign pact",
    text="Moscow and Pyongyang agreed.",
    published_at=PUBLISHED,
)


class FakeClassifier:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def classify(self, title, text, *, article_id, source, url, published_at) -> ClassifiedEvent:
        if self.fail:
            raise RuntimeError("boom")
        return ClassifiedEvent(
            article_id=article_id,
            source=source,
            url=url,
            title=title,
            published_at=published_at,
            dyads=[
                DyadLink(dyad="PRK-RUS", source="RUS", target="PRK", weight=2.0),
                DyadLink(dyad="CHN-PRK", weight=0.5),
                DyadLink(dyad="PRK-RUS", weight=0.4),
            ],
            event_type=EventType.AGREE,
            quad_class=QuadClass.VERBAL_COOPERATION,
            topics=["military"],
            intensity=3.0,
            classifier_version="fake",
        )


def test_classify_article_passes_the_article_fields():
    event = classify_article(FakeClassifier(), ARTICLE)
    assert (event.article_id, event.source, event.published_at) == ("a1", "test", PUBLISHED)


def test_a_classifier_failure_becomes_a_dead_letter_reason():
    with pytest.raises(Rejected) as info:
        classify_article(FakeClassifier(fail=True), ARTICLE)
    assert info.value.kind == "classifier_error" and "boom" in info.value.reason


def test_fan_out_one_record_per_dyad_primary_first():
    event = FakeClassifier().classify("t", "x", article_id="a1", source="s", url=None, published_at=PUBLISHED)
    records = dyad_events(event)
    assert [(r.dyad, r.primary, r.source, r.target) for r in records] == [
        ("PRK-RUS", True, "RUS", "PRK"),
        ("CHN-PRK", False, None, None),
    ]
    assert all(r.published_at == PUBLISHED and r.article_id == "a1" and r.topics == ["military"] for r in records)


def test_fan_out_records_are_what_validation_makes_of_them():
    """They are assembled without validation: validating them must give equal records with the same JSON bytes."""
    classifier, world = get_classifier(), load_world()
    writer = DemoWriter(world, random.Random(1), run_id="test")
    articles = seed_stories(PUBLISHED) + [writer.article(pair, PUBLISHED, "test") for pair in world.pairs]
    events = [FakeClassifier().classify("t", "x", article_id="a1", source="s", url=None, published_at=PUBLISHED)]
    events += [classifier.classify(a.title, a.text, article_id=a.id, published_at=a.published_at) for a in articles]
    records = [record for event in events for record in dyad_events(event)]
    assert len(records) > len(events)
    for record in records:
        again = DyadEvent.model_validate(record.model_dump())
        assert again == record and again.to_bytes() == record.to_bytes()
        assert list(record.__dict__) == list(DyadEvent.model_fields)


def test_fan_out_of_an_event_without_dyads_is_empty():
    event = ClassifiedEvent(article_id="a2", source="s", published_at=PUBLISHED, classifier_version="fake")
    assert dyad_events(event) == []
