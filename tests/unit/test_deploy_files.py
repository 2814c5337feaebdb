"""docker-compose.yml and the Makefile call commands that exist; .ci/run runs the README's test command."""

from __future__ import annotations

import yaml
from typer.main import get_command

from streams.cli.main import app
from streams.settings import PROJECT_ROOT


def test_compose_services_use_real_cli_commands() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["kafka"]["environment"]["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == 1
    assert {"worker-1", "worker-2", "dashboard", "topics"} <= set(services)
    commands = get_command(app).commands  # type: ignore[attr-defined]
    for name, service in services.items():
        if "command" not in service:
            continue
        argv = service["command"]
        command = commands.get(argv[0])
        assert command is not None, f"{name} runs unknown command {argv[0]}"
        while hasattr(command, "commands") and len(argv) > 1 and argv[1] in command.commands:
            argv = argv[1:]
            command = command.commands[argv[0]]
        known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for token in argv[1:]:
            if token.startswith("--"):
                assert token in known, f"{name}: `{' '.join(service['command'])}` has no option {token}"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = [
        line
        for line in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci == ["make test"]
    readme = (PROJECT_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick_start.strip().splitlines()] == ["make run", "make test"]
