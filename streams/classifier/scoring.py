"""Evaluation metrics of /work/shared/eval/README.md: micro P/R/F1 for actors and dyads, accuracy for event/quad."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"set": self.name, "rows": self.rows}
        for label, prf in (("actor", self.actors), ("dyad", self.dyads)):
            out[f"{label}_p"], out[f"{label}_r"], out[f"{label}_f1"] = prf.precision, prf.recall, prf.f1
        out["event_acc"] = self.event.value if self.event.total else None
        out["quad_acc"] = self.quad.value if self.quad.total else None
        return out


Predictor = Callable[[str, str], tuple[list[str], list[str], str, int]]


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def evaluate(rows: Iterable[dict[str, Any]], predict: Predictor, name: str = "eval") -> EvalReport:
    """Score ``predict(title, text) -> (actors, dyads, event_type, quad)`` against labelled rows."""
    report = EvalReport(name)
    for row in rows:
        actors, dyads, event, quad = predict(row.get("title") or "", row.get("text") or "")
        report.rows += 1
        report.actors.add(actors, row.get("actors") or [])
        report.dyads.add(dyads, row.get("dyads") or [])
        if row.get("event"):
            report.event.add(event, row["event"])
        if row.get("quad") is not None:
            report.quad.add(quad, int(row["quad"]))
    return report


def classifier_predictor(classifier: Any) -> Predictor:
    def predict(title: str, text: str) -> tuple[list[str], list[str], str, int]:
        a = classifier.analyse(title, text, explain=False)
        return a.actor_codes, a.dyad_keys, a.event_type, a.quad_class

    return predict


def held_back(row_id: str) -> bool:
    """The slice kept out of tuning: a stable 20% of rows chosen by a hash of the id."""
    import zlib

    return zlib.crc32(row_id.encode()) % 5 == 0
