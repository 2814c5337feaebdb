from datetime import UTC, date, datetime, timedelta

from dashboard.data_access import (
    SPARK_BINS,
    AlertFilters,
    ArticleFilters,
    alerts_frame,
    articles_frame,
    dyad_breakdown,
    is_dyad,
    key_figures,
    map_layers_data,
    pair_matrix,
    time_window,
    to_csv,
    top_dyads,
    weighted_intensity,
)
from dashboard.live_view import LiveView
from dashboard.synthetic import make_event, window_counts
from schemas import AckStatus, AlertAck, EventType
from schemas.base import utc_now

from .conftest import HOSTILE_TITLE


def test_time_windows():
    now = datetime(2025, 6, 10, 12, 30, tzinfo=UTC)
    assert time_window("1 h", now) == (now - timedelta(hours=1), now)
    assert time_window("7 d", now) == (now - timedelta(days=7), now)
    start, end = time_window("custom", now, (date(2025, 6, 9), date(2025, 6, 1)))
    assert start == datetime(2025, 6, 1, tzinfo=UTC) and end == datetime(2025, 6, 10, tzinfo=UTC)


def test_key_figures_compare_with_the_previous_period():
    view, now = LiveView(), utc_now()
    for i, minutes in enumerate([5, 10, 70, 60 * 30]):
        view.apply_event(make_event(f"a{i}", "PRK-RUS", now - timedelta(minutes=minutes)))
    figures = key_figures(view, now)
    assert (figures.events_1h, figures.events_prev_1h, figures.events_24h, figures.events_prev_24h) == (2, 1, 3, 1)


def test_top_dyads_sparkline_adds_up_to_the_total(filled_view):
    now = utc_now()
    top = top_dyads(filled_view, now - timedelta(hours=24), now, n=5)
    assert len(top) == 5
    assert list(top["events"]) == sorted(top["events"], reverse=True)
    for _, row in top.iterrows():
        assert len(row["trend"]) == SPARK_BINS and sum(row["trend"]) == row["events"]
    assert top.iloc[0]["events"] > 0


def test_pair_matrix_is_symmetric_and_matches_totals(filled_view):
    now = utc_now()
    matrix = pair_matrix(filled_view, now - timedelta(hours=24), now, max_countries=6)
    cells = {(r.row, r.col): r.events for r in matrix.itertuples()}
    assert all(cells[(b, a)] == n for (a, b), n in cells.items())
    totals = filled_view.dyad_totals(now - timedelta(hours=24), now)
    assert all(totals.get(r.dyad, 0) == r.events for r in matrix.itertuples())
    assert len(set(matrix["row"])) == 6


def test_map_arcs_join_known_points(filled_view):
    now = utc_now()
    arcs, points = map_layers_data(filled_view, now - timedelta(hours=24), now)
    assert not arcs.empty and arcs["width"].max() > arcs["width"].min() >= 1.5
    prk_rus = arcs[arcs["dyad"] == "PRK-RUS"].iloc[0]
    assert round(prk_rus["from_lat"]) == 39 and round(prk_rus["to_lon"]) == 38  # Pyongyang → Moscow
    assert {"PRK", "RUS"} <= set(points["code"])


def test_dyad_breakdown_by_type_quad_and_intensity():
    view, now = LiveView(), utc_now()
    events = [make_event("a", "PRK-RUS", now, EventType.SANCTION), make_event("b", "PRK-RUS", now, EventType.AID)]
    for c in window_counts(events):
        view.apply_count(c.key, c)
    parts = dyad_breakdown(view, "PRK-RUS", now - timedelta(hours=1), now + timedelta(hours=1))
    by_type = dict(zip(parts["by_type"]["event type"], parts["by_type"]["events"], strict=True))
    assert by_type == {"SANCTION": 1, "AID": 1}
    assert set(parts["by_quad"]["quad class"]) == {"material conflict", "material cooperation"}
    assert weighted_intensity(parts["intensity"]) == 1.0  # (-5 + 7) / 2


def test_alert_filters(filled_view):
    rows = filled_view.alerts()
    prk = [r for r in rows if AlertFilters(countries=["PRK"]).keep(r)]
    assert prk and all("PRK" in r.alert.dyad for r in prk)
    crit = [r for r in rows if AlertFilters(severities=["critical"], dyads=["PRK-RUS"]).keep(r)]
    assert "alert-prk-rus" in [r.alert.id for r in crit]
    filled_view.apply_ack("alert-prk-rus", AlertAck(alert_id="alert-prk-rus", analyst="ana", status=AckStatus.RESOLVED))
    rows = filled_view.alerts()
    assert "alert-prk-rus" not in [r.alert.id for r in rows if AlertFilters(statuses=["open"]).keep(r)]
    frame = alerts_frame([r for r in rows if r.alert.id == "alert-prk-rus"])
    assert list(frame.iloc[0]["status"]) == ["resolved"] and frame.iloc[0]["by"] == "ana"


def test_articles_filter_and_hostile_links_are_not_links(filled_view):
    events = filled_view.events()
    picked = [e for e in events if ArticleFilters(text="SCRIPT", dyads=["PRK-RUS"]).keep(e)]
    assert [e.article_id for e in picked] == ["hostile-1"]
    frame = articles_frame(picked)
    assert frame.iloc[0]["title"] == HOSTILE_TITLE
    assert frame.iloc[0]["link"] is None
    assert frame.iloc[0]["url (not a web link)"] == "javascript:alert(1)"
    normal = articles_frame([e for e in events if e.article_id != "hostile-1"][:3])
    assert all(link.startswith("https://") for link in normal["link"])


def test_articles_filters_by_type_quad_source_and_time(filled_view):
    now = utc_now()
    f = ArticleFilters(
        event_types=["SANCTION"],
        quad_classes=["material conflict"],
        sources=["gdelt", "rss:bbc"],
        start=now - timedelta(hours=12),
        end=now,
    )
    kept = [e for e in filled_view.events() if f.keep(e)]
    assert kept and all(e.source in ("gdelt", "rss:bbc") and e.event_type is EventType.SANCTION for e in kept)
    assert all(now - timedelta(hours=12) <= e.published_at < now for e in kept)
    assert not [
        e
        for e in filled_view.events()
        if ArticleFilters(quad_classes=["verbal cooperation"], event_types=["SANCTION"]).keep(e)
    ]


def test_csv_export_neutralises_formulas():
    event = make_event("f1", "PRK-RUS", utc_now(), title='=HYPERLINK("http://evil")')
    csv = to_csv(articles_frame([event]))
    assert "'=HYPERLINK" in csv and csv.splitlines()[0].startswith("published,title,link")


def test_all_range_spans_everything_in_the_view():
    view, now = LiveView(), utc_now()
    old = make_event("old", "PRK-RUS", datetime(2025, 12, 6, tzinfo=UTC))
    for c in window_counts([old]):
        view.apply_count(c.key, c)
    view.apply_event(make_event("new-without-counts", "PRK-RUS", now - timedelta(minutes=5)))
    start, end = time_window("all", now, bounds=view.data_bounds())
    assert start == datetime(2025, 12, 6, tzinfo=UTC) and end > now
    assert view.dyad_totals(start, end)["PRK-RUS"] == 1
    assert view.event_count(start, end) == 1
    assert time_window("all", now, bounds=None) == time_window("24 h", now)


def test_is_dyad():
    assert is_dyad("PRK-RUS") and not is_dyad("RUS-PRK") and not is_dyad("<script") and not is_dyad("AAA-BBB-CCC")
    assert not is_dyad(None) and not is_dyad("XXX-YYY")
