"""GDELT 2.0 exports: one article per source URL, GDELT's coding in metadata, bad rows skipped."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.sources.gdelt import export_text, parse_lastupdate
from streams.sources.gdelt_export import MAX_EVENTS_PER_ARTICLE, TEXT_ORIGIN, export_articles, title_from_url
from streams.sources.rejections import Rejected


@pytest.fixture(scope="module")
def reference_rows(shared: Path) -> list[list[str]]:
    text = (shared / "reference" / "gdelt" / "20191024143000.export.CSV").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line]


def test_reference_export_gives_one_article_per_distinct_url(shared: Path, reference_rows) -> None:
    path = shared / "reference" / "gdelt" / "20191024143000.export.CSV"
    with path.open(encoding="utf-8") as handle:
        articles = export_articles(handle, export_name=path.name)
    urls_in_order = list(dict.fromkeys(row[60] for row in reference_rows))
    assert [a.url for a in articles] == urls_in_order
    assert len({a.id for a in articles}) == len(articles)
    assert all(a.text.strip() and a.metadata["text_origin"] == TEXT_ORIGIN for a in articles)
    assert all(a.published_at == datetime(2019, 10, 24, 14, 30, tzinfo=UTC) for a in articles)
    rows_per_url = Counter(row[60] for row in reference_rows)
    assert [len(a.metadata["gdelt"]["events"]) for a in articles] == [
        min(rows_per_url[url], MAX_EVENTS_PER_ARTICLE) for url in urls_in_order
    ]


def test_gdelt_coding_travels_in_metadata(shared: Path, reference_rows) -> None:
    path = shared / "reference" / "gdelt" / "20191024143000.export.CSV"
    with path.open(encoding="utf-8") as handle:
        articles = {a.url: a for a in export_articles(handle, export_name=path.name)}
    row = next(r for r in reference_rows if r[5] and r[15] and r[7] and r[17])
    event = next(e for e in articles[row[60]].metadata["gdelt"]["events"] if e["id"] == row[0])
    assert event["actor1"]["code"] == row[5] and event["actor2"]["code"] == row[15]
    assert event["actor1"]["country"] == row[7] and event["actor2"]["country"] == row[17]
    assert event["event_code"] == row[26] and event["event_root_code"] == row[28]
    assert event["goldstein"] == float(row[30]) and event["avg_tone"] == float(row[34])


def test_state_actors_read_as_country_names_in_the_described_text() -> None:
    row = [
        "1",
        "20250603",
        "202506",
        "2025",
        "2025.4",
        "RUS",
        "RUSSIA",
        "RUS",
        *[""] * 7,
        "PRK",
        "NORTH KOREA",
        "PRK",
        *[""] * 7,
        "1",
        "061",
        "061",
        "06",
        "2",
        "6.4",
        "10",
        "2",
        "10",
        "3.5",
        *[""] * 24,
        "20250603120000",
        "https://example.com/world/russia-north-korea-sign-trade-deal-2025",
    ]
    assert len(row) == 61
    [article] = export_articles(["\t".join(row) + "\n"], export_name="x.CSV")
    assert article.title == "Russia north korea sign trade deal"
    assert "Russian Federation engaged in material cooperation with" in article.text
    assert "Korea" in article.text


def test_malformed_rows_are_skipped_and_logged(caplog) -> None:
    good = "\t".join(
        [
            "1",
            *[""] * 4,
            "USA",
            "UNITED STATES",
            "USA",
            *[""] * 51,
            "20250603120000",
            "https://example.com/a/us-statement-on-trade-policy",
        ]
    )
    rows = ["too\tfew\tcolumns\n", good.replace("https://", "ftp://") + "\n", good + "\n"]
    articles = export_articles(rows, export_name="x.CSV")
    assert len(articles) == 1
    assert sum("rejected" in r.getMessage() for r in caplog.records) == 2


def test_a_truncated_export_refuses_its_cut_row(shared: Path, caplog) -> None:
    """A file cut short inside its last row keeps 61 columns with the URL cut: that row is refused, not emitted."""
    lines = (shared / "reference" / "gdelt" / "20191024143000.export.CSV").read_text(encoding="utf-8").splitlines()
    last_url = lines[-1].split("\t")[60]
    whole = [line + "\n" for line in lines]
    cut = [*whole[:-1], lines[-1][: -len(last_url) + len("https://www.")]]  # the file ends inside the last URL
    assert cut[-1].count("\t") == 60
    articles = export_articles(cut, export_name="cut.CSV")
    assert all(a.url and a.url != cut[-1].split("\t")[60] for a in articles)
    assert {a.url for a in articles} == {a.url for a in export_articles(whole[:-1], export_name="x.CSV")}
    assert any("cut short" in r.getMessage() and '"line": ' + str(len(lines)) in r.getMessage() for r in caplog.records)
    [bad_host] = [lines[0].rsplit("\t", 1)[0] + "\thttps://www\n"]
    assert export_articles([bad_host], export_name="x.CSV") == []
    assert "no plausible host" in caplog.records[-1].getMessage()


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (
            "https://www.timescolonist.com/entertainment/jeremy-dutcher-brings-ancestors-songs-to-life-1.23985964",
            "Jeremy dutcher brings ancestors songs to life",
        ),
        (
            "https://www.bgdailynews.com/news/international/germany-arrests-people-suspected-of-trafficking-syrians/"
            "article_824a692c-a4e9-577a-bdfa-bd01d220bb84.html",
            "Germany arrests people suspected of trafficking syrians",
        ),
        ("https://example.com/", None),
        ("https://example.com/index.php?id=42", None),
    ],
)
def test_titles_from_url_slugs(url: str, title: str | None) -> None:
    assert title_from_url(url) == title


def test_lastupdate_names_the_events_export() -> None:
    text = (
        "150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20150218230000.export.CSV.zip\n"
        "318084 bb27f78ba45f69a17ea6ed7755e9f8ff http://data.gdeltproject.org/gdeltv2/20150218230000.mentions.CSV.zip\n"
    )
    ref = parse_lastupdate(text)
    assert ref.url.endswith("20150218230000.export.CSV.zip") and ref.size == 150383
    with pytest.raises(Rejected):
        parse_lastupdate("nothing here")


def test_zip_exports_are_read_and_zip_bombs_refused(monkeypatch) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("20250603120000.export.CSV", "a\tb\n" * 1000)
    assert export_text(buffer.getvalue(), "x.zip").count("\n") == 1000
    monkeypatch.setattr("streams.sources.gdelt.MAX_CSV_BYTES", 100)
    with pytest.raises(Rejected, match="cap"):
        export_text(buffer.getvalue(), "x.zip")
    with pytest.raises(Rejected, match="zip"):
        export_text(b"PK\x03\x04 not really a zip", "x.zip")
