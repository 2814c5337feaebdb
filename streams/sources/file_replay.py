"""``dyadwatch ingest file PATH``: replay JSON lines or CSV records as articles, optionally paced and tailing.

Columns map to article fields by name: an explicit ``--map field=column`` wins, else the first common alias present
(``headline`` → title, ``link`` → url, ``body`` → text, ``date`` → published_at …). Columns that map to no field
travel in ``metadata``. A record's own ``source`` is kept; otherwise the source is ``file:<file name>``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from schemas.article import RawArticle
from streams.runtime.settings import Settings
from streams.sources.article_fields import make_article
from streams.sources.pacing import Pacer
from streams.sources.rejections import Rejected, log_rejected
from streams.sources.replay_progress import ReplayProgress
from streams.sources.sink import SinkStats, open_sink

FileFormat = Literal["jsonl", "csv", "tsv"]
ARTICLE_FIELDS = ("source", "url", "title", "text", "language", "published_at")
DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "source": ("source", "source_name", "feed"),
    "url": ("url", "link", "href", "source_url", "sourceurl"),
    "title": ("title", "headline", "heading"),
    "text": ("text", "body", "content", "description", "summary", "article"),
    "language": ("language", "lang"),
    "published_at": ("published_at", "published", "pubdate", "date", "datetime", "timestamp", "time"),
}
_IGNORED_COLUMNS = frozenset({"id", "schema_version", "ingested_at"})  # recomputed: ids must be ours, stable
FOLLOW_POLL_S = 0.5


def detect_format(path: Path) -> FileFormat:
    suffix = path.suffix.lower()
    return "csv" if suffix == ".csv" else "tsv" if suffix in (".tsv", ".tab") else "jsonl"


def parse_mapping(items: list[str]) -> dict[str, str]:
    """``["title=headline", "text=body"]`` → field → column; ValueError naming the bad item."""
    mapping: dict[str, str] = {}
    for item in items:
        field_name, sep, column = item.partition("=")
        if not sep or field_name.strip() not in ARTICLE_FIELDS or not column.strip():
            raise ValueError(f"--map wants FIELD=COLUMN with FIELD one of {', '.join(ARTICLE_FIELDS)}; got {item!r}")
        mapping[field_name.strip()] = column.strip()
    return mapping


@dataclass(frozen=True)
class RecordMapper:
    """Turns one record (a dict of columns) into an article, by explicit mapping or aliases."""

    default_source: str
    mapping: dict[str, str]

    def column_for(self, field_name: str, record: dict[str, Any], lowered: dict[str, str]) -> str | None:
        if field_name in self.mapping:
            return self.mapping[field_name] if self.mapping[field_name] in record else None
        return next((lowered[a] for a in DEFAULT_ALIASES[field_name] if a in lowered), None)

    def article(self, record: dict[str, Any]) -> RawArticle:
        lowered = {key.lower(): key for key in record}
        used: dict[str, str] = {}
        for field_name in ARTICLE_FIELDS:
            column = self.column_for(field_name, record, lowered)
            if column is not None:
                used[field_name] = column
        values = {name: record[column] for name, column in used.items()}
        metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
        skipped = {*used.values(), *_IGNORED_COLUMNS, "metadata"}
        extras = {k: v for k, v in record.items() if k not in skipped}
        source = values.pop("source", None)
        return make_article(
            source=str(source).strip() if source not in (None, "") else self.default_source,
            metadata={**metadata, **extras},
            **values,
        )


async def _lines(path: Path, *, follow: bool, stop: asyncio.Event) -> AsyncIterator[tuple[str, int]]:
    """Complete lines with their size in bytes; with ``follow``, waits for more at the end (and survives truncation)."""
    with path.open("rb") as handle:
        pending = b""
        while not stop.is_set():
            chunk = handle.readline()
            if chunk.endswith(b"\n"):
                line, pending = pending + chunk, b""
                yield line.decode("utf-8", errors="replace"), len(line)
                continue
            pending += chunk
            if not follow:
                if pending:
                    yield pending.decode("utf-8", errors="replace"), len(pending)
                return
            if path.stat().st_size < handle.tell():  # truncated or rotated in place: start over
                handle.seek(0)
                pending = b""
            await asyncio.sleep(FOLLOW_POLL_S)


async def read_records(
    path: Path, fmt: FileFormat, *, follow: bool = False, stop: asyncio.Event | None = None
) -> AsyncIterator[tuple[int, dict[str, Any] | Rejected, int]]:
    """(record number, record or the reason it is unreadable, bytes consumed) for each record of the file."""
    stop = stop or asyncio.Event()
    number = 0
    if fmt == "jsonl":
        async for line, size in _lines(path, follow=follow, stop=stop):
            if not line.strip():
                continue
            number += 1
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, Rejected(f"not JSON: {exc.msg} at column {exc.colno}"), size
                continue
            yield number, record if isinstance(record, dict) else Rejected("JSON line is not an object"), size
        return
    header: list[str] | None = None
    buffered, buffered_size = "", 0
    async for line, size in _lines(path, follow=follow, stop=stop):
        buffered, buffered_size = buffered + line, buffered_size + size
        if buffered.count('"') % 2:  # inside a quoted field that spans lines: read on
            continue
        consumed, record_text, buffered, buffered_size = buffered_size, buffered, "", 0
        try:
            row = next(csv.reader(io.StringIO(record_text), delimiter="\t" if fmt == "tsv" else ","), [])
        except csv.Error as exc:
            number += 1
            yield number, Rejected(f"unreadable CSV{' header' if header is None else ''}: {exc}"), consumed
            continue
        if not row:
            continue
        if header is None:
            header = [name.strip().lstrip("\ufeff") for name in row]
            continue
        number += 1
        if len(row) != len(header):
            yield number, Rejected(f"row has {len(row)} columns, the header {len(header)}"), consumed
            continue
        yield number, dict(zip(header, row, strict=True)), consumed


async def replay_file(
    settings: Settings,
    path: Path,
    *,
    fmt: FileFormat | None = None,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
    rate: float | None = None,
    follow: bool = False,
    dry_run: bool = False,
    resend: bool = False,
    show_progress: bool = True,
    stop: asyncio.Event | None = None,
) -> SinkStats:
    """Send every valid record of ``path`` (then, with ``follow``, every record appended) and return the counts."""
    fmt = fmt or detect_format(path)
    mapper = RecordMapper(source or f"file:{path.name}", mapping or {})
    pacer = Pacer(rate)
    total = None if follow else path.stat().st_size
    async with open_sink(settings, dry_run=dry_run, resend=resend) as sink:
        with ReplayProgress(path.name, total, enabled=show_progress) as progress:
            async for number, record, size in read_records(path, fmt, follow=follow, stop=stop):
                progress.advance(size)
                if isinstance(record, Rejected):
                    log_rejected(mapper.default_source, record.reason, line=number)
                    continue
                try:
                    article = mapper.article(record)
                except Rejected as exc:
                    log_rejected(mapper.default_source, exc.reason, line=number)
                    continue
                await pacer.wait()
                if (await sink.emit(article)).status == "pending":
                    progress.count_article()
            await sink.flush()
        return sink.stats
