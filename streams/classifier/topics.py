"""Topic tags from keyword families (trade, sanctions, military, nuclear, ...), scanned in one automaton pass."""

from __future__ import annotations

import re

TOPIC_PATTERNS: dict[str, str] = {
    "sanctions": r"sanction\w*|embargo\w*|blacklist\w*|export controls?|asset freeze",
    "trade": r"trade|trading|tariffs?|exports?|imports?|exporting|importing|supermarkets?|shelves|trademarks?|goods|"
    r"commerce|commercial|market access|free-trade|wto|customs|shipments?",
    "nuclear": r"nuclear|uranium|plutonium|enrichment|iaea|atomic|warheads?|yongbyon",
    "missile": r"missiles?|ballistic|icbms?|rockets?|hypersonic|"
    r"launch(?:ed|es)? (?:a |an )?(?:\w+ )?(?:missile|rocket)",
    "military": r"military|troops|soldiers|army|navy|naval|air force|warships?|armed forces|war games|drills|"
    r"weapons?|artillery|tanks?|defen[cs]e ministry|pentagon|shelled|shelling|airstrikes?|offensive|invasion|"
    r"militia\w*|peacekeep\w*|guerrill\w*|rebels?",
    "diplomacy": r"diplomat\w*|embass\w+|ambassadors?|foreign minister\w*|foreign ministry|summit|talks|envoys?|"
    r"treaty|negotiat\w+|bilateral|consulate|minister of foreign affairs|asean|united nations|un|security council",
    "humanitarian": r"humanitarian|refugees?|famine|starv\w+|food aid|relief|displaced|aid deliveries|red cross|"
    r"asylum|civilians",
    "legal": r"court|lawsuits?|sue[sd]?|suing|copyright|infringement|judge|trial|indict\w*|prosecut\w+|"
    r"legal|legality|ruling|verdict|extradit\w+",
    "cyber": r"cyber\w*|hack\w*|malware|ransomware",
    "energy": r"oil|crude|natural gas|lng|pipelines?|opec|refiner\w*|barrels?|petroleum",
    "economy": r"econom\w+|gdp|inflation|currency|central bank|investment|budget|debt|interest rates?|recession",
    "terrorism": r"terror\w*|al[- ]qaeda|islamic state|isis|jihadi\w*|suicide bomb\w*",
    "human_rights": r"human rights|torture\w*|detainees|political prisoners|freedom of",
    "elections": r"elections?|electoral|ballots?|referendum|polls? (?:opened|closed)|voters?",
    "protest": r"protest\w*|demonstrat\w+|riot\w*|strikers?|hunger strike",
    "migration": r"migrants?|migration|immigra\w+|border crossings?|deport\w+|labou?r exports?|exporting labou?r",
    "sports": r"football|soccer|league|world cup|olympics?|tournament|scored|scoring|goals?|striker|midfielder|"
    r"goalkeeper|winger|head coach|stoppage time|half-time|semi-?finals?|quarter-?finals?|championship|fifa|uefa|"
    r"bundesliga|premier league|nba|"
    r"(?:beat|defeated|edged|edges|edge|thrashed|drew with|lost to) [\w .'-]{2,40}? \d{1,2}-\d{1,2}",
}
# Politics that a sports story might carry ("Russia banned from the Olympics") keeps these topics ahead of sport.
HARD_NEWS = ("military", "diplomacy", "sanctions", "nuclear", "missile", "terrorism", "humanitarian")
MAX_TOPICS = 8

TOPIC_REGEXES: list[tuple[str, str]] = [(f"topic:{name}", rf"(?:{p})\b") for name, p in TOPIC_PATTERNS.items()]
TOPIC_SCAN_CHARS = 1_200  # topics come from the opening of the story; the rest adds cost, not signal


def count_topics(found: list[tuple[str, re.Match[str]]], limit: int) -> list[tuple[str, int]]:
    """(topic, hits) from a :class:`KeywordScanner` pass over ``TOPIC_REGEXES`` (alone or shared; names
    ``topic:<name>``) of the first ``limit`` characters, most frequent first."""
    counts: dict[str, int] = {}
    for name, m in found:
        if name.startswith("topic:") and m.start() < limit:
            counts[name[6:]] = counts.get(name[6:], 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def is_sports_story(topics: list[tuple[str, int]]) -> bool:
    """A story whose opening is mostly about a game: three or more sports terms, over twice the hard-news terms."""
    counts = dict(topics)
    sport = counts.get("sports", 0)
    return sport >= 3 and sport > 2 * sum(counts.get(t, 0) for t in HARD_NEWS)
