"""Evaluation metrics of /work/shared/eval/README.md: micro P/R/F1 for actors and dyads, accuracy for event/quad."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from schemas.base import make_dyad


@dataclass(slots=True)
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: Iterable[str], gold: Iterable[str]) -> None:
        p, g = set(predicted), set(gold)
        self.tp += len(p & g)
        self.fp += len(p - g)
        self.fn += len(g - p)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, predicted: object, gold: object) -> None:
        self.total += 1
        self.correct += int(predicted == gold)

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(slots=True)
class EvalReport:
    name: str
    rows: int = 0
    actors: PRF = field(default_factory=PRF)
    dyads: PRF = field(default_factory=PRF)
    event: Accuracy = field(default_factory=Accuracy)
    quad: Accuracy = field(default_factory=Accuracy)
    direction: Accuracy = field(default_factory=Accuracy)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"set": self.name, "rows": self.rows}
        for label, prf in (("actor", self.actors), ("dyad", self.dyads)):
            out[f"{label}_p"], out[f"{label}_r"], out[f"{label}_f1"] = prf.precision, prf.recall, prf.f1
        out["event_acc"] = self.event.value if self.event.total else None
        out["quad_acc"] = self.quad.value if self.quad.total else None
        out["direction_acc"] = self.direction.value if self.direction.total else None
        return out


class Prediction(NamedTuple):
    actors: list[str]
    dyads: list[str]
    event: str
    quad: int
    directions: dict[str, str]  # dyad -> "SRC>TGT", for the dyads that have a direction


Predictor = Callable[[str, str], Prediction]


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def evaluate(rows: Iterable[dict[str, Any]], predict: Predictor, name: str = "eval") -> EvalReport:
    """Score ``predict(title, text)`` against labelled rows.

    A row may also carry ``direction`` ("SRC>TGT", the project's own sets): it counts as right when the prediction
    has that dyad with that direction, so a missing dyad or an undirected one counts as wrong.
    """
    report = EvalReport(name)
    for row in rows:
        p = predict(row.get("title") or "", row.get("text") or "")
        report.rows += 1
        report.actors.add(p.actors, row.get("actors") or [])
        report.dyads.add(p.dyads, row.get("dyads") or [])
        if row.get("event"):
            report.event.add(p.event, row["event"])
        if row.get("quad") is not None:
            report.quad.add(p.quad, int(row["quad"]))
        gold = row.get("direction")
        if gold:
            src, _, tgt = gold.partition(">")
            report.direction.add(p.directions.get(make_dyad(src, tgt)), gold)
    return report


def classifier_predictor(classifier: Any) -> Predictor:
    def predict(title: str, text: str) -> Prediction:
        a = classifier.analyse(title, text, explain=False)
        directions = {d.dyad: f"{d.source}>{d.target}" for d in a.dyads if d.source}
        return Prediction(a.actor_codes, a.dyad_keys, a.event_type, a.quad_class, directions)

    return predict


def held_back(row_id: str) -> bool:
    """The slice kept out of tuning: a stable 20% of rows chosen by a hash of the id."""
    import zlib

    return zlib.crc32(row_id.encode()) % 5 == 0


SPLIT_HALVES = ("tune", "check")


def split_half(row_id: str) -> str:
    """Which half of a dev file a row belongs to: "tune" (sha256 of the id even) is the only half rules are tuned
    on; "check" (odd) is scored before and after each change and never looked into, so a gain must show there too."""
    import hashlib

    return "tune" if hashlib.sha256(row_id.encode()).digest()[-1] % 2 == 0 else "check"
