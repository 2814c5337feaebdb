"""``dyadwatch ingest gdelt [FILE-FOLDER-GLOB-or-URL]``: GDELT 2.0 event exports as articles, from files or GDELT's
feed.

- a local ``*.export.CSV`` (or its ``.zip``) is read once;
- a folder (its ``*.export.CSV[.zip]`` files) or a glob pattern is read in the order of the exports' own timestamps
  (``YYYYMMDDHHMMSS`` in their names), optionally limited to ``since <= timestamp < until``: history in bulk;
- a URL to an export ``.zip``/``.CSV`` is fetched once;
- a ``lastupdate.txt`` URL (the default, GDELT's own) is polled every ``interval`` seconds (15 minutes): it names the
  newest export zip with its size and MD5, which is fetched (safely, size-capped), checked and read. The last export
  read is kept in ``data_dir/sources/gdelt/state.json``, and delivered URLs in the sink's ``seen_ids``, so a restart
  reads nothing twice.
"""

from __future__ import annotations

import asyncio
import glob
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from schemas.article import RawArticle
from streams.runtime.settings import Settings
from streams.sources.address_guard import FetchPolicy
from streams.sources.gdelt_export import SOURCE, export_articles
from streams.sources.pacing import sleep_or_stop
from streams.sources.rejections import Rejected, log_event, log_rejected
from streams.sources.replay_progress import ReplayProgress
from streams.sources.safe_fetch import FetchError, safe_fetch
from streams.sources.sink import ArticleSink, SinkStats, open_sink

LASTUPDATE_URL = "http://data.gdeltproject.org/gdeltv2/lastupdate.txt"
POLL_INTERVAL_S = 15 * 60
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_CSV_BYTES = 300 * 1024 * 1024  # a 15-minute export is a few MB; this bounds a zip bomb


@dataclass(frozen=True)
class ExportRef:
    """One line of lastupdate.txt: the export's URL with the size and MD5 GDELT announces for it."""

    url: str
    size: int | None
    md5: str | None


def parse_lastupdate(text: str) -> ExportRef:
    """The events export named in a lastupdate.txt ('size md5 url' lines); ``Rejected`` if none is."""
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].lower().endswith(".export.csv.zip"):
            size = int(parts[0]) if parts[0].isdigit() else None
            return ExportRef(parts[2], size, parts[1].lower())
    raise Rejected("lastupdate.txt names no .export.CSV.zip")


def export_text(data: bytes, name: str) -> str:
    """The CSV text of an export given as raw CSV bytes or as a zip holding one; ``Rejected`` if unreadable."""
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
                if not members:
                    raise Rejected("zip holds no .CSV file")
                if members[0].file_size > MAX_CSV_BYTES:
                    raise Rejected(f"export expands to {members[0].file_size} bytes, over the {MAX_CSV_BYTES} cap")
                with archive.open(members[0]) as member:
                    data = member.read(MAX_CSV_BYTES + 1)
                if len(data) > MAX_CSV_BYTES:
                    raise Rejected(f"export expands past the {MAX_CSV_BYTES}-byte cap")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise Rejected(f"not a readable zip: {exc}") from None
    return data.decode("utf-8", errors="replace")


def articles_from_export(data: bytes, name: str) -> list[RawArticle]:
    return export_articles(io.StringIO(export_text(data, name)), export_name=Path(name).name)


async def fetch_export(ref: ExportRef, policy: FetchPolicy | None = None) -> bytes:
    """The export zip named by ``ref``, checked against the announced size and MD5."""
    result = await safe_fetch(ref.url, policy=policy, max_bytes=MAX_ZIP_BYTES, timeout=120.0)
    if ref.size is not None and len(result.body) != ref.size:
        raise Rejected(f"export is {len(result.body)} bytes, lastupdate.txt announced {ref.size}")
    if ref.md5 and hashlib.md5(result.body, usedforsecurity=False).hexdigest() != ref.md5:
        raise Rejected("export MD5 differs from the one lastupdate.txt announced")
    return result.body


def _state_path(settings: Settings) -> Path:
    return settings.data_dir / "sources" / "gdelt" / "state.json"


def _last_export(settings: Settings) -> str | None:
    try:
        return json.loads(_state_path(settings).read_text(encoding="utf-8")).get("last_export")
    except (OSError, ValueError, AttributeError):
        return None


def _remember_export(settings: Settings, url: str) -> None:
    path = _state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"last_export": url}), encoding="utf-8")
    tmp.replace(path)


async def _newest_export(lastupdate_url: str, policy: FetchPolicy) -> ExportRef:
    listing = await safe_fetch(lastupdate_url, policy=policy, max_bytes=64 * 1024)
    return parse_lastupdate(listing.body.decode("utf-8", errors="replace"))


def _polls(location: str) -> bool:
    return location.lower().endswith("lastupdate.txt")


_EXPORT_NAME_RE = re.compile(r"(\d{14})\.export\.csv(?:\.zip)?$", re.IGNORECASE)


