"""The alert rules file: pydantic models, and loading with errors that name the offending line.

Analysts edit the YAML file (``streams/alerting/default_rules.yaml`` ships watch lists for North Korea's
partners); the worker refuses to start on a bad file and says which line to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas import EventType, Severity
from schemas.base import Dyad, Iso3


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file, the line and what is wrong."""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:@\-]+$")
    severity: Severity = Severity.MEDIUM
    min_count: int = Field(1, ge=1, description="Articles the window needs before the rule is considered.")
    cooldown_minutes: int | None = Field(
        None, ge=0, description="After an alert, same rule and dyad stay quiet this long (event time)."
    )


class WatchRule(_Rule):
    """A dyad (or one country against anyone) with topics or event types an analyst wants to hear about."""

    kind: Literal["watchlist"]
    dyad: Dyad | None = None
    country: Iso3 | None = None
    topics: list[str] = Field(default_factory=list)
    event_types: list[EventType] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.dyad is None) == (self.country is None):
            raise ValueError("a watchlist rule needs exactly one of 'dyad' (e.g. PRK-RUS) or 'country' (e.g. PRK)")
        if not self.topics and not self.event_types:
            raise ValueError("a watchlist rule needs 'topics' or 'event_types' to watch for")
        return self


class SpikeRule(_Rule):
    """The window's count is improbably high for the dyad's own baseline (Poisson upper tail)."""

    kind: Literal["spike"]
    min_count: int = Field(5, ge=1)
    max_p_value: float = Field(0.001, gt=0.0, lt=1.0, description="Alert when P(X >= observed) is at most this.")
    baseline_windows: int = Field(96, ge=1, le=10_000, description="Past windows the baseline averages over.")
    min_expected: float = Field(
        0.05, gt=0.0, description="Floor of the baseline rate, so a quiet dyad is not infinitely surprising."
    )
    require_history: bool = Field(True, description="Leave dyads with no past window to the first_seen rule.")


class FirstSeenRule(_Rule):
    """A dyad with no window at all within the horizon reaches ``min_count`` articles."""

    kind: Literal["first_seen"]
    horizon_days: float = Field(7.0, gt=0.0, le=365.0)


class EscalationRule(_Rule):
    """The window's mean intensity drops to ``max_mean_intensity`` or below (more conflictual)."""

    kind: Literal["escalation"]
    max_mean_intensity: float = Field(-5.0, ge=-10.0, le=10.0)


Rule = Annotated[WatchRule | SpikeRule | FirstSeenRule | EscalationRule, Field(discriminator="kind")]


class RuleSet(BaseModel):
    """The whole rules file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_cooldown_minutes: int = Field(60, ge=0)
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"rule name {rule.name!r} is used twice")
            seen.add(rule.name)
        return self

    def cooldown_s(self, rule: _Rule) -> float:
        minutes = self.default_cooldown_minutes if rule.cooldown_minutes is None else rule.cooldown_minutes
        return minutes * 60.0

    def history_s(self, window_s: float) -> float:
        """How much past a dyad's alert state must remember for every rule to decide, with windows of ``window_s``."""
        spans = [3600.0]
        for rule in self.rules:
            spans.append(self.cooldown_s(rule))
            if isinstance(rule, FirstSeenRule):
                spans.append(rule.horizon_days * 86400.0)
            if isinstance(rule, SpikeRule):
                spans.append(rule.baseline_windows * window_s)
        return max(spans)


def load_rules(path: Path) -> RuleSet:
    """Parse and validate the rules file; raise :class:`RulesError` naming the line of the first problem."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise RulesError(f"cannot read the rules file {path}: {exc.strerror or exc}") from None
    return parse_rules(text, source=str(path))


def parse_rules(text: str, *, source: str = "<rules>") -> RuleSet:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise RulesError(f"{source}, line {line}: not valid YAML ({exc.problem})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesError(f"{source}, line 1: expected a mapping with a 'rules' list, found {type(data).__name__}")
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = _yaml_loc(first["loc"])
        line = _line_of(root, loc)
        where = ".".join(str(p) for p in loc) or "(file)"
        raise RulesError(f"{source}, line {line}: {where}: {first['msg']}") from None


def _yaml_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop pydantic's union tags (e.g. 'watchlist') so the location walks the YAML tree."""
    return tuple(p for p in loc if p not in {"watchlist", "spike", "first_seen", "escalation"})


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """1-based line of the deepest YAML node that ``loc`` reaches."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
