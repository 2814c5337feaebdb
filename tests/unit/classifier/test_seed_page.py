"""The seed page's stories classify as a reader would."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.classifier import Classifier


@pytest.fixture(scope="module")
def page(shared: Path) -> str:
    return (shared / "seed" / "news_page.txt").read_text(encoding="utf-8")


def story(page: str, headline: str, end_marker: str) -> tuple[str, str]:
    start = page.index(headline)
    end = page.index(end_marker, start + len(headline))
    return headline, page[start + len(headline) : end].strip()


def test_apple_story_is_prk_rus_trade_against_sanctions(clf: Classifier, page: str) -> None:
    title, text = story(page, "North Korean Apples Hit Russian Shelves as Sanctions Defiance Grows", "Check Out")
    e = clf.classify(title, text)
    assert e.dyad_keys[0] == "PRK-RUS"
    assert e.dyads[0].source == "PRK" and e.dyads[0].target == "RUS"
    assert {"trade", "sanctions"} <= set(e.topics)
    assert e.event_type.value in {"COOPERATE", "AGREE", "SUPPORT", "REJECT"}


def test_balloon_story_is_prk_to_kor(clf: Classifier, page: str) -> None:
    title, text = story(
        page, "Eco-Aggression? North Korea’s Latest Tactic Includes Hundreds of Garbage Balloons", "North Korean Apples"
    )
    e = clf.classify(title, text)
    assert e.dyad_keys == ["KOR-PRK"]
    assert (e.dyads[0].source, e.dyads[0].target) == ("PRK", "KOR")
    assert int(e.quad_class) in (3, 4)


def test_asean_story_is_kor_usa_jpn_facing_prk(clf: Classifier, page: str) -> None:
    title, text = story(
        page, "Blasting North Korea: U.S., South JKorea and Japan Take a Stand at ASEAN Summit", "Eco-Aggression"
    )
    e = clf.classify(title, text)
    assert set(e.dyad_keys) == {"KOR-PRK", "PRK-USA", "JPN-PRK"}
    assert all(d.target == "PRK" for d in e.dyads)
    assert {"KOR", "USA", "JPN", "PRK"} == set(e.actor_codes)


def test_copyright_suit_has_no_interstate_dyad(clf: Classifier, page: str) -> None:
    title, text = story(page, "Disney & Universal Just Sued This AI Company", "Blasting North Korea")
    e = clf.classify(title, text)
    assert e.dyads == [] and set(e.actor_codes) <= {"USA"}


def test_whole_page_primary_dyad(clf: Classifier, page: str) -> None:
    e = clf.classify("", page)
    assert e.dyad_keys[0] == "PRK-RUS"
