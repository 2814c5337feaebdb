"""The watch floor in a real browser (Debian's Chromium): seed page → real worker → Kafka → dashboard, acks shared
between screens, links that reopen a view, refusals that say why, sign-in identity, forged deletes ignored, and
hostile article text shown as text. One stack per module (tests/e2e/conftest.py); screenshots go to
tests/e2e/screenshots/."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from dashboard.synthetic import make_alert, make_event, window_counts
from schemas import Alert, EventType, Severity
from schemas.base import MAX_NOTE_CHARS, utc_now
from streams.kafka.clients import make_producer
from streams.runtime.settings import Settings
from tests.e2e.conftest import ANALYST, PASSWORD, Stack
from tests.e2e.dashboard_process import (
    DYADWATCH,
    SCREENSHOTS,
    ScriptRuns,
    grid_cells,
    run_off_loop,
    wait_for_cell,
    wait_for_cells,
)

HOSTILE_TITLE = "<script>window.__pwned = 1</script> North Korea and Russia <img src=x onerror=window.__pwned=1>"
HOSTILE_LINK_TITLE = "[Russia and North Korea sign deal](javascript:window.__pwned=1)"
ROW_PX = 35  # Streamlit dataframe header and row height
VIEWPORT = {"width": 1440, "height": 900}
CONTROLS = "button:visible, input:visible, textarea:visible, [role=radio]:visible, [role=combobox]:visible"


def ingest_seed_page(settings: Settings, shared: Path) -> None:
    subprocess.run(
        [
            str(DYADWATCH),
            "ingest",
            "page",
            str(shared / "seed" / "news_page.txt"),
            "--bootstrap",
            settings.bootstrap_servers,
        ],
        env={
            **os.environ,
            "DYADWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "DYADWATCH_DATA_DIR": str(settings.data_dir),
        },
        check=True,
        timeout=120,
        capture_output=True,
    )


async def produce(settings: Settings, topic: str, records: list[tuple[str, bytes | None]]) -> None:
    """Records straight onto a topic, as another producer (or a rogue one) could write them."""
    producer = make_producer(settings)
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(settings.topic(topic), value, key=key.encode())
    finally:
        await producer.stop()


def put_alert(settings: Settings, alert: Alert) -> None:
    run_off_loop(produce(settings, "alerts", [(alert.id, alert.to_bytes())]))


def hostile_events(now: datetime) -> list[tuple[str, bytes]]:
    """The pipeline strips markup from titles and the articles topic refuses non-http URLs: a rogue producer not."""
    events = [
        make_event(
            "rogue-script", "PRK-RUS", now, EventType.THREATEN, title=HOSTILE_TITLE, url="javascript:window.__pwned=1"
        ),
        make_event(
            "rogue-link",
            "PRK-RUS",
            now,
            EventType.AGREE,
            title=HOSTILE_LINK_TITLE,
            url="data:text/html,<script>window.__pwned=1</script>",
        ),
    ]
    return [(e.article_id, e.to_bytes()) for e in events]


def pick_range(page: Page, label: str) -> None:
    page.get_by_role("radio", name=label, exact=True).first.click()


def select_row(page: Page, text: str, nth_frame: int = 0) -> None:
    """Tick the row's checkbox on the grid's canvas (its accessible table gives the row index)."""
    frame = page.locator('[data-testid="stDataFrame"]').nth(nth_frame)
    texts = frame.locator("table tr").all_inner_texts()
    index = next(i for i, t in enumerate(texts) if text in t)  # row 0 is the header
    box = frame.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + index * ROW_PX + ROW_PX / 2)


def select_alert(page: Page, rule: str, alert_id: str | None = None) -> None:
    """Select the alert's row; with its id, check that the selection is that alert (rows move when alerts arrive
    between reading the table and clicking it)."""
    wait_for_cell(page, rule, timeout=30)
    select_row(page, rule)
    expect(page.get_by_text("Act on 1 selected alert")).to_be_visible(timeout=10_000)
    if alert_id is not None:
        link = page.get_by_test_id("stText").filter(has_text="Link to this alert")
        expect(link).to_have_text(re.compile(rf"\?alert={re.escape(alert_id)}$"), timeout=10_000)


def enter_name(page: Page, name: str) -> None:
    """Type the analyst's name once the page's run has drawn past the box (its live table is there: a box typed
    into while the page is still being drawn can lose the text), then wait for the run that knows the name (its
    last-look badge), not an older run's table."""
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=30_000)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your name").press("Enter")
    badge = page.get_by_text(re.compile(r"your first look|new since your last look"))
    try:
        expect(badge).to_be_visible(timeout=30_000)
    except AssertionError:
        page.screenshot(path=str(SCREENSHOTS / "e2e-name-failure.png"))  # for diagnosis
        raise


