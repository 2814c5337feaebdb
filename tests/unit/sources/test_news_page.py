"""The news page source: the seed page gives exactly its four stories; HTML pages split by headings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schemas.article import article_id
from streams.sources.news_page import page_articles, page_source
from streams.sources.story_split import Block, split_stories, text_blocks

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"

SEED_TITLES = [
    "Disney & Universal Just Sued This AI Company — And It’s a Big Deal",
    "Blasting North Korea: U.S., South JKorea and Japan Take a Stand at ASEAN Summit",
    "Eco-Aggression? North Korea’s Latest Tactic Includes Hundreds of Garbage Balloons",
    "North Korean Apples Hit Russian Shelves as Sanctions Defiance Grows",
]
SEED_TEXTS_1_TO_3 = [
    "Disney and Universal sue Midjourney for copyright infringement over unauthorized use of their iconic characters,"
    " signaling a legal precedent.",
    "Cho Tae Yul, South Korea's Minister of Foreign Affairs, will attend the ASEAN-related meetings on the 26th and"
    " 27th along with ...",
    "It has been confirmed that North Korea launched over 300 trash balloons toward South Korea on the night of"
    " June 9.",
]
BOILERPLATE = [
    "Saturday, December 6, 2025",
    "NorthKoreaNorth Korean Apples",
    "official newspaper, Rodong Sinmun",
    "Check Out Our Content",
    "Check Out Other Tags",
    "Most Popular Articles",
]


def _seed_articles(shared: Path):
    path = shared / "seed" / "news_page.txt"
    return page_articles(path.read_bytes(), source=page_source(str(path)))


def test_seed_page_gives_exactly_its_four_stories(shared: Path) -> None:
    articles = _seed_articles(shared)
    assert [a.title for a in articles] == SEED_TITLES
    assert [a.text for a in articles[:3]] == SEED_TEXTS_1_TO_3


def test_seed_story_four_keeps_its_whole_body_and_nothing_else(shared: Path) -> None:
    raw = (shared / "seed" / "news_page.txt").read_text(encoding="utf-8")
    start = raw.index("North Korean apples have reportedly")
    end = raw.index("Check Out Our Content")
    expected = "\n\n".join(p.strip() for p in raw[start:end].split("\n\n") if p.strip())
    body = _seed_articles(shared)[3].text
    assert body == expected
    assert body.count("\n\n") == 9  # ten paragraphs
    assert body.endswith("the impact on North Korea’s economy will be limited.")


def test_seed_page_boilerplate_is_dropped_everywhere(shared: Path) -> None:
    for article in _seed_articles(shared):
        for phrase in BOILERPLATE:
            assert phrase not in article.text and phrase not in article.title, (phrase, article.title)


def test_seed_stories_have_the_pages_date_and_stable_ids(shared: Path) -> None:
    first, second = _seed_articles(shared), _seed_articles(shared)
    assert {a.published_at for a in first} == {datetime(2025, 12, 6, tzinfo=UTC)}
    assert [a.id for a in first] == [a.id for a in second]
    assert all(a.id == article_id(None, "page:news_page.txt", a.title) for a in first)
    assert len({a.id for a in first}) == 4


def test_shipped_seed_copy_matches_the_shared_page(shared: Path) -> None:
    shipped = Path(__file__).resolve().parents[3] / "streams" / "sources" / "data" / "news_page.txt"
    assert shipped.read_bytes() == (shared / "seed" / "news_page.txt").read_bytes()


def test_html_page_splits_by_headings_and_drops_furniture() -> None:
    articles = page_articles((FIXTURES / "multi_story.html").read_bytes(), source="page:multi_story.html")
    assert [a.title for a in articles] == [
        "Russia and China Sign Energy Pact in Beijing",
        "Japan Protests North Korean Missile Launch",
    ]
    assert articles[0].text == (
        "Russia and China signed a long-term gas supply agreement on Friday, officials in Beijing said.\n\n"
        "The deal covers deliveries through the Power of Siberia pipeline for thirty years."
    )
    assert "missile launch shown" not in articles[1].text  # figure caption
    assert all(a.published_at == datetime(2025, 6, 3, tzinfo=UTC) for a in articles)
    assert all(a.language == "en" for a in articles)


def test_single_article_html_uses_the_page_title() -> None:
    html = (
        b"<html><head><title>India and Pakistan Agree to Ceasefire</title></head><body><nav>Home World</nav>"
        b"<article><p>India and Pakistan agreed to a ceasefire along the Line of Control on Monday, the two armies"
        b" said in a joint statement after talks between their military commanders.</p>"
        b"<p>The agreement follows weeks of shelling that displaced thousands of villagers on both sides.</p>"
        b"</article><footer>All rights reserved.</footer></body></html>"
    )
    [article] = page_articles(html, source="page:https://example.com/x")
    assert article.title == "India and Pakistan Agree to Ceasefire"
    assert "ceasefire along the Line of Control" in article.text
    assert "rights reserved" not in article.text


def test_link_list_after_a_section_heading_is_not_a_story() -> None:
    text = (
        "Iran and Iraq Reopen Border Crossing\n\nTehran and Baghdad reopened the Mehran crossing on Sunday.\n\n"
        "Related Articles\n\nSaudi Arabia Hosts Yemen Peace Talks\n\nEgypt Protests Ethiopian Dam Filling\n"
    )
    split = split_stories(text_blocks(text))
    assert [s.title for s in split.stories] == ["Iran and Iraq Reopen Border Crossing"]


def test_sentence_case_headline_is_recognised_by_the_prose_after_it() -> None:
    text = "North Korea sends troops to Russia\n\nPyongyang has sent troops to Russia, officials in Seoul said today.\n"
    [story] = split_stories(text_blocks(text)).stories
    assert story.title == "North Korea sends troops to Russia"


def test_photo_credit_and_repeated_lines_are_dropped_from_a_body() -> None:
    blocks = [
        Block(("Turkey Strikes Targets in Northern Syria",), "heading"),
        Block(("Photo: Reuters/Umit Bektas, a long credit line with many words in it for the agency",)),
        Block(("Turkish jets struck targets in northern Syria on Sunday, the defence ministry said.",)),
        Block(("Turkish jets struck targets in northern Syria on Sunday, the defence ministry said.",)),
    ]
    [story] = split_stories(blocks).stories
    assert story.text == "Turkish jets struck targets in northern Syria on Sunday, the defence ministry said."


def test_empty_and_garbage_pages_give_no_stories_and_do_not_raise() -> None:
    assert page_articles(b"", source="page:x") == []
    assert page_articles(b"\xff\xfe\x00garbage\x00", source="page:x") == []
    assert page_articles(b"<html><body><div><p>unclosed", source="page:x") == []


def test_non_utf8_page_is_decoded_by_its_declared_charset() -> None:
    html = (
        '<html><head><meta charset="windows-1252"><title>x</title></head><body>'
        "<h2>France and Germany Sign Accord</h2>"
        "<p>Paris et Berlin ont sign\xe9 un accord \xe9nerg\xe9tique hier soir.</p>"
        "<h2>Spain Protests Moroccan Move</h2><p>Madrid protested on Monday after Rabat closed the border.</p>"
        "</body></html>"
    ).encode("cp1252")
    articles = page_articles(html, source="page:x")
    assert [a.title for a in articles] == ["France and Germany Sign Accord", "Spain Protests Moroccan Move"]
    assert "signé un accord énergétique" in articles[0].text
