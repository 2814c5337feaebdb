"""The committed JSON Schema files are exactly what the models generate: a model change without export fails."""

from __future__ import annotations

import json

from schemas.export import JSON_DIR, schema_documents
from schemas.topics import TOPICS


def test_committed_schema_files_match_the_models() -> None:
    documents = schema_documents()
    assert set(documents) == {f"{suffix}.schema.json" for suffix in TOPICS}
    for name, text in documents.items():
        path = JSON_DIR / name
        assert path.exists(), f"{name} missing: run `dyadwatch schemas export`"
        assert path.read_text() == text, f"{name} is stale: run `dyadwatch schemas export`"


def test_schema_files_validate_a_real_record() -> None:
    import jsonschema

    from tests.unit.schemas.test_models import sample_models

    for model in sample_models():
        spec = next(s for s in TOPICS.values() if s.model is type(model))
        schema = json.loads((JSON_DIR / f"{spec.suffix}.schema.json").read_text())
        jsonschema.validate(json.loads(model.to_bytes()), schema)
        assert schema["x-topic"] == f"dyadwatch.{spec.suffix}"


def test_schema_version_is_a_required_const_of_each_model() -> None:
    for spec in TOPICS.values():
        schema = json.loads((JSON_DIR / f"{spec.suffix}.schema.json").read_text())
        assert schema["properties"]["schema_version"]["const"] == spec.model.SCHEMA_VERSION
        assert "schema_version" in schema["required"]
