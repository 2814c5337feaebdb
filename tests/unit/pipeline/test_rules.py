from pathlib import Path

import pytest
from typer.testing import CliRunner

from streams.alerting.rules import RulesError, WatchRule, load_rules, parse_rules
from streams.cli.main import app
from streams.runtime.settings import Settings


def test_default_rules_watch_north_koreas_partners():
    rules = load_rules(Settings().rules_file)
    watched = {r.dyad: set(r.topics) for r in rules.rules if isinstance(r, WatchRule)}
    for dyad in ("PRK-RUS", "CHN-PRK", "KOR-PRK"):
        assert {"trade", "sanctions", "military", "nuclear", "missile"} <= watched[dyad]
    assert {r.kind for r in rules.rules} == {"watchlist", "spike", "first_seen", "escalation"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("rules:\n  - name: w\n    kind: watchlist\n    dyad: PRK-RUX\n    topics: [trade]\n", 4, "RUX"),
        ("rules:\n  - name: w\n    kind: watchlist\n    dyad: RUS-PRK\n    topics: [trade]\n", 4, "sorted"),
        ("rules:\n  - name: s\n    kind: spike\n    max_p_value: 3\n", 4, "less than 1"),
        ("rules:\n  - name: a\n    kind: nope\n", 2, "nope"),
        ("rules:\n  - name: w\n    kind: watchlist\n    country: PRK\n", 2, "topics"),
        ("rules:\n  - name: x\n    kind: first_seen\n  - name: x\n    kind: escalation\n", 1, "used twice"),
        ("rules: [\n", 2, "not valid YAML"),
        ("- just a list\n", 1, "mapping"),
    ],
)
def test_bad_rules_name_the_line(text, line, words):
    with pytest.raises(RulesError) as info:
        parse_rules(text, source="r.yaml")
    assert f"r.yaml, line {line}:" in str(info.value)
    assert words in str(info.value)


def test_worker_refuses_a_bad_rules_file_before_touching_kafka(tmp_path: Path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  - name: s\n    kind: spike\n    min_count: 0\n")
    result = CliRunner().invoke(app, ["worker", "--rules", str(bad), "--bootstrap", "127.0.0.1:1"])
    assert result.exit_code == 2
    assert f"{bad}, line 4: rules.0.min_count" in result.output
