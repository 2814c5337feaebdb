"""The classifier: article text in, actors, dyads, event type, intensity and the reasons out. No Kafka here."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime

from schemas.event import ClassifiedEvent
from streams.classifier.actors import US_BUSINESS_ALIAS, Mention, resolve, rule_us_business
from streams.classifier.attribution import reporter_clause_start
from streams.classifier.dyads import MIN_LIST_STATES, DyadEvidence, build_dyads, listed_only
from streams.classifier.event_payload import build_event
from streams.classifier.event_types import (
    LEXICON_PREFIX,
    QUAD_OF,
    RANK_PENALTY,
    CueHit,
    cue_patterns,
    cue_range,
    governing_cue,
    load_cues,
    title_regions,
)
from streams.classifier.gazetteer import Gazetteer, get_gazetteer
from streams.classifier.intensity import intensity_for, type_defaults
from streams.classifier.keyword_scanner import Hit, KeywordScanner, Match
from streams.classifier.records import ActorResult, Analysis, DyadResult
from streams.classifier.sentences import iter_sentence_spans
from streams.classifier.shared_pass import SharedPass
from streams.classifier.text_cleaning import MAX_INPUT_CHARS, PreparedText, prepare
from streams.classifier.topics import MAX_TOPICS, TOPIC_REGEXES, TOPIC_SCAN_CHARS, count_topics, is_sports_story

CLASSIFIER_VERSION = "1.2.0"
KEY_SENTENCES = 3  # body sentences with actors searched for the event cue
MIN_DYAD_SHARE = 0.4  # dyads weaker than this share of the strongest are background (a later sentence vs the headline)
MIN_DYAD_WEIGHT = 0.6  # one lead-sentence co-occurrence of two names is ~1.35; a bystander pair alone is ~0.45
US_BUSINESS_CONFIDENCE = 0.2


class Classifier:
    """Loads the dictionaries once; :meth:`classify` and :meth:`analyse` are then cheap and thread-safe."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or get_gazetteer()
        self.cues = load_cues()
        hand = {name: cue for name, cue in self.cues.cues.items() if not name.startswith(LEXICON_PREFIX)}
        lexicon = [cue for name, cue in self.cues.cues.items() if name.startswith(LEXICON_PREFIX)]
        # One scanner finds the hand cues in the key sentences and the topics in the opening of the story; its
        # prefixes are searched in the same automaton pass as the gazetteer's keys.
        self.scanner = KeywordScanner(cue_patterns(hand) + TOPIC_REGEXES, zones={name: 1 for name, _ in TOPIC_REGEXES})
        # The CAMEO lexicon only fills gaps, and only early in the headline or the lead sentence: it is searched
        # there, and only when no hand cue counts (most of an article's cue-like words are lexicon verbs).
        self.lexicon_scanner = KeywordScanner([(cue.name, cue.pattern) for cue in lexicon])
        self.lexicon_weight = max((cue.weight for cue in lexicon), default=0.0)
        self.shared_pass = SharedPass(self.gazetteer, self.scanner)
        type_defaults()
        # What each cue sets on a result: its type, quad class and intensity.
        self._events: dict[str, tuple[str, int, float]] = {
            c.name: (c.event_type, int(QUAD_OF[c.event_type]), intensity_for(c.event_type, c.cameo))
            for c in self.cues.cues.values()
        }

    # ------------------------------------------------------------------ fast path
    def analyse(
        self, title: str | None, text: str | None, *, published: date | None = None, explain: bool = True
    ) -> Analysis:
        """The worker's analysis without the pydantic event (evaluation, bulk CLI, tests); ``explain=False`` skips
        only the explanation's strings, every rule runs the same."""
        return self._analyse(prepare(title, text), published, explain)

    def _analyse(self, prep: PreparedText, published: date | None, explain: bool) -> Analysis:
        """The Python path, one decision a step: which states are named, which of them only report, which pairs
        interact, which states are only background, and which cue governs the event."""
        result = Analysis(truncated=prep.truncated)
        notes = result.explanation if explain else []
        why = notes if explain else None  # for steps that only explain
        if prep.truncated:
            notes.append(f"input truncated to {MAX_INPUT_CHARS} characters of text (cap)")
        found = self.shared_pass.find(prep.lower)
        mentions = self._find_mentions(prep, published, found, why)
        if not mentions:
            _no_state_named(result, prep, notes)
            return result
        where = _locate_sentences(prep, mentions)
        actors = _actors_not_reporting(prep.lower, mentions, where, why)
        if len(actors) >= MIN_LIST_STATES:  # a list names at least MIN_LIST_STATES actors
            actors = _drop_listed_only(prep.cleaned, actors, mentions, where, why)
        if not actors:
            notes.append("only reporting sources named: event NONE")
            return result
        result.actors = actors
        if why is not None:
            _explain_actors(prep.cleaned, actors, mentions, why)

        # Cues are searched in the headline and the first sentences that name an actor; topics in the opening.
        regions = _cue_regions(prep, where)
        cue_hits, topics = self._scan_cues_and_topics(prep.lower, regions, found)
        result.topics = [t for t, _ in topics[:MAX_TOPICS]]
        if explain and topics:
            notes.append("topics: " + ", ".join(f"{t}×{n}" for t, n in topics[:MAX_TOPICS]))
        strength = min(1.0, sum(a.weight for a in actors[:2]) / 2.0)
        if is_sports_story(topics):
            # "England beat France 2-1": teams and players' nationalities name no state acting.
            notes.append("sports story: no state actor, dyad or event")
            result.actors = []
            return result

        result.dyads = _weigh_dyads(prep.cleaned, mentions, where, why)
        _assign_roles(result)
        if result.dyads:
            _drop_background(result, why)
        hit = self._governing_cue(result, prep, regions, cue_hits, notes)
        cue_conf = 0.0 if hit is None else min(1.0, hit.score / 9.0)
        result.confidence = round(0.5 * strength + 0.5 * cue_conf, 3)
        return result

    def _find_mentions(
        self, prep: PreparedText, published: date | None, found: list[Match], notes: list[str] | None
    ) -> list[Mention]:
        """The states named, in text order, after the gazetteer's rules have dropped what only looks like one."""
        mentions, dropped = resolve(prep, self.gazetteer, published, self.shared_pass.gazetteer_matches(found))
        if notes is not None:
            for d in dropped[:8]:
                notes.append(f"ignored '{d.text}' @{d.start}: {d.rule}")
        return mentions

    def _scan_cues_and_topics(
        self, lower: str, regions: list[tuple[int, int, float]], found: list[Match]
    ) -> tuple[list[Hit], list[tuple[str, int]]]:
        """The cue scanner's hits in the cue regions, and the topics counted in the opening of the story."""
        zones = [cue_range(regions), (0, min(len(lower), TOPIC_SCAN_CHARS))]
        end = max(zones[0][1], zones[1][1])
        cue_hits, topic_hits = self.scanner.scan_zones(lower, zones, self.shared_pass.scanner_matches(found, end))
        return cue_hits, count_topics(topic_hits, TOPIC_SCAN_CHARS)

    def _governing_cue(
        self,
        result: Analysis,
        prep: PreparedText,
        regions: list[tuple[int, int, float]],
        cue_hits: list[Hit],
        notes: list[str],
    ) -> CueHit | None:
        """The best-scored cue near the actors sets the event type, quad class and intensity; none leaves NONE."""
        hit = governing_cue(prep.lower, regions, self.cues, cue_hits, self.lexicon_scanner, self.lexicon_weight)
        if hit is None:
            notes.append("no event cue near the actors: event NONE")
            return None
        result.event_type, result.quad_class, result.intensity = self._events[hit.cue.name]
        notes.append(
            f"event {hit.cue.event_type} (quad {result.quad_class}) from '{prep.cleaned[hit.start : hit.end]}' "
            f"@{hit.start}; intensity {result.intensity:+.1f} (CAMEO {hit.cue.cameo or '-'})"
        )
        return hit

    # ------------------------------------------------------------------ public API
    def classify(
        self,
        title: str | None,
        text: str | None,
        *,
        article_id: str = "adhoc",
        source: str = "adhoc",
        url: str | None = None,
        published_at: datetime | None = None,
    ) -> ClassifiedEvent:
        """Classify one article into the ``dyadwatch.events`` payload. Never raises on odd text."""
        if published_at is None:
            published_at = datetime.now(UTC)
        elif published_at.tzinfo is None or published_at.utcoffset() is None:
            published_at = published_at.replace(tzinfo=UTC)
        prep = prepare(title, text)
        return build_event(
            self._analyse(prep, published_at.date(), True),
            prep,
            article_id=article_id,
            source=source,
            url=url,
            published_at=published_at,
            version=CLASSIFIER_VERSION,
        )


