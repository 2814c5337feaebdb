"""Chart builders (altair, pydeck) from the query DataFrames; no Streamlit calls, no data access."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pydeck as pdk

from dashboard.data_access import ARC_WIDTH_PX, INTENSITY_COLORS, MAP_ZOOM
from dashboard.geo import land_polygons

QUAD_COLORS = {
    "verbal cooperation": "#7fc97f",
    "material cooperation": "#1b9e77",
    "verbal conflict": "#fdae61",
    "material conflict": "#d7191c",
    "none": "#9e9e9e",
}


TIME_FORMAT = "%Y-%m-%d %H:%M"  # with the year: history imports bring old windows
TIME_AXIS = alt.Axis(format="%d %b %Y %H:%M", labelOverlap="greedy", labelSeparation=12)


def pair_heatmap(matrix: pd.DataFrame) -> alt.Chart:
    """Country × country heat map; empty cells stay dark so the active pairs stand out."""
    codes = sorted(set(matrix["row"]))
    base = alt.Chart(matrix).encode(
        # Every code shown, small enough not to collide (Vega would otherwise drop every other one).
        x=alt.X(
            "col:N",
            sort=codes,
            title=None,
            axis=alt.Axis(labelAngle=0, orient="top", labelFontSize=10, labelOverlap=False),
        ),
        y=alt.Y("row:N", sort=codes, title=None),
        tooltip=[alt.Tooltip("dyad:N"), alt.Tooltip("events:Q")],
    )
    cells = base.mark_rect(cornerRadius=2, stroke="#0e1117", strokeWidth=1).encode(
        color=alt.condition(
            "datum.events > 0",
            alt.Color(
                "events:Q",
                scale=alt.Scale(scheme="orangered", type="sqrt"),
                legend=alt.Legend(title="events", tickMinStep=1, format="d"),
            ),
            alt.value("#1f2430"),
        )
    )
    labels = base.mark_text(fontSize=10).encode(
        text=alt.condition("datum.events > 0", alt.Text("events:Q"), alt.value("")),
        color=alt.value("#ffffff"),
    )
    return (cells + labels).properties(height=380)


def world_arcs(arcs: pd.DataFrame, points: pd.DataFrame) -> pdk.Deck:
    """Arcs between the countries of active dyads over a shipped land outline: no map tiles needed."""
    land = pd.DataFrame({"polygon": land_polygons()})
    layers = [
        pdk.Layer(
            "PolygonLayer", land, get_polygon="polygon", get_fill_color=[44, 52, 68], stroked=False, pickable=False
        ),
        pdk.Layer(
            "ArcLayer",
            arcs,
            get_source_position=["from_lon", "from_lat"],
            get_target_position=["to_lon", "to_lat"],
            get_source_color="color",
            get_target_color="color",
            get_width="width",
            pickable=True,
            get_height=0.5,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            points,
            get_position=["lon", "lat"],
            get_radius=60_000,
            radius_min_pixels=3,
            get_fill_color=[255, 255, 255, 230],
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            points,
            get_position=["lon", "lat"],
            get_text="label",
            get_size=13,
            get_color=[235, 235, 235],
            get_pixel_offset=["dx", "dy"],
            font_weight=600,
        ),
    ]
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=24, longitude=20, zoom=MAP_ZOOM, min_zoom=0.5, max_zoom=6),
        map_provider=None,  # with map_style left unset: no basemap, nothing fetched from a tile server
        tooltip={"text": "{dyad}: {events} events, mean intensity {intensity}"},
        parameters={"clearColor": [0.05, 0.07, 0.1, 1]},
    )


def map_legend_html(max_events: int) -> str:
    """The map's key, as static HTML built from numbers only: arc colour = mean intensity, width = events."""
    stops = ", ".join(f"rgb({r},{g},{b})" for _, (r, g, b) in INTENSITY_COLORS)
    low, high = ARC_WIDTH_PX
    widths = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:6px;margin-right:14px">'
        f'<span style="display:inline-block;width:34px;height:{w:.1f}px;background:#ccc;border-radius:2px"></span>'
        f"{n:,}</span>"
        for w, n in ((low + (high - low) * f, max(1, round(max_events * f))) for f in (0.1, 0.5, 1.0))
    )
    return (
        '<div style="display:flex;flex-wrap:wrap;gap:28px;font-size:0.85rem;color:#bbb;margin-top:4px">'
        "<div><b>Colour</b> · mean intensity of the pair's events "
        '<span style="display:inline-flex;align-items:center;gap:6px">−10 conflict'
        f'<span style="display:inline-block;width:140px;height:10px;border-radius:3px;'
        f'background:linear-gradient(to right, {stops})"></span>+10 cooperation</span></div>'
        f"<div><b>Width</b> · events in the range {widths}</div></div>"
    )


def stacked_bars(frame: pd.DataFrame, category: str, colors: dict[str, str] | None = None) -> alt.Chart:
    scale = alt.Scale(domain=list(colors), range=list(colors.values())) if colors else alt.Scale(scheme="tableau20")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("window:T", title="window start (UTC)", axis=TIME_AXIS),
            y=alt.Y("sum(events):Q", title="events"),
            color=alt.Color(
                f"{category}:N", scale=scale, legend=alt.Legend(orient="bottom", title=None, columns=4, labelLimit=180)
            ),
            tooltip=[alt.Tooltip("window:T", format=TIME_FORMAT), f"{category}:N", "sum(events):Q"],
        )
        .properties(height=260)
    )


def intensity_line(frame: pd.DataFrame) -> alt.Chart:
    line = (
        alt.Chart(frame)
        .mark_line(point=True, color="#f46036")
        .encode(
            x=alt.X("window:T", title="window start (UTC)", axis=TIME_AXIS),
            y=alt.Y("mean intensity:Q", scale=alt.Scale(domain=[-10, 10]), title="mean intensity"),
            tooltip=[
                alt.Tooltip("window:T", format=TIME_FORMAT),
                alt.Tooltip("mean intensity:Q", format="+.1f"),
                "events:Q",
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#888", strokeDash=[4, 4]).encode(y="y:Q")
    return (zero + line).properties(height=220)
