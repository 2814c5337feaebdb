"""Finding state actors in text: one automaton pass, word-boundary and case checks, then the ambiguity rules.

Every rule is a small named function so tests can target it and explanations can cite it:
korea, congo, georgia, washington, person_name, turkey_food, venue, background_only, multi_candidate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from streams.classifier.gazetteer import PLACE_KINDS, Alias, Entry, Gazetteer
from streams.classifier.keyword_scanner import Match, search_word_start
from streams.classifier.rule_words import alternation, words
from streams.classifier.text_cleaning import PreparedText


# init=False and a hand-written __init__: mypyc compiles it; the one dataclasses generates runs as slow Python.
@dataclass(slots=True, init=False)
class Mention:
    """One resolved actor mention: the span in the analysed text and the alias that matched."""

    start: int
    end: int
    code: str
    alias: Alias
    rule: str | None  # ambiguity rule that decided this mention, for the explanation
    venue: bool
    reporter: bool  # named only in a trailing "..., the X news agency said" clause

    def __init__(self, start: int, end: int, code: str, alias: Alias, rule: str | None = None) -> None:
        self.start = start
        self.end = end
        self.code = code
        self.alias = alias
        self.rule = rule
        self.venue = False
        self.reporter = False


@dataclass(slots=True, init=False)
class Dropped:
    start: int
    end: int
    text: str
    rule: str

    def __init__(self, start: int, end: int, text: str, rule: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.rule = rule


def scan(prep: PreparedText, gaz: Gazetteer, raw: list[Match] | None = None) -> list[tuple[int, int, Entry]]:
    """All alias matches, leftmost-longest, non-overlapping; blocked phrases included (empty candidates).

    A match must sit on word boundaries, except for camel-case joins ("NorthKoreaNorth Korean" from tag clouds). An
    acronym must match in exactly its case ("US", never the "us" of "business"); any other alias must carry a capital
    somewhere ("Turkey", "al-Bashir"; "turkey" and "china" are words). ``raw`` holds the automaton's matches of the
    gazetteer's keys when a pass shared with other keys has found them; None runs the gazetteer's own pass.
    """
    text = prep.cleaned
    n = len(text)
    by_index, case_forms = gaz.by_index, gaz.case_forms
    if raw is None:
        raw = gaz.automaton.find_matches_as_indexes(prep.lower, overlapping=True)
    found: list[tuple[int, int, Entry]] = []
    for idx, start, end in raw:
        form = case_forms[idx]
        if form and not text.startswith(form, start):  # the acronym check first: it rejects most raw hits
            continue
        if start:
            c = text[start - 1]
            if c.isalnum() and not (c.islower() and text[start].isupper()):
                continue
        if end < n:
            c = text[end]
            if c.isalnum() and not (text[end - 1].islower() and c.isupper()):
                continue
        if form == "" and text[start:end].islower():
            continue
        found.append((start, end, by_index[idx]))
    last_end = -1
    for m in found:  # usually already in order and apart: nothing to choose
        if m[0] < last_end:
            break
        last_end = m[1]
    else:
        return found
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    kept: list[tuple[int, int, Entry]] = []
    last_end = -1
    for m in found:
        if m[0] >= last_end:
            kept.append(m)
            last_end = m[1]
    return kept


# --- context cues for the rules (compiled once) ---------------------------------------------------------------
_CAUCASUS_RE = re.compile(alternation("georgia_country_cues"))
_US_STATE_RE = re.compile(alternation("georgia_us_state_cues"))
# US-state cues for "Washington": plain phrases, found with ``in`` (faster than a regex alternation, which tries
# every branch at every character), and the abbreviation "Wash.", which must start a word.
_WASHINGTON_STATE_WORDS = tuple(words("washington_state_phrases"))
_WASH_ABBREVIATION_RE = re.compile(r"\bwash\.")
_TURKEY_FOOD_AFTER = frozenset(words("turkey_food_after"))
_TURKEY_FOOD_BEFORE = frozenset(words("turkey_food_before"))
_VENUE_PREPOSITIONS = ("in", "at", "to")
# "to" names a city as the venue ("flew to Geneva for talks"), a state as the counterpart ("an envoy to North Korea").
_STATE_VENUE_PREPOSITIONS = ("in", "at")


def _venue_lead_ins(prepositions: tuple[str, ...]) -> tuple[str, ...]:
    """What a venue mention follows: "in ", "in the ", "in Swiss ", "in capital " (lower case), after a space or a
    line break, for ``str.endswith`` at the mention's start."""
    tails = ("", "the ", "swiss ", "capital ")
    return tuple(f"{sep}{p} {tail}" for p in prepositions for tail in tails for sep in (" ", "\n"))


