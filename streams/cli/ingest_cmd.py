"""``dyadwatch ingest file|rss|gdelt|page|serve|demo``: put news onto the articles topic (or stdout with --dry-run)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from streams.cli.options import BootstrapOption, settings_for
from streams.sources.rejections import counting_rejections
from streams.sources.sink import SinkStats, SinkUnavailable

T = TypeVar("T")

app = typer.Typer(help="Ingest news from files, feeds, GDELT, pages, HTTP push or the demo feed.", no_args_is_help=True)

DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Print validated articles as JSON lines; send nothing.")]
RateOption = Annotated[str | None, typer.Option("--rate", help="Articles per second, e.g. '100/s' or '30/min'.")]
ResendOption = Annotated[
    bool,
    typer.Option("--resend", help="Send articles again even if they were delivered to this topic before."),
]


@app.callback()
def _logging(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also log routine events.")] = False,
) -> None:
    """Structured (JSON) log lines go to stderr, so stdout stays clean for --dry-run output."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


def _rate(text: str | None) -> float | None:
    from streams.sources.pacing import parse_rate

    if text is None:
        return None
    try:
        return parse_rate(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--rate") from None


def _run(make: Callable[[asyncio.Event], Awaitable[T]]) -> tuple[T, Counter[str]]:
    """Run a source until it ends or Ctrl-C/SIGTERM asks it to stop (it then flushes what it has); return its
    result and the reasons of everything it refused, counted."""

    async def main() -> T:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await make(stop)

    with counting_rejections() as refused:
        try:
            return asyncio.run(main()), refused
        except (SinkUnavailable, OSError) as exc:  # no broker, no topic, a port in use, a file gone
            typer.secho(f"error: {exc}", fg="red", err=True)
            raise typer.Exit(1) from None


def _summary(stats: SinkStats, refused: Counter[str]) -> None:
    """Counts and the commonest reasons on stderr; exit 1 when nothing was emitted because everything was refused
    or failed (nothing new because everything was delivered before is a success)."""
    clamped = f", {stats.clamped} future publication times clamped" if stats.clamped else ""
    total = sum(refused.values())
    typer.echo(f"emitted {stats.emitted}, already emitted {stats.duplicates}, refused {total}{clamped}", err=True)
    for reason, count in refused.most_common(5):
        typer.echo(f"  refused {count}×: {reason}", err=True)
    if stats.emitted == 0 and stats.duplicates == 0 and total:
        typer.secho("error: nothing was emitted: every item was refused or failed (reasons above)", fg="red", err=True)
        raise typer.Exit(1)


@app.command("file")
def file_cmd(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSON lines or CSV/TSV.")],
    fmt: Annotated[str | None, typer.Option("--format", help="jsonl, csv or tsv (default: by extension).")] = None,
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="FIELD=COLUMN, e.g. --map title=headline (repeatable).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Source name for records without one (default file:NAME).")] = None,
    rate: RateOption = None,
    follow: Annotated[bool, typer.Option("--follow", help="Keep reading records appended to the file.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show the progress bar.")] = True,
    dry_run: DryRunOption = False,
    resend: ResendOption = False,
    bootstrap: BootstrapOption = None,
) -> None:
    """Replay a file of articles (JSON lines or CSV), with a progress bar, optional pacing and tailing."""
    from streams.sources.file_replay import parse_mapping, replay_file

    if fmt not in (None, "jsonl", "csv", "tsv"):
        raise typer.BadParameter("use jsonl, csv or tsv", param_hint="--format")
    try:
        columns = parse_mapping(mapping or [])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--map") from None
    settings, pace = settings_for(bootstrap), _rate(rate)
    stats, refused = _run(
        lambda stop: replay_file(
            settings,
            path,
            fmt=fmt,
            mapping=columns,
            source=source,
            rate=pace,
            follow=follow,  # type: ignore[arg-type]
            dry_run=dry_run,
            resend=resend,
            show_progress=progress,
            stop=stop,
        )
    )
    _summary(stats, refused)


@app.command("rss")
def rss_cmd(
    urls: Annotated[list[str], typer.Argument(help="Feed URLs (http or https).")],
    interval: Annotated[float, typer.Option(help="Seconds between polls of a healthy feed.", min=1)] = 300.0,
    once: Annotated[bool, typer.Option("--once", help="Poll every feed once, then exit.")] = False,
    dry_run: DryRunOption = False,
    resend: ResendOption = False,
    bootstrap: BootstrapOption = None,
) -> None:
    """Poll RSS/Atom feeds concurrently; new entries only, each once across restarts; prints feed health."""
    from streams.sources.rss import health_table, run_rss

    console = Console(stderr=True)
    settings = settings_for(bootstrap)
    (store, stats), refused = _run(
        lambda stop: run_rss(
            settings,
            urls,
            interval=interval,
            once=once,
            dry_run=dry_run,
            resend=resend,
            stop=stop,
            report=None if once else lambda s: console.print(health_table(s)),
        )
    )
    console.print(health_table(store))
    _summary(stats, refused)


DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S"]


@app.command("gdelt")
def gdelt_cmd(
    location: Annotated[
        str,
        typer.Argument(
            help="Export file (.CSV or .zip), a folder or glob of exports (quote it), an export URL, "
            "or a lastupdate.txt URL to poll."
        ),
    ] = "http://data.gdeltproject.org/gdeltv2/lastupdate.txt",
    since: Annotated[
        datetime | None,
        typer.Option(formats=DATE_FORMATS, help="Folder/glob: only exports stamped (in their names) at or after this."),
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=DATE_FORMATS, help="Folder/glob: only exports stamped before this (UTC).")
    ] = None,
    interval: Annotated[float, typer.Option(help="Seconds between polls of lastupdate.txt.", min=1)] = 900.0,
    once: Annotated[bool, typer.Option("--once", help="Read the newest export once, then exit.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show the progress bar.")] = True,
    dry_run: DryRunOption = False,
    resend: ResendOption = False,
    bootstrap: BootstrapOption = None,
) -> None:
    """GDELT 2.0 events: one article per source URL, with GDELT's codes, Goldstein and tone in metadata."""
    from streams.sources.gdelt import ingest_gdelt

    if "://" in location and (since or until):
        raise typer.BadParameter("--since/--until select local export files by name", param_hint="--since/--until")
    settings = settings_for(bootstrap)
    run, refused = _run(
        lambda stop: ingest_gdelt(
            settings,
            location,
            interval=interval,
            once=once,
            since=since and since.replace(tzinfo=UTC),
            until=until and until.replace(tzinfo=UTC),
            dry_run=dry_run,
            resend=resend,
            show_progress=progress and "://" not in location,
            stop=stop,
        )
    )
    skipped = f", {run.exports_skipped} outside --since/--until" if run.exports_skipped else ""
    typer.echo(f"exports read {run.exports_read}, unreadable {run.exports_failed}{skipped}", err=True)
    _summary(run.stats, refused)


@app.command("page")
def page_cmd(
    location: Annotated[str, typer.Argument(help="http(s) URL or local file of an HTML or plain-text news page.")],
    dry_run: DryRunOption = False,
    resend: ResendOption = False,
    bootstrap: BootstrapOption = None,
) -> None:
    """Split a news page into its stories (boilerplate dropped) and emit one article per story."""
    from streams.sources.news_page import ingest_page

    settings = settings_for(bootstrap)
    _summary(*_run(lambda stop: ingest_page(settings, location, dry_run=dry_run, resend=resend)))


@app.command("serve")
def serve_cmd(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    host: Annotated[str, typer.Option(help="Interface to bind (loopback by default).")] = "127.0.0.1",
    token: Annotated[
        str | None, typer.Option(envvar="DYADWATCH_PUSH_TOKEN", help="Require 'Authorization: Bearer TOKEN'.")
    ] = None,
    max_body_bytes: Annotated[int, typer.Option(help="Larger request bodies get 413.")] = 5 * 1024 * 1024,
    dry_run: DryRunOption = False,
    resend: ResendOption = False,
    bootstrap: BootstrapOption = None,
) -> None:
    """Accept articles over HTTP: POST /articles (object or array) → 202 ids / 422 errors / 413; GET /health."""
    from streams.sources.http_push import serve_push

    settings = settings_for(bootstrap)
    typer.echo(f"listening on http://{host}:{port}/articles (Ctrl-C to stop)", err=True)
    _summary(
        *_run(
            lambda stop: serve_push(
                settings,
                host=host,
                port=port,
                token=token,
                max_body_bytes=max_body_bytes,
                dry_run=dry_run,
                resend=resend,
                stop=stop,
            )
        )
    )


@app.command("demo")
def demo_cmd(
    rate: RateOption = None,
    duration: Annotated[float | None, typer.Option(help="Stop after this many seconds (default: never).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same articles.")] = 7,
    seed_page: Annotated[bool, typer.Option(help="Send the seed news page's stories first (dated now).")] = True,
    dry_run: DryRunOption = False,
    resend: ResendOption = False,
    bootstrap: BootstrapOption = None,
) -> None:
    """Synthetic news (source 'demo:synthetic'): 6 h of backfilled history, a live background (default: the
    history's own 90/h; much faster and busy pairs spike too), a PRK–RUS burst at 20–40 s, a CHN–TWN one at 70–90 s."""
    from streams.sources.demo import run_demo_feed

    settings, pace = settings_for(bootstrap), _rate(rate)
    _summary(
        *_run(
            lambda stop: run_demo_feed(
                settings,
                rate=pace,
                duration=duration,
                seed=seed,
                dry_run=dry_run,
                resend=resend,
                stop=stop,
                seed_page=seed_page,
            )
        )
    )
