"""Each page rendered by Streamlit's AppTest against a view filled from fixtures."""

from datetime import timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components import status_bar as status_bar_module
from dashboard.live_view import LiveView
from dashboard.synthetic import make_alert
from schemas import Severity
from schemas.base import utc_now

from .conftest import HOSTILE_TITLE, PAGES


def run_page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def markdown_texts(at: AppTest) -> str:
    return " ".join(str(m.value) for m in [*at.markdown, *at.caption, *at.error, *at.info])


def test_overview_shows_key_figures_top_dyads_matrix_and_map(wired, filled_view):
    at = run_page("overview")
    labels = {m.label: m.value for m in at.metric}
    assert any("Critical" in k and int(v) >= 1 for k, v in labels.items())
    assert int(labels["Events · last 24 h"].replace(",", "")) > 0
    top = at.dataframe[0].value
    assert list(top.columns) == ["dyad", "countries", "events", "trend", "open alerts"]
    assert len(top) == 10
    assert at.get("vega_lite_chart") and at.get("deck_gl_json_chart")


def test_overview_time_range_changes_the_figures(wired):
    at = run_page("overview")
    day_total = at.dataframe[0].value["events"].sum()
    at.button_group[0].set_value("1 h").run()
    assert at.dataframe[0].value["events"].sum() < day_total


def test_dyad_page_shows_breakdown_alerts_and_safe_articles(wired):
    at = run_page("dyad")
    assert at.selectbox[0].value == "PRK-RUS"
    assert {m.label for m in at.metric} >= {"Events in range", "Mean intensity", "Open alerts"}
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


def test_toast_only_for_new_high_severity_alerts(wired, filled_view):
    texts, mark = status_bar_module.new_alert_toasts(filled_view, None)
    assert texts == [] and mark == filled_view.alert_seq
    now = utc_now()
    filled_view.apply_alert("n-low", make_alert("n-low", "CHN-USA", now, Severity.LOW))
    filled_view.apply_alert("n-high", make_alert("n-high", "CHN-USA", now, Severity.HIGH, reason="**bold** claim"))
    filled_view.apply_alert("n-stale", make_alert("n-stale", "CHN-USA", now - timedelta(days=2), Severity.CRITICAL))
    texts, _ = status_bar_module.new_alert_toasts(filled_view, mark)
    assert len(texts) == 1 and texts[0].startswith("HIGH alert on CHN-USA") and "\\*\\*bold\\*\\*" in texts[0]


def test_a_burst_of_alerts_gets_one_toast_and_a_summary(wired, filled_view):
    _, mark = status_bar_module.new_alert_toasts(filled_view, None)
    now = utc_now()
    for i in range(6):
        filled_view.apply_alert(f"b{i}", make_alert(f"b{i}", "CHN-USA", now, Severity.HIGH))
    filled_view.apply_alert("b-crit", make_alert("b-crit", "PRK-RUS", now, Severity.CRITICAL))
    texts, _ = status_bar_module.new_alert_toasts(filled_view, mark)
    assert len(texts) == 2
    assert texts[0].startswith("CRITICAL alert on PRK-RUS")
    assert texts[1] == "…and 6 more high-severity alerts: see the Alerts page."
