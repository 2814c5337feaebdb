"""Dyad: one country pair — counts by event type and quad class, mean intensity, its alerts and articles."""

import streamlit as st

from dashboard.components.charts import QUAD_COLORS, intensity_line, stacked_bars
from dashboard.components.columns import ALERT_COLUMN_CONFIG, ARTICLE_COLUMN_CONFIG
from dashboard.components.time_range import current_window, time_range_selector
from dashboard.components.url_state import DYAD_PARAM, adopt_from_url, one_of, publish_to_url
from dashboard.data_access import (
    AlertFilters,
    alerts_frame,
    articles_frame,
    dyad_breakdown,
    get_view,
    is_dyad,
    weighted_intensity,
)
from dashboard.geo import country_name
from schemas import AckStatus, ClassifiedEvent

DEFAULT_DYAD = "PRK-RUS"
PICK_KEY = "dyad.pick"
RECENT_ARTICLES = 200

dyads = get_view().known_dyads()
wanted = st.session_state.get(PICK_KEY, DEFAULT_DYAD)
asked = st.query_params.get(DYAD_PARAM)
options = sorted(set(dyads) | {DEFAULT_DYAD, wanted} | ({asked} if is_dyad(asked) else set()))  # URL: user input
adopt_from_url(DYAD_PARAM, PICK_KEY, one_of(options), DEFAULT_DYAD)

head, pick, picker = st.columns([3, 2, 3], vertical_alignment="bottom")
dyad = pick.selectbox(
    "Country pair",
    options,
    key=PICK_KEY,
    format_func=lambda d: f"{d}  ·  {' – '.join(country_name(c) for c in d.split('-'))}",
)
publish_to_url({DYAD_PARAM: [dyad]}, {PICK_KEY: dyad})
head.title(" – ".join(country_name(c) for c in dyad.split("-")))
with picker:
    choice, custom = time_range_selector("dyad.range", default="7d")


def why_label(event: ClassifiedEvent) -> str:
    """An article by its title and source (two articles of one minute are told apart; times say little)."""
    title = event.title if len(event.title) <= 90 else event.title[:89] + "…"
    return f"{title} — {event.source}"


@st.fragment(run_every=3)
def live_dyad() -> None:
    view = get_view()
    start, end = current_window(choice, custom)
    parts = dyad_breakdown(view, dyad, start, end)
    alerts = [r for r in view.alerts() if AlertFilters(dyads=[dyad]).keep(r)]
    events = [e for e in view.events_for_dyad(dyad) if start <= e.published_at < end]
    mean = weighted_intensity(parts["intensity"])
    cols = st.columns(4)
    cols[0].metric("Events in range", f"{int(parts['intensity']['events'].sum()):,}", border=True)
    cols[1].metric("Mean intensity (−10 … +10)", f"{mean:+.1f}" if mean is not None else "–", border=True)
    cols[2].metric("Open alerts", sum(r.status is AckStatus.OPEN for r in alerts), border=True)
    cols[3].metric("Articles in range", f"{len(events):,}", border=True)

    if parts["intensity"].empty:
        st.info("No window counts for this pair in the range yet.")
    else:
        left, right = st.columns(2, gap="large")
        left.subheader("By event type")
        left.altair_chart(stacked_bars(parts["by_type"], "event type"), width="stretch")
        right.subheader("By quad class")
        right.altair_chart(stacked_bars(parts["by_quad"], "quad class", QUAD_COLORS), width="stretch")
        st.subheader("Mean intensity per window")
        st.altair_chart(intensity_line(parts["intensity"]), width="stretch")

    st.subheader("Alerts")
    if alerts:
        st.dataframe(
            alerts_frame(alerts),
            hide_index=True,
            width="stretch",
            column_config=ALERT_COLUMN_CONFIG,
            column_order=[
                "severity",
                "created",
                "window",
                "rule",
                "observed",
                "expected",
                "reason",
                "status",
                "by",
                "feed",
            ],
        )
    else:
        st.caption("No alerts for this pair.")

    st.subheader("Recent articles")
    frame = articles_frame(events[:RECENT_ARTICLES])
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_order=[
            "published",
            "title",
            "link",
            "event type",
            "quad class",
            "intensity",
            "source",
            "explanation",
            "url (not a web link)",
        ],
        column_config=ARTICLE_COLUMN_CONFIG,
    )


@st.fragment
def why_panel() -> None:
    """Outside the live refresh (it reruns only when used), so an open list is not redrawn under the analyst."""
    start, end = current_window(choice, custom)
    shown = [e for e in get_view().events_for_dyad(dyad) if start <= e.published_at < end][:RECENT_ARTICLES]
    pick, refresh = st.columns([6, 1], vertical_alignment="bottom")
    refresh.button("Refresh list", icon=":material/refresh:", key="dyad.why.refresh")  # a click reruns the panel
    if not shown:
        pick.caption("No articles of this pair in the range yet.")
        return
    by_id = {e.article_id: e for e in shown}
    picked = pick.selectbox(
        "Why was this article counted? (matched actors, spans and rules)",
        list(by_id),
        key="dyad.why",
        format_func=lambda i: why_label(by_id[i]),
    )
    event = by_id[picked]
    with st.container(border=True):
        st.text(f"{event.title}\n{event.source} · {event.published_at:%Y-%m-%d %H:%M} UTC")
        st.text("\n".join(f"• {line}" for line in event.explanation) or "no explanation recorded")


live_dyad()
why_panel()