def _set_us_business(result: Analysis, cue: str, start: int, end: int) -> None:
    """No state named, but US corporate cues: a weak USA actor and no event (see ``actors.rule_us_business``)."""
    result.actors = [ActorResult(US_BUSINESS_ALIAS.code, [cue], [(start, end)], 1, US_BUSINESS_ALIAS.weight)]
    result.confidence = US_BUSINESS_CONFIDENCE


@dataclass(slots=True, init=False)  # a hand-written __init__ is compiled by mypyc; a generated one is not
class SentenceMap:
    """Where the mentions sit: sentence spans (the headline first, when there is one) and each mention's sentence."""

    spans: list[tuple[int, int]]
    title_sentences: int  # 1 when the headline is sentence 0, else 0
    sentence_of: list[int]  # index of the last sentence starting at or before each mention
    key_sentences: list[int]  # the first body sentences that name an actor, in order
    single: bool  # every mention names the same state

    def __init__(self, spans: list[tuple[int, int]], single: bool) -> None:
        self.spans = spans
        self.title_sentences = len(spans)
        self.sentence_of = []
        self.key_sentences = []
        self.single = single


def _locate_sentences(prep: PreparedText, mentions: list[Mention]) -> SentenceMap:
    """Sentence boundaries, found lazily up to the end of the line of the last mention that matters: all of them for
    the dyads of several states; for a single state, its first few (the key sentences for the cue)."""
    cleaned = prep.cleaned
    first_code = mentions[0].code
    single = all(m.code == first_code for m in mentions)
    where = SentenceMap([(0, prep.title_end)] if prep.title_end else [], single)
    spans, sentence_of, key_sentences = where.spans, where.sentence_of, where.key_sentences
    last = mentions[min(len(mentions), KEY_SENTENCES + 1) - 1].end if single else mentions[-1].end
    cut = cleaned.find("\n", last)
    sentences = iter_sentence_spans(cleaned, prep.body_start, len(cleaned) if cut < 0 else cut)
    pending = next(sentences, None)
    for m in mentions:
        while pending is not None and pending[0] <= m.start:
            spans.append(pending)
            pending = next(sentences, None)
        s = len(spans) - 1 if spans else 0
        sentence_of.append(s)
        if s >= where.title_sentences and (not key_sentences or key_sentences[-1] != s):
            if single and len(key_sentences) == KEY_SENTENCES:
                break  # a lone state makes no dyad and needs no reporter check: nothing reads further
            key_sentences.append(s)
    return where