def open_alerts_as(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/alerts")
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible(timeout=30_000)
    enter_name(page, name)


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_seed_page_to_acknowledged_alert_on_two_screens(stack: Stack, new_page: Callable[..., Page], shared: Path):
    settings, url = stack.settings, stack.open.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    analyst_a = new_page(1600, 1500)
    analyst_b = new_page()

    # The first visit to a fresh server is a deep link: it must still go through app.py (navigation, auth gate).
    analyst_b.goto(f"{url}/alerts")
    expect(analyst_b.get_by_role("heading", name="Alerts")).to_be_visible(timeout=30_000)
    expect(analyst_b.get_by_role("link", name="Overview")).to_be_visible()
    analyst_a.goto(f"{url}/?range=all")  # the seed page is dated: its events are not from the last 24 h
    expect(analyst_a.get_by_text("Watch floor")).to_be_visible(timeout=30_000)

    ingest_seed_page(settings, Path(shared))

    # Overview, no reload: PRK-RUS among the busiest dyads, and its watch-list alert counted as open/high.
    wait_for_cell(analyst_a, "PRK-RUS", timeout=90)  # through the real worker, on a shared 2-core machine
    high_open = analyst_a.locator('[data-testid="stMetric"]', has_text="High · open")
    value = high_open.locator('[data-testid="stMetricValue"]').filter(has_text=re.compile(r"^1$"))
    expect(value.first).to_be_visible(timeout=30_000)
    top = wait_for_cell(analyst_a, "PRK-RUS")  # one draw: the cells read next are of the same run
    row = top.index("PRK-RUS")
    assert top[row + 1] == "North Korea – Russia" and int(top[row + 2]) >= 1
    legend = analyst_a.get_by_text("mean intensity of the pair")  # the map's (redrawn every 5 s)
    expect(legend).to_be_visible(timeout=30_000)

    # Second screen, no reload: the alert arrives in its feed.
    wait_for_cell(analyst_b, "watch:PRK-RUS", timeout=30)

    # First screen acknowledges it.
    analyst_a.get_by_role("link", name="Alerts").click()
    expect(analyst_a.get_by_role("heading", name="Alerts")).to_be_visible(timeout=30_000)
    enter_name(analyst_a, "E2E Analyst")
    select_alert(analyst_a, "watch:PRK-RUS")
    analyst_a.get_by_label("Note").fill("checked against KCNA")
    analyst_a.get_by_role("button", name="Acknowledge", exact=True).click()
    wait_for_cell(analyst_a, "E2E Analyst", timeout=30)

    # ...and the second screen shows who acknowledged it, without a reload; no cell says "None".
    cells = wait_for_cell(analyst_b, "E2E Analyst", timeout=30)
    assert "acknowledged" in cells and "None" not in cells, cells
    analyst_b.screenshot(path=str(SCREENSHOTS / "e2e-alerts-second-screen.png"))
    analyst_b.get_by_role("link", name="Audit").click()  # the note, with who and when
    assert "E2E Analyst" in wait_for_cell(analyst_b, "checked against KCNA", timeout=30)

    # Hostile titles are shown as text; nothing runs, nothing becomes a javascript: link.
    run_off_loop(produce(settings, "events", hostile_events(utc_now())))
    analyst_a.get_by_role("link", name="Articles").click()
    expect(analyst_a.get_by_role("heading", name="Articles")).to_be_visible(timeout=30_000)
    pick_range(analyst_a, "all")
    deadline = utc_now().timestamp() + 60
    while HOSTILE_TITLE not in grid_cells(analyst_a) and utc_now().timestamp() < deadline:
        analyst_a.get_by_role("button", name="Refresh").click()  # Articles is not a live page: no redraw between reads
        analyst_a.wait_for_timeout(1000)
    cells = grid_cells(analyst_a)
    assert HOSTILE_TITLE in cells and HOSTILE_LINK_TITLE in cells
    assert "javascript:window.__pwned=1" in cells  # in the plain-text URL column, not the link column
    assert analyst_a.evaluate("window.__pwned === undefined")
    assert analyst_a.locator('a[href^="javascript:"]').count() == 0
    assert analyst_a.locator("img[src=x]").count() == 0
    analyst_a.screenshot(path=str(SCREENSHOTS / "e2e-articles-hostile.png"))


def expect_overview(page: Page, url: str, dyad: str) -> None:
    """The Watch floor drawn by a whole run (its title is outside the live fragments) with the pair's row and link."""
    expect(page).to_have_url(url, timeout=30_000)
    expect(page.get_by_role("heading", name="Watch floor")).to_be_visible(timeout=30_000)
    expect_range(page, "all")
    wait_for_cell(page, dyad, timeout=30)
    expect(page.get_by_role("link", name=dyad)).to_be_visible()


def expect_range(page: Page, label: str) -> None:
    """Exactly one range selector, with ``label`` checked (while a page replaces another both can be on screen)."""
    checked = page.get_by_role("radio", name=label, exact=True, checked=True)
    expect(checked).to_have_count(1, timeout=30_000)


def expect_dyad_page(page: Page, url: str, heading: str, events: str) -> None:
    expect(page).to_have_url(url, timeout=30_000)
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
    expect_range(page, "all")
    metric = page.locator('[data-testid="stMetric"]', has_text="Events in range")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(events, timeout=30_000)


def test_drill_down_back_forward_reload_and_links_for_a_colleague(stack: Stack, new_page: Callable[..., Page]):
    """Opening a dyad from the Overview is one history entry: Back returns to the populated Overview on the same
    range, Forward to the dyad, and a reload of either shows the same; the dyad's and an alert's links open the same
    view for a colleague."""
    settings, url = stack.settings, stack.open.url
    old = datetime(2019, 10, 24, 14, 20, tzinfo=UTC)  # a history import: years old
    events = [
        make_event(f"link-{i}", "IRN-USA", old + timedelta(minutes=i), title=f"Archive story {i}") for i in range(4)
    ]
    run_off_loop(produce(settings, "dyad-counts", [(c.key, c.to_bytes()) for c in window_counts(events)]))
    overview, dyad_page = f"{url}/?range=all", f"{url}/dyad?dyad=IRN-USA&range=all"
    me = new_page()
    me.goto(overview)
    expect_overview(me, overview, "IRN-USA")
    entries = me.evaluate("history.length")
    me.get_by_role("link", name="IRN-USA").click()  # drill down from the busiest dyads
    expect_dyad_page(me, dyad_page, "Iran – United States", "4")
    assert me.evaluate("history.length") == entries + 1, "the drill-down must be one history entry"

    me.go_back()  # the browser's Back: the Overview, populated, still on the 'all' range
    try:
        expect_overview(me, overview, "IRN-USA")
    except AssertionError as failure:
        me.screenshot(path=str(SCREENSHOTS / "e2e-after-back-failure.png"))  # for diagnosis
        raise AssertionError(f"after Back from {dyad_page}: at {me.url}") from failure
    me.go_forward()
    expect_dyad_page(me, dyad_page, "Iran – United States", "4")
    me.reload()
    expect_dyad_page(me, dyad_page, "Iran – United States", "4")
    me.go_back()
    expect_overview(me, overview, "IRN-USA")
    me.reload()
    expect_overview(me, overview, "IRN-USA")

    colleague = new_page()
    colleague.goto(dyad_page)
    expect_dyad_page(colleague, dyad_page, "Iran – United States", "4")

    alert = make_alert("e2e-linked", "IRN-USA", utc_now(), Severity.MEDIUM, rule="e2e:linked")
    put_alert(settings, alert)
    colleague.goto(f"{url}/alerts?alert={alert.id}")
    expect(colleague.get_by_text("Showing the linked alert on IRN-USA only")).to_be_visible(timeout=30_000)
    cells = wait_for_cell(colleague, "e2e:linked", timeout=30)
    assert cells.count("IRN-USA") == 1, cells  # that alert alone


def test_refusals_are_shown_not_silent(stack: Stack, new_page: Callable[..., Page]):
    settings, url = stack.settings, stack.open.url
    put_alert(settings, make_alert("e2e-refusals", "CHN-TWN", utc_now(), Severity.LOW, rule="e2e:refusals"))
    page = new_page()
    runs = ScriptRuns(page)
    page.goto(f"{url}/alerts")
    select_alert(page, "e2e:refusals", "e2e-refusals")
    acknowledge = page.get_by_role("button", name="Acknowledge", exact=True)

    acknowledge.click()  # no name
    expect(page.get_by_text("Enter your name first")).to_be_visible(timeout=10_000)
    enter_name(page, "Bo")
    if not page.get_by_text("Act on 1 selected alert").is_visible():  # the page's rerun may have reset the table
        select_alert(page, "e2e:refusals", "e2e-refusals")
    acknowledge.click()  # no note
    expect(page.get_by_text("Write a note")).to_be_visible(timeout=10_000)
    page.get_by_label("Note").fill("x" * (MAX_NOTE_CHARS + 1))
    acknowledge.click()
    expect(page.get_by_text(f"The note is {MAX_NOTE_CHARS + 1:,} characters long")).to_be_visible(timeout=10_000)
    page.get_by_label("Note").fill("looked again")
    page.get_by_role("button", name="Reopen").click()  # it is open
    refused = page.get_by_text("Not reopened: 1 of the selected alerts (CHN-TWN) are already open")
    expect(refused).to_be_visible(timeout=10_000)
    runs.wait_for(3)  # three runs of the live table later, the reason is still there to read
    assert refused.is_visible()
    assert "Bo" not in wait_for_cell(page, "e2e:refusals")  # nothing was written
    page.screenshot(path=str(SCREENSHOTS / "e2e-refusal.png"))


def test_signed_in_analyst_acknowledges_under_their_identity(stack: Stack, new_page: Callable[..., Page]):
    settings, url = stack.settings, stack.signed.url
    put_alert(settings, make_alert("e2e-identity", "KOR-PRK", utc_now(), Severity.MEDIUM, rule="e2e:identity"))
    page = new_page()
    page.goto(f"{url}/alerts")  # a deep link still meets the sign-in
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    assert page.get_by_role("heading", name="Alerts").count() == 0
    page.get_by_label("Name").fill(ANALYST)
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong name or password.")).to_be_visible(timeout=10_000)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {ANALYST}")).to_be_visible(timeout=30_000)
    assert page.get_by_label("Your name").count() == 0  # no free-text name to type
    select_alert(page, "e2e:identity", "e2e-identity")
    page.get_by_label("Note").fill("confirmed with the desk")
    page.get_by_role("button", name="Acknowledge", exact=True).click()
    wait_for_cell(page, ANALYST, timeout=30)
    page.get_by_role("link", name="Audit").click()
    assert ANALYST in wait_for_cell(page, "confirmed with the desk", timeout=30)


