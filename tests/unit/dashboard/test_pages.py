"""Each page rendered by Streamlit's AppTest against a view filled from fixtures."""

from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import parse_qs

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components import status_bar as status_bar_module
from dashboard.components.time_range import parse_days
from dashboard.live_view import LiveView
from dashboard.synthetic import make_alert
from schemas import AckStatus, Severity
from schemas.base import utc_now
from streams.runtime.settings import get_settings

from .conftest import HOSTILE_TITLE, PAGES


def run_page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def markdown_texts(at: AppTest) -> str:
    return " ".join(str(m.value) for m in [*at.markdown, *at.caption, *at.error, *at.info])


@pytest.fixture
def run_app(wired, dashboard_env) -> Callable[..., AppTest]:
    """The whole app (navigation, status bar, page) at a URL query; the Overview is its default page. Links to
    other pages only resolve through app.py's navigation."""
    dashboard_env.setenv("DYADWATCH_DASHBOARD_ALLOW_ANONYMOUS", "true")  # AppTest has no server address
    get_settings.cache_clear()

    def run(**query: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=60)
        at.query_params.update(query)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


def test_overview_shows_key_figures_top_dyads_matrix_and_map(run_app):
    at = run_app()
    labels = {m.label: m.value for m in at.metric}
    assert any("Critical" in k and int(v) >= 1 for k, v in labels.items())
    assert int(labels["Events · last 24 h"].replace(",", "")) > 0
    top = at.dataframe[0].value
    assert list(top.columns) == ["dyad", "countries", "events", "trend", "open alerts"]
    assert len(top) == 10
    assert at.get("vega_lite_chart") and at.get("deck_gl_json_chart")


def test_overview_time_range_changes_the_figures(run_app):
    at = run_app()
    day_total = at.dataframe[0].value["events"].sum()
    at.button_group[0].set_value("1h").run()
    assert at.dataframe[0].value["events"].sum() < day_total


def test_overview_links_each_busiest_dyad_to_its_dyad_page_with_the_range(run_app):
    at = run_app(range="7d")
    links = [link.proto for link in at.get("page_link")]
    assert [link.label for link in links] == list(at.dataframe[0].value["dyad"])
    assert {link.page for link in links} == {"dyad"}
    first = parse_qs(links[0].query_string)
    assert first == {"dyad": [links[0].label], "range": ["7d"]}

    today = utc_now().date()
    days = [(today - timedelta(days=1)).isoformat(), today.isoformat()]
    at = run_app(range="custom", days=days)
    assert at.date_input[0].value == (today - timedelta(days=1), today)
    link = at.get("page_link")[0].proto
    assert parse_qs(link.query_string) == {"dyad": [link.label], "range": ["custom"], "days": days}


def test_dyad_page_opens_the_pair_and_custom_days_a_link_gives(wired):
    at = AppTest.from_file(str(PAGES / "dyad.py"), default_timeout=60)
    at.query_params.update({"dyad": "CHN-USA", "range": "custom", "days": ["2026-11-30", "2026-12-02"]})
    at.run()
    assert not at.exception
    assert at.selectbox[0].value == "CHN-USA" and at.button_group[0].value == "custom"
    assert at.date_input[0].value == (date(2026, 11, 30), date(2026, 12, 2))


def test_custom_days_from_the_url_are_one_or_two_iso_dates():
    assert parse_days(["2026-12-02", "2026-11-30"]) == (date(2026, 11, 30), date(2026, 12, 2))
    assert parse_days(["2026-12-02"]) == (date(2026, 12, 2), date(2026, 12, 2))
    assert parse_days([]) is None and parse_days(["x"]) is None and parse_days(["2026-12-01"] * 3) is None