def _no_state_named(result: Analysis, prep: PreparedText, notes: list[str]) -> None:
    """No state named: US corporate cues still give a weak USA actor (see ``actors.rule_us_business``); no event."""
    fallback = rule_us_business(prep)
    if fallback is None:
        notes.append("no state actor found: event NONE")
        return
    cue = prep.cleaned[fallback.start : fallback.end]
    _set_us_business(result, cue, fallback.start, fallback.end)
    notes.append(f"rule {fallback.rule} '{cue}' @{fallback.start} → USA (weak)")
    notes.append("no state actor named: event NONE")


def _actors_not_reporting(
    lower: str, mentions: list[Mention], where: SentenceMap, notes: list[str] | None
) -> list[ActorResult]:
    """The actors, strongest first: every state named except those only named as the source of the report."""
    if not where.single:  # a lone state is kept even when it is only the reporter's home
        _mark_reporters(lower, mentions, where.sentence_of, where.spans, notes)
    kept = {m.code for m in mentions if not m.reporter}
    return _aggregate([m for m in mentions if m.code in kept])


def _drop_listed_only(
    cleaned: str, actors: list[ActorResult], mentions: list[Mention], where: SentenceMap, notes: list[str] | None
) -> list[ActorResult]:
    """States named only in a long list alone in its sentence (see ``dyads.listed_only``) are no actors when another
    state is named otherwise; their mentions leave ``mentions`` (and ``where.sentence_of``) in place."""
    listed = listed_only(cleaned, mentions, where.sentence_of)
    if not listed or all(a.code in listed for a in actors):
        return actors
    keep = [i for i, m in enumerate(mentions) if m.code not in listed]
    where.sentence_of[:] = [where.sentence_of[i] for i in keep]
    mentions[:] = [mentions[i] for i in keep]
    if notes is not None:
        notes.append("listed only, a set of countries, not actors: " + ", ".join(sorted(listed)))
    return [a for a in actors if a.code not in listed]


def _explain_actors(cleaned: str, actors: list[ActorResult], mentions: list[Mention], notes: list[str]) -> None:
    for a in actors[:16]:
        notes.append(f"actor {a.code}: " + ", ".join(f"'{s}'" for s in a.aliases[:4]) + f" ×{a.mentions}")
    for m in mentions:
        if m.rule:
            notes.append(f"rule {m.rule} → {m.code} for '{cleaned[m.start : m.end]}' @{m.start}")
            if len(notes) > 40:
                break


