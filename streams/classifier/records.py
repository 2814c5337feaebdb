"""What the classifier returns: plain records, cheap to build, with no validation.

Their own module so that the analysis (:mod:`core`) and the payload built from it (:mod:`event_payload`) both import
them, and neither imports the other's caller.
"""

from __future__ import annotations

from dataclasses import dataclass


# init=False and a hand-written __init__: mypyc compiles it; the one dataclasses generates runs as slow Python.
@dataclass(slots=True, init=False)
class ActorResult:
    code: str
    aliases: list[str]
    spans: list[tuple[int, int]]
    mentions: int
    weight: float
    role: str

    def __init__(
        self,
        code: str,
        aliases: list[str],
        spans: list[tuple[int, int]],
        mentions: int,
        weight: float,
        role: str = "mentioned",
    ) -> None:
        self.code = code
        self.aliases = aliases
        self.spans = spans
        self.mentions = mentions
        self.weight = weight
        self.role = role


@dataclass(slots=True, init=False)
class DyadResult:
    dyad: str
    source: str | None
    target: str | None
    weight: float

    def __init__(self, dyad: str, source: str | None, target: str | None, weight: float) -> None:
        self.dyad = dyad
        self.source = source
        self.target = target
        self.weight = weight


@dataclass(slots=True, init=False)
class Analysis:
    """Plain result of :meth:`Classifier.analyse`; cheap to build, no validation. Starts empty (event NONE)."""

    actors: list[ActorResult]
    dyads: list[DyadResult]
    event_type: str
    quad_class: int
    topics: list[str]
    intensity: float
    confidence: float
    explanation: list[str]
    truncated: bool

    def __init__(self, truncated: bool = False) -> None:
        self.actors = []
        self.dyads = []
        self.topics = []
        self.explanation = []
        self.event_type = "NONE"
        self.quad_class = 0
        self.intensity = 0.0
        self.confidence = 0.0
        self.truncated = truncated

    @property
    def actor_codes(self) -> list[str]:
        return [a.code for a in self.actors]

    @property
    def dyad_keys(self) -> list[str]:
        return [d.dyad for d in self.dyads]
