"""Dyads: pairs of states that interact in the same sentence (or the headline), weighted, with direction.

States listed together ("the United States and Jordan", "between Eritrea and Ethiopia") form one coordinated group:
they act (or are acted upon) side by side, so they make no dyad with each other from that sentence; each of them
pairs with every state outside the group. A hyphenated pair ("US-China talks") is an explicit dyad.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas.base import make_dyad
from streams.classifier.actors import SUBORDINATE_RE, Mention
from streams.classifier.keyword_scanner import search_word_start

_COORDINATION_RE = re.compile(
    r"^(?:\s*(?:,|and|&|or|as well as|plus|nor|along with|together with|/|'s? and|the|"
    r"(?:and |or )?(?:its|their|his|her) (?:neighbou?rs?|allies|ally|partners?|rivals?)\s*,?)\s*)+$|^\s*$"
)
_HYPHEN_PAIR_RE = re.compile(r"^\s*[-/]\s*$")
# A sentence opening on a participle ("Blasting North Korea: U.S., Japan ...") puts its object first.
_FRONTED_PARTICIPLE_RE = re.compile(r"^\W*[A-Za-z]+ing\s+(?:the\s+)?$")
# "..., expected to be joined later by Italian and German vessels": side by side, not against each other.
_JOINED_RE = re.compile(
    r"(?:joined (?:\w+ ){0,2}by|along with|together with|alongside|as well as|in addition to)\s+(?:the\s+)?(?:\w+\s+)?$"
)
# "Taiwan detects 30 Chinese military aircraft": the state observed acts; "Argentina secures a swap line from the US
# Treasury": the giver acts on the recipient.
_OBSERVED_RE = re.compile(r"\b(?:detect|spott|spot|track|monitor|observ)(?:s|ed|ing|e|es)?\b")
_RECEIVED_FROM_RE = re.compile(
    r"\b(?:receiv|secur|obtain|accept|get|gets|got|win|wins|won)\w*\b[^.;:]*\bfrom\s+(?:the\s+)?\w*\s*$"
)
_PASSIVE_BY_RE = re.compile(
    r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn)\s+by\s+(?:the\s+)?\w*\s*$"
)

# States listed together that act on each other ("Thailand and Cambodia exchanged fire", "India and Pakistan traded
# accusations", "the war between Russia and Ukraine", "a mutual defence pact", "a peace deal", "Trump and Putin hold
# a summit"). A joint act with no such word ("the United States and Jordan agreed upon a pact") stays no dyad, as
# PLOVER codes it: both are sources, no target.
_RECIPROCAL_RE = re.compile(
    r"\b(?:(?:exchang|trad|swap)(?:e|ed|es|ing|s|ped|ping)? (?:\w+ ){0,3}"
    r"(?:fire|shots|blows|strikes|accusations|threats|insults|barbs|blame|warnings|charges|artillery|rocket|missile"
    r"|prisoners|captives|pows|detainees|bodies)"
    r"|clash(?:ed|es)? (?:with each other|along|on|over|at|near|in)"
    r"|each other|one another|mutual|bilateral"
    r"|(?:peace|joint) (?:deal|agreement|accord|treaty|talks|process|declaration)"
    r"|(?:hold|holds|held|holding) (?:\w+ ){0,2}(?:talks|summits?|meetings?)|met|meet"
    r"|(?:war|wars|conflict|fighting|clashes|hostilities|tensions|ceasefire|truce|border dispute) between"
    r"|agree(?:s|d)? (?:to|on|upon) (?:an? |the )?(?:\w+ )?(?:ceasefire|cease-fire|truce|armistice)"
    r"|joint (?:[\w-]+ ){0,2}(?:drills|exercises|patrols|war games))\b",
    re.IGNORECASE,
)
# A headline's joint agreement is a bilateral one: "North Korea and Russia sign trade agreement", "Egypt, Turkey restore
# ties" name the two parties. In a body sentence PLOVER codes such states as joint sources with no target ("Czechia
# and China signed an agreement", "the United States and Jordan agreed upon a pact": no dyad in its gold records), so
# these wordings pair the group in the headline only.
_HEADLINE_RECIPROCAL_RE = re.compile(
    _RECIPROCAL_RE.pattern[: -len(")\\b")]
    + r"|sign(?:s|ed|ing)? (?:[\w-]+ ){0,4}(?:agreements?|deals?|pacts?|treaty|treaties|accords?|memorandum"
    r"|declaration|framework|protocol|contracts?)"
    r"|agree(?:s|d)? (?:to|on|upon)"
    r"|(?:restor|normali[sz]|re-?establish|resum|upgrad|sever|cut|broke|break)\w* (?:\w+ ){0,2}(?:ties|relations)"
    r"|(?:spoke|talked|talks?) (?:by|on the|over the) (?:phone|telephone))\b",
    re.IGNORECASE,
)
MIN_LIST_STATES = 4  # a list this long, alone in its sentence, names a set of countries
TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
BODY_WEIGHT = 1.0
BYSTANDER_FACTOR = 0.3  # a pair that leaves out the sentence's subject ("... strained by Riyadh's ties with Tehran")
# A headline's "after" clause is what the subject answers ("Japan scrambles jets after Russian bombers fly near its
# airspace"): the pair is weaker than the main one, but it is a pair.
TITLE_BYSTANDER_FACTOR = 0.5


@dataclass(slots=True, init=False)  # a hand-written __init__ is compiled by mypyc; a generated one is not
class DyadEvidence:
    dyad: str
    weight: float
    forward: float  # evidence for the first code (sorted) acting on the second
    backward: float
    sentences: list[int]

    def __init__(self, dyad: str) -> None:
        self.dyad = dyad
        self.weight = 0.0
        self.forward = 0.0
        self.backward = 0.0
        self.sentences = []

    def direction(self) -> tuple[str | None, str | None]:
        a, b = self.dyad.split("-")
        if self.forward > self.backward:
            return a, b
        if self.backward > self.forward:
            return b, a
        return None, None


def _groups(text: str, mentions: list[Mention]) -> tuple[list[list[Mention]], list[tuple[str, str]]]:
    """Split one sentence's mentions (in order) into coordinated groups; also return explicit hyphen pairs."""
    groups: list[list[Mention]] = []
    explicit: list[tuple[str, str]] = []
    prev: Mention | None = None
    for m in mentions:
        if prev is not None:
            gap = text[prev.end : m.start]
            if m.code == prev.code:
                groups[-1].append(m)
                prev = m
                continue
            if _HYPHEN_PAIR_RE.match(gap):
                explicit.append((prev.code, m.code))
                groups.append([m])
            elif _COORDINATION_RE.match(gap) or _JOINED_RE.search(gap[-60:]):
                groups[-1].append(m)
            else:
                groups.append([m])
        else:
            groups.append([m])
        prev = m
    return groups, explicit


