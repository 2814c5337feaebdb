"""What pages call: the per-process feed (``st.cache_resource``) and pure query functions over the live view.

Query functions take the view (and ``now``) as arguments and return plain values or DataFrames, so they are unit
tested without Streamlit and timed in ``bench/``. Pages never touch Kafka.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations

import pandas as pd
import streamlit as st

from dashboard.ack_writer import AckWriter
from dashboard.feed import LiveFeed
from dashboard.geo import country_name, country_points
from dashboard.live_view import SEVERITY_ORDER, AlertRow, LiveView
from dashboard.safe_text import csv_cell, safe_link
from schemas import AckStatus, ClassifiedEvent, QuadClass
from schemas.base import ISO3_CODES, make_dyad
from streams.runtime.settings import get_settings

RANGES: dict[str, timedelta] = {"1 h": timedelta(hours=1), "24 h": timedelta(hours=24), "7 d": timedelta(days=7)}
CUSTOM = "custom"
ALL = "all"
SPARK_BINS = 24
SEVERITY_COLOR = {"critical": "#d7263d", "high": "#f46036", "medium": "#f2c14e", "low": "#5da9e9"}
QUAD_LABEL = {q.value: q.name.replace("_", " ").lower() for q in QuadClass}


@st.cache_resource(show_spinner=False)
def get_feed() -> LiveFeed:
    """The one consumer of this server process, started on first use and shared by every browser session."""
    return LiveFeed(get_settings()).start()


@st.cache_resource(show_spinner=False)
def get_ack_writer() -> AckWriter:
    return AckWriter(get_feed())


def get_view() -> LiveView:
    return get_feed().view


# ---- time ranges ------------------------------------------------------------------------------------------------


def time_window(
    choice: str,
    now: datetime,
    custom: tuple[date, date] | None = None,
    bounds: tuple[datetime, datetime] | None = None,
) -> tuple[datetime, datetime]:
    """[start, end) of a range choice: '1 h', '24 h', '7 d', custom whole days (UTC, end day included), or 'all'
    (everything the view holds, given its ``bounds``: e.g. an archive replay whose events are months old)."""
    if choice in RANGES:
        return now - RANGES[choice], now
    if choice == CUSTOM and custom:
        first, last = min(custom), max(custom)
        return datetime.combine(first, time(), UTC), datetime.combine(last + timedelta(days=1), time(), UTC)
    if choice == ALL and bounds:
        return bounds[0], max(bounds[1] + timedelta(days=1), now + timedelta(minutes=1))
    return now - RANGES["24 h"], now


# ---- overview -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigures:
    events_1h: int
    events_prev_1h: int
    events_24h: int
    events_prev_24h: int
    open_by_severity: dict[str, int]


def key_figures(view: LiveView, now: datetime) -> KeyFigures:
    hour, day = timedelta(hours=1), timedelta(days=1)
    return KeyFigures(
        events_1h=view.event_count(now - hour, now),
        events_prev_1h=view.event_count(now - 2 * hour, now - hour),
        events_24h=view.event_count(now - day, now),
        events_prev_24h=view.event_count(now - 2 * day, now - day),
        open_by_severity=view.open_by_severity(),
    )


def top_dyads(view: LiveView, start: datetime, end: datetime, n: int = 10) -> pd.DataFrame:
    """The busiest dyads in the range, with a sparkline series of SPARK_BINS bins and their open alerts."""
    totals = view.dyad_totals(start, end).most_common(n)
    dyads = [d for d, _ in totals]
    series = view.dyad_series(dyads, start, end)
    width = max((end - start).total_seconds() / SPARK_BINS, 1.0)
    open_alerts: dict[str, int] = {}
    for row in view.alerts():
        if row.status is AckStatus.OPEN:
            open_alerts[row.alert.dyad] = open_alerts.get(row.alert.dyad, 0) + 1
    rows = []
    for dyad, total in totals:
        bins = [0] * SPARK_BINS
        for window, count in series[dyad].items():
            bins[min(int((window - start.timestamp()) // width), SPARK_BINS - 1)] += count
        a, b = dyad.split("-")
        rows.append(
            {
                "dyad": dyad,
                "countries": f"{country_name(a)} – {country_name(b)}",
                "events": total,
                "trend": bins,
                "open alerts": open_alerts.get(dyad, 0),
            }
        )
    return pd.DataFrame(rows, columns=["dyad", "countries", "events", "trend", "open alerts"])


def pair_matrix(view: LiveView, start: datetime, end: datetime, max_countries: int = 14) -> pd.DataFrame:
    """Long-form country × country counts (both orientations) for the most involved countries in the range."""
    totals = view.dyad_totals(start, end)
    involvement: dict[str, int] = {}
    for dyad, count in totals.items():
        for code in dyad.split("-"):
            involvement[code] = involvement.get(code, 0) + count
    top = sorted(involvement, key=lambda c: (-involvement[c], c))[:max_countries]
    rows = []
    for a, b in combinations(sorted(top), 2):
        count = totals.get(f"{a}-{b}", 0)
        rows.append({"row": a, "col": b, "events": count, "dyad": f"{a}-{b}"})
        rows.append({"row": b, "col": a, "events": count, "dyad": f"{a}-{b}"})
    return pd.DataFrame(rows, columns=["row", "col", "events", "dyad"])


def map_layers_data(view: LiveView, start: datetime, end: datetime, n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Arcs between the countries of the n busiest dyads, and the labelled points they join."""
    points = country_points()
    arcs, used = [], set()
    for dyad, count in view.dyad_totals(start, end).most_common(n):
        a, b = dyad.split("-")
        if a in points and b in points:
            pa, pb = points[a], points[b]
            arcs.append(
                {
                    "dyad": dyad,
                    "events": count,
                    "from_lon": pa.lon,
                    "from_lat": pa.lat,
                    "to_lon": pb.lon,
                    "to_lat": pb.lat,
                }
            )
            used.update((a, b))
    arc_df = pd.DataFrame(arcs, columns=["dyad", "events", "from_lon", "from_lat", "to_lon", "to_lat"])
    if not arc_df.empty:
        arc_df["width"] = 1.5 + 6.0 * arc_df["events"] / arc_df["events"].max()
    point_df = pd.DataFrame(
        [{"code": c, "name": points[c].name, "lon": points[c].lon, "lat": points[c].lat} for c in sorted(used)],
        columns=["code", "name", "lon", "lat"],
    )
    return arc_df, point_df


