"""``dyadwatch.events``: the classifier's verdict on one article — who acts on whom, what, how intensely, and why."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from pydantic import Field

from schemas.base import MAX_TITLE_CHARS, Dyad, Identifier, Iso3, Payload, UtcDatetime, utc_now


class EventType(StrEnum):
    """The 16 PLOVER event types, plus NONE when no interstate event is described."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"
    NONE = "NONE"


class QuadClass(IntEnum):
    """PLOVER/CAMEO quad class; NONE (0) goes with EventType.NONE."""

    NONE = 0
    VERBAL_COOPERATION = 1
    MATERIAL_COOPERATION = 2
    VERBAL_CONFLICT = 3
    MATERIAL_CONFLICT = 4


class ActorMention(Payload):
    """One state actor found in the text, with the evidence for it."""

    code: Iso3
    aliases: list[str] = Field(
        default_factory=list,
        max_length=32,
        description="Dictionary aliases that matched, e.g. 'Pyongyang', 'North Korean'.",
    )
    spans: list[tuple[int, int]] = Field(
        default_factory=list,
        max_length=64,
        description="Character offsets [start, end) of the matches in title + '\\n\\n' + text.",
    )
    mentions: int = Field(ge=0, description="How many times the actor was matched.")
    role: str = Field(default="mentioned", max_length=16, description="'source', 'target', 'both' or 'mentioned'.")


class DyadLink(Payload):
    """One interacting pair of states in the article."""

    dyad: Dyad
    source: Iso3 | None = Field(default=None, description="Acting side when the sentence shows direction.")
    target: Iso3 | None = None
    weight: float = Field(ge=0.0, description="Evidence strength: headline and sentence co-occurrences, weighted.")


class ClassifiedEvent(Payload):
    """Classification of one article. Key on the topic: ``article_id``."""

    article_id: Identifier
    source: str = Field(max_length=200)
    url: str | None = Field(default=None, max_length=2_048)
    title: str = Field(default="", max_length=MAX_TITLE_CHARS)
    snippet: str = Field(default="", max_length=1_000, description="Start of the text, for display.")
    published_at: UtcDatetime
    actors: list[ActorMention] = Field(default_factory=list, max_length=64)
    dyads: list[DyadLink] = Field(default_factory=list, max_length=64, description="Primary dyad first.")
    event_type: EventType = EventType.NONE
    quad_class: QuadClass = QuadClass.NONE
    topics: list[str] = Field(
        default_factory=list, max_length=16, description="e.g. trade, sanctions, military, nuclear, diplomacy."
    )
    intensity: float = Field(
        default=0.0, ge=-10.0, le=10.0, description="Goldstein-style scale, -10 (most conflictual) … +10."
    )
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    explanation: list[str] = Field(
        default_factory=list, max_length=64, description="Human-readable rules and spans behind each decision."
    )
    truncated: bool = Field(default=False, description="True when the text was cut at the classifier's input cap.")
    classifier_version: str = Field(max_length=32)
    classified_at: UtcDatetime = Field(default_factory=utc_now)

    @property
    def actor_codes(self) -> list[str]:
        return [a.code for a in self.actors]

    @property
    def dyad_keys(self) -> list[str]:
        return [d.dyad for d in self.dyads]