def _first_of_each_state(group: list[Mention]) -> list[Mention]:
    if len(group) == 1:
        return group
    seen: set[str] = set()
    out: list[Mention] = []
    for m in group:
        if m.code not in seen:
            seen.add(m.code)
            out.append(m)
    return out


def build_dyads(
    text: str,
    mentions: list[Mention],
    sentence_of: list[int],
    title_sentences: int,
    spans: list[tuple[int, int]] | None = None,
) -> list[DyadEvidence]:
    """Weighted dyads, strongest first. ``sentence_of[i]`` is the sentence index of ``mentions[i]``.

    Each sentence naming two or more states adds: a pair for every two of its coordinated groups, a pair within its
    subject group when the main clause is reciprocal, and its explicit hyphen pairs.
    """
    evidence: dict[str, DyadEvidence] = {}
    for s, ms in _mentions_by_sentence(mentions, sentence_of).items():
        if len({m.code for m in ms}) < 2:
            continue
        w = _sentence_weight(s, title_sentences)
        groups, explicit = _groups(text, ms)
        sentence_start = spans[s][0] if spans is not None else max(0, ms[0].start - 40)
        fronted = _fronted_subject(text[sentence_start : ms[0].start], groups[0])
        main_clause_end = _main_clause_end(text, ms) if len(groups) > 1 else len(text)
        # Only the first mention of each state in a group can make a pair first (the nested loops of _pair_groups run
        # in text order and keep the first pair of two states), so the rest of a group is left out of them.
        groups = [_first_of_each_state(g) for g in groups]
        subject = {m.code for m in groups[0]}
        _pair_groups(text, groups, subject, fronted, main_clause_end, w, s, s < title_sentences, evidence)
        if len(groups[0]) > 1 and spans is not None:
            reciprocal = _HEADLINE_RECIPROCAL_RE if s < title_sentences else _RECIPROCAL_RE
            _add_reciprocal(text, spans[s], groups[0], w, s, evidence, reciprocal)
        _add_explicit(explicit, subject, w, s, evidence)
    return sorted(evidence.values(), key=lambda e: (-e.weight, e.dyad))