def _cue_regions(prep: PreparedText, where: SentenceMap) -> list[tuple[int, int, float]]:
    """Where the event cue is searched, with each region's bonus: the headline's clauses, then the key sentences
    (later ones penalised by rank)."""
    regions: list[tuple[int, int, float]] = []
    if where.title_sentences:
        regions.extend(title_regions(prep.cleaned[: prep.title_end]))
    for rank, s in enumerate(where.key_sentences[:KEY_SENTENCES]):
        regions.append((where.spans[s][0], where.spans[s][1], -RANK_PENALTY * rank))
    return regions


def _weigh_dyads(
    cleaned: str, mentions: list[Mention], where: SentenceMap, notes: list[str] | None
) -> list[DyadResult]:
    """The dyads strong enough to keep, strongest first, each with its direction; none for a lone state."""
    if where.single:
        return []
    evidence = build_dyads(cleaned, mentions, where.sentence_of, where.title_sentences, where.spans)
    if evidence:
        floor = max(MIN_DYAD_WEIGHT, MIN_DYAD_SHARE * evidence[0].weight)
        evidence = [e for e in evidence if e.weight > floor][:64]
    dyads = [_dyad_result(e) for e in evidence]
    if notes is not None:
        for e, dyad in zip(evidence[:8], dyads, strict=False):
            arrow = f" ({dyad.source}→{dyad.target})" if dyad.source else ""
            where_seen = "headline" if where.title_sentences and 0 in e.sentences else f"sentence {e.sentences[0] + 1}"
            notes.append(f"dyad {e.dyad}{arrow}: weight {e.weight:.2f}, co-occur in {where_seen}")
    return dyads


def _mark_reporters(
    lower: str, mentions: list[Mention], sentence_of: list[int], spans: list[tuple[int, int]], notes: list[str] | None
) -> None:
    """Flag mentions inside a trailing attribution clause, where the flag can change a result.

    A flag counts in a sentence naming two or more states (the dyads leave reporters out), or for a state whose every
    mention might be a reporter's (such a state is no actor). Elsewhere the check is skipped.
    """
    # A reporting clause starts at a comma before the mention.
    maybe = [lower.find(",", m.end - 200 if m.end > 200 else 0, m.start) >= 0 for m in mentions]
    if not any(maybe):
        return
    sentence_codes: dict[int, set[str]] = {}
    sure_codes: set[str] = set()  # states with a mention that no clause can hold
    for m, s, may in zip(mentions, sentence_of, maybe, strict=True):
        sentence_codes.setdefault(s, set()).add(m.code)
        if not may:
            sure_codes.add(m.code)
    cache: dict[int, int | None] = {}
    for m, s, may in zip(mentions, sentence_of, maybe, strict=True):
        if not may or (m.code in sure_codes and len(sentence_codes[s]) < 2):
            continue
        if s not in cache:
            cache[s] = reporter_clause_start(lower, *spans[s])
        clause = cache[s]
        if clause is not None and m.start >= clause:
            m.reporter = True
            if notes is not None:
                notes.append(f"reporter {m.code} @{m.start}: named in an attribution clause, not an actor")


def _aggregate(mentions: list[Mention]) -> list[ActorResult]:
    by_code: dict[str, list[Mention]] = {}
    for m in mentions:
        group = by_code.get(m.code)
        if group is None:
            by_code[m.code] = [m]
        else:
            group.append(m)
    # List comprehensions, not generators, inside: a generator costs a frame switch per mention.
    actors = [
        ActorResult(
            code,
            list(dict.fromkeys([m.alias.text for m in ms]))[:32],
            [(m.start, m.end) for m in ms[:64]],
            len(ms),
            sum([m.alias.weight for m in ms]),
        )
        for code, ms in by_code.items()
    ]
    # Strongest evidence first; first mention breaks ties (dict keeps insertion order, sort is stable).
    if len(actors) > 1:
        actors.sort(key=lambda a: -a.weight)
    return actors


def _dyad_result(e: DyadEvidence) -> DyadResult:
    src, tgt = e.direction()
    return DyadResult(e.dyad, src, tgt, e.weight)


def _drop_background(result: Analysis, notes: list[str] | None) -> None:
    """A story with dyads names its actors in them: a state outside every kept dyad was named as place, history,
    comparison or context ("talks in Geneva", "since the Korean War", "a key U.S. ally"), not as a party."""
    inside: set[str] = set()
    for d in result.dyads:
        inside.update(d.dyad.split("-"))
    kept = [a for a in result.actors if a.code in inside]
    if notes is not None:
        for a in result.actors:
            if a.code not in inside:
                notes.append(f"background {a.code}: in no dyad of the story, not an actor")
    result.actors = kept


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