def test_a_deleted_open_alert_stays_and_the_audit_says_so(stack: Stack, new_page: Callable[..., Page]):
    settings, url = stack.settings, stack.open.url
    alert = make_alert("e2e-forged-away", "ISR-PSE", utc_now(), Severity.CRITICAL, rule="e2e:tombstone")
    put_alert(settings, alert)
    page = new_page()
    page.goto(f"{url}/alerts")
    wait_for_cell(page, "e2e:tombstone", timeout=30)
    run_off_loop(produce(settings, "alerts", [(alert.id, None)]))  # a tombstone, as a forger could write
    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", name="Audit")).to_be_visible(timeout=30_000)
    assert "ISR-PSE" in wait_for_cell(page, alert.id, timeout=30)
    page.screenshot(path=str(SCREENSHOTS / "e2e-audit.png"))
    page.goto(f"{url}/alerts")
    wait_for_cell(page, "e2e:tombstone", timeout=30)  # still on the feed


def test_dyad_page_explains_any_article_by_title_and_source(stack: Stack, new_page: Callable[..., Page]):
    settings, url = stack.settings, stack.open.url
    now = utc_now()
    events = [
        make_event(f"why-{i}", "JPN-KOR", now - timedelta(hours=i), title=f"Story number {i}", source=f"rss:desk{i}")
        for i in range(8)
    ]
    run_off_loop(produce(settings, "events", [(e.article_id, e.to_bytes()) for e in events]))
    run_off_loop(produce(settings, "dyad-counts", [(c.key, c.to_bytes()) for c in window_counts(events)]))
    page = new_page()
    page.goto(f"{url}/dyad?dyad=JPN-KOR&range=24h")
    expect(page.get_by_role("heading", name="Japan – South Korea")).to_be_visible(timeout=30_000)
    articles = page.locator('[data-testid="stMetric"]', has_text="Articles in range")
    expect(articles.locator('[data-testid="stMetricValue"]')).to_have_text("8", timeout=30_000)  # all arrived
    # The why list is drawn by whole runs only (and its Refresh button): a reload draws it with all eight, where a
    # click on Refresh could be overtaken by the typing below.
    page.reload()
    why = page.get_by_label("Why was this article counted?")
    expect(why).to_be_visible(timeout=30_000)
    oldest = events[-1]  # the eighth newest: not among the five that used to have an explanation
    why.click()
    page.keyboard.type(oldest.title)  # the box filters its options as one types (the page redraws every 3 s)
    page.keyboard.press("Enter")
    expect(why).to_have_value(f"{oldest.title} — {oldest.source}", timeout=10_000)
    why_text = page.get_by_test_id("stText").filter(has_text=f"• {oldest.explanation[0]}")
    expect(why_text).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("stText").filter(has_text=f"{oldest.title}\n{oldest.source}")).to_be_visible()


