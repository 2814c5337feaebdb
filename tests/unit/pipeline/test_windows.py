from datetime import UTC, datetime, timedelta

from streams.pipeline.windows import Entry, WindowTally, window_bounds

T0 = datetime(2025, 6, 10, 9, 7, 30, tzinfo=UTC)


def _entry(
    article: str, source: tuple[int, int], *, event_type="SANCTION", topics=("sanctions",), intensity=-6.0
) -> Entry:
    return Entry(*source, article, event_type, 4, list(topics), intensity)


def _partial(*entries: Entry) -> list[Entry]:
    """A partial's entries, as the count agent hands them to the tally."""
    return list(entries)


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
    a1 = _entry("a1", (3, 100))
    a2 = _entry("a2", (3, 101), event_type="THREATEN", topics=("military", "sanctions"), intensity=-4.0)
    assert tally.add_partial(_partial(a1, a2), offset=10) == 2
    assert tally.add_partial(_partial(a1, a2), offset=10) == 0  # the count agent replayed its input
    assert tally.add_partial(_partial(a2), offset=12) == 0  # classify published it again
    count = tally.to_count(T0)
    assert count.count == 2
    assert count.by_event_type == {"SANCTION": 1, "THREATEN": 1}
    assert count.by_topic == {"sanctions": 2, "military": 1}
    assert count.by_quad_class == {"4": 2}
    assert count.mean_intensity == -5.0
    assert count.sample_article_ids == ["a1", "a2"]
    assert count.key == "PRK-RUS@2025-06-10T09:00:00+00:00"


def test_a_replay_batched_otherwise_counts_only_the_entries_past_the_counted_positions():
    tally = _tally()
    assert tally.add_partial(_partial(*(_entry(f"a{n}", (0, n)) for n in range(5))), offset=1) == 5
    straddling = _partial(*(_entry(f"a{n}", (0, n)) for n in range(3, 8)))
    assert tally.add_partial(straddling, offset=2) == 3
    assert (tally.count, tally.sources) == (8, {"0": 7})


def test_sources_are_tracked_per_articles_partition():
    tally = _tally()
    assert tally.add_partial(_partial(_entry("a1", (0, 50))), offset=1) == 1
    assert tally.add_partial(_partial(_entry("a2", (1, 7))), offset=2) == 1  # a lower offset, another partition
    assert tally.add_partial(_partial(_entry("a2", (1, 7))), offset=3) == 0
    assert tally.sources == {"0": 50, "1": 7}


def test_a_redelivered_partial_behind_later_positions_is_counted_once():
    tally = _tally()
    assert tally.add_partial(_partial(_entry("a2", (0, 11))), offset=1) == 1
    # a1 (source offset 10) failed its first send and was sent again alone, after a2 had been appended.
    late = _partial(_entry("a1", (0, 10)))
    assert tally.add_partial(late, offset=2, redelivered=True) == 1
    assert tally.add_partial(late, offset=2, redelivered=True) == 0  # count replay
    assert tally.add_partial(late, offset=5) == 0  # classify replay of the article
    assert tally.count == 2


def test_samples_keep_the_latest_ten_ids():
    tally = _tally()
    tally.add_partial(_partial(*(_entry(f"a{n}", (0, n)) for n in range(25))), offset=0)
    assert tally.sample_article_ids == [f"a{n}" for n in range(15, 25)]


def test_tally_survives_its_stored_form():
    tally = _tally(partition=4)
    tally.add_partial(_partial(_entry("a1", (2, 9))), offset=3)
    tally.updated_at = 1234.5
    again = WindowTally.from_dict(tally.to_dict())
    assert again == tally
    assert again.add_partial(_partial(_entry("a1", (2, 9))), offset=3) == 0


def test_a_tally_stored_by_the_dyad_events_count_keeps_its_sources_not_its_input_offset():
    tally = _tally()
    tally.add_partial(_partial(_entry("a1", (2, 9))), offset=3)
    legacy = {**tally.to_dict(), "input_offset": 5_000}  # a dyad-events offset, meaningless for partials
    del legacy["partial_offset"]
    again = WindowTally.from_dict(legacy)
    assert again.add_partial(_partial(_entry("a1", (2, 9)), _entry("a2", (2, 10))), offset=0) == 1


def test_a_tally_stored_with_every_article_id_is_read_as_a_count():
    tally = _tally()
    legacy = {**tally.to_dict(), "article_ids": [f"a{n}" for n in range(12)]}
    for field in ("count", "partial_offset", "sources", "sample_article_ids", "updated_at"):
        del legacy[field]
    again = WindowTally.from_dict(legacy)
    assert (again.count, again.input_offset, again.sample_article_ids[0]) == (12, -1, "a2")
