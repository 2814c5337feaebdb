"""KRaft cluster ids: base64url of a UUID that never starts with '-' (the storage tool would take it for an option)."""

from __future__ import annotations

import uuid

import pytest

from streams.kafka.broker import embedded


def test_an_id_starting_with_a_dash_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter([uuid.UUID(bytes=b"\xfb" + bytes(15)), uuid.UUID(bytes=b"\x01" + bytes(15))])  # '-w…', then 'AQ…'
    monkeypatch.setattr(embedded.uuid, "uuid4", lambda: next(draws))
    assert embedded.new_cluster_id() == "AQAAAAAAAAAAAAAAAAAAAA"


def test_ids_are_22_url_safe_characters() -> None:
    ids = {embedded.new_cluster_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(
        len(i) == 22
        and not i.startswith("-")
        and set(i) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for i in ids
    )
