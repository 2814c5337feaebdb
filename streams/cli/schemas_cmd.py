"""``dyadwatch schemas export|check``: JSON Schema files generated from the payload models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemas.export import JSON_DIR, export, schema_documents

OutDir = Annotated[Path, typer.Option("--out-dir", help="Folder of the *.schema.json files.")]

app = typer.Typer(help="Publish the topic payload models as JSON Schema.", no_args_is_help=True)


@app.command("export")
def export_cmd(out_dir: OutDir = JSON_DIR) -> None:
    """Write one JSON Schema file per topic payload."""
    for path in export(out_dir):
        typer.echo(str(path))


@app.command()
def check(out_dir: OutDir = JSON_DIR) -> None:
    """Exit 1 if a committed schema file differs from its model (run `export` to update)."""
    stale = [
        name
        for name, text in schema_documents().items()
        if not (out_dir / name).exists() or (out_dir / name).read_text() != text
    ]
    if stale:
        typer.secho(f"stale schema files: {', '.join(stale)} — run `dyadwatch schemas export`", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo("schema files match the models")
