from datetime import UTC, datetime, timedelta

from schemas import DyadEvent, EventType, QuadClass
from streams.pipeline.windows import Position, WindowTally, window_bounds

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


def _tally(partition: int = 2) -> WindowTally:
    return WindowTally.empty("PRK-RUS", window_bounds(T0, timedelta(minutes=15)), partition=partition)


def test_tally_counts_each_position_once_so_replays_are_harmless():
    tally = _tally()
    assert tally.add(_event("a1"), offset=10, source=Position(3, 100))
    assert tally.add(
        _event("a2", event_type=EventType.THREATEN, topics=("military", "sanctions"), intensity=-4.0),
        offset=11,
        source=Position(3, 101),
    )
    assert not tally.add(_event("a1"), offset=10, source=Position(3, 100))  # the count agent replayed its input
    assert not tally.add(_event("a1"), offset=12, source=Position(3, 100))  # classify published it again
    count = tally.to_count(T0)
    assert count.count == 2
    assert count.by_event_type == {"SANCTION": 1, "THREATEN": 1}
    assert count.by_topic == {"sanctions": 2, "military": 1}
    assert count.by_quad_class == {"4": 2}
    assert count.mean_intensity == -5.0
    assert count.sample_article_ids == ["a1", "a2"]
    assert count.key == "PRK-RUS@2025-06-10T09:00:00+00:00"


def test_sources_are_tracked_per_articles_partition():
    tally = _tally()
    assert tally.add(_event("a1"), offset=1, source=Position(0, 50))
    assert tally.add(_event("a2"), offset=2, source=Position(1, 7))  # a lower offset, another partition
    assert not tally.add(_event("a2"), offset=3, source=Position(1, 7))
    assert tally.sources == {"0": 50, "1": 7}


def test_a_redelivered_record_behind_later_positions_is_counted_once():
    tally = _tally()
    assert tally.add(_event("a2"), offset=1, source=Position(0, 11))
    # a1 (source offset 10) failed its first send and was sent again alone, after a2 had been appended.
    assert tally.add(_event("a1"), offset=2, source=Position(0, 10), redelivered=True)
    assert not tally.add(_event("a1"), offset=2, source=Position(0, 10), redelivered=True)  # count replay
    assert not tally.add(_event("a1"), offset=5, source=Position(0, 10))  # classify replay of the article
    assert tally.count == 2


def test_a_record_without_source_is_counted_by_input_offset():
    tally = _tally()
    assert tally.add(_event("a1"), offset=4)
    assert not tally.add(_event("a1"), offset=4)
    assert tally.add(_event("a1"), offset=5)  # no way to know it is a copy: its producer did not say
    assert tally.count == 2


def test_samples_keep_the_latest_ten_ids():
    tally = _tally()
    for n in range(25):
        tally.add(_event(f"a{n}"), offset=n, source=Position(0, n))
    assert tally.sample_article_ids == [f"a{n}" for n in range(15, 25)]


def test_tally_survives_its_stored_form():
    tally = _tally(partition=4)
    tally.add(_event("a1"), offset=3, source=Position(2, 9))
    tally.updated_at = 1234.5
    again = WindowTally.from_dict(tally.to_dict())
    assert again == tally
    assert not again.add(_event("a1"), offset=3, source=Position(2, 9))


def test_a_tally_stored_with_every_article_id_is_read_as_a_count():
    tally = _tally()
    legacy = {**tally.to_dict(), "article_ids": [f"a{n}" for n in range(12)]}
    for field in ("count", "input_offset", "sources", "sample_article_ids", "updated_at"):
        del legacy[field]
    again = WindowTally.from_dict(legacy)
    assert (again.count, again.input_offset, again.sample_article_ids[0]) == (12, -1, "a2")