# ---- dyad ---------------------------------------------------------------------------------------------------------


def is_dyad(text: object) -> bool:
    """A canonical dyad key like 'PRK-RUS' (two known ISO3 codes, sorted)."""
    try:
        a, b = str(text).split("-")
        return a in ISO3_CODES and b in ISO3_CODES and make_dyad(a, b) == text
    except ValueError:
        return False


def dyad_breakdown(view: LiveView, dyad: str, start: datetime, end: datetime) -> dict[str, pd.DataFrame]:
    """Per window: counts by event type, by quad class, and the mean intensity."""
    windows = [c for c in view.window_counts(dyad) if start <= c.window_start < end]
    by_type = [
        {"window": c.window_start, "event type": t, "events": n} for c in windows for t, n in c.by_event_type.items()
    ]
    by_quad = [
        {"window": c.window_start, "quad class": QUAD_LABEL.get(int(q), q) if q.isdigit() else q, "events": n}
        for c in windows
        for q, n in c.by_quad_class.items()
    ]
    intensity = [{"window": c.window_start, "mean intensity": c.mean_intensity, "events": c.count} for c in windows]
    return {
        "by_type": pd.DataFrame(by_type, columns=["window", "event type", "events"]),
        "by_quad": pd.DataFrame(by_quad, columns=["window", "quad class", "events"]),
        "intensity": pd.DataFrame(intensity, columns=["window", "mean intensity", "events"]),
    }


