from streams.agents.classify import sighting_timing
from streams.agents.expiring_table import ExpiringTable
from streams.dedup import Sighting

HORIZON = 100.0


def test_entries_expire_by_event_time_and_renewed_ones_survive():
    store = {"old": Sighting(0, 1, 10.0).to_dict(), "elsewhere": Sighting(1, 1, 10.0).to_dict()}
    table = ExpiringTable(store, sighting_timing(HORIZON))  # a dict stands in for the Faust table
    table.prepare(0)  # indexes partition 0's stored entries only
    table.put("new", Sighting(0, 5, 50.0).to_dict(), is_new=True)
    assert table.advance(0, 105.0) == 0
    assert table.advance(0, 111.0) == 1  # "old" (10 + 100) is gone, "new" (50 + 100) stays
    assert set(store) == {"new", "elsewhere"}
    table.put("new", Sighting(0, 9, 140.0).to_dict(), is_new=False)  # seen again as new after the horizon
    assert table.advance(0, 151.0) == 0  # renewed: re-indexed, not deleted
    assert table.advance(0, 241.0) == 1
    assert set(store) == {"elsewhere"}  # another partition's entries are that partition's business


def test_forgotten_partitions_are_indexed_again_from_the_store():
    store = {"a": Sighting(0, 1, 10.0).to_dict()}
    table = ExpiringTable(store, sighting_timing(HORIZON))
    table.prepare(0)
    table.forget({0})
    store["b"] = Sighting(0, 2, 20.0).to_dict()  # arrived through the changelog meanwhile
    table.prepare(0)
    assert table.advance(0, 500.0) == 2 and store == {}