_VENUE_LEAD_INS = _venue_lead_ins(_VENUE_PREPOSITIONS)
_STATE_VENUE_LEAD_INS = _venue_lead_ins(_STATE_VENUE_PREPOSITIONS)
_MEETING_WORDS_RE = re.compile(rf"(?:{alternation('meeting_words')})\b")  # searched with search_word_start
# A wire dateline opens the body: "SEOUL, Jan 7 (Yonhap) --", "NEW DELHI/ISLAMABAD (Reuters) -", "WASHINGTON —",
# "Kuala Lumpur, Malaysia (AP) —". It says where the story was filed, not who acts. A place in capitals needs no
# agency; one in title case does ("Seoul — The government said ..." stays a sentence).
_DATELINE_RE = re.compile(
    r"[ \t]*(?:[A-Z][A-Z.'’-]{2,}(?:[ /][A-Z][A-Z.'’-]+){0,4}(?P<caps_tail>)"  # "NEW DELHI/ISLAMABAD"
    r"|[A-Z][a-z.'’-]+(?:[ /][A-Z][a-z.'’-]+){0,3})"  # "Kuala Lumpur"
    r"(?:,[ \t]*[A-Z][A-Za-z.]+(?:[ \t]+[A-Z][A-Za-z.]+){0,2}(?![ \t]*\d))?"  # ", South Korea"
    r"(?:,?[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:,[ \t]*\d{4})?)?"  # ", Oct. 14", ", June 30, 2025"
    r"(?P<agency>[ \t]*\([A-Za-z][A-Za-z .&/-]{0,30}\))?"  # "(Reuters)"
    r"[ \t]*(?:--|[-—–])[ \t]"
)
# "Takaichi's Taiwan remarks", "a Ukraine policy": a state's name before these nouns is what is talked about, not a
# party ("Taiwan ties" and "Ukraine war" keep theirs).
# Nationality of things: "a Panama-flagged tanker", "Iranian-made drones", "a Chinese-owned company" name where a
# thing comes from, not a state acting.
_THING_SUFFIXES = alternation("thing_suffixes")
# Matched right after the name; one regex, not str.startswith over every noun-and-ending string.
_TOPIC_NOUN_AFTER_RE = re.compile(rf"(?: (?:{alternation('topic_nouns')})|-(?:{_THING_SUFFIXES}))[ ,.;:\n'?]")
# A demonym before these names a people or movement ("Irish nationalists"), a thing made, flagged or owned there
# ("Iranian-made drones"), or a company, charity or team from there ("a Swiss charity", "the Brazilian national
# team"): not the state acting.
_MOVEMENT_AFTER_RE = re.compile(rf"(?:\s+(?:{alternation('demonym_not_state_nouns')})|-(?:{_THING_SUFFIXES}))\b")
_SENTENCE_START_CHARS = frozenset(".!?\n\"':;(")

PERSON_RISK_KEYS = frozenset({"jordan", "chad", "georgia", "israel", "india", "kenya", "sofia", "lebanon", "trump"})


@dataclass(slots=True, init=False)
class RuleContext:
    prep: PreparedText
    firm: set[str]  # codes evidenced by unambiguous mentions
    published: date | None
    ok_neighbours: frozenset[str]

    def __init__(self, prep: PreparedText, firm: set[str], published: date | None, ok: frozenset[str]) -> None:
        self.prep = prep
        self.firm = firm
        self.published = published
        self.ok_neighbours = ok


def _word_before(text: str, start: int) -> str | None:
    """The word directly before ``start``, or None at a sentence start."""
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    if i < 0 or text[i] in _SENTENCE_START_CHARS:
        return None
    j = i
    while j >= 0 and (text[j].isalnum() or text[j] in ".-'"):
        j -= 1
    return text[j + 1 : i + 1]


def _word_after(text: str, end: int) -> str:
    i = end
    while i < len(text) and text[i] == " ":
        i += 1
    j = i
    while j < len(text) and (text[j].isalnum() or text[j] in "-"):
        j += 1
    return text[i:j]


