"""``dyadwatch.deadletter``: input an agent could not use, kept whole with the reason, never silently dropped."""

from __future__ import annotations

import base64

from pydantic import Field

from schemas.base import Payload, UtcDatetime, utc_now


class DeadLetter(Payload):
    """One rejected record. Key: the original key (if any). ``original_b64`` holds the exact original bytes."""

    source_topic: str = Field(max_length=249)
    partition: int = Field(ge=-1)
    offset: int = Field(ge=-1)
    original_key_b64: str | None = None
    original_b64: str = Field(description="Original value bytes, base64; capped at the broker's message size.")
    error_kind: str = Field(
        max_length=64, description="e.g. 'malformed_json', 'schema', 'schema_version', 'oversize', 'empty_text'."
    )
    error: str = Field(max_length=4_000)
    stage: str = Field(max_length=64, description="The agent that rejected it.")
    at: UtcDatetime = Field(default_factory=utc_now)

    @property
    def original(self) -> bytes:
        return base64.b64decode(self.original_b64)

    @staticmethod
    def encode(raw: bytes | None) -> str | None:
        return None if raw is None else base64.b64encode(raw).decode()
