from datetime import UTC, datetime, timedelta

from schemas import DyadEvent, EventType, QuadClass
from streams.windows import WindowTally, window_bounds

T0 = datetime(2025, 6, 10, 9, 7, 30, tzinfo=UTC)


def _event(article: str, *, event_type=EventType.SANCTION, topics=("sanctions",), intensity=-6.0) -> DyadEvent:
    return DyadEvent(
        dyad="PRK-RUS",
        article_id=article,
        event_type=event_type,
        quad_class=QuadClass.MATERIAL_CONFLICT,
        topics=list(topics),
        intensity=intensity,
        weight=1.0,
        primary=True,
        published_at=T0,
    )


def test_window_bounds_are_aligned_and_half_open():
    size = timedelta(minutes=15)
    start, end = datetime(2025, 6, 10, 9, 0, tzinfo=UTC), datetime(2025, 6, 10, 9, 15, tzinfo=UTC)
    assert window_bounds(T0, size) == (start, end)
    edge = datetime(2025, 6, 10, 9, 15, tzinfo=UTC)
    assert window_bounds(edge, size)[0] == edge


def test_tally_counts_each_article_once_so_replays_are_harmless():
    tally = WindowTally.empty("PRK-RUS", window_bounds(T0, timedelta(minutes=15)), partition=2)
    assert tally.add(_event("a1"))
    assert tally.add(_event("a2", event_type=EventType.THREATEN, topics=("military", "sanctions"), intensity=-4.0))
    assert not tally.add(_event("a1"))  # replayed after a crash
    count = tally.to_count(T0)
    assert count.count == 2
    assert count.by_event_type == {"SANCTION": 1, "THREATEN": 1}
    assert count.by_topic == {"sanctions": 2, "military": 1}
    assert count.by_quad_class == {"4": 2}
    assert count.mean_intensity == -5.0
    assert count.sample_article_ids == ["a1", "a2"]
    assert count.key == "PRK-RUS@2025-06-10T09:00:00+00:00"


def test_tally_survives_its_stored_form():
    tally = WindowTally.empty("PRK-RUS", window_bounds(T0, timedelta(minutes=15)), partition=4)
    tally.add(_event("a1"))
    again = WindowTally.from_dict(tally.to_dict())
    assert again == tally
    assert not again.add(_event("a1"))