def rule_person_name(ctx: RuleContext, start: int, end: int) -> bool:
    """True when a capitalised neighbour makes the alias part of a person's or thing's name ("Michael Jordan")."""
    text = ctx.prep.cleaned
    before = _word_before(text, start)
    if before and before[0].isupper() and before.strip(".") not in ctx.ok_neighbours and not before.isupper():
        return True
    after = _word_after(text, end)
    return bool(
        after
        and after[0].isupper()
        and after not in ctx.ok_neighbours
        and not after.isupper()
        and text[end : end + 1] == " "
    )


def rule_turkey_food(ctx: RuleContext, start: int, end: int) -> bool:
    text = ctx.prep.lower
    after = _word_after(text, end)
    before = (_word_before(text, start) or "").lower()
    return after in _TURKEY_FOOD_AFTER or before in _TURKEY_FOOD_BEFORE


def rule_korea(ctx: RuleContext) -> str:
    """Bare "Korea"/"Korean": the South, unless the article is about the North and never names the South."""
    return "PRK" if "PRK" in ctx.firm and "KOR" not in ctx.firm else "KOR"


def rule_congo(ctx: RuleContext) -> str:
    """Bare "Congo": DR Congo, unless Brazzaville is evidenced or the article is from the Zaire era."""
    if "COG" in ctx.firm and "COD" not in ctx.firm:
        return "COG"
    return "COG" if "zaire" in ctx.prep.lower else "COD"


def rule_georgia(ctx: RuleContext) -> str | None:
    """ "Georgia": the Caucasus state on Caucasus cues, the US state on US-politics cues; else by the company kept."""
    low = ctx.prep.lower
    if _CAUCASUS_RE.search(low):
        return "GEO"
    if _US_STATE_RE.search(low):
        return None
    if ctx.firm and ctx.firm <= {"USA"}:
        return None
    return "GEO"


def rule_washington(ctx: RuleContext) -> bool:
    """True when "Washington" is the US state rather than the US government."""
    low = ctx.prep.lower
    return any(w in low for w in _WASHINGTON_STATE_WORDS) or _WASH_ABBREVIATION_RE.search(low) is not None


def _pick_candidate(ctx: RuleContext, candidates: tuple[Alias, ...]) -> Alias:
    """Several states share the alias (Tripoli, a leader of two states): prefer the date, then the company kept."""
    if ctx.published is not None:
        dated = [a for a in candidates if (a.start or date.min) <= ctx.published <= (a.end or date.max)]
        if len(dated) == 1:
            return dated[0]
    in_firm = [a for a in candidates if a.code in ctx.firm]
    if in_firm:
        return in_firm[0]
    return candidates[0]


_KOREA_KEYS = frozenset({"korea", "korean", "koreans"})
_CONGO_KEYS = frozenset({"congo", "congolese"})
_GEORGIA_KEYS = frozenset({"georgia", "georgian", "georgians"})
_AMBIGUOUS_KEYS = _KOREA_KEYS | _CONGO_KEYS | _GEORGIA_KEYS | PERSON_RISK_KEYS | {"washington", "turkey"}


def dateline_end(prep: PreparedText) -> int:
    """End of the wire dateline that opens the body, or -1 when it has none."""
    body = prep.body_start
    if prep.cleaned.find("-", body, body + 90) < 0:  # every dateline ends on a dash (cleaning folds "—" to "-")
        return -1
    m = _DATELINE_RE.match(prep.cleaned, body, body + 90)
    if m is None or (m.group("caps_tail") is None and m.group("agency") is None):
        return -1
    return m.end()


