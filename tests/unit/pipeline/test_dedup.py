from streams.pipeline.dedup import Sighting, Verdict, judge

DAY = 86400.0


def test_first_sighting_is_new():
    assert judge(None, Sighting(0, 10, 1000.0), DAY) is Verdict.NEW


def test_same_record_again_is_a_replay_and_gets_processed():
    first = Sighting(0, 10, 1000.0)
    assert judge(first, Sighting(0, 10, 1000.0), DAY) is Verdict.REPLAY


def test_same_id_at_another_offset_is_a_duplicate():
    first = Sighting(0, 10, 1000.0)
    assert judge(first, Sighting(0, 11, 1005.0), DAY) is Verdict.DUPLICATE
    assert judge(first, Sighting(3, 10, 1005.0), DAY) is Verdict.DUPLICATE


def test_beyond_the_horizon_it_is_new_again():
    first = Sighting(0, 10, 1000.0)
    assert judge(first, Sighting(0, 99, 1000.0 + DAY + 1), DAY) is Verdict.NEW


def test_sighting_round_trips_through_the_table_form():
    seen = Sighting(2, 7, 12.5)
    assert Sighting.from_dict(seen.to_dict()) == seen
