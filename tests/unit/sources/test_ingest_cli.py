"""``dyadwatch ingest …`` from the command line in --dry-run mode: JSON lines on stdout, nothing sent."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemas.article import RawArticle
from streams.cli.main import app
from tests.fixtures.gdelt_copies import export_copy


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DYADWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DYADWATCH_BOOTSTRAP_SERVERS", "127.0.0.1:9")  # nothing listens: dry runs must not connect
    return CliRunner()


def _articles(output: str) -> list[RawArticle]:
    return [RawArticle.model_validate_json(line) for line in output.splitlines() if line.startswith("{")]


def test_page_dry_run(cli: CliRunner, shared: Path) -> None:
    result = cli.invoke(app, ["ingest", "page", str(shared / "seed" / "news_page.txt"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert len(_articles(result.stdout)) == 4


def test_gdelt_file_dry_run(cli: CliRunner, shared: Path) -> None:
    export = shared / "reference" / "gdelt" / "20191024143000.export.CSV"
    result = cli.invoke(app, ["ingest", "gdelt", str(export), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert len(_articles(result.stdout)) == 425


def test_file_dry_run_with_mapping_and_bad_options(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("headline,body\nJapan protests launch,Tokyo protested.\n", encoding="utf-8")
    ok = cli.invoke(app, ["ingest", "file", str(path), "--map", "title=headline", "--no-progress", "--dry-run"])
    assert ok.exit_code == 0, ok.output
    [article] = _articles(ok.stdout)
    assert article.title == "Japan protests launch" and article.text == "Tokyo protested."
    assert cli.invoke(app, ["ingest", "file", str(path), "--map", "colour=x", "--dry-run"]).exit_code == 2
    assert cli.invoke(app, ["ingest", "file", str(path), "--rate", "fast", "--dry-run"]).exit_code == 2


def test_unreachable_broker_is_a_clear_error_not_a_traceback(cli: CliRunner, shared: Path) -> None:
    result = cli.invoke(app, ["ingest", "page", str(shared / "seed" / "news_page.txt")])
    assert result.exit_code == 1
    assert "could not reach Kafka" in result.output


@pytest.fixture
def exports(shared: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "gdelt"
    folder.mkdir()
    export_copy(shared, folder / "20191024144500.export.CSV", 2)
    export_copy(shared, folder / "20191024143000.export.CSV", 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(export_copy(shared, tmp_path / "x.CSV", 3, rows=50), "20191101000000.export.CSV")
    (folder / "20191101000000.export.CSV.zip").write_bytes(buffer.getvalue())
    (folder / "notes.txt").write_text("not an export", encoding="utf-8")
    return folder


def test_gdelt_folder_oldest_first_with_counts(cli: CliRunner, exports: Path) -> None:
    result = cli.invoke(app, ["ingest", "gdelt", str(exports), "--no-progress", "--dry-run"])
    assert result.exit_code == 0, result.output
    articles = _articles(result.stdout)
    files = list(dict.fromkeys(a.metadata["gdelt"]["export"] for a in articles))
    assert files == ["20191024143000.export.CSV", "20191024144500.export.CSV", "20191101000000.export.CSV.zip"]
    third = sum(1 for a in articles if a.metadata["gdelt"]["export"].endswith(".zip"))
    assert len(articles) == 425 + 425 + third and 0 < third < 50
    assert "exports read 3, unreadable 0" in result.stderr
    assert f"emitted {len(articles)}, already emitted 0, refused 0" in result.stderr


def test_gdelt_date_range_and_glob_select_exports_by_their_names(cli: CliRunner, exports: Path) -> None:
    ranged = cli.invoke(
        app,
        ["ingest", "gdelt", str(exports), "--since", "2019-10-24T14:45", "--until", "2019-11-01", "--dry-run"],
    )
    assert ranged.exit_code == 0, ranged.output
    assert {a.metadata["gdelt"]["export"] for a in _articles(ranged.stdout)} == {"20191024144500.export.CSV"}
    assert "exports read 1, unreadable 0, 2 outside --since/--until" in ranged.stderr
    globbed = cli.invoke(app, ["ingest", "gdelt", str(exports / "2019102414*.export.CSV"), "--dry-run"])
    assert globbed.exit_code == 0 and len(_articles(globbed.stdout)) == 850
    nothing = cli.invoke(app, ["ingest", "gdelt", str(exports), "--since", "2030-01-01", "--dry-run"])
    assert nothing.exit_code == 1 and "no GDELT export matched" in nothing.stderr
    url_with_range = cli.invoke(app, ["ingest", "gdelt", "https://example.com/lastupdate.txt", "--since", "2019-10-24"])
    assert url_with_range.exit_code == 2


def test_gdelt_unreadable_and_truncated_exports(cli: CliRunner, exports: Path, tmp_path: Path) -> None:
    (exports / "20191024150000.export.CSV.zip").write_bytes(b"PK\x03\x04 not a zip")
    some = cli.invoke(app, ["ingest", "gdelt", str(exports), "--no-progress", "--dry-run"])
    assert some.exit_code == 0 and "exports read 3, unreadable 1" in some.stderr
    one_row = (exports / "20191024143000.export.CSV").read_text(encoding="utf-8").splitlines()[0]
    cut = tmp_path / "20191024160000.export.CSV"
    cut.write_text(one_row[: one_row.rindex("/")], encoding="utf-8")  # the file ends inside the row's URL
    result = cli.invoke(app, ["ingest", "gdelt", str(cut), "--dry-run"])
    assert result.exit_code == 1 and _articles(result.stdout) == []
    assert "refused 1×: row is cut short" in result.stderr and "nothing was emitted" in result.stderr


def test_all_refused_input_exits_non_zero_and_says_why(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "", "text": ""}\n{broken\n{"title": "", "text": " "}\n', encoding="utf-8")
    result = cli.invoke(app, ["ingest", "file", str(bad), "--no-progress", "--dry-run"])
    assert result.exit_code == 1
    assert "emitted 0, already emitted 0, refused 3" in result.stderr
    assert "refused 2×: no title and no text" in result.stderr
    empty_page = tmp_path / "empty.txt"
    empty_page.write_text("\n", encoding="utf-8")
    page = cli.invoke(app, ["ingest", "page", str(empty_page), "--dry-run"])
    assert page.exit_code == 1 and "no story found" in page.stderr
    loopback = cli.invoke(app, ["ingest", "page", "http://127.0.0.1:9/news", "--dry-run"])
    assert loopback.exit_code == 1 and "127.0.0.1 is loopback" in loopback.stderr
    feeds = cli.invoke(app, ["ingest", "rss", "http://127.0.0.1:9/feed.xml", "--once", "--dry-run"])
    assert feeds.exit_code == 1 and "127.0.0.1 is loopback" in feeds.stderr