def resolve(
    prep: PreparedText, gaz: Gazetteer, published: date | None = None, raw: list[Match] | None = None
) -> tuple[list[Mention], list[Dropped]]:
    """Turn raw matches (see :func:`scan`) into actor mentions, applying the ambiguity rules; returns kept and dropped
    mentions."""
    matches = scan(prep, gaz, raw)
    text, lower = prep.cleaned, prep.lower
    firm: set[str] = set()
    for _s, _e, entry in matches:
        if len(entry.candidates) == 1 and entry.key not in _AMBIGUOUS_KEYS:
            firm.add(entry.candidates[0].code)
    ctx = RuleContext(prep, firm, published, gaz.person_name_ok_neighbours)
    mentions: list[Mention] = []
    dropped: list[Dropped] = []
    georgia: list[str | None] = []  # the Georgia rule reads the whole article: decided once, on first need
    washington_state: bool | None = None
    body = prep.body_start
    dateline = dateline_end(prep) if matches and matches[-1][0] >= body else -1
    for start, end, entry in matches:
        candidates = entry.candidates
        if not candidates:
            dropped.append(Dropped(start, end, text[start:end], "blocked phrase"))
            continue
        if body <= start < dateline:
            dropped.append(Dropped(start, end, text[start:end], "dateline: where the story was filed"))
            continue
        key = entry.key
        alias = candidates[0]
        kind = alias.kind
        if kind == "name" and _TOPIC_NOUN_AFTER_RE.match(lower, end) is not None:
            dropped.append(Dropped(start, end, text[start:end], "topic: talked about, not a party"))
            continue
        if len(candidates) == 1 and kind != "demonym" and key not in _AMBIGUOUS_KEYS:
            mentions.append(Mention(start, end, alias.code, alias))  # the common case: no rule applies
            continue
        if kind == "demonym" and (lower.endswith("ethnic ", 0, start) or _MOVEMENT_AFTER_RE.match(lower, end)):
            dropped.append(Dropped(start, end, text[start:end], "ethnic_group: a people or movement, not the state"))
            continue
        if len(candidates) > 1:
            alias = _pick_candidate(ctx, candidates)
        code, rule = alias.code, None
        if key in _AMBIGUOUS_KEYS:
            if key in PERSON_RISK_KEYS and rule_person_name(ctx, start, end):
                dropped.append(Dropped(start, end, text[start:end], "person_name: part of a name"))
                continue
            if key == "turkey" and rule_turkey_food(ctx, start, end):
                dropped.append(Dropped(start, end, text[start:end], "turkey_food: the bird"))
                continue
            if key in _KOREA_KEYS:
                code, rule = rule_korea(ctx), "korea"
            elif key in _CONGO_KEYS:
                code, rule = rule_congo(ctx), "congo"
            elif key in _GEORGIA_KEYS:
                if not georgia:
                    georgia.append(rule_georgia(ctx))
                geo = georgia[0]
                if geo is None:
                    if key != "georgia":
                        dropped.append(Dropped(start, end, text[start:end], "georgia: US context"))
                        continue
                    code, rule = "USA", "georgia: US state"
                    alias = Alias("USA", "region", alias.text, 0.4)
                else:
                    code, rule = geo, "georgia: country"
            elif key == "washington" and (
                washington_state if washington_state is not None else (washington_state := rule_washington(ctx))
            ):
                code, rule = "USA", "washington: US state"
                alias = Alias("USA", "region", alias.text, 0.4)
        if code != alias.code:
            alias = Alias(code, alias.kind, alias.text, alias.weight, alias.start, alias.end)
        mentions.append(Mention(start, end, code, alias, rule))
    _mark_venues(prep, mentions, dropped)
    return _drop_background_only(prep, [m for m in mentions if not m.venue], dropped), dropped


# A subordinate or relative clause opens with one of these ("... after U.S. officials alleged", "whose ties with
# Tehran"): a state named in it is a bystander of the main event (dyads.py weighs its pairs less).
SUBORDINATE_RE = re.compile(  # searched with search_word_start: it opens a word
    r"(?:after(?! (?:\d|\w+ (?:years|months|weeks|days|decades)))|following|amid|despite|during|because|since|"
    r"while|whom|who|whose|which|where|until|although)\b"
)
_CONDITIONAL_RE = re.compile(r"(?:if|unless)\b")  # "... if fighting spreads in Lebanon": what might happen, and where
_COMPARISON_LEAD_INS = tuple(f"{sep}{w} " for w in words("comparison_words") for sep in (" ", "\n"))
_PLACE_LEAD_INS = (" in ", " in the ")
_LEAD_INS = _COMPARISON_LEAD_INS + _PLACE_LEAD_INS  # one cheap test before the clause search
_CURRENCY_AFTER_RE = re.compile(rf" (?:{alternation('currency_words')})\b")


def _background_mention(low: str, start: int, end: int) -> bool:
    """The mention at ``start:end`` names what another state is compared with ("less than Kazakhstan"), the place
    of a subordinate or conditional clause ("... after a dispute in Mali", "if fighting spreads in Lebanon"), or a
    currency ("the U.S. dollar")."""
    if _CURRENCY_AFTER_RE.match(low, end) is not None:
        return True
    if not low.endswith(_LEAD_INS, 0, start):
        return False
    if low.endswith(_COMPARISON_LEAD_INS, 0, start):
        return True
    sentence = max(low.rfind(". ", 0, start), low.rfind("\n", 0, start), 0)
    return (
        search_word_start(SUBORDINATE_RE, low, sentence, start) is not None
        or search_word_start(_CONDITIONAL_RE, low, sentence, start) is not None
    )


