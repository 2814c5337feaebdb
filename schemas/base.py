"""Shared building blocks of the payload models: strict base model, UTC timestamps, ISO codes, dyads."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# Codes that ISO 3166-1 no longer lists but that news archives (and our eval data) still carry:
# the 1987 states (USSR, GDR, Yugoslavia, Czechoslovakia, South Yemen) and Kosovo's common user code.
HISTORIC_ISO3 = frozenset({"SUN", "DDR", "YUG", "CSK", "YMD", "XKX", "SCG"})
ISO3_CODES = frozenset(c.alpha_3 for c in pycountry.countries) | HISTORIC_ISO3

MAX_TITLE_CHARS = 1_000
MAX_TEXT_CHARS = 200_000
MAX_ID_CHARS = 128
MAX_URL_CHARS = 2_048
MAX_NOTE_CHARS = 4_000


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp must be timezone-aware (UTC)")
    return value.astimezone(UTC)


def _require_iso3(value: str) -> str:
    if value not in ISO3_CODES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-3 country code")
    return value


def make_dyad(a: str, b: str) -> str:
    """The canonical, undirected dyad key: both codes sorted so that A→B and B→A meet on one key."""
    if a == b:
        raise ValueError("a dyad needs two different countries")
    return "-".join(sorted((a, b)))


_DYAD_RE = re.compile(r"^[A-Z]{3}-[A-Z]{3}$")


def _require_dyad(value: str) -> str:
    if not _DYAD_RE.match(value):
        raise ValueError(f"{value!r} is not a dyad like 'PRK-RUS'")
    a, b = value.split("-")
    _require_iso3(a)
    _require_iso3(b)
    if a >= b:
        raise ValueError(
            f"dyad {value!r} must list two different codes in sorted order ({make_dyad(a, b) if a != b else a})"
        )
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]
Iso3 = Annotated[str, Field(min_length=3, max_length=3, examples=["PRK"]), AfterValidator(_require_iso3)]
Dyad = Annotated[str, Field(min_length=7, max_length=7, examples=["PRK-RUS"]), AfterValidator(_require_dyad)]
Identifier = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS, pattern=r"^[A-Za-z0-9._:@\-]+$")]


M = TypeVar("M", bound=BaseModel)


def assemble(cls: type[M], values: dict[str, Any]) -> M:
    """``cls.model_construct(**values)`` for a complete ``values`` given in field order, without its walk over every
    field and default factory: for payloads built on the hot path from values already within the schema's bounds
    (no aliases, extras, private attributes or post-init hook). Each use has a test that validating what it builds
    gives an equal model with the same JSON."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def utc_now() -> datetime:
    return datetime.now(UTC)


def _pin_schema_version(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The published JSON Schema accepts only the model's own version (``const``), as the model does."""
    version = model.SCHEMA_VERSION  # type: ignore[attr-defined]
    schema["properties"]["schema_version"] = {
        "const": version,
        "default": version,
        "title": "Schema Version",
        "type": "integer",
    }
    if "schema_version" not in schema.setdefault("required", []):
        schema["required"].append("schema_version")  # every producer writes it; a record without one is foreign


class Payload(BaseModel):
    """Base of every topic payload: immutable, rejects unknown fields, carries its schema version.

    ``schema_version`` is a ``Literal`` of the model's current version, so a record written against another
    version fails validation (and is dead-lettered) instead of being half-understood.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, json_schema_extra=_pin_schema_version
    )

    SCHEMA_VERSION: ClassVar[int] = 1
    schema_version: int = 1

    @model_validator(mode="after")
    def _check_version(self) -> Self:
        if self.schema_version != self.SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {self.schema_version} is not supported by {type(self).__name__} "
                f"(expected {self.SCHEMA_VERSION})"
            )
        return self

    def to_bytes(self) -> bytes:
        """The record's JSON, as ``model_dump_json`` writes it, without its bytes → str → bytes round trip."""
        return self.__pydantic_serializer__.to_json(self)

    @classmethod
    def from_bytes(cls, data: bytes | str) -> Self:
        return cls.model_validate_json(data)


QuadLiteral = Literal[0, 1, 2, 3, 4]
