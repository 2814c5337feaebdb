"""Reading a GDELT 2.0 events export (61 tab-separated columns, no header) into one article per source URL.

GDELT gives no article body, so the text is a description built from the events' actors, action and place, and the
article's ``metadata`` says so (``text_origin``). GDELT's own coding — actor codes, CAMEO event code, Goldstein
value, tone — travels in ``metadata["gdelt"]`` so the classifier's result can be compared with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pycountry

from schemas.article import RawArticle
from streams.sources.article_fields import http_url, make_article
from streams.sources.rejections import Rejected, log_rejected

SOURCE = "gdelt"
COLUMNS = 61
TEXT_ORIGIN = "synthesized from GDELT event fields (actors, CAMEO action, place); no article body was fetched"
MAX_EVENTS_PER_ARTICLE = 50
DATA_DIR = Path(__file__).resolve().parent / "data"

# Column positions in the GDELT 2.0 events table (codebook order).
GLOBALEVENTID, SQLDATE = 0, 1
ACTOR1 = {"code": 5, "name": 6, "country": 7}
ACTOR2 = {"code": 15, "name": 16, "country": 17}
IS_ROOT_EVENT, EVENT_CODE, EVENT_BASE_CODE, EVENT_ROOT_CODE, QUAD_CLASS, GOLDSTEIN = 25, 26, 27, 28, 29, 30
NUM_MENTIONS, NUM_SOURCES, NUM_ARTICLES, AVG_TONE = 31, 32, 33, 34
ACTION_GEO_NAME, ACTION_GEO_COUNTRY, ACTION_GEO_LAT, ACTION_GEO_LONG = 52, 53, 56, 57
DATEADDED, SOURCEURL = 59, 60

_SLUG_NOISE_RE = re.compile(r"(\.[a-z]{2,5})$|([-_.]?\d[\w.]*)$", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")
_SMALL_WORDS = frozenset({"of", "to", "in", "on", "at", "by", "de", "la", "le", "el", "al"})
# a public host name: dot-separated labels ending in a top-level domain of letters (or an IP address)
_HOST_RE = re.compile(
    r"^(?:(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)|\d+\.\d+\.\d+\.\d+)$"
)


@lru_cache(maxsize=1)
def cameo_verbs() -> dict[str, tuple[str, str]]:
    """CAMEO root code → (verb phrase, CAMEO name) from data/cameo_roots.tsv."""
    verbs = {}
    for line in (DATA_DIR / "cameo_roots.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, verb, name = line.split("\t")
            verbs[code] = (verb, name.lower())
    return verbs


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    return getattr(country, "common_name", None) or getattr(country, "name", None) if country else None


def _actor(row: list[str], cols: dict[str, int]) -> dict[str, str]:
    return {key: row[index] for key, index in cols.items() if row[index]}


def _display_name(upper: str) -> str:
    """GDELT's upper-case names in title case, keeping two-letter acronyms ('THE EU' → 'The EU')."""
    return " ".join(w if len(w) <= 2 and w.casefold() not in _SMALL_WORDS else w.title() for w in upper.split())


def actor_phrase(actor: dict[str, str]) -> str | None:
    """How an actor reads in a sentence: the country for a state actor, else its name with its country."""
    country = _country_name(actor.get("country", ""))
    name = _display_name(actor.get("name", ""))
    if country and actor.get("code") == actor.get("country"):
        return country
    if name and country and name.casefold() not in country.casefold():
        return f"{name} ({country})"
    return name or country


def event_sentence(event: dict[str, Any]) -> str | None:
    """'Germany investigated Police (Syria) in Berlin, Germany.' — or None when GDELT names no actor."""
    actor1, actor2 = actor_phrase(event["actor1"]), actor_phrase(event["actor2"])
    if not actor1 and not actor2:
        return None
    verb, name = cameo_verbs().get(event["event_root_code"], ("acted toward", "event"))
    if actor1 and actor2:
        sentence = f"{actor1} {verb} {actor2}"
    else:
        sentence = f"{actor1 or actor2} in an event of type '{name}' (CAMEO {event['event_code']})"
    place = event.get("action_geo", {}).get("name")
    return f"{sentence} in {place}." if place else f"{sentence}."


def title_from_url(url: str) -> str | None:
    """A readable title from the URL's slug ('germany-arrests-people-suspected-of-…'), if it has one."""
    for segment in reversed([s for s in urlsplit(url).path.split("/") if s]):
        slug = _SLUG_NOISE_RE.sub("", unquote(segment))
        slug = _SLUG_NOISE_RE.sub("", slug)
        words = _WORD_RE.findall(slug.replace("_", "-"))
        # a real slug has several real words; ids and hashes leave letter fragments ('a c a e a bdfa')
        if sum(len(w) >= 3 for w in words) >= 3 and sum(len(w) >= 2 for w in words) >= 0.7 * len(words):
            text = " ".join(words)
            return text[0].upper() + text[1:]
    return None


