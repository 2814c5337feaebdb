"""The classifier: article text in, actors, dyads, event type, intensity and the reasons out. No Kafka here."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from schemas.event import ActorMention, ClassifiedEvent, DyadLink, EventType, QuadClass
from streams.classifier.actors import Mention, resolve, rule_us_business
from streams.classifier.attribution import reporter_clause_start
from streams.classifier.dyads import DyadEvidence, build_dyads
from streams.classifier.event_types import QUAD_OF, RANK_PENALTY, TITLE_BONUS, choose, find_cues, load_cues
from streams.classifier.gazetteer import Gazetteer, get_gazetteer
from streams.classifier.intensity import intensity_for, type_defaults
from streams.classifier.sentences import SentenceIndex, sentence_spans
from streams.classifier.text_cleaning import MAX_INPUT_CHARS, prepare
from streams.classifier.topics import MAX_TOPICS, find_topics

CLASSIFIER_VERSION = "1.0.0"
SNIPPET_CHARS = 300
KEY_SENTENCES = 3  # body sentences with actors searched for the event cue
MIN_DYAD_SHARE = 0.15  # dyads weaker than this share of the strongest are dropped as noise
MIN_DYAD_WEIGHT = 0.6  # one lead-sentence co-occurrence of two names is ~1.35; a bystander pair alone is ~0.45
MAX_EXPLANATION = 64

_ID_BAD_RE = re.compile(r"[^A-Za-z0-9._:@\-]")
_WS_RE = re.compile(r"\s+")


@dataclass(slots=True)
class ActorResult:
    code: str
    aliases: list[str]
    spans: list[tuple[int, int]]
    mentions: int
    weight: float
    role: str = "mentioned"


@dataclass(slots=True)
class DyadResult:
    dyad: str
    source: str | None
    target: str | None
    weight: float


@dataclass(slots=True)
class Analysis:
    """Plain result of :meth:`Classifier.analyse`; cheap to build, no validation."""

    actors: list[ActorResult] = field(default_factory=list)
    dyads: list[DyadResult] = field(default_factory=list)
    event_type: str = "NONE"
    quad_class: int = 0
    topics: list[str] = field(default_factory=list)
    intensity: float = 0.0
    confidence: float = 0.0
    explanation: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def actor_codes(self) -> list[str]:
        return [a.code for a in self.actors]

    @property
    def dyad_keys(self) -> list[str]:
        return [d.dyad for d in self.dyads]


class Classifier:
    """Loads the dictionaries once; :meth:`classify` and :meth:`analyse` are then cheap and thread-safe."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or get_gazetteer()
        self.cues = load_cues()
        type_defaults()

    # ------------------------------------------------------------------ fast path
    def analyse(self, title: str, text: str, *, published: date | None = None, explain: bool = True) -> Analysis:
        """Classify without building the pydantic model (benchmarks, evaluation)."""
        prep = prepare(title, text)
        result = Analysis(truncated=prep.truncated)
        notes = result.explanation
        if prep.truncated:
            notes.append(f"input truncated to {MAX_INPUT_CHARS} characters of text (cap)")
        mentions, dropped = resolve(prep, self.gazetteer, published)
        if explain:
            for d in dropped[:8]:
                notes.append(f"ignored '{d.text}' @{d.start}: {d.rule}")
        if not mentions:
            fallback = rule_us_business(prep)
            if fallback is not None:
                result.actors = [
                    ActorResult(
                        "USA", [prep.cleaned[fallback.start : fallback.end]], [(fallback.start, fallback.end)], 1, 0.3
                    )
                ]
                result.confidence = 0.2
                cue = prep.cleaned[fallback.start : fallback.end]
                notes.append(f"rule {fallback.rule} '{cue}' @{fallback.start} → USA (weak)")
                notes.append("no state actor named: event NONE")
                return result
            notes.append("no state actor found: event NONE")
            return result

        cleaned = prep.cleaned
        body_start = prep.title_end + 2
        spans: list[tuple[int, int]] = [(0, prep.title_end)] if prep.title_end else []
        title_sentences = len(spans)
        # Only the part of the text that holds mentions needs sentence boundaries; with a single state, only the
        # part up to its first few mentions (the key sentences for the event cue).
        single = all(m.code == mentions[0].code for m in mentions)
        last = mentions[min(len(mentions), KEY_SENTENCES + 1) - 1].end if single else mentions[-1].end
        cut = cleaned.find("\n", last)
        body_end = len(cleaned) if cut < 0 else cut
        spans.extend(sentence_spans(cleaned[:body_end], body_start))
        index = SentenceIndex(spans)
        sentence_of = [index.of(m.start) for m in mentions]
        if not single:  # a lone state is kept even when it is only the reporter's home
            _mark_reporters(prep.lower, mentions, sentence_of, spans, notes if explain else None)
        kept = {m.code for m in mentions if not m.reporter}
        actors = _aggregate([m for m in mentions if m.code in kept])
        if not actors:
            notes.append("only reporting sources named: event NONE")
            return result
        result.actors = actors
        if explain:
            for a in actors[:16]:
                notes.append(f"actor {a.code}: " + ", ".join(f"'{s}'" for s in a.aliases[:4]) + f" ×{a.mentions}")
            for m in mentions:
                if m.rule:
                    notes.append(f"rule {m.rule} → {m.code} for '{cleaned[m.start : m.end]}' @{m.start}")
                    if len(notes) > 40:
                        break

        evidence = build_dyads(cleaned, mentions, sentence_of, title_sentences, spans)
        if evidence:
            top = evidence[0].weight
            floor = max(MIN_DYAD_WEIGHT, MIN_DYAD_SHARE * top)
            evidence = [e for e in evidence if e.weight >= floor][:64]
        result.dyads = [_dyad_result(e) for e in evidence]
        if explain:
            for e, d in zip(evidence[:8], result.dyads, strict=False):
                arrow = f" ({d.source}→{d.target})" if d.source else ""
                where = "headline" if title_sentences and 0 in e.sentences else f"sentence {e.sentences[0] + 1}"
                notes.append(f"dyad {e.dyad}{arrow}: weight {e.weight:.2f}, co-occur in {where}")
        _assign_roles(result)

        # Event type: cues in the headline and the first sentences that name an actor.
        regions: list[tuple[int, int, float]] = []
        if title_sentences:
            regions.append((0, prep.title_end, TITLE_BONUS))
        key_sentences = sorted({s for s in sentence_of if s >= title_sentences})[:KEY_SENTENCES]
        for rank, s in enumerate(key_sentences):
            regions.append((spans[s][0], spans[s][1], -RANK_PENALTY * rank))
        # Cues are scanned only in the key sentences: a shared pass with the topics measured slower on newswire.
        hit = choose(find_cues(prep.lower, regions, self.cues))
        if hit is not None:
            result.event_type = hit.cue.event_type
            result.quad_class = int(QUAD_OF[hit.cue.event_type])
            result.intensity = intensity_for(hit.cue.event_type, hit.cue.cameo)
            notes.append(
                f"event {hit.cue.event_type} (quad {result.quad_class}) from '{cleaned[hit.start : hit.end]}' "
                f"@{hit.start}; intensity {result.intensity:+.1f} (CAMEO {hit.cue.cameo or '-'})"
            )
        else:
            notes.append("no event cue near the actors: event NONE")

        topics = find_topics(prep.lower)
        result.topics = [t for t, _ in topics[:MAX_TOPICS]]
        if explain and topics:
            notes.append("topics: " + ", ".join(f"{t}×{n}" for t, n in topics[:MAX_TOPICS]))

        strength = min(1.0, sum(a.weight for a in actors[:2]) / 2.0)
        cue_conf = 0.0 if hit is None else min(1.0, hit.score / 9.0)
        result.confidence = round(0.5 * strength + 0.5 * cue_conf, 3)
        return result

    # ------------------------------------------------------------------ public API
    def classify(
        self,
        title: str,
        text: str,
        *,
        article_id: str = "adhoc",
        source: str = "adhoc",
        url: str | None = None,
        published_at: datetime | None = None,
    ) -> ClassifiedEvent:
        """Classify one article into the ``dyadwatch.events`` payload. Never raises on odd text."""
        title = title if isinstance(title, str) else ("" if title is None else str(title))
        text = text if isinstance(text, str) else ("" if text is None else str(text))
        if published_at is None:
            published_at = datetime.now(UTC)
        elif published_at.tzinfo is None or published_at.utcoffset() is None:
            published_at = published_at.replace(tzinfo=UTC)
        analysis = self.analyse(title, text, published=published_at.date())
        snippet = _WS_RE.sub(" ", prepare("", text[: SNIPPET_CHARS * 4]).cleaned).strip()[:SNIPPET_CHARS]
        return ClassifiedEvent(
            article_id=_safe_id(article_id),
            source=(source or "adhoc")[:200],
            url=url[:2048] if url else None,
            title=_WS_RE.sub(" ", prepare(title, "").cleaned).strip()[:1000],
            snippet=snippet,
            published_at=published_at,
            actors=[
                ActorMention(code=a.code, aliases=a.aliases[:32], spans=a.spans[:64], mentions=a.mentions, role=a.role)
                for a in analysis.actors[:64]
            ],
            dyads=[
                DyadLink(dyad=d.dyad, source=d.source, target=d.target, weight=round(d.weight, 3))
                for d in analysis.dyads[:64]
            ],
            event_type=EventType(analysis.event_type),
            quad_class=QuadClass(analysis.quad_class),
            topics=analysis.topics[:16],
            intensity=max(-10.0, min(10.0, analysis.intensity)),
            confidence=analysis.confidence,
            explanation=[s[:300] for s in analysis.explanation[:MAX_EXPLANATION]],
            truncated=analysis.truncated,
            classifier_version=CLASSIFIER_VERSION,
        )