def test_dyad_page_shows_breakdown_alerts_and_safe_articles(wired):
    at = run_page("dyad")
    assert at.selectbox[0].value == "PRK-RUS"
    assert {m.label for m in at.metric} >= {"Events in range", "Mean intensity (−10 … +10)", "Open alerts"}
    frames = [d.value for d in at.dataframe]
    articles = next(f for f in frames if "title" in f.columns)
    hostile = articles[articles["title"] == HOSTILE_TITLE].iloc[0]
    assert pd.isna(hostile["link"]) and hostile["url (not a web link)"] == "javascript:alert(1)"
    assert HOSTILE_TITLE not in markdown_texts(at)  # only ever in dataframe cells or st.text
    alerts = next(f for f in frames if "rule" in f.columns)
    assert "watch:PRK-RUS" in set(alerts["rule"])


def test_dyad_page_ignores_a_crafted_query_parameter(wired):
    at = AppTest.from_file(str(PAGES / "dyad.py"), default_timeout=60)
    at.query_params["dyad"] = "<script"
    at.run()
    assert not at.exception
    assert at.selectbox[0].value == "PRK-RUS" and "<script" not in at.selectbox[0].options


def test_dyad_page_follows_the_selection(wired):
    at = run_page("dyad")
    at.selectbox[0].set_value("CHN-USA").run()
    assert not at.exception
    assert at.title[0].value == "China – United States"


def test_alerts_page_lists_newest_first_and_filters(wired, filled_view):
    at = run_page("alerts")
    frame = at.dataframe[0].value
    assert list(frame["created"]) == sorted(frame["created"], reverse=True)
    at.multiselect(key="alerts.f.severity").set_value(["critical"]).run()
    frame = at.dataframe[0].value
    assert {tuple(s) for s in frame["severity"]} == {("critical",)}
    assert "alert-prk-rus" in set(frame["id"])


def test_articles_page_search_and_filters(wired):
    at = run_page("articles")
    at.text_input(key="articles.q").input("script").run()
    frame = at.dataframe[0].value
    assert list(frame["article id"]) == ["hostile-1"]
    assert pd.isna(frame.iloc[0]["link"])
    at.text_input(key="articles.q").input("").run()
    at.multiselect(key="articles.f.type").set_value(["SANCTION"]).run()
    assert set(at.dataframe[0].value["event type"]) == {"SANCTION"}


def _status_bar_script() -> None:
    from dashboard.components.status_bar import status_bar

    status_bar()


@pytest.fixture
def disconnected(wired, filled_view: LiveView) -> LiveView:
    filled_view.set_health(connected=False, since=utc_now(), last_error="KafkaConnectionError: refused [x](y)")
    return filled_view


def test_banner_when_the_broker_is_unreachable(disconnected):
    at = AppTest.from_function(_status_bar_script)
    at.run()
    assert at.error and "unreachable" in at.error[0].value
    assert "\\[x\\]\\(y\\)" in at.error[0].value  # error text is escaped, never a link


def test_toast_only_for_alerts_raised_after_the_page_opened(wired, filled_view):
    opened = utc_now()
    text, state = status_bar_module.new_alert_toasts(filled_view, None, opened)
    assert text is None and state.seen == filled_view.alert_seq
    filled_view.apply_alert("n-low", make_alert("n-low", "CHN-USA", opened, Severity.LOW))
    filled_view.apply_alert("n-high", make_alert("n-high", "CHN-USA", opened, Severity.HIGH, reason="**bold** claim"))
    # Arrives now, but was raised before the page opened (a replay, a late consumer): no toast.
    filled_view.apply_alert(
        "n-before", make_alert("n-before", "CHN-USA", opened - timedelta(minutes=1), Severity.CRITICAL)
    )
    text, state = status_bar_module.new_alert_toasts(filled_view, state, opened + timedelta(seconds=1))
    assert text.startswith("HIGH alert on CHN-USA") and "\\*\\*bold\\*\\*" in text and "more" not in text


def test_historical_alerts_are_never_toasted(wired, filled_view):
    opened = utc_now()
    _, state = status_bar_module.new_alert_toasts(filled_view, None, opened)
    old = make_alert("hist", "CHN-USA", opened, Severity.CRITICAL)
    object.__setattr__(old, "historical", True)
    filled_view.apply_alert("hist", old)
    text, _ = status_bar_module.new_alert_toasts(filled_view, state, opened + timedelta(seconds=1))
    assert text is None