def _drop_background_only(prep: PreparedText, mentions: list[Mention], dropped: list[Dropped]) -> list[Mention]:
    """A state named only as a comparison, a clause's place or a currency is background when another state is named
    otherwise: its mentions are dropped. A lone state is kept, and so is "in X" in the main clause ("keep troops in
    Lebanon", "opened an embassy in Tehran": where the act lands); every "in X" and "over X" cost recall when tried."""
    if len(mentions) < 2:
        return mentions
    low = prep.lower
    only: dict[str, bool] = {}
    for m in mentions:
        if only.get(m.code, True):
            only[m.code] = _background_mention(low, m.start, m.end)
    background = {code for code, yes in only.items() if yes}
    if not background or len(background) == len(only):
        return mentions
    for m in mentions:
        if m.code in background:
            text = prep.cleaned[m.start : m.end]
            dropped.append(
                Dropped(m.start, m.end, text, "background_only: a comparison, a clause's place or a currency")
            )
    return [m for m in mentions if m.code not in background]


def _mark_venues(prep: PreparedText, mentions: list[Mention], dropped: list[Dropped]) -> None:
    """A place named only as where a meeting happens ("talks in Geneva", "sign a declaration in Kuala Lumpur") is not
    an actor there: that mention is dropped. A state with other mentions stays an actor through them."""
    if not mentions:
        return
    low = prep.lower
    # Pass 1, cheap: mentions right after "in", "at", "to" ("in the", "in Swiss", "in capital").
    # Pass 2: the sentence must speak of a meeting (decided once per sentence).
    meeting: dict[int, bool] = {}
    for m in mentions:
        kind = m.alias.kind
        if kind in PLACE_KINDS:
            lead_ins = _VENUE_LEAD_INS
        elif kind == "name":
            lead_ins = _STATE_VENUE_LEAD_INS
        else:
            continue
        if not (low.endswith(lead_ins, 0, m.start) or (m.start < 16 and f" {low[: m.start]}".endswith(lead_ins))):
            continue
        sent_start = max(low.rfind(". ", 0, m.start), low.rfind("\n", 0, m.start), 0)
        found = meeting.get(sent_start)
        if found is None:
            sent_end = low.find(". ", m.end)
            stop = sent_end if sent_end > 0 else len(low)
            found = meeting[sent_start] = search_word_start(_MEETING_WORDS_RE, low, sent_start, stop) is not None
        if found:
            m.venue = True
            dropped.append(Dropped(m.start, m.end, prep.cleaned[m.start : m.end], "venue: meeting place only"))


# Corporate forms and market jargon of US business wires. Used only when no state is named at all: a story about
# "Acme Inc" quoting "dlrs" is about a US firm (Reuters indexes it under USA); the actor is weak and makes no dyad.
# Without a leading \b every branch opens on a letter, mostly a capital: ``re`` then skips ahead to those letters
# (lower-case prose is passed over ~5x faster); the word start is checked in Python.
# Headlines in capitals ("CAMCO INC <CAM> SETS QUARTERLY") and the earnings-table shorthand of the same wires ("Qtly
# div 11 cts", "Shr 19 cts") are the same cues.
_US_BUSINESS_RE = re.compile(rf"(?:{alternation('us_business_cues')})\b")
US_BUSINESS_ALIAS = Alias("USA", "economy", "US business cues", 0.3)
US_BUSINESS_SCAN_CHARS = 3000  # the cues are looked for in the opening only


def rule_us_business(prep: PreparedText, limit: int = US_BUSINESS_SCAN_CHARS) -> Mention | None:
    """Fallback when no state is named: US corporate/market cues ("Inc", "dlrs") → a weak USA mention."""
    text = prep.cleaned
    pos = 0
    while (m := _US_BUSINESS_RE.search(text, pos, limit)) is not None:
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):  # not a word start ("NatCo", "condlrs")
            pos = start + 1
            continue
        return Mention(start, m.end(), "USA", US_BUSINESS_ALIAS, "us_business: no state named; US corporate cue")
    return None


RuleFn = Callable[..., object]
