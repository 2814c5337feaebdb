"""``dyadwatch ingest …`` from the command line in --dry-run mode: JSON lines on stdout, nothing sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemas.article import RawArticle
from streams.cli.main import app


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
