"""Decoding input records into payload models, and the dead letter for those that cannot be used.

Shared by every agent and free of Faust, so the rejection rules are unit-tested on their own: each bad record
gets one ``error_kind`` ('malformed_json', 'schema', 'schema_version', 'oversize', 'empty_text', …) and a
reason in words.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from schemas import DeadLetter

M = TypeVar("M", bound=BaseModel)

MAX_ERROR_CHARS = 4_000


class Rejected(Exception):
    """An input record the agent cannot use; ``kind`` is the dead letter's ``error_kind``."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def decode(model: type[M], raw: bytes | None, *, max_bytes: int) -> M:
    """Validate ``raw`` as ``model``, or raise :class:`Rejected` saying what is wrong with it."""
    if raw is None or not raw:
        raise Rejected("empty_record", "the record has no value")
    if len(raw) > max_bytes:
        raise Rejected("oversize", f"the record is {len(raw):,} bytes, more than the {max_bytes:,}-byte limit")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise Rejected(_kind_of(exc), _describe(model, exc)) from None


def _kind_of(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return "malformed_json"
    if any(e["loc"][:1] == ("schema_version",) or "schema_version" in str(e["msg"]) for e in errors):
        return "schema_version"
    if any(e["loc"][:1] == ("text",) and "empty" in str(e["msg"]) for e in errors):
        return "empty_text"
    return "schema"


def _describe(model: type[BaseModel], exc: ValidationError) -> str:
    parts = [
        f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors(include_url=False)[:10]
    ]
    return f"not a valid {model.__name__}: " + "; ".join(parts)


def dead_letter(
    rejected: Rejected,
    *,
    raw: bytes | None,
    key: bytes | None,
    topic: str,
    partition: int,
    offset: int,
    stage: str,
    max_bytes: int,
) -> DeadLetter:
    """The dead-letter record for a rejected input, with the original bytes.

    Originals are cut at three quarters of ``max_bytes``: base64 grows them by a third, and the dead letter must
    itself fit in one record of ``max_bytes`` (plus the producer's headroom).
    """
    original = (raw or b"")[: max_bytes * 3 // 4]
    return DeadLetter(
        source_topic=topic,
        partition=partition,
        offset=offset,
        original_key_b64=DeadLetter.encode(key),
        original_b64=DeadLetter.encode(original) or "",
        error_kind=rejected.kind,
        error=rejected.reason[:MAX_ERROR_CHARS],
        stage=stage,
    )
