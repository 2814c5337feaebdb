"""What pages call: the per-process feed (``st.cache_resource``) and pure query functions over the live view.

Query functions take the view (and ``now``) as arguments and return plain values or DataFrames, so they are unit
tested without Streamlit and timed in ``bench/``. Pages never touch Kafka.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations

import pandas as pd
import streamlit as st

from dashboard.ack_writer import AckWriter
from dashboard.feed import LiveFeed
from dashboard.geo import country_name, country_points
from dashboard.last_look import LastLook
from dashboard.live_view import SEVERITY_ORDER, AlertRow, LiveView
from dashboard.safe_text import csv_cell, safe_link
from schemas import AckStatus, ClassifiedEvent, QuadClass
from schemas.base import ISO3_CODES, make_dyad
from streams.runtime.settings import get_settings

RANGES: dict[str, timedelta] = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
CUSTOM = "custom"
ALL = "all"
# Trend buckets, smallest first: a range gets the smallest that gives at most MAX_SPARK_BINS points.
SPARK_BUCKETS = [
    (timedelta(minutes=15), "15 min"),
    (timedelta(hours=1), "1 h"),
    (timedelta(hours=6), "6 h"),
    (timedelta(days=1), "day"),
    (timedelta(days=7), "week"),
    (timedelta(days=30), "30 days"),
    (timedelta(days=365), "year"),
]
MAX_SPARK_BINS = 60
SEVERITY_COLOR = {"critical": "#d7263d", "high": "#f46036", "medium": "#f2c14e", "low": "#5da9e9"}
QUAD_LABEL = {q.value: q.name.replace("_", " ").lower() for q in QuadClass}


@st.cache_resource(show_spinner=False)
def get_feed() -> LiveFeed:
    """The one consumer of this server process, started on first use and shared by every browser session."""
    return LiveFeed(get_settings()).start()


@st.cache_resource(show_spinner=False)
def get_ack_writer() -> AckWriter:
    return AckWriter(get_feed())


@st.cache_resource(show_spinner=False)
def get_last_look() -> LastLook:
    return LastLook(get_settings().data_dir / "dashboard" / "last_look.json")


def get_view() -> LiveView:
    return get_feed().view


# ---- time ranges ------------------------------------------------------------------------------------------------


def time_window(
    choice: str,
    now: datetime,
    custom: tuple[date, date] | None = None,
    bounds: tuple[datetime, datetime] | None = None,
) -> tuple[datetime, datetime]:
    """[start, end) of a range choice: '1h', '24h', '7d', custom whole days (UTC, end day included), or 'all'
    (everything the view holds, given its ``bounds``: e.g. an archive replay whose events are months old)."""
    if choice in RANGES:
        return now - RANGES[choice], now
    if choice == CUSTOM and custom:
        first, last = min(custom), max(custom)
        return datetime.combine(first, time(), UTC), datetime.combine(last + timedelta(days=1), time(), UTC)
    if choice == ALL and bounds:
        return bounds[0], max(bounds[1] + timedelta(days=1), now + timedelta(minutes=1))
    return now - RANGES["24h"], now


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


def spark_bucket(span: timedelta) -> tuple[timedelta, str]:
    """The trend bucket for a span: 15 min for an hour, 1 h for a day, 6 h for a week, longer for archives."""
    for width, label in SPARK_BUCKETS:
        if span / width <= MAX_SPARK_BINS:
            return width, label
    return SPARK_BUCKETS[-1]


def top_dyads(view: LiveView, start: datetime, end: datetime, n: int = 10) -> pd.DataFrame:
    """The busiest dyads in the range, with a trend per bucket (``frame.attrs["bucket"]`` names it) and their open
    alerts. The trend runs from ``start`` to the last window with data, so an archive's 'all' range is not
    mostly empty padding."""
    totals = view.dyad_totals(start, end).most_common(n)
    dyads = [d for d, _ in totals]
    series = view.dyad_series(dyads, start, end)
    last = max((w for per in series.values() for w in per), default=start.timestamp())
    stop = min(end.timestamp(), last + 1)
    width, label = spark_bucket(timedelta(seconds=max(stop - start.timestamp(), 1.0)))
    bins_n = max(1, math.ceil((stop - start.timestamp()) / width.total_seconds()))
    open_alerts: dict[str, int] = {}
    for row in view.alerts():
        if row.status is AckStatus.OPEN:
            open_alerts[row.alert.dyad] = open_alerts.get(row.alert.dyad, 0) + 1
    rows = []
    for dyad, total in totals:
        bins = [0] * bins_n
        for window, count in series[dyad].items():
            bins[min(int((window - start.timestamp()) // width.total_seconds()), bins_n - 1)] += count
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
    frame = pd.DataFrame(rows, columns=["dyad", "countries", "events", "trend", "open alerts"])
    frame.attrs["bucket"] = label
    return frame


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


INTENSITY_COLORS = ((-10.0, (215, 25, 28)), (0.0, (242, 193, 78)), (10.0, (27, 158, 119)))
ARC_WIDTH_PX = (1.5, 7.5)  # least and most active dyad of the range
MAP_ZOOM = 1.35
_LABEL_OFFSETS = ((0, -14), (0, 14), (22, 0), (-22, 0), (16, -14), (-16, -14), (16, 14), (-16, 14))
_LABEL_BOX = (34, 16)  # px around a three-letter code at the map's font size, with a little air


def intensity_color(value: float) -> list[int]:
    """Red for conflict (−10), amber for neutral (0), green for cooperation (+10), linearly in between."""
    value = max(-10.0, min(10.0, value))
    (x0, c0), (x1, c1) = (INTENSITY_COLORS[0], INTENSITY_COLORS[1]) if value <= 0 else INTENSITY_COLORS[1:]
    t = (value - x0) / (x1 - x0)
    return [round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True)] + [225]


def _screen_xy(lon: float, lat: float, zoom: float = MAP_ZOOM) -> tuple[float, float]:
    """Web Mercator pixels at deck.gl's zoom (512-px world tiles), as the map first shows them."""
    scale = 512 * 2**zoom / (2 * math.pi)
    lat = max(-85.0, min(85.0, lat))
    return scale * (math.radians(lon) + math.pi), scale * (
        math.pi - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    )


