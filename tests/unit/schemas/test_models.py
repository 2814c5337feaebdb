"""The payload models accept what the topic contract promises and reject the rest with a clear reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from schemas import (
    AckStatus,
    ActorMention,
    Alert,
    AlertAck,
    ClassifiedEvent,
    DeadLetter,
    DyadEvent,
    DyadLink,
    DyadWindowCount,
    EventType,
    QuadClass,
    RawArticle,
    Severity,
)
from schemas.article import article_id
from schemas.base import MAX_TEXT_CHARS, make_dyad
from schemas.url import canonical_url

NOW = datetime(2025, 6, 10, 9, 30, tzinfo=UTC)


def sample_models() -> list:
    """One valid instance of every payload model (also used by the broker round-trip test)."""
    return [
        RawArticle(id="a1", source="test", url="https://example.org/a", title="T", text="Body", published_at=NOW),
        ClassifiedEvent(
            article_id="a1",
            source="test",
            published_at=NOW,
            classifier_version="1",
            actors=[ActorMention(code="PRK", aliases=["North Korea"], spans=[(0, 11)], mentions=1, role="source")],
            dyads=[DyadLink(dyad="PRK-RUS", source="PRK", target="RUS", weight=2.0)],
            event_type=EventType.COOPERATE,
            quad_class=QuadClass.MATERIAL_COOPERATION,
            topics=["trade"],
            intensity=4.0,
        ),
        DyadEvent(
            dyad="PRK-RUS",
            article_id="a1",
            event_type=EventType.SANCTION,
            quad_class=QuadClass.MATERIAL_CONFLICT,
            intensity=-4.0,
            weight=1.0,
            primary=True,
            published_at=NOW,
        ),
        DyadWindowCount(
            dyad="PRK-RUS",
            window_start=NOW,
            window_end=NOW + timedelta(minutes=15),
            count=3,
            by_event_type={"SANCTION": 3},
            by_quad_class={"4": 3},
            mean_intensity=-4.0,
            updated_at=NOW,
        ),
        Alert(
            id="al1",
            rule="watch:PRK-RUS",
            kind="watchlist",
            severity=Severity.HIGH,
            dyad="PRK-RUS",
            window_start=NOW,
            window_end=NOW + timedelta(minutes=15),
            observed=3,
            expected=None,
            reason="PRK-RUS trade",
            created_at=NOW,
        ),
        AlertAck(alert_id="al1", analyst="kim", status=AckStatus.ACKNOWLEDGED, note="seen", at=NOW),
        DeadLetter(
            source_topic="dyadwatch.articles",
            partition=0,
            offset=5,
            original_b64=DeadLetter.encode(b"{bad"),
            error_kind="malformed_json",
            error="Expecting value",
            stage="classify",
            at=NOW,
        ),
    ]


@pytest.mark.parametrize("model", sample_models(), ids=lambda m: type(m).__name__)
def test_every_model_round_trips_through_bytes(model) -> None:
    assert type(model).from_bytes(model.to_bytes()) == model
    assert json.loads(model.to_bytes())["schema_version"] == type(model).SCHEMA_VERSION


@pytest.mark.parametrize("model", sample_models(), ids=lambda m: type(m).__name__)
def test_record_bytes_are_what_model_dump_json_writes(model) -> None:
    # to_bytes calls pydantic's serializer directly (no str round trip); the records must not change for it.
    assert model.to_bytes() == model.model_dump_json().encode()


def test_naive_timestamps_are_rejected_and_offsets_normalised_to_utc() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        RawArticle(id="a", source="s", text="x", published_at=datetime(2025, 1, 1))
    seoul = timezone(timedelta(hours=9))
    article = RawArticle(id="a", source="s", text="x", published_at=datetime(2025, 1, 1, 9, tzinfo=seoul))
    assert article.published_at == datetime(2025, 1, 1, 0, tzinfo=UTC)
    assert article.published_at.utcoffset() == timedelta(0)


def test_unknown_iso3_and_unsorted_dyads_are_rejected() -> None:
    with pytest.raises(ValidationError, match="ISO 3166-1"):
        ActorMention(code="XXX", mentions=1)
    with pytest.raises(ValidationError, match="sorted order"):
        DyadLink(dyad="RUS-PRK", weight=1)
    with pytest.raises(ValidationError, match="two different"):
        DyadLink(dyad="PRK-PRK", weight=1)
    assert make_dyad("RUS", "PRK") == make_dyad("PRK", "RUS") == "PRK-RUS"
    # 1987-era codes from news archives are accepted.
    assert ActorMention(code="SUN", mentions=1).code == "SUN"


def test_wrong_schema_version_is_rejected_with_the_expected_version() -> None:
    data = json.loads(sample_models()[0].to_bytes())
    data["schema_version"] = 2
    with pytest.raises(ValidationError, match="expected 1"):
        RawArticle.model_validate(data)


def test_bounds_extra_fields_empty_text_and_url_scheme() -> None:
    base = {"id": "a", "source": "s", "published_at": NOW}
    with pytest.raises(ValidationError, match="text must not be empty"):
        RawArticle(**base, text="  \n ")
    with pytest.raises(ValidationError, match="at most"):
        RawArticle(**base, text="x" * (MAX_TEXT_CHARS + 1))
    with pytest.raises(ValidationError, match="http"):
        RawArticle(**base, text="x", url="javascript:alert(1)")
    with pytest.raises(ValidationError, match="Extra inputs"):
        RawArticle(**base, text="x", colour="red")
    with pytest.raises(ValidationError):
        RawArticle(**{**base, "id": "has space"}, text="x")
    with pytest.raises(ValidationError):
        ClassifiedEvent(article_id="a", source="s", published_at=NOW, classifier_version="1", intensity=11)


def test_article_ids_are_stable_across_equivalent_urls() -> None:
    a = article_id("https://News.example.org/story/1/?utm_source=x&b=2&a=1#top", "rss", "T")
    b = article_id("https://news.example.org:443/story/1?a=1&b=2", "gdelt", "Other title")
    assert a == b and len(a) == 32
    assert article_id(None, "page", "Title ") == article_id(None, "page", "title")
    assert article_id(None, "page", "Title") != article_id(None, "other", "Title")
    assert canonical_url("HTTP://Example.org:8080/x/") == "http://example.org:8080/x"


def test_deadletter_keeps_original_bytes_exactly() -> None:
    raw = bytes(range(256))
    letter = DeadLetter(
        source_topic="t",
        partition=0,
        offset=1,
        original_b64=DeadLetter.encode(raw),
        error_kind="malformed_json",
        error="e",
        stage="classify",
    )
    assert DeadLetter.from_bytes(letter.to_bytes()).original == raw
