"""File replay in dry-run mode: JSON lines and CSV, column mapping, bad records, tailing a growing file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from schemas.article import RawArticle
from streams.runtime.settings import Settings
from streams.sources import file_replay
from streams.sources.file_replay import parse_mapping, replay_file
from tests.waiting import eventually


def _printed(capsys: pytest.CaptureFixture[str]) -> list[RawArticle]:
    return [RawArticle.model_validate_json(line) for line in capsys.readouterr().out.splitlines()]


async def test_jsonl_with_aliases_metadata_and_bad_lines(tmp_path: Path, capsys, caplog) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "headline": "Russia and China sign energy deal",
                        "body": "Moscow and Beijing agreed.",
                        "link": "https://example.com/a",
                        "date": "2025-01-02T03:04:05Z",
                        "desk": "world",
                    }
                ),
                "{not json",
                json.dumps(["an", "array"]),
                json.dumps({"title": "", "text": ""}),
                json.dumps({"title": "Title only", "source": "wire:reuters"}),
                json.dumps({"headline": "Russia and China sign energy deal", "link": "https://example.com/a"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    stats = await replay_file(Settings(data_dir=tmp_path), path, dry_run=True, show_progress=False)
    articles = _printed(capsys)
    assert [a.title for a in articles] == ["Russia and China sign energy deal", "Title only"]
    assert articles[0].metadata == {"desk": "world"} and articles[0].source == "file:wire.jsonl"
    assert articles[1].source == "wire:reuters" and articles[1].text == "Title only"
    assert (stats.emitted, stats.duplicates) == (2, 1)
    reasons = [json.loads(r.getMessage())["reason"] for r in caplog.records if "rejected" in r.getMessage()]
    assert len(reasons) == 3 and any("not JSON" in r for r in reasons) and "no title and no text" in reasons


async def test_csv_with_explicit_mapping_and_multiline_field(tmp_path: Path, capsys) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Heading,Story,When,Where\n"
        '"Japan protests missile launch","Tokyo protested.\nIt was the third launch.",2025-06-03,Tokyo\n'
        "short row\n"
        '"Iran, Iraq agree","Tehran and Baghdad agreed.",2025-06-04,Baghdad\n',
        encoding="utf-8",
    )
    mapping = parse_mapping(["title=Heading", "text=Story", "published_at=When"])
    await replay_file(Settings(data_dir=tmp_path), path, mapping=mapping, dry_run=True, show_progress=False)
    articles = _printed(capsys)
    assert [a.title for a in articles] == ["Japan protests missile launch", "Iran, Iraq agree"]
    assert articles[0].text == "Tokyo protested.\nIt was the third launch."
    assert articles[0].metadata == {"Where": "Tokyo"}
    assert articles[1].published_at.isoformat() == "2025-06-04T00:00:00+00:00"


def test_bad_mapping_is_refused() -> None:
    for bad in ("title", "colour=hue", "title="):
        with pytest.raises(ValueError, match="FIELD=COLUMN"):
            parse_mapping([bad])


class CountingSleeps:
    """``asyncio`` as file_replay sees it, counting the follower's polls at the end of the file."""

    def __init__(self) -> None:
        self.count = 0

    def __getattr__(self, name: str):
        return getattr(asyncio, name)

    async def sleep(self, delay: float) -> None:
        self.count += 1
        await asyncio.sleep(delay)


async def test_follow_reads_lines_appended_later(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "live.jsonl"
    path.write_text(json.dumps({"title": "First", "text": "one"}) + "\n", encoding="utf-8")
    polls = CountingSleeps()
    monkeypatch.setattr(file_replay, "asyncio", polls)
    printed: list[str] = []

    def output() -> str:
        printed.append(capsys.readouterr().out)
        return "".join(printed)

    stop = asyncio.Event()
    task = asyncio.create_task(
        replay_file(Settings(data_dir=tmp_path), path, follow=True, dry_run=True, show_progress=False, stop=stop)
    )
    assert await eventually(lambda: "First" in output() and polls.count > 0), "following the end of the file"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"title": "Second", "text": "two"}))  # no newline yet: not a complete record
        handle.flush()
        seen = polls.count
        assert await eventually(lambda: polls.count >= seen + 2), "the follower read the partial line and waited"
        assert "Second" not in output()
        handle.write("\n")
    assert await eventually(lambda: task.done() or "Second" in output()), "the completed line"
    stop.set()
    stats = await asyncio.wait_for(task, timeout=10)
    assert stats.emitted == 2
