from streams.pipeline.agents.classify import sighting_timing
from streams.pipeline.agents.expiring_table import ExpiringTable
from streams.pipeline.dedup import Sighting

HORIZON = 100.0


def _table(store: dict, sweep_every_s: float = 10.0) -> ExpiringTable:
    return ExpiringTable(store, sighting_timing(HORIZON), sweep_every_s=sweep_every_s)  # a dict stands in


def test_entries_expire_by_event_time_and_renewed_ones_survive():
    store = {"old": Sighting(0, 1, 10.0).to_dict(), "elsewhere": Sighting(1, 1, 10.0).to_dict()}
    table = _table(store)
    table.prepare(0)  # learns partition 0's watermark from its stored entries only
    assert table.watermark(0) == 10.0
    table.put("new", Sighting(0, 5, 50.0).to_dict())
    assert table.advance(0, 105.0) == 0  # the first sweep: nothing has expired yet
    assert table.advance(0, 111.0) == 0  # "old" (10 + 100) expired, but the next sweep is due at 115
    assert table.advance(0, 115.0) == 1  # "old" is gone, "new" (50 + 100) stays
    assert set(store) == {"new", "elsewhere"}
    table.put("new", Sighting(0, 9, 140.0).to_dict())  # seen again as new after the horizon
    assert table.advance(0, 151.0) == 0  # renewed: it now expires at 240
    assert table.advance(0, 245.0) == 1
    assert set(store) == {"elsewhere"}  # another partition's entries are that partition's business


def test_sweeps_wait_for_the_watermark_to_move_one_interval():
    store = {f"a{i}": Sighting(0, i, float(i)).to_dict() for i in range(50)}
    table = _table(store, sweep_every_s=25.0)
    table.prepare(0)
    assert table.advance(0, 120.0) == 21  # expiries 100…120
    assert [table.advance(0, t) for t in (125.0, 130.0, 144.0)] == [0, 0, 0]  # within 25 s of the last sweep
    assert table.advance(0, 145.0) == 25  # 121…145 in one sweep
    assert len(store) == 4


def test_forgotten_partitions_are_learnt_again_from_the_store():
    store = {"a": Sighting(0, 1, 10.0).to_dict()}
    table = _table(store)
    table.prepare(0)
    table.forget({0})
    assert table.watermark(0) == float("-inf")
    store["b"] = Sighting(0, 2, 20.0).to_dict()  # arrived through the changelog meanwhile
    table.prepare(0)
    assert table.watermark(0) == 20.0
    assert table.advance(0, 500.0) == 2 and store == {}
