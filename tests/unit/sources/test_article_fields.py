"""Loose source fields → validated RawArticle, or a Rejected with its reason."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime

import pytest

from schemas.article import article_id, flat_size_bound
from schemas.base import MAX_TEXT_CHARS
from streams.sources.article_fields import make_article
from streams.sources.pacing import parse_rate
from streams.sources.rejections import Rejected
from streams.sources.seen_ids import SeenIds
from streams.sources.timestamps import parse_timestamp


def test_id_is_the_foundations_stable_id() -> None:
    article = make_article(source="rss:x", title="T", text="body", url="https://Example.com/a/?utm_source=feed")
    assert article.id == article_id("https://Example.com/a/?utm_source=feed", "rss:x", "T")
    assert article.id == make_article(source="other", title="T2", text="b", url="https://example.com/a").id


def test_title_only_item_carries_its_title_as_text() -> None:
    article = make_article(source="s", title="  China and India\n hold talks ")
    assert article.title == "China and India hold talks"
    assert article.text == article.title
    assert article.metadata["text_from_title"] is True


def test_nothing_to_say_is_rejected_with_a_reason() -> None:
    with pytest.raises(Rejected, match="no title and no text"):
        make_article(source="s", title=" ", text="\x00\x01")


def test_non_http_links_are_dropped_not_fatal() -> None:
    article = make_article(source="s", title="T", text="x", url="javascript:alert(1)")
    assert article.url is None and article.metadata["url_dropped"] == "javascript:alert(1)"
    assert article.id == article_id(None, "s", "T")


def test_control_characters_go_and_overlong_text_is_cut() -> None:
    article = make_article(source="s", title="A\x07B", text="x" * (MAX_TEXT_CHARS + 10))
    assert article.title == "AB"
    assert len(article.text) == MAX_TEXT_CHARS and article.metadata["text_truncated_from"] == MAX_TEXT_CHARS + 10


def test_unreadable_date_falls_back_to_now_and_says_so() -> None:
    article = make_article(source="s", title="T", published_at="not a date")
    assert article.metadata["published_at_unreadable"] == "not a date"
    assert (datetime.now(UTC) - article.published_at).total_seconds() < 60


def test_metadata_over_its_size_cap_is_a_rejection_naming_it() -> None:
    with pytest.raises(Rejected, match=r"metadata: .*bytes as JSON, over the 65536-byte cap"):
        make_article(source="s", title="T", metadata={"blob": "y" * 70_000})
    assert make_article(source="s", title="T", metadata={"blob": "y" * 60_000}).metadata["blob"]


def test_invalid_field_becomes_a_rejection_naming_the_field() -> None:
    with pytest.raises(Rejected, match="source"):
        make_article(source="", title="T", text="x")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-02T03:04:05Z", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2025-01-02T05:04:05+02:00", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("Thu, 02 Jan 2025 03:04:05 GMT", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("20250102030405", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1735787045, datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1735787045000, datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (time.struct_time((2025, 1, 2, 3, 4, 5, 3, 2, 0)), datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
        (True, None),
    ],
)
def test_timestamps_in_every_common_form(value: object, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


def test_rates() -> None:
    assert parse_rate("100/s") == 100 and parse_rate("30/min") == 0.5 and parse_rate("7") == 7
    for bad in ("0", "fast", "-1/s", "10/day"):
        with pytest.raises(ValueError):
            parse_rate(bad)


def test_seen_ids_survive_reopening_and_forget_past_the_horizon(tmp_path) -> None:
    path = tmp_path / "seen.sqlite"
    seen = SeenIds(path)
    seen.add("a")
    assert "a" in seen and "b" not in seen
    seen.close()
    reopened = SeenIds(path)
    assert "a" in reopened
    reopened.close()
    assert "a" not in SeenIds(path, horizon_days=-1)  # everything is older than a negative horizon


def test_the_flat_metadata_size_bound_never_undercounts() -> None:
    """The cheap bound lets flat metadata through without writing its JSON: it must never be below the real size."""
    rng = random.Random(7)
    alphabet = 'aZ9 "\\\x00\x1f\x7fé€😀\u2028'
    scalars = [None, True, False, 0, -1, 10**30, 1.5, -2.5e-300, float("inf")]
    cases = [{"": float("-inf")}, {"": -(10**40)}, {"": None}]
    for _ in range(500):
        cases.append(
            {
                "".join(rng.choices(alphabet, k=rng.randrange(6))) or "k": rng.choice(
                    [*scalars, "".join(rng.choices(alphabet, k=rng.randrange(40)))]
                )
                for _ in range(rng.randrange(8))
            }
        )
    for metadata in cases:
        bound = flat_size_bound(metadata)
        assert bound is not None
        assert bound >= len(json.dumps(metadata, default=str, ensure_ascii=False).encode())
    assert flat_size_bound({"nested": {"a": 1}}) is None and flat_size_bound({"list": [1]}) is None
