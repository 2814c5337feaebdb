"""Hypothesis strategies for input the classify agent must dead-letter, each paired with the expected error kind."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from schemas import RawArticle


def _not_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


def _dump(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def bad_records(good: RawArticle, max_bytes: int) -> st.SearchStrategy[tuple[str, bytes]]:
    """(expected error_kind, record bytes) built around one valid article ``good``."""
    base = json.loads(good.to_bytes())
    text = good.to_bytes().decode()

    malformed = st.one_of(
        st.binary(min_size=1, max_size=300).filter(_not_json),
        st.integers(1, len(text) - 1).map(lambda cut: text[:cut].encode()),  # truncated in transit
        st.just(text.replace('"', "'").encode()),
    ).map(lambda raw: ("malformed_json", raw))
    wrong_schema = st.one_of(
        st.dictionaries(st.text(max_size=12), st.one_of(st.integers(), st.text(max_size=20), st.none()), max_size=6),
        st.lists(st.integers(), max_size=5),
        st.sampled_from(["id", "source", "text", "published_at"]).map(
            lambda missing: {k: v for k, v in base.items() if k != missing}
        ),
        st.text(min_size=1, max_size=10).map(lambda extra: {**base, f"x_{extra}": 1}),
        st.sampled_from(["ftp://example.org/a", "javascript:alert(1)"]).map(lambda url: {**base, "url": url}),
        st.just({**base, "published_at": "2025-06-10T09:00:00"}),  # no time zone
    ).map(lambda doc: ("schema", _dump(doc)))
    wrong_version = (
        st.integers(-5, 1_000)
        .filter(lambda v: v != RawArticle.SCHEMA_VERSION)
        .map(lambda v: ("schema_version", _dump({**base, "schema_version": v})))
    )
    oversize = st.integers(1, 4_000).map(lambda extra: ("oversize", _dump({**base, "text": "x" * (max_bytes + extra)})))
    empty_text = st.text(alphabet=" \t\n\r", max_size=20).map(lambda t: ("empty_text", _dump({**base, "text": t})))
    return st.one_of(malformed, wrong_schema, wrong_version, oversize, empty_text)