def place_labels(points: list[tuple[str, float, float]]) -> dict[str, tuple[int, int] | None]:
    """Greedy label placement, most involved country first: each code takes the first offset around its point
    whose box overlaps no label placed before; a code with no free spot gets no label (its tooltip remains)."""
    placed: list[tuple[float, float, float, float]] = []
    out: dict[str, tuple[int, int] | None] = {}
    w, h = _LABEL_BOX
    for code, lon, lat in points:
        x, y = _screen_xy(lon, lat)
        out[code] = None
        for dx, dy in _LABEL_OFFSETS:
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            if all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed):
                placed.append(box)
                out[code] = (dx, dy)
                break
    return out


def map_layers_data(view: LiveView, start: datetime, end: datetime, n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Arcs between the countries of the n busiest dyads (width: events, colour: mean intensity), and the points
    they join, with label offsets that keep the labels apart."""
    points = country_points()
    arcs, involvement = [], {}
    for dyad, count in view.dyad_totals(start, end).most_common(n):
        a, b = dyad.split("-")
        if a in points and b in points:
            pa, pb = points[a], points[b]
            windows = [c for c in view.window_counts(dyad) if start <= c.window_start < end]
            weight = sum(c.count for c in windows)
            mean = sum(c.mean_intensity * c.count for c in windows) / weight if weight else 0.0
            arcs.append(
                {
                    "dyad": dyad,
                    "events": count,
                    "intensity": round(mean, 1),
                    "from_lon": pa.lon,
                    "from_lat": pa.lat,
                    "to_lon": pb.lon,
                    "to_lat": pb.lat,
                    "color": intensity_color(mean),
                }
            )
            for code in (a, b):
                involvement[code] = involvement.get(code, 0) + count
    arc_df = pd.DataFrame(
        arcs, columns=["dyad", "events", "intensity", "from_lon", "from_lat", "to_lon", "to_lat", "color"]
    )
    if not arc_df.empty:
        low, high = ARC_WIDTH_PX
        arc_df["width"] = low + (high - low) * arc_df["events"] / arc_df["events"].max()
    order = sorted(involvement, key=lambda c: (-involvement[c], c))
    offsets = place_labels([(c, points[c].lon, points[c].lat) for c in order])
    point_df = pd.DataFrame(
        [
            {
                "code": c,
                "label": c if offsets[c] else "",
                "name": points[c].name,
                "lon": points[c].lon,
                "lat": points[c].lat,
                "dx": (offsets[c] or (0, 0))[0],
                "dy": (offsets[c] or (0, 0))[1],
            }
            for c in order
        ],
        columns=["code", "label", "name", "lon", "lat", "dx", "dy"],
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
    "new",
    "severity",
    "status",
    "created",
    "dyad",
    "rule",
    "reason",
    "observed",
    "expected",
    "by",
    "when",
    "note",
    "window",
    "feed",
    "kind",
    "id",
]
NEW_MARK = "● new"


def fmt_number(value: float | None, unit: str = "") -> str:
    """Rounded for reading, with its unit; '–' instead of None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{text} {unit.removesuffix('s') if value == 1 else unit}".rstrip()


def fmt_time(value: datetime | None) -> str:
    """With the year: alerts and articles from history imports can be years old."""
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "–"


def is_historical(alert: object) -> bool:
    """Raised from imported history rather than live traffic (the field may be absent in older records)."""
    return bool(getattr(alert, "historical", False))


def _units(kind: str) -> str:
    return "intensity" if kind == "escalation" else "articles"


def alerts_frame(rows: list[AlertRow], new_since: datetime | None = None) -> pd.DataFrame:
    """One row per alert, newest first; severity and status are one-item lists, shown as coloured pills.

    ``new`` marks alerts created after ``new_since`` (the analyst's previous look); ``feed`` says 'historical'
    (with its year) for alerts from imported history."""
    records = [
        {
            "new": NEW_MARK if new_since is not None and r.alert.created_at > new_since else "",
            "severity": [r.alert.severity.value],
            "created": r.alert.created_at,
            "window": r.alert.window_start,
            "dyad": r.alert.dyad,
            "rule": r.alert.rule,
            "kind": r.alert.kind,
            "observed": fmt_number(r.alert.observed, _units(r.alert.kind)),
            "expected": fmt_number(r.alert.expected, _units(r.alert.kind)),
            "reason": r.alert.reason,
            "status": [r.status.value],
            "by": r.ack.analyst if r.ack else "–",
            "when": fmt_time(r.ack.at) if r.ack else "–",
            "note": r.ack.note if r.ack and r.ack.note else "–",
            "feed": f"historical {r.alert.window_start.year}" if is_historical(r.alert) else "live",
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
