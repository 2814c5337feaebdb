"""``dyadwatch classify`` (one text, or JSON lines on stdin) and ``dyadwatch eval`` (score labelled JSON lines)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

JSONL_FIELDS = ("id", "actors", "dyads", "event_type", "quad_class", "intensity", "topics")


def _record(row_id: Any, analysis: Any, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row_id,
        "actors": analysis.actor_codes,
        "dyads": analysis.dyad_keys,
        "event_type": analysis.event_type,
        "quad_class": analysis.quad_class,
        "intensity": analysis.intensity,
        "topics": analysis.topics,
        "confidence": analysis.confidence,
        "directions": [
            {"dyad": d.dyad, "source": d.source, "target": d.target, "weight": round(d.weight, 3)}
            for d in analysis.dyads
        ],
        "truncated": analysis.truncated,
    }
    if explain:
        out["explanation"] = analysis.explanation
    return out


def _classify_lines(explain: bool) -> int:
    """One output line per input line, in order; a bad line yields an error line and the stream goes on."""
    from streams.classifier import get_classifier

    classifier = get_classifier()
    errors = 0
    write = sys.stdout.write
    for n, raw in enumerate(sys.stdin.buffer, start=1):
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        row_id: Any = None
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("line is not a JSON object")
            row_id = row.get("id")
            title, text = row.get("title", ""), row.get("text", "")
            if title is None:
                title = ""
            if text is None:
                text = ""
            if not isinstance(title, str) or not isinstance(text, str):
                raise ValueError("'title' and 'text' must be strings")
            if "text" not in row and "title" not in row:
                raise ValueError("line has neither 'title' nor 'text'")
            analysis = classifier.analyse(title, text, explain=explain)
            write(json.dumps(_record(row_id, analysis, explain)) + "\n")
        except Exception as exc:  # a bad line must not stop the stream
            errors += 1
            write(json.dumps({"id": row_id, "line": n, "error": f"{type(exc).__name__}: {exc}"[:500]}) + "\n")
    sys.stdout.flush()
    return errors


def classify(
    text: Annotated[str | None, typer.Argument(help="Article text to classify (omit with --jsonl).")] = None,
    title: Annotated[str, typer.Option("--title", "-t", help="Headline of the article.")] = "",
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help='Read JSON lines {"id","title","text"} from stdin; write one JSON line each.'),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full ClassifiedEvent as JSON.")] = False,
    explain: Annotated[bool, typer.Option("--explain/--no-explain", help="Include the explanation (jsonl).")] = False,
) -> None:
    """Classify news text into state actors, dyads, a PLOVER event type and an intensity, with the reasons."""
    if jsonl:
        _classify_lines(explain)
        return
    if text is None:
        text = sys.stdin.read() if not sys.stdin.isatty() else ""
    if not text and not title:
        raise typer.BadParameter("give a text argument, --title, or --jsonl")
    from streams.classifier import get_classifier

    event = get_classifier().classify(title, text)
    if as_json:
        sys.stdout.write(event.model_dump_json(indent=2) + "\n")
        return
    console = Console()
    table = Table(title="dyadwatch classification", show_header=False, title_justify="left")
    table.add_column("field", style="bold cyan")
    table.add_column("value")
    table.add_row("actors", ", ".join(f"{a.code} ({a.role}, {', '.join(a.aliases[:3])})" for a in event.actors) or "—")
    table.add_row(
        "dyads",
        ", ".join(
            f"{d.dyad}" + (f" {d.source}→{d.target}" if d.source else "") + f" [{d.weight:.2f}]" for d in event.dyads
        )
        or "—",
    )
    table.add_row("event", f"{event.event_type.value} (quad {int(event.quad_class)})")
    table.add_row("intensity", f"{event.intensity:+.1f}")
    table.add_row("topics", ", ".join(event.topics) or "—")
    table.add_row("confidence", f"{event.confidence:.2f}")
    table.add_row("truncated", str(event.truncated))
    console.print(table)
    console.print("[bold]explanation[/bold]")
    for line in event.explanation:
        console.print(f"  • {line}", markup=False, highlight=False)


def evaluate(
    files: Annotated[
        list[Path], typer.Argument(help="Labelled JSON lines (id, title, text, actors, dyads, event, quad, direction).")
    ],
    held_back: Annotated[
        bool, typer.Option("--held-back", help="Score only the held-back 20% slice (ids hashed), kept out of tuning.")
    ] = False,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Score one half of each file, split by sha256(id) parity: tune, check, or both (one row per half).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON lines.")] = False,
) -> None:
    """Score the classifier: micro P/R/F1 for actors and dyads, accuracy for event type, quad class and direction."""
    from streams.classifier import get_classifier, scoring

    if split not in (None, "both", *scoring.SPLIT_HALVES):
        raise typer.BadParameter("--split takes tune, check or both")
    halves: list[str | None] = [None] if split is None else list(scoring.SPLIT_HALVES) if split == "both" else [split]
    predict = scoring.classifier_predictor(get_classifier())
    reports = []
    for path in files:
        if not path.exists():
            raise typer.BadParameter(f"{path} does not exist")
        all_rows = list(scoring.read_jsonl(path))
        if held_back:
            all_rows = [r for r in all_rows if scoring.held_back(str(r.get("id", "")))]
        for half in halves:
            rows = (
                all_rows if half is None else [r for r in all_rows if scoring.split_half(str(r.get("id", ""))) == half]
            )
            name = path.stem + (" (held-back)" if held_back else "") + (f" ({half})" if half else "")
            t0 = time.perf_counter()
            report = scoring.evaluate(rows, predict, name)
            elapsed = time.perf_counter() - t0
            result = report.as_dict()
            result["articles_per_s"] = round(report.rows / elapsed) if elapsed else None
            reports.append(result)
    if as_json:
        for r in reports:
            sys.stdout.write(json.dumps(r) + "\n")
        return
    table = Table(title="dyadwatch classifier evaluation")
    for col in (
        "set",
        "rows",
        "actor P",
        "actor R",
        "actor F1",
        "dyad P",
        "dyad R",
        "dyad F1",
        "event acc",
        "quad acc",
        "direction acc",
        "art/s",
    ):
        table.add_column(col, justify="left" if col == "set" else "right")

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.3f}"

    for r in reports:
        table.add_row(
            r["set"],
            str(r["rows"]),
            fmt(r["actor_p"]),
            fmt(r["actor_r"]),
            fmt(r["actor_f1"]),
            fmt(r["dyad_p"]),
            fmt(r["dyad_r"]),
            fmt(r["dyad_f1"]),
            fmt(r["event_acc"]),
            fmt(r["quad_acc"]),
            fmt(r["direction_acc"]),
            str(r["articles_per_s"]),
        )
    Console(width=max(140, Console().width)).print(table)