def listed_only(text: str, mentions: list[Mention], sentence_of: list[int]) -> set[str]:
    """States named only in lists that fill their sentence with four or more states and nothing else ("Exporters in
    Argentina, Paraguay, Uruguay and Bolivia ..."): a set of countries, not parties. "Russia expelled diplomats from
    Poland, Latvia, Lithuania and Estonia" names a state outside the list, so its states stay."""
    listed: set[str] = set()
    elsewhere: set[str] = set()
    for ms in _mentions_by_sentence(mentions, sentence_of).values():
        codes = {m.code for m in ms}
        if len(codes) >= MIN_LIST_STATES and len(_groups(text, ms)[0]) == 1:
            listed.update(codes)
        else:
            elsewhere.update(codes)
    return listed - elsewhere


def _mentions_by_sentence(mentions: list[Mention], sentence_of: list[int]) -> dict[int, list[Mention]]:
    """Each sentence's mentions in text order, leaving out states named only as the report's source."""
    by_sentence: dict[int, list[Mention]] = {}
    for m, s in zip(mentions, sentence_of, strict=True):
        if not m.reporter:
            by_sentence.setdefault(s, []).append(m)
    return by_sentence


def _sentence_weight(s: int, title_sentences: int) -> float:
    """The headline counts most, then the lead sentence, then later sentences less the further they are."""
    if s < title_sentences:
        return TITLE_WEIGHT
    if s == title_sentences:
        return LEAD_WEIGHT
    return BODY_WEIGHT / (1.0 + 0.05 * (s - title_sentences))


def _fronted_subject(lead_in: str, first_group: list[Mention]) -> set[str]:
    """The first group's states when the sentence opens on a participle ("Blasting North Korea: U.S., Japan ...")
    and so names its object first; else none."""
    if len(lead_in) < 30 and "ing" in lead_in and _FRONTED_PARTICIPLE_RE.match(lead_in):
        return {m.code for m in first_group}
    return set()


def _main_clause_end(text: str, ms: list[Mention]) -> int:
    """Where a subordinate clause opens between the sentence's first and last mention (the end of the text if
    none): a state first named after it is a bystander of the main event."""
    sub = search_word_start(SUBORDINATE_RE, text, ms[0].end, ms[-1].start)
    return sub.start() if sub else len(text)


def _evidence_for(evidence: dict[str, DyadEvidence], key: str) -> DyadEvidence:
    ev = evidence.get(key)
    if ev is None:
        ev = evidence[key] = DyadEvidence(key)
    return ev


