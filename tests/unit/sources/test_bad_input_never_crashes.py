"""Bad input never crashes a source: arbitrary bytes and field values give articles or a Rejected, nothing else."""

from __future__ import annotations

import asyncio

from hypothesis import example, given, settings
from hypothesis import strategies as st

from schemas.article import RawArticle
from streams.sources.article_fields import make_article
from streams.sources.file_replay import RecordMapper, read_records
from streams.sources.gdelt_export import export_articles
from streams.sources.news_page import page_articles
from streams.sources.rejections import Rejected, counting_rejections
from streams.sources.rss import check_feed_body

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=200),
    st.binary(max_size=50),
    st.lists(st.integers(), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(title=anything, text=anything, url=anything, published_at=anything, language=anything)
def test_make_article_accepts_or_rejects(title, text, url, published_at, language) -> None:
    try:
        article = make_article(
            source="fuzz", title=title, text=text, url=url, published_at=published_at, language=language
        )
    except Rejected as exc:
        assert exc.reason
    else:
        assert article.text.strip()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000) | st.text(max_size=3000).map(str.encode))
def test_pages_of_any_bytes(data: bytes) -> None:
    with counting_rejections() as refused:
        articles = page_articles(data, source="page:fuzz")
    assert articles or refused, "a page that gives no article must say why"
    for article in articles:
        assert article.source == "page:fuzz" and article.title.strip() and article.text.strip()
        assert_survives_the_topic(article)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=20))
@example(["\r0"])
def test_gdelt_rows_of_any_text(lines: list[str]) -> None:
    export_articles(lines, export_name="fuzz.CSV")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_feed_bodies_of_any_bytes(body: bytes) -> None:
    try:
        check_feed_body(body, "application/rss+xml")
    except Rejected as exc:
        assert exc.reason


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=1500), fmt=st.sampled_from(["jsonl", "csv", "tsv"]))
@example(data=b"a\rb,c\n", fmt="csv")  # a lone carriage return: the csv module raises on it
def test_files_of_any_bytes(tmp_path_factory, data: bytes, fmt: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"x.{fmt}"
    path.write_bytes(b"title,text\n" + data if fmt == "csv" else data)

    async def read_all() -> list:
        return [item async for item in read_records(path, fmt)]  # type: ignore[arg-type]

    items = asyncio.run(read_all())
    assert [number for number, _, _ in items] == list(range(1, len(items) + 1))  # each record once, in order
    if fmt == "jsonl":  # one record (or one reason) per non-blank line: nothing silently skipped
        assert len(items) == sum(1 for line in data.split(b"\n") if line.decode("utf-8", "replace").strip())
    mapper = RecordMapper("file:fuzz", {})
    for _, record, _ in items:
        if isinstance(record, Rejected):
            assert record.reason
            continue
        try:
            article = mapper.article(record)
        except Rejected as exc:
            assert exc.reason
        else:
            assert_survives_the_topic(article)


def assert_survives_the_topic(article: RawArticle) -> None:
    """What a consumer of the articles topic reads back is the article that was made."""
    decoded = RawArticle.from_bytes(article.to_bytes())
    assert (decoded.id, decoded.source, decoded.title, decoded.text, decoded.url, decoded.published_at) == (
        article.id,
        article.source,
        article.title,
        article.text,
        article.url,
        article.published_at,
    )