def _mark_reporters(
    lower: str, mentions: list[Mention], sentence_of: list[int], spans: list[tuple[int, int]], notes: list[str] | None
) -> None:
    cache: dict[int, int | None] = {}
    for m, s in zip(mentions, sentence_of, strict=True):
        if s >= len(spans) or lower.find(",", m.end - 200 if m.end > 200 else 0, m.start) < 0:
            continue  # a reporting clause starts at a comma before the mention
        if s not in cache:
            cache[s] = reporter_clause_start(lower, *spans[s]) if s < len(spans) else None
        clause = cache[s]
        if clause is not None and m.start >= clause:
            m.reporter = True
            if notes is not None:
                notes.append(f"reporter {m.code} @{m.start}: named in an attribution clause, not an actor")


def _safe_id(article_id: object) -> str:
    value = _ID_BAD_RE.sub("_", str(article_id or "adhoc"))[:128]
    return value or "adhoc"


def _aggregate(mentions: list[Mention]) -> list[ActorResult]:
    by_code: dict[str, ActorResult] = {}
    for m in mentions:
        a = by_code.get(m.code)
        if a is None:
            a = by_code[m.code] = ActorResult(m.code, [], [], 0, 0.0)
        a.mentions += 1
        a.weight += m.alias.weight
        if len(a.spans) < 64:
            a.spans.append((m.start, m.end))
        if m.alias.text not in a.aliases and len(a.aliases) < 32:
            a.aliases.append(m.alias.text)
    # Strongest evidence first; first mention breaks ties (dict keeps insertion order, sort is stable).
    return sorted(by_code.values(), key=lambda a: -a.weight)


def _dyad_result(e: DyadEvidence) -> DyadResult:
    src, tgt = e.direction()
    return DyadResult(e.dyad, src, tgt, e.weight)


def _assign_roles(result: Analysis) -> None:
    roles: dict[str, set[str]] = {}
    for d in result.dyads:
        if d.source and d.target:
            roles.setdefault(d.source, set()).add("source")
            roles.setdefault(d.target, set()).add("target")
    for a in result.actors:
        r = roles.get(a.code)
        if r:
            a.role = "both" if len(r) == 2 else next(iter(r))


_lock = threading.Lock()
_instance: Classifier | None = None


def get_classifier() -> Classifier:
    """The process-wide classifier (built on first use, ~1-2 s)."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = Classifier()
    return _instance