def _pair_groups(
    text: str,
    groups: list[list[Mention]],
    subject: set[str],
    fronted: set[str],
    main_clause_end: int,
    w: float,
    s: int,
    in_title: bool,
    evidence: dict[str, DyadEvidence],
) -> None:
    """Every two states of different groups pair once, in text order, weighted by how central the pair is and
    directed from the state that acts."""
    coordinated = {(m1.code, m2.code) for g in groups for m1 in g for m2 in g}
    seen: set[tuple[str, str]] = set()
    for i, g1 in enumerate(groups):
        for g2 in groups[i + 1 :]:
            for m1 in g1:
                c1 = m1.code
                for m2 in g2:
                    c2 = m2.code
                    pair = (c1, c2)
                    if c1 == c2 or pair in seen or pair in coordinated:
                        continue
                    seen.add(pair)
                    seen.add((c2, c1))
                    key = f"{c1}-{c2}" if c1 < c2 else f"{c2}-{c1}"  # make_dyad, for two different codes
                    ev = _evidence_for(evidence, key)
                    factor = _pair_factor(c1 in subject or c2 in subject, m2.start < main_clause_end, in_title)
                    ev.weight += w * factor * min(m1.alias.weight, m2.alias.weight)
                    ev.sentences.append(s)
                    src = c2 if _later_acts(text, m1, m2, c1 in fronted) else c1
                    if src == key[:3]:
                        ev.forward += w * factor
                    else:
                        ev.backward += w * factor


def _pair_factor(with_subject: bool, in_main_clause: bool, in_title: bool) -> float:
    """A pair with the sentence's subject in its main clause counts fully; any other pair is a bystander's, less so
    in a headline (whose "after" clause is what the subject answers)."""
    if with_subject and in_main_clause:
        return 1.0
    if with_subject and in_title:
        return TITLE_BYSTANDER_FACTOR
    return BYSTANDER_FACTOR


def _later_acts(text: str, m1: Mention, m2: Mention, first_is_fronted: bool) -> bool:
    """The earlier state acts on the later one, unless the earlier is a fronted object, the later is the agent of a
    passive, the giver of what the earlier receives, or what the earlier observes."""
    before = text[max(m1.end, m2.start - 60) : m2.start]
    return (
        first_is_fronted
        or (" by " in before and _PASSIVE_BY_RE.search(before) is not None)
        or (" from " in before and _RECEIVED_FROM_RE.search(before) is not None)
        or _OBSERVED_RE.search(text, m1.end, m2.start) is not None
    )


def _add_explicit(
    explicit: list[tuple[str, str]], subject: set[str], w: float, s: int, evidence: dict[str, DyadEvidence]
) -> None:
    """Hyphen pairs ("US-China talks") are dyads; one after the subject ("condemns US-South Korea drills") is the
    subject's object, so weaker."""
    for a, b in explicit:
        if a != b:
            ev = _evidence_for(evidence, make_dyad(a, b))
            ev.weight += w if a in subject or b in subject else w * BYSTANDER_FACTOR
            ev.sentences.append(s)


def _add_reciprocal(
    text: str,
    span: tuple[int, int],
    group: list[Mention],
    w: float,
    s: int,
    evidence: dict[str, DyadEvidence],
    reciprocal: re.Pattern[str],
) -> None:
    """The sentence's first coordinated group (its subject) pairs within itself when the main clause is reciprocal
    (not "... peacekeepers, who oversee a ceasefire between Ethiopia and Eritrea")."""
    cue = reciprocal.search(text, span[0], span[1])
    if cue is None or search_word_start(SUBORDINATE_RE, text, span[0], cue.start()) is not None:
        return
    for i, m1 in enumerate(group):
        for m2 in group[i + 1 :]:
            if m1.code != m2.code:
                ev = _evidence_for(evidence, make_dyad(m1.code, m2.code))
                ev.weight += w * min(m1.alias.weight, m2.alias.weight)
                ev.sentences.append(s)