def test_toasts_are_rate_limited_and_a_burst_is_one_toast(wired, filled_view):
    opened = utc_now()
    _, state = status_bar_module.new_alert_toasts(filled_view, None, opened)
    for i in range(6):
        filled_view.apply_alert(f"b{i}", make_alert(f"b{i}", "CHN-USA", opened, Severity.HIGH))
    filled_view.apply_alert("b-crit", make_alert("b-crit", "PRK-RUS", opened, Severity.CRITICAL))
    t0 = opened + timedelta(seconds=1)
    text, state = status_bar_module.new_alert_toasts(filled_view, state, t0)
    assert text.startswith("CRITICAL alert on PRK-RUS") and text.endswith(
        "…and 6 more high-severity alerts: see Alerts."
    )
    filled_view.apply_alert("c1", make_alert("c1", "IRN-ISR", opened, Severity.HIGH))
    soon = t0 + status_bar_module.TOAST_INTERVAL - timedelta(seconds=1)
    assert status_bar_module.new_alert_toasts(filled_view, state, soon)[0] is None  # too soon: it waits
    text, _ = status_bar_module.new_alert_toasts(filled_view, state, t0 + status_bar_module.TOAST_INTERVAL)
    assert text.startswith("HIGH alert on IRN-ISR")


def test_dyad_page_explains_any_article_labelled_by_title_and_source(wired, filled_view):
    at = run_page("dyad")
    why = at.selectbox(key="dyad.why")
    events = filled_view.events_for_dyad("PRK-RUS")
    assert len(why.options) == len(events) > 5  # every article in the table, not only the five newest
    old = events[-1]  # the oldest one in the table
    assert f"{old.title} — {old.source}" in why.options
    why.set_value(old.article_id).run()
    assert not at.exception
    shown = " ".join(t.value for t in at.text)
    assert old.title in shown and all(line in shown for line in old.explanation)


def test_a_link_to_an_alert_opens_that_alert(wired):
    at = AppTest.from_file(str(PAGES / "alerts.py"), default_timeout=60)
    at.query_params["alert"] = "alert-prk-rus"
    at.run()
    assert not at.exception
    assert list(at.dataframe[0].value["id"]) == ["alert-prk-rus"]
    at.button(key="alerts.unlink").click().run()
    assert len(at.dataframe[0].value) > 1


def test_new_since_last_look_marks_alerts_per_analyst(wired, filled_view):
    at = run_page("alerts")
    assert "new" not in at.dataframe[0].value.columns or not at.dataframe[0].value["new"].any()
    at.text_input(key="alerts.analyst").input("ana").run()  # first look: nothing is new yet
    assert set(at.dataframe[0].value["new"]) == {""}
    filled_view.apply_alert("fresh", make_alert("fresh", "CHN-USA", utc_now() + timedelta(seconds=1), Severity.LOW))
    again = run_page("alerts")  # a later visit by the same analyst
    again.text_input(key="alerts.analyst").input("ana").run()
    frame = again.dataframe[0].value
    assert frame.loc[frame["id"] == "fresh", "new"].item() == "● new"
    assert set(frame.loc[frame["id"] != "fresh", "new"]) == {""}
    assert any("1 new since your last look" in m.value for m in again.markdown)


def test_audit_page_lists_ignored_tombstones_and_status_changes(wired, filled_view):
    from dashboard.feed import apply_record

    apply_record(filled_view, "alerts", b"alert-prk-rus", None)
    wired.write(["alert-prk-rus"], "ana", AckStatus.ACKNOWLEDGED, "checked")
    at = run_page("audit")
    ignored, changes = (d.value for d in at.dataframe)
    assert list(ignored["alert id"]) == ["alert-prk-rus"] and list(ignored["dyad"]) == ["PRK-RUS"]
    assert changes.iloc[0]["analyst"] == "ana" and changes.iloc[0]["status"] == "acknowledged"
