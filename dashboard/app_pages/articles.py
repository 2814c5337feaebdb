"""Articles: search and filter the classified articles, read the classifier's explanation, export as CSV."""

import streamlit as st

from dashboard.components.columns import ARTICLE_COLUMN_CONFIG
from dashboard.components.time_range import current_window, time_range_selector
from dashboard.data_access import QUAD_LABEL, ArticleFilters, articles_frame, get_view, to_csv
from schemas import EventType

MAX_ROWS = 2_000

st.title("Articles")
view = get_view()
events = view.events()
search, picker = st.columns([3, 2], vertical_alignment="bottom")
text = search.text_input("Search titles and text", key="articles.q", placeholder="e.g. sanctions, Rodong Sinmun")
with picker:
    choice, custom = time_range_selector("articles.range", default="7d")
c1, c2, c3, c4, c5 = st.columns(5)
start, end = current_window(choice, custom)
filters = ArticleFilters(
    text=text,
    countries=c1.multiselect("Country", sorted({c for e in events for c in e.actor_codes}), key="articles.f.country"),
    dyads=c2.multiselect("Dyad", sorted({d for e in events for d in e.dyad_keys}), key="articles.f.dyad"),
    event_types=c3.multiselect("Event type", [t.value for t in EventType], key="articles.f.type"),
    quad_classes=c4.multiselect("Quad class", list(QUAD_LABEL.values()), key="articles.f.quad"),
    sources=c5.multiselect("Source", sorted({e.source for e in events}), key="articles.f.source"),
    start=start,
    end=end,
)
selected = [e for e in events if filters.keep(e)]
frame = articles_frame(sorted(selected, key=lambda e: e.published_at, reverse=True)[:MAX_ROWS])

info, download, refresh = st.columns([4, 1, 1], vertical_alignment="center")
info.caption(
    f"{len(selected):,} articles match"
    + (f"; the newest {MAX_ROWS:,} are shown" if len(selected) > MAX_ROWS else "")
    + ". Titles and text are shown as plain text."
)
download.download_button(
    "Export CSV",
    lambda: to_csv(articles_frame(selected)),
    file_name="dyadwatch-articles.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
refresh.button("Refresh", icon=":material/refresh:", key="articles.refresh")
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    height=620,
    column_config=ARTICLE_COLUMN_CONFIG,
)
