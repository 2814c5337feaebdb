"""Generate the JSON Schema files in ``schemas/json/`` from the models (``dyadwatch schemas export``)."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.topics import TOPICS

JSON_DIR = Path(__file__).parent / "json"


def schema_documents() -> dict[str, str]:
    """File name → JSON text, one per topic payload, deterministic so the committed files can be diffed."""
    docs = {}
    for spec in TOPICS.values():
        schema = spec.model.model_json_schema(mode="serialization")
        schema["$id"] = f"https://dyadwatch.dev/schemas/{spec.suffix}.v{spec.model.SCHEMA_VERSION}.json"  # type: ignore[attr-defined]
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["x-topic"] = spec.name()
        schema["x-key"] = spec.key
        docs[f"{spec.suffix}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return docs


def export(directory: Path = JSON_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents().items():
        path = directory / name
        path.write_text(text)
        written.append(path)
    return written
