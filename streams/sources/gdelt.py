"""``dyadwatch ingest gdelt [FILE-or-URL]``: GDELT 2.0 event exports as articles, from a file or GDELT's feed.

- a local ``*.export.CSV`` (or its ``.zip``) is read once;
- a URL to an export ``.zip``/``.CSV`` is fetched once;
- a ``lastupdate.txt`` URL (the default, GDELT's own) is polled every ``interval`` seconds (15 minutes): it names the
  newest export zip with its size and MD5, which is fetched (safely, size-capped), checked and read. The last export
  read is kept in ``data_dir/sources/gdelt/state.json``, and delivered URLs in the sink's ``seen_ids``, so a restart
  reads nothing twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from schemas.article import RawArticle
from streams.settings import Settings
from streams.sources.gdelt_export import SOURCE, export_articles
from streams.sources.pacing import sleep_or_stop
from streams.sources.rejections import Rejected, log_event, log_rejected
from streams.sources.safe_fetch import FetchError, safe_fetch
from streams.sources.sink import SinkStats, open_sink

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


async def fetch_export(ref: ExportRef) -> bytes:
    """The export zip named by ``ref``, checked against the announced size and MD5."""
    result = await safe_fetch(ref.url, max_bytes=MAX_ZIP_BYTES, timeout=120.0)
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


async def _newest_export(lastupdate_url: str) -> ExportRef:
    listing = await safe_fetch(lastupdate_url, max_bytes=64 * 1024)
    return parse_lastupdate(listing.body.decode("utf-8", errors="replace"))


def _polls(location: str) -> bool:
    return location.lower().endswith("lastupdate.txt")


async def _export_to_read(settings: Settings, location: str) -> tuple[bytes, str] | None:
    """The export's bytes and name to read now, or None when the newest export was read already."""
    if "://" not in location:
        return Path(location).read_bytes(), location
    if not _polls(location):
        return (await safe_fetch(location, max_bytes=MAX_ZIP_BYTES, timeout=120.0)).body, location
    ref = await _newest_export(location)
    if ref.url == _last_export(settings):
        log_event("gdelt_no_new_export", export=ref.url)
        return None
    return await fetch_export(ref), ref.url


async def ingest_gdelt(
    settings: Settings,
    location: str = LASTUPDATE_URL,
    *,
    interval: float = POLL_INTERVAL_S,
    once: bool = False,
    dry_run: bool = False,
    stop: asyncio.Event | None = None,
) -> SinkStats:
    """Emit the articles of a GDELT export file or URL; keep polling a lastupdate.txt URL unless ``once``."""
    stop = stop or asyncio.Event()
    async with open_sink(settings, dry_run=dry_run) as sink:
        while not stop.is_set():
            try:
                export = await _export_to_read(settings, location)
                if export is not None:
                    data, name = export
                    for article in articles_from_export(data, name):
                        await sink.emit(article)
                    failed = await sink.flush()
                    if not failed and not dry_run and _polls(location):
                        _remember_export(settings, name)
                    log_event("gdelt_export_read", export=name, emitted_so_far=sink.stats.emitted)
            except (FetchError, Rejected, OSError) as exc:
                log_rejected(SOURCE, f"export could not be read: {exc}", location=location)
            if once or not _polls(location):
                break
            await sleep_or_stop(stop, interval)
        return sink.stats