def export_time(path: Path) -> datetime | None:
    """The 15-minute slot an export covers, from its name ('20191024143000.export.CSV' → 2019-10-24 14:30 UTC)."""
    match = _EXPORT_NAME_RE.search(path.name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass
class ExportSelection:
    files: list[Path]
    outside_range: int = 0
    unnamed: int = 0  # no timestamp in the name, so outside any date range


def local_exports(location: str, since: datetime | None = None, until: datetime | None = None) -> ExportSelection:
    """The export files a local location names — one file, a folder's exports or a glob's matches — oldest first,
    keeping those with ``since <= name's timestamp < until`` when a range is given."""
    path = Path(location)
    if path.is_dir():
        candidates = [p for p in path.iterdir() if p.is_file() and _EXPORT_NAME_RE.search(p.name)]
    elif glob.has_magic(location):
        candidates = [Path(p) for p in glob.glob(location) if Path(p).is_file()]
    else:
        candidates = [path]
    selection = ExportSelection([])
    ranged = since is not None or until is not None
    for candidate in candidates:
        when = export_time(candidate)
        if ranged and when is None:
            selection.unnamed += 1
        elif ranged and ((since and when < since) or (until and when >= until)):  # type: ignore[operator]
            selection.outside_range += 1
        else:
            selection.files.append(candidate)
    selection.files.sort(key=lambda p: (export_time(p) or datetime.max.replace(tzinfo=UTC), p.name))
    return selection


@dataclass
class GdeltRun:
    """What a run did: the sink's counts and how many exports were read, failed, or left out by the date range."""

    stats: SinkStats
    exports_read: int = 0
    exports_failed: int = 0
    exports_skipped: int = 0


async def _export_to_fetch(
    settings: Settings, location: str, policy: FetchPolicy, resend: bool
) -> tuple[bytes, str] | None:
    """The remote export's bytes and name to read now, or None when the newest export was read already."""
    if not _polls(location):
        return (await safe_fetch(location, policy=policy, max_bytes=MAX_ZIP_BYTES, timeout=120.0)).body, location
    ref = await _newest_export(location, policy)
    if ref.url == _last_export(settings) and not resend:
        log_event("gdelt_no_new_export", export=ref.url)
        return None
    return await fetch_export(ref, policy), ref.url


async def _emit_export(sink: ArticleSink, data: bytes, name: str) -> None:
    for article in articles_from_export(data, name):
        await sink.emit(article)
    await sink.flush()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


async def _read_local(sink: ArticleSink, run: GdeltRun, selection: ExportSelection, show_progress: bool) -> None:
    sizes = {path: _size(path) for path in selection.files}
    label = selection.files[0].name if len(selection.files) == 1 else f"{len(selection.files)} GDELT exports"
    with ReplayProgress(label, sum(sizes.values()), enabled=show_progress) as progress:
        for path in selection.files:
            before = sink.stats.emitted
            try:
                await _emit_export(sink, path.read_bytes(), str(path))
                run.exports_read += 1
            except (Rejected, OSError) as exc:
                run.exports_failed += 1
                log_rejected(SOURCE, f"export could not be read: {exc}", location=str(path))
            progress.advance(sizes[path])
            progress.count_articles(sink.stats.emitted - before)


async def ingest_gdelt(
    settings: Settings,
    location: str = LASTUPDATE_URL,
    *,
    interval: float = POLL_INTERVAL_S,
    once: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    dry_run: bool = False,
    resend: bool = False,
    show_progress: bool = False,
    stop: asyncio.Event | None = None,
) -> GdeltRun:
    """Emit the articles of GDELT exports: local files (one, a folder or a glob, within ``since``/``until``) or a
    URL; keep polling a lastupdate.txt URL unless ``once``."""
    stop = stop or asyncio.Event()
    policy = FetchPolicy.from_settings(settings)
    async with open_sink(settings, dry_run=dry_run, resend=resend) as sink:
        run = GdeltRun(sink.stats)
        if "://" not in location:
            selection = local_exports(location, since, until)
            run.exports_skipped = selection.outside_range + selection.unnamed
            if not selection.files:
                log_rejected(SOURCE, "no GDELT export matched", location=location, outside_range=run.exports_skipped)
            await _read_local(sink, run, selection, show_progress)
            return run
        while not stop.is_set():
            try:
                export = await _export_to_fetch(settings, location, policy, resend)
                if export is not None:
                    data, name = export
                    await _emit_export(sink, data, name)
                    run.exports_read += 1
                    if not dry_run and _polls(location):
                        _remember_export(settings, name)
                    log_event("gdelt_export_read", export=name, emitted_so_far=sink.stats.emitted)
            except (FetchError, Rejected, OSError) as exc:
                run.exports_failed += 1
                log_rejected(SOURCE, f"export could not be read: {exc}", location=location)
            if once or not _polls(location):
                break
            resend = False  # a later poll reads only exports newer than this one
            await sleep_or_stop(stop, interval)
        return run
