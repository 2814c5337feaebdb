"""Event type: the strongest PLOVER cue in the key sentences (headline first, then the lead sentences with actors).

Cues live in ``data/event_cues.yaml``; a :class:`KeywordScanner` anchors each on its literal prefix, so a sentence is
scanned once whatever the number of cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from schemas.event import EventType, QuadClass
from streams.classifier.keyword_scanner import KeywordScanner

CUES_FILE = Path(__file__).resolve().parent / "data" / "event_cues.yaml"

QUAD_OF: dict[str, QuadClass] = {
    "AGREE": QuadClass.VERBAL_COOPERATION,
    "CONSULT": QuadClass.VERBAL_COOPERATION,
    "SUPPORT": QuadClass.VERBAL_COOPERATION,
    "REQUEST": QuadClass.VERBAL_COOPERATION,
    "CONCEDE": QuadClass.MATERIAL_COOPERATION,
    "COOPERATE": QuadClass.MATERIAL_COOPERATION,
    "AID": QuadClass.MATERIAL_COOPERATION,
    "RETREAT": QuadClass.MATERIAL_COOPERATION,
    "ACCUSE": QuadClass.VERBAL_CONFLICT,
    "REJECT": QuadClass.VERBAL_CONFLICT,
    "THREATEN": QuadClass.VERBAL_CONFLICT,
    "PROTEST": QuadClass.MATERIAL_CONFLICT,
    "SANCTION": QuadClass.MATERIAL_CONFLICT,
    "MOBILIZE": QuadClass.MATERIAL_CONFLICT,
    "COERCE": QuadClass.MATERIAL_CONFLICT,
    "ASSAULT": QuadClass.MATERIAL_CONFLICT,
    "NONE": QuadClass.NONE,
}
assert set(QUAD_OF) == {e.value for e in EventType}

TITLE_BONUS = 0.4
RANK_PENALTY = 0.35
POSITION_PENALTY = 0.015  # per character from the sentence start: the main verb comes early in news English
SUBORDINATE_PENALTY = 1.5  # a cue inside a subordinate clause ("after clashes", "whom they blame") rarely is the event
RELATIVE_PENALTY = 0.8  # "... a resolution that aims to tighten sanctions"
MIN_SCORE = 3.3  # a weak cue far into a sentence ("... at its policy meeting") is no event: NONE

_SUBORDINATE_RE = re.compile(
    r"\b(?:after|following|despite|during|before|because|since|while|whom|who|whose|where|until|if|"
    r"as (?:the|a|an|he|she|they|it|his|her|their)|as long as)\b"
)
_RELATIVE_RE = re.compile(r"\b(?:that|which)\b")


@dataclass(frozen=True, slots=True)
class Cue:
    event_type: str
    pattern: str
    weight: float
    cameo: str | None


@dataclass(frozen=True, slots=True)
class CueHit:
    cue: Cue
    start: int
    end: int
    score: float


@dataclass(slots=True)
class CueSet:
    scanner: KeywordScanner
    cues: dict[str, Cue]


@lru_cache(maxsize=1)
def load_cues(path: Path = CUES_FILE) -> CueSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cues: dict[str, Cue] = {}
    for event_type, items in data.items():
        EventType(event_type)  # fail fast on a typo in the data file
        for i, item in enumerate(items):
            name = f"{event_type}_{i}"
            re.compile(item["re"])
            cues[name] = Cue(event_type, item["re"], float(item["w"]), item.get("cameo"))
    return CueSet(KeywordScanner([(name, cue.pattern) for name, cue in cues.items()]), cues)


def find_cues(
    lower: str,
    regions: list[tuple[int, int, float]],
    cues: CueSet,
    found: list[tuple[str, re.Match[str]]] | None = None,
) -> list[CueHit]:
    """Cue hits in each region (start, end, bonus), scored by weight, region bonus and position in the sentence.

    One scanner pass covers all regions (they are the headline and the first sentences, so nearly contiguous);
    ``found`` lets the caller share one pass with the topic scan.
    """
    if not regions:
        return []
    lo = min(r[0] for r in regions)
    hi = max(r[1] for r in regions)
    found = [
        (name, m) for name, m in cues.scanner.scan(lower, lo, hi) if not (m.start() and lower[m.start() - 1] == "-")
    ]
    hits: list[CueHit] = []
    if not found:
        return hits
    for start, end, bonus in regions:
        inside = [(name, m) for name, m in found if start <= m.start() and m.end() <= end]
        if not inside:
            continue
        sub = _SUBORDINATE_RE.search(lower, start, end)
        sub_at = sub.start() if sub else end
        rel = _RELATIVE_RE.search(lower, start, min(end, sub_at))
        rel_at = rel.start() if rel else end
        for name, m in inside:
            # A hyphenated cue ("long-threatened invasion", "US-backed") is an adjective, not the event: skipped above.
            pos = m.start()
            cue = cues.cues[name]
            score = cue.weight + bonus - POSITION_PENALTY * (pos - start)
            if pos > sub_at:
                score -= SUBORDINATE_PENALTY
            elif pos > rel_at:
                score -= RELATIVE_PENALTY
            hits.append(CueHit(cue, pos, m.end(), score))
    return hits


def choose(hits: list[CueHit]) -> CueHit | None:
    """Highest score wins; ties go to the earliest hit."""
    best: CueHit | None = None
    for h in hits:
        if h.score >= MIN_SCORE and (best is None or h.score > best.score + 1e-9):
            best = h
    return best