def test_new_since_your_last_look_marker(stack: Stack, new_page: Callable[..., Page]):
    settings, url = stack.settings, stack.open.url
    page = new_page()
    open_alerts_as(page, url, "Cy")  # Cy's first look
    expect(page.get_by_text("your first look: from now on, new alerts are marked")).to_be_visible(timeout=30_000)
    put_alert(
        settings, make_alert("e2e-new", "IND-PAK", utc_now() + timedelta(seconds=1), Severity.LOW, rule="e2e:new")
    )
    wait_for_cell(page, "e2e:new", timeout=30)  # in the feed before Cy comes back
    open_alerts_as(page, url, "Cy")  # Cy comes back (a new visit, even a new browser session)
    # The table is already there before the name is taken (the alert is in the feed): wait for the run that knows
    # Cy before reading its cells, or they are the nameless run's, without the marker column.
    expect(page.get_by_text("1 new since your last look")).to_be_visible(timeout=30_000)
    cells = wait_for_cells(page, lambda c: "e2e:new" in c and "● new" in c, "'e2e:new' marked new", timeout=30)
    assert cells[cells.index("e2e:new") - 5] == "● new", cells[:40]


def test_a_toast_for_a_new_alert_covers_no_control(stack: Stack, new_page: Callable[..., Page]):
    settings, url = stack.settings, stack.open.url
    page = new_page()
    page.goto(f"{url}/?range=24h")  # the Overview: its range control sits top right, nearest to the toasts
    # The heading is drawn by the page's first run, after the status bar started its toast clock: an alert raised
    # from now on is toasted.
    expect(page.get_by_role("heading", name="Watch floor")).to_be_visible(timeout=30_000)
    reason = "CHN-TWN is on the watch list and has military ×9 in this window, the most in a year of windows."
    put_alert(settings, make_alert("e2e-toast", "CHN-TWN", utc_now(), Severity.HIGH, rule="e2e:toast", reason=reason))
    toast = page.get_by_test_id("stToast").filter(has_text="HIGH alert on CHN-TWN")
    expect(toast).to_be_visible(timeout=30_000)
    toast.hover(trial=True)  # waits until it stands still (it slides in)
    # One reading in the page, while the toast is up (it goes after 8 s; reading control by control could outlast it).
    toast_box, boxes = page.evaluate(
        """([toastText, selector]) => {
            const box = e => {
                const r = e.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height};
            };
            const toast = [...document.querySelectorAll('[data-testid=stToast]')]
                .find(t => t.innerText.includes(toastText));
            const controls = [...document.querySelectorAll(selector.replaceAll(':visible', ''))]
                .filter(e => e.checkVisibility() && !e.closest('[data-testid=stToast]'));  // not its close button
            return [
                toast ? box(toast) : null,
                controls.map(e => [e.innerText || e.getAttribute('aria-label') || e.tagName, box(e)]),
            ];
        }""",
        ["HIGH alert on CHN-TWN", CONTROLS],
    )
    assert toast_box is not None, "the toast went before it could be measured"
    for name, box in boxes:
        assert box["width"] == 0 or not overlaps(toast_box, box), (name, box, toast_box)
    assert len(boxes) >= 5  # the range radios at least
    page.screenshot(path=str(SCREENSHOTS / "e2e-toast.png"))
