"""docker-compose.yml and the Makefile call commands that exist; .ci/run runs the README's test command."""

from __future__ import annotations

import tomllib

import yaml
from typer.main import get_command

from streams.cli.main import app
from streams.runtime.settings import PROJECT_ROOT


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


COMPOSE_TOP_LEVEL = {"name", "services", "volumes", "networks", "configs", "secrets", "include"}
DEPENDS_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def test_compose_file_is_structurally_valid_compose() -> None:
    """What `docker compose config` checks first (docker is not installed here): keys, references, value types."""
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    assert set(compose) - COMPOSE_TOP_LEVEL <= {k for k in compose if k.startswith("x-")}
    services, volumes = compose["services"], set(compose.get("volumes") or {})
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert dependency in services and dependency != name, (name, dependency)
            assert spec["condition"] in DEPENDS_CONDITIONS, (name, spec)
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source.startswith((".", "/")) or source in volumes, f"{name}: undeclared volume {source}"
        for key, value in (service.get("environment") or {}).items():
            assert isinstance(value, str | int | float) and not isinstance(value, bool), (name, key, value)
        if "command" in service:
            assert isinstance(service["command"], list) and all(isinstance(t, str) for t in service["command"])
        assert isinstance(service.get("profiles", []), list)


def test_compose_sets_the_replication_factor_and_fixes_topic_drift() -> None:
    services = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())["services"]
    assert services["topics"]["command"] == ["topics", "create", "--fix"]
    for name in ("topics", "worker-1", "worker-2", "dashboard"):
        assert services[name]["environment"]["DYADWATCH_REPLICATION_FACTOR"] == "1", name


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped), one list per stage."""
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    lines = [line for line in text.replace("\\\n", " ").splitlines() if line.strip() and not line.startswith("#")]
    stages: list[list[str]] = []
    for line in lines:
        if line.startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_docker_image_runs_the_compiled_classifier() -> None:
    build, runtime = dockerfile_stages()
    assert build[0].startswith("FROM python:3.11") and build[0].endswith(" AS build")
    assert runtime[0].startswith("FROM python:3.11")
    build_text, runtime_text = "\n".join(build), "\n".join(runtime)
    assert "pip install --no-cache-dir -e ." in build_text, "editable: the builds sit beside the sources"
    assert "scripts/build_classifier.py" in build_text and "native.is_current()" in build_text
    assert "COPY --from=build /app /app" in runtime_text and "COPY --from=build /opt/venv /opt/venv" in runtime_text
    assert "assert native.status.loaded" in runtime_text and "DYADWATCH_CLASSIFIER_NATIVE=true" in runtime_text
    assert runtime[-1] == 'ENTRYPOINT ["dyadwatch"]'
    mypy_pin = next(d for d in tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["dev"] if d.startswith("mypy=="))  # fmt: skip
    assert f'"{mypy_pin}"' in build_text, "the image compiles with the mypy the project pins"
    for line in build:
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (PROJECT_ROOT / source).exists(), f"Dockerfile copies missing {source}"
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", "build"} <= set(ignored), "local builds never leak into the image"
