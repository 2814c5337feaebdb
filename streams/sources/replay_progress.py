"""The file replay's progress bar on stderr: bytes read of the total, articles sent, articles/s and ETA."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text


class ArticleRateColumn(ProgressColumn):
    """Articles sent and articles per second (the bar itself advances by bytes, so ETA needs no counting pass)."""

    def render(self, task: Task) -> Text:
        articles = task.fields.get("articles", 0)
        elapsed = task.elapsed or 0.0
        rate = articles / elapsed if elapsed > 0 else 0.0
        return Text(f"{articles:,} articles  {rate:,.0f}/s", style="progress.data.speed")


class ReplayProgress:
    """A context manager; ``advance(bytes)`` per record read, ``count_article()`` per article sent (or several)."""

    def __init__(self, name: str, total_bytes: int | None, *, enabled: bool = True) -> None:
        # Tailing a file (no total) has no percentage or ETA to show, only counts and rate.
        bounded = () if total_bytes is None else (TextColumn("{task.percentage:>3.0f}%"),)
        eta = () if total_bytes is None else (TextColumn("ETA"), TimeRemainingColumn())
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            *bounded,
            ArticleRateColumn(),
            TimeElapsedColumn(),
            *eta,
            console=Console(stderr=True),
            disable=not enabled,
            transient=False,
        )
        self._task = self._progress.add_task(name, total=total_bytes, articles=0)
        self._articles = 0

    def __enter__(self) -> ReplayProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self._progress.stop()

    def advance(self, size: int) -> None:
        self._progress.advance(self._task, size)

    def count_article(self) -> None:
        self.count_articles(1)

    def count_articles(self, count: int) -> None:
        self._articles += count
        self._progress.update(self._task, articles=self._articles)
