"""Overview: key figures, the busiest dyads with trends, the country-pair matrix and the map of active dyads."""

import streamlit as st

from dashboard.components.charts import map_legend_html, pair_heatmap, world_arcs
from dashboard.components.time_range import current_window, range_query, time_range_selector
from dashboard.components.url_state import DYAD_PARAM
from dashboard.data_access import get_view, key_figures, map_layers_data, pair_matrix, top_dyads
from schemas.base import utc_now

SEVERITY_TITLES = {
    "critical": ":red[:material/crisis_alert:] Critical",
    "high": ":orange[:material/warning:] High",
    "medium": ":yellow[:material/report:] Medium",
    "low": ":blue[:material/info:] Low",
}

head, picker = st.columns([3, 2], vertical_alignment="bottom")
head.title("Watch floor")
with picker:
    choice, custom = time_range_selector("overview.range")


def _delta(now: int, before: int) -> str | None:
    return f"{now - before:+,} vs previous" if before or now else None


@st.fragment(run_every=2)
def live_overview() -> None:
    view = get_view()
    start, end = current_window(choice, custom)
    figures = key_figures(view, utc_now())
    cols = st.columns(6)
    cols[0].metric(
        "Events · last hour", f"{figures.events_1h:,}", _delta(figures.events_1h, figures.events_prev_1h), border=True
    )
    cols[1].metric(
        "Events · last 24 h",
        f"{figures.events_24h:,}",
        _delta(figures.events_24h, figures.events_prev_24h),
        border=True,
    )
    for col, (severity, title) in zip(cols[2:], SEVERITY_TITLES.items(), strict=True):
        col.metric(f"{title} · open", figures.open_by_severity[severity], border=True)

    left, right = st.columns([5, 4], gap="large")
    with left:
        st.subheader("Busiest dyads")
        top = top_dyads(view, start, end)
        if top.empty:
            st.caption("No dyad counts in this range yet.")
        else:
            st.dataframe(
                top,
                hide_index=True,
                width="stretch",
                column_order=["dyad", "countries", "events", "trend", "open alerts"],
                column_config={
                    "dyad": st.column_config.TextColumn("dyad", width="small"),
                    "events": st.column_config.ProgressColumn(
                        "events", format="%d", max_value=int(top["events"].max())
                    ),
                    "trend": st.column_config.LineChartColumn(
                        f"trend (events per {top.attrs['bucket']})",
                        y_min=0,
                        help="From the start of the range to the latest window with data",
                    ),
                    "open alerts": st.column_config.NumberColumn("open alerts", format="%d"),
                },
            )
            # Links, not a row selection + st.switch_page: a link is navigated by the browser (one history entry,
            # Back returns here), while switch_page first pushes the new query onto this page's path (Back then
            # lands on /?dyad=…) and races this page's live fragments, whose late runs can blank the new page.
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                st.caption("Open a pair:", width="content")
                for dyad in top["dyad"]:
                    st.page_link(
                        "app_pages/dyad.py",
                        label=dyad,
                        icon=":material/compare_arrows:",
                        query_params={DYAD_PARAM: dyad, **range_query(choice, custom)},
                    )
    with right:
        st.subheader("Country-pair matrix")
        matrix = pair_matrix(view, start, end)
        if matrix.empty:
            st.caption("No pairs in this range yet.")
        else:
            st.altair_chart(pair_heatmap(matrix), width="stretch")


@st.fragment(run_every=5)
def live_map() -> None:
    st.subheader("Active dyads")
    start, end = current_window(choice, custom)
    arcs, points = map_layers_data(get_view(), start, end)
    st.pydeck_chart(world_arcs(arcs, points), height=520)
    if arcs.empty:
        st.caption("No active dyads in this range yet.")
    else:
        st.html(map_legend_html(int(arcs["events"].max())))


live_overview()
live_map()
