from dataclasses import dataclass

from streams.pipeline.agents.gap_filler import GapFiller, Refetched, RefetchedEvent
from streams.runtime.settings import Settings


@dataclass
class Msg:
    topic: str
    partition: int
    offset: int


class StubFiller(GapFiller):
    """The offset bookkeeping with Kafka replaced: the group had committed ``start``; reads are recorded."""

    def __init__(self, start: int = 0, fail: bool = False) -> None:
        super().__init__(Settings(), group_id="g")
        self.start, self.fail, self.reads = start, fail, []

    async def _start_offset(self, tp):
        if self.fail:
            raise ConnectionError("broker away")
        return self.start

    async def _read(self, tp, start, end):
        self.reads.append((tp.partition, start, end))
        return [RefetchedEvent(Refetched(tp.topic, tp.partition, o, 0.0, None, b"{}")) for o in range(start, end)]


async def test_consecutive_offsets_need_nothing():
    filler = StubFiller()
    for offset in range(3):
        assert await filler.missing(Msg("t", 0, offset)) == []
    assert filler.reads == []


async def test_a_hole_mid_stream_is_re_read():
    filler = StubFiller()
    await filler.missing(Msg("t", 0, 0))
    missed = await filler.missing(Msg("t", 0, 3))
    assert [m.message.offset for m in missed] == [1, 2]
    assert await filler.missing(Msg("t", 0, 4)) == []


async def test_records_skipped_before_the_first_one_handled_are_re_read():
    filler = StubFiller(start=10)
    missed = await filler.missing(Msg("t", 2, 12))
    assert [m.message.offset for m in missed] == [10, 11]
    assert filler.reads == [(2, 10, 12)]


async def test_replays_and_revoked_partitions():
    filler = StubFiller(start=5)
    await filler.missing(Msg("t", 1, 5))
    await filler.missing(Msg("t", 1, 6))
    assert await filler.missing(Msg("t", 1, 6)) == []  # a replay is no hole
    filler.forget({1})
    filler.start = 20  # another worker moved the partition on meanwhile
    assert await filler.missing(Msg("t", 1, 20)) == []


async def test_a_failed_check_never_raises_into_the_agent():
    assert await StubFiller(fail=True).missing(Msg("t", 0, 7)) == []