def weighted_intensity(frame: pd.DataFrame) -> float | None:
    total = frame["events"].sum() if not frame.empty else 0
    return float((frame["mean intensity"] * frame["events"]).sum() / total) if total else None


# ---- alerts -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertFilters:
    severities: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    dyads: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    def keep(self, row: AlertRow) -> bool:
        a = row.alert
        return (
            (not self.severities or a.severity.value in self.severities)
            and (not self.rules or a.rule in self.rules)
            and (not self.countries or any(c in a.dyad.split("-") for c in self.countries))
            and (not self.dyads or a.dyad in self.dyads)
            and (not self.statuses or row.status.value in self.statuses)
        )


ALERT_FIELDS = [
    "severity",
    "created",
    "window",
    "dyad",
    "rule",
    "reason",
    "observed",
    "expected",
    "status",
    "by",
    "when",
    "note",
    "kind",
    "id",
]


def alerts_frame(rows: list[AlertRow]) -> pd.DataFrame:
    """One row per alert, newest first; severity and status are one-item lists, shown as coloured pills."""
    records = [
        {
            "severity": [r.alert.severity.value],
            "created": r.alert.created_at,
            "window": r.alert.window_start,
            "dyad": r.alert.dyad,
            "rule": r.alert.rule,
            "kind": r.alert.kind,
            "observed": r.alert.observed,
            "expected": r.alert.expected,
            "reason": r.alert.reason,
            "status": [r.status.value],
            "by": r.ack.analyst if r.ack else "",
            "when": r.ack.at if r.ack else None,
            "note": r.ack.note if r.ack else "",
            "id": r.alert.id,
        }
        for r in rows
    ]
    return pd.DataFrame(records, columns=ALERT_FIELDS)


def severity_counts(rows: list[AlertRow]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for r in rows:
        counts[r.alert.severity.value] = counts.get(r.alert.severity.value, 0) + 1
    return counts


# ---- articles -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFilters:
    text: str = ""
    countries: list[str] = field(default_factory=list)
    dyads: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    quad_classes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None

    def keep(self, e: ClassifiedEvent) -> bool:
        needle = self.text.casefold().strip()
        return (
            (self.start is None or e.published_at >= self.start)
            and (self.end is None or e.published_at < self.end)
            and (not self.countries or any(c in self.countries for c in e.actor_codes))
            and (not self.dyads or any(d in self.dyads for d in e.dyad_keys))
            and (not self.event_types or e.event_type.value in self.event_types)
            and (not self.quad_classes or QUAD_LABEL[int(e.quad_class)] in self.quad_classes)
            and (not self.sources or e.source in self.sources)
            and (not needle or needle in e.title.casefold() or needle in e.snippet.casefold())
        )


# A non-http URL sits beside the link column, as plain text, so an analyst sees at once why there is no link.
ARTICLE_COLUMNS = [
    "published",
    "title",
    "link",
    "url (not a web link)",
    "source",
    "dyads",
    "event type",
    "quad class",
    "intensity",
    "topics",
    "explanation",
    "article id",
]


def articles_frame(events: list[ClassifiedEvent]) -> pd.DataFrame:
    """Articles newest first; ``link`` holds only http(s) URLs, anything else goes to a plain-text column."""
    records = []
    for e in sorted(events, key=lambda e: e.published_at, reverse=True):
        link = safe_link(e.url)
        records.append(
            {
                "published": e.published_at,
                "title": e.title,
                "link": link,
                "source": e.source,
                "dyads": ", ".join(e.dyad_keys),
                "event type": e.event_type.value,
                "quad class": QUAD_LABEL[int(e.quad_class)],
                "intensity": e.intensity,
                "topics": ", ".join(e.topics),
                "explanation": " · ".join(e.explanation),
                "url (not a web link)": e.url if e.url and not link else "",
                "article id": e.article_id,
            }
        )
    return pd.DataFrame(records, columns=ARTICLE_COLUMNS)


def to_csv(frame: pd.DataFrame) -> str:
    """CSV of the selection, with spreadsheet formulas neutralised."""
    return frame.map(csv_cell).to_csv(index=False)
