"""The CLI contract other tools rely on: ``dyadwatch classify --jsonl`` and ``dyadwatch eval``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from streams.cli.main import app

runner = CliRunner()


def test_jsonl_contract_order_and_error_lines() -> None:
    lines = [
        json.dumps({"id": "a", "title": "North Korea fires missile toward Japan", "text": "Tokyo protested."}),
        "not json at all",
        json.dumps({"id": "c", "title": "x", "text": 5}),
        json.dumps({"id": "d", "title": "", "text": ""}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "f", "text": "Iran accused Israel of the attack."}),
    ]
    result = runner.invoke(app, ["classify", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d", None, "f"]
    for key in ("id", "actors", "dyads", "event_type", "quad_class", "intensity", "topics"):
        assert key in out[0]
    assert out[0]["dyads"] == ["JPN-PRK"] and set(out[0]["actors"]) == {"JPN", "PRK"}
    assert out[1]["line"] == 2 and "error" in out[1]
    assert out[2]["id"] == "c" and "error" in out[2]
    assert out[3]["actors"] == [] and out[3]["event_type"] == "NONE"
    assert out[4]["line"] == 5
    assert out[5]["event_type"] == "ACCUSE" and out[5]["dyads"] == ["IRN-ISR"]


def test_classify_text_prints_explanation() -> None:
    result = runner.invoke(app, ["classify", "North Korea launched 300 trash balloons toward South Korea."])
    assert result.exit_code == 0, result.output
    assert "KOR-PRK" in result.stdout and "explanation" in result.stdout


def test_classify_json_is_a_classified_event() -> None:
    result = runner.invoke(app, ["classify", "--json", "Chad and Niger signed a pact."])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["classifier_version"]


def test_eval_prints_metrics(tmp_path: Path) -> None:
    rows = [
        {
            "id": "1",
            "title": "",
            "text": "Russia threatened Ukraine.",
            "actors": ["RUS", "UKR"],
            "dyads": ["RUS-UKR"],
            "event": "THREATEN",
            "quad": 3,
        },
        {
            "id": "2",
            "title": "",
            "text": "France praised Spain.",
            "actors": ["FRA"],
            "dyads": [],
            "event": "SUPPORT",
            "quad": 1,
        },
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = runner.invoke(app, ["eval", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout.splitlines()[0])
    assert metrics["rows"] == 2 and metrics["event_acc"] == 1.0
    assert metrics["actor_p"] == 0.75 and metrics["actor_r"] == 1.0
    assert metrics["dyad_p"] == 0.5 and metrics["dyad_r"] == 1.0
    table = runner.invoke(app, ["eval", str(path)])
    assert "actor F1" in table.stdout
    halves = runner.invoke(app, ["eval", str(path), "--split", "both", "--json"])
    assert halves.exit_code == 0, halves.output
    by_set = {m["set"]: m["rows"] for m in map(json.loads, halves.stdout.splitlines())}
    assert set(by_set) == {"tiny (tune)", "tiny (check)"} and sum(by_set.values()) == 2
    assert runner.invoke(app, ["eval", str(path), "--split", "half"]).exit_code != 0