def row_event(row: list[str]) -> dict[str, Any]:
    """GDELT's own coding of one row, as it travels in ``metadata["gdelt"]["events"]``."""
    return {
        "id": row[GLOBALEVENTID],
        "date": row[SQLDATE],
        "actor1": _actor(row, ACTOR1),
        "actor2": _actor(row, ACTOR2),
        "is_root_event": row[IS_ROOT_EVENT] == "1",
        "event_code": row[EVENT_CODE],
        "event_base_code": row[EVENT_BASE_CODE],
        "event_root_code": row[EVENT_ROOT_CODE],
        "quad_class": int(row[QUAD_CLASS]) if row[QUAD_CLASS].isdigit() else None,
        "goldstein": _number(row[GOLDSTEIN]),
        "avg_tone": _number(row[AVG_TONE]),
        "num_mentions": int(row[NUM_MENTIONS]) if row[NUM_MENTIONS].isdigit() else None,
        "num_sources": int(row[NUM_SOURCES]) if row[NUM_SOURCES].isdigit() else None,
        "num_articles": int(row[NUM_ARTICLES]) if row[NUM_ARTICLES].isdigit() else None,
        "action_geo": {
            k: v
            for k, v in (
                ("name", row[ACTION_GEO_NAME]),
                ("country_fips", row[ACTION_GEO_COUNTRY]),
                ("lat", _number(row[ACTION_GEO_LAT])),
                ("lon", _number(row[ACTION_GEO_LONG])),
            )
            if v not in ("", None)
        },
    }


@dataclass
class _UrlGroup:
    url: str
    date_added: str
    events: list[dict[str, Any]] = field(default_factory=list)


def export_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str], bool]]:
    """(line number, columns, whether the line has its line end) of each non-blank line. GDELT never quotes, so a
    plain split is exact (and a stray carriage return or quote in a field cannot upset a CSV parser). GDELT ends
    every row with a newline: a row without one is the end of a file cut short."""
    for number, line in enumerate(lines, start=1):
        row = line.rstrip("\r\n").split("\t")
        if any(row):
            yield number, row, line.endswith("\n")


def row_problem(row: list[str], complete: bool) -> str | None:
    """Why a row cannot be read, or None. A cut row can keep all 61 columns with its last one, the URL, cut short."""
    if len(row) != COLUMNS:
        return f"row has {len(row)} columns, GDELT 2.0 exports have {COLUMNS}"
    if not complete:
        return "row is cut short (no line end: the export is truncated), so its SOURCEURL may be too"
    url = http_url(row[SOURCEURL])
    if url is None:
        return f"SOURCEURL is not an http(s) URL: {row[SOURCEURL][:100]!r}"
    host = urlsplit(url).hostname or ""
    if not _HOST_RE.match(host):
        return f"SOURCEURL has no plausible host name: {row[SOURCEURL][:100]!r}"
    return None


def export_articles(lines: Iterable[str], *, export_name: str) -> list[RawArticle]:
    """One article per distinct SOURCEURL, in first-seen order; malformed rows are logged and skipped."""
    groups: dict[str, _UrlGroup] = {}
    for number, row, complete in export_rows(lines):
        problem = row_problem(row, complete)
        if problem is not None:
            log_rejected(SOURCE, problem, export=export_name, line=number)
            continue
        url = http_url(row[SOURCEURL]) or ""
        group = groups.setdefault(url, _UrlGroup(url, row[DATEADDED]))
        if len(group.events) < MAX_EVENTS_PER_ARTICLE:
            group.events.append(row_event(row))
    articles = []
    for group in groups.values():
        try:
            articles.append(_group_article(group, export_name))
        except Rejected as exc:
            log_rejected(SOURCE, exc.reason, export=export_name, url=group.url)
    return articles


def _group_article(group: _UrlGroup, export_name: str) -> RawArticle:
    sentences = list(dict.fromkeys(s for s in map(event_sentence, group.events) if s))
    if not sentences:
        raise Rejected("no event of this URL names an actor, so there is nothing to describe")
    return make_article(
        source=SOURCE,
        url=group.url,
        title=title_from_url(group.url) or sentences[0].rstrip("."),
        text=" ".join(sentences),
        published_at=group.date_added,
        metadata={
            "text_origin": TEXT_ORIGIN,
            "gdelt": {"export": export_name, "date_added": group.date_added, "events": group.events},
        },
    )
