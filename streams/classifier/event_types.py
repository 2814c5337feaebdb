"""Event type: the strongest PLOVER cue in the key sentences (headline first, then the lead sentences with actors).

Cues live in ``data/event_cues.yaml``; a :class:`~streams.classifier.keyword_scanner.KeywordScanner` anchors each on
its literal prefix, so a sentence is scanned once whatever the number of cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from schemas.event import EventType, QuadClass
from streams.classifier.keyword_scanner import Hit, KeywordScanner
from streams.classifier.native import DATA_DIR

CUES_FILE = DATA_DIR / "event_cues.yaml"
# Built by scripts/build_cameo_lexicon.py from PETRARCH2's CAMEO verb dictionary: weaker cues for the wordings the
# hand-written ones miss, so that an event no hand cue names is still typed (see docs/classifier.md).
LEXICON_FILE = DATA_DIR / "cameo_lexicon.yaml"

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

TITLE_BONUS = 2.0  # the headline names the story's main event; a body cue must be much stronger to win
TITLE_SECOND_CLAUSE_PENALTY = 4.5  # a headline's reaction clause ("…; China protests") ranks below the lead sentence
RANK_PENALTY = 0.35
POSITION_PENALTY = 0.015  # per character from the sentence start: the main verb comes early in news English
SUBORDINATE_PENALTY = 1.5  # a cue inside a subordinate clause ("after clashes", "whom they blame") rarely is the event
RELATIVE_PENALTY = 0.8  # "... a resolution that aims to tighten sanctions"
MIN_SCORE = 3.3  # a weak cue far into a sentence ("... at its policy meeting") is no event: NONE

_SUBORDINATE_RE = re.compile(
    r"\b(?:after|following|amid|despite|during|before|because|since|while|whom|who|whose|where|until|if|"
    r"as (?:the|a|an|he|she|they|it|his|her|their)|as long as)\b"
)
_RELATIVE_RE = re.compile(r"\b(?:that|which)\b")


@dataclass(frozen=True, slots=True)
class Cue:
    name: str  # "<EVENT_TYPE>_<index in the data file>"
    event_type: str
    pattern: str
    weight: float
    cameo: str | None


@dataclass(slots=True, init=False)  # a hand-written __init__ is compiled by mypyc; a generated one is not
class CueHit:
    cue: Cue
    start: int
    end: int
    score: float

    def __init__(self, cue: Cue, start: int, end: int, score: float) -> None:
        self.cue = cue
        self.start = start
        self.end = end
        self.score = score


@dataclass(slots=True)
class CueSet:
    cues: dict[str, Cue]


# Clause markers share the cue scan (one automaton pass over the key sentences); their names cannot be cue names.
SUBORDINATE_MARKER = "clause:subordinate"
LEXICON_PREFIX = "lex:"  # names of the CAMEO lexicon's cues
_RELATIVE = "clause:relative"


@lru_cache(maxsize=1)
def load_cues(path: Path = CUES_FILE, lexicon: Path | None = LEXICON_FILE) -> CueSet:
    """The hand cues (named "<TYPE>_<i>") and, unless ``lexicon`` is None, the CAMEO lexicon's ("lex:<TYPE>_<i>")."""
    cues: dict[str, Cue] = {}
    for prefix, source in (("", path), (LEXICON_PREFIX, lexicon)):
        if source is None:
            continue
        data = yaml.load(source.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        for event_type, items in data.items():
            EventType(event_type)  # fail fast on a typo in the data file
            for i, item in enumerate(items or ()):
                name = f"{prefix}{event_type}_{i}"
                re.compile(item["re"])
                cues[name] = Cue(name, event_type, item["re"], float(item["w"]), item.get("cameo"))
    return CueSet(cues)


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the lexicon is ~1 MB: libyaml reads it 10x faster


def cue_patterns(cues: dict[str, Cue]) -> list[tuple[str, str]]:
    """(name, regex) of every cue and clause marker, for the :class:`KeywordScanner` whose hits
    :func:`find_cues` reads."""
    patterns = [(name, cue.pattern) for name, cue in cues.items()]
    return [*patterns, (SUBORDINATE_MARKER, _SUBORDINATE_RE.pattern), (_RELATIVE, _RELATIVE_RE.pattern)]


def title_regions(title: str) -> list[tuple[int, int, float]]:
    """The headline's cue regions. Its main clause gets the headline bonus; a second clause with a subject of its own,
    after a semicolon or after a comma that follows four or more words and opens on a capital ("US approves arms sale
    to Taiwan; China protests", "North Korea fires missile toward Sea of Japan, Tokyo lodges protest"), is a reaction
    and scores below the lead sentence. A comma after fewer words lists subjects ("Russia, Ukraine swap prisoners"); a
    lower-case word after it goes on with the same subject ("Kim hosts Putin, signs treaty"). In a headline in title
    case, commas tell nothing.

    ``title`` is the cleaned headline (cased), the same length as the lower-cased one the cues are found in.
    """
    cut = title.find(";")
    words = title.split()
    if words and sum(w[:1].isupper() for w in words) < 0.6 * len(words):
        comma = title.find(", ")
        while comma > 0 and not (title.count(" ", 0, comma) >= 3 and title[comma + 2 : comma + 3].isupper()):
            comma = title.find(", ", comma + 2)
        if comma > 0 and (cut < 0 or comma < cut):
            cut = comma
    if cut <= 0:
        return [(0, len(title), TITLE_BONUS)]
    return [(0, cut, TITLE_BONUS), (cut + 1, len(title), TITLE_BONUS - TITLE_SECOND_CLAUSE_PENALTY)]


def cue_range(regions: list[tuple[int, int, float]]) -> tuple[int, int]:
    """The stretch of text one scan for the regions (in text order) covers; empty without regions."""
    if not regions:
        return 0, 0
    return regions[0][0], regions[-1][1]


def find_cues(
    lower: str, regions: list[tuple[int, int, float]], cues: CueSet, found: list[tuple[str, re.Match[str]]]
) -> list[CueHit]:
    """Cue hits in each region (start, end, bonus), scored by weight, region bonus and position in the sentence.

    ``found`` is one scanner pass of :func:`cue_patterns` over :func:`cue_range`: the regions are the headline and
    the first sentences, so nearly contiguous, and the pass finds the clause markers too.
    """
    if not regions:
        return []
    cue_hits: list[tuple[Cue, int, int]] = []
    subordinate: list[tuple[int, int]] = []
    relative: list[tuple[int, int]] = []
    by_name = cues.cues
    for name, m in found:
        pos, end = m.span()
        cue = by_name.get(name)
        if cue is not None:
            if not (pos and lower[pos - 1] == "-"):
                # A hyphenated cue ("long-threatened invasion", "US-backed") is an adjective, not the event.
                cue_hits.append((cue, pos, end))
        elif name == SUBORDINATE_MARKER:
            subordinate.append((pos, end))
        else:
            relative.append((pos, end))
    hits: list[CueHit] = []
    for start, end, bonus in regions:
        sub_at = rel_at = -1
        for cue, pos, stop in cue_hits:
            if pos < start or stop > end:
                continue
            if sub_at < 0:  # the first clause markers of the sentence, once it has a cue
                sub_at = min((p for p, q in subordinate if start <= p and q <= end), default=end)
                limit = min(end, sub_at)
                rel_at = min((p for p, q in relative if start <= p and q <= limit), default=end)
            score = cue.weight + bonus - POSITION_PENALTY * (pos - start)
            if pos > sub_at:
                score -= SUBORDINATE_PENALTY
            elif pos > rel_at:
                score -= RELATIVE_PENALTY
            hits.append(CueHit(cue, pos, stop, score))
    return hits


def governing_cue(
    lower: str,
    regions: list[tuple[int, int, float]],
    cues: CueSet,
    found: list[Hit],
    lexicon: KeywordScanner,
    lexicon_weight: float,
) -> CueHit | None:
    """The cue that types the event: the best hand cue of ``found`` (the hand cues' scan, see :func:`find_cues`),
    else the best lexicon cue. The lexicon is searched only then, and only where a cue of ``lexicon_weight`` can
    still reach :data:`MIN_SCORE` (:func:`lexicon_windows`): the same choice as scanning it with the hand cues."""
    hit = choose(find_cues(lower, regions, cues, found))
    if hit is not None or not regions:
        return hit
    lexicon_hits = lexicon.scan_starts(lower, lexicon_windows(regions, lexicon_weight), cue_range(regions)[1])
    return choose(find_cues(lower, regions, cues, found + lexicon_hits)) if lexicon_hits else None


def lexicon_windows(regions: list[tuple[int, int, float]], weight: float) -> list[tuple[int, int]]:
    """Where a cue of ``weight`` can still reach :data:`MIN_SCORE`: the first
    ``(weight + bonus - MIN_SCORE) / POSITION_PENALTY`` characters of each region (a lexicon cue only counts early in
    the headline or the lead sentence), merged, in text order. A little wider than exact; :func:`choose` decides."""
    windows: list[tuple[int, int]] = []
    for start, end, bonus in regions:
        reach = (weight + bonus - MIN_SCORE) / POSITION_PENALTY
        if reach < 0:
            continue
        hi = min(end, start + int(reach) + 2)
        if windows and windows[-1][1] >= start:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        elif hi > start:
            windows.append((start, hi))
    return windows


def choose(hits: list[CueHit]) -> CueHit | None:
    """Highest score wins; ties go to the earliest hit. A lexicon cue counts only where no hand cue reaches
    :data:`MIN_SCORE`: the hand cues are the more precise, the lexicon fills their gaps."""
    best: CueHit | None = None
    fallback: CueHit | None = None
    for h in hits:
        if h.score < MIN_SCORE:
            continue
        if h.cue.name.startswith(LEXICON_PREFIX):
            if fallback is None or h.score > fallback.score + 1e-9:
                fallback = h
        elif best is None or h.score > best.score + 1e-9:
            best = h
    return best if best is not None else fallback
