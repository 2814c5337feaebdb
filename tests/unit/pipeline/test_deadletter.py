import base64
import json
from datetime import UTC, datetime

import pytest

from schemas import RawArticle
from streams.pipeline.agents.deadletter import Rejected, dead_letter, decode

GOOD = RawArticle(
    id="a1",
    source="test",
    title="Russia and North Korea sign pact",
    text="Moscow and Pyongyang agreed.",
    published_at=datetime(2025, 6, 10, 9, 0, tzinfo=UTC),
)
DOC = json.loads(GOOD.to_bytes())


def _kind(raw: bytes | None, max_bytes: int = 10_000) -> str:
    with pytest.raises(Rejected) as info:
        decode(RawArticle, raw, max_bytes=max_bytes)
    assert info.value.reason
    return info.value.kind


def test_good_record_decodes():
    assert decode(RawArticle, GOOD.to_bytes(), max_bytes=10_000) == GOOD


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"{not json", "malformed_json"),
        (b"\xff\xfe\x00garbage", "malformed_json"),
        (GOOD.to_bytes()[:40], "malformed_json"),
        (b"[1, 2]", "schema"),
        (b"{}", "schema"),
        (json.dumps({**DOC, "extra": 1}).encode(), "schema"),
        (json.dumps({**DOC, "schema_version": 2}).encode(), "schema_version"),
        (json.dumps({**DOC, "schema_version": "one"}).encode(), "schema_version"),
        (json.dumps({**DOC, "text": "  \n"}).encode(), "empty_text"),
        (None, "empty_record"),
        (b"", "empty_record"),
    ],
)
def test_each_bad_record_gets_its_kind(raw, kind):
    assert _kind(raw) == kind


def test_oversize_is_checked_before_parsing():
    assert _kind(json.dumps({**DOC, "text": "x" * 500}).encode(), max_bytes=200) == "oversize"


def test_dead_letter_keeps_the_original_bytes_and_fits_in_a_record():
    raw = b"{" + b"x" * 1_000
    letter = dead_letter(
        Rejected("malformed_json", "bad"),
        raw=raw,
        key=b"k",
        topic="t.articles",
        partition=3,
        offset=42,
        stage="classify",
        max_bytes=400,
    )
    assert base64.b64decode(letter.original_b64) == raw[:300]
    assert base64.b64decode(letter.original_key_b64 or "") == b"k"
    assert (letter.partition, letter.offset, letter.stage, letter.error_kind) == (3, 42, "classify", "malformed_json")
    small = dead_letter(
        Rejected("schema", "bad"),
        raw=b"{}",
        key=None,
        topic="t",
        partition=0,
        offset=0,
        stage="classify",
        max_bytes=400,
    )
    assert small.original == b"{}" and small.original_key_b64 is None
