"""`dyadwatch up`: every port it uses comes from a flag or a DYADWATCH_* variable, and reaches its process."""

import socket

import pytest
from typer.testing import CliRunner

from streams.cli.main import app as cli
from streams.cli.up_cmd import UpPorts, child_commands, resolve_ports
from streams.runtime.settings import Settings


def _ports_in(children: list[tuple[str, list[str]]]) -> dict[str, int]:
    """The port each child is told to use, read off its command line."""
    flags = {"worker": "--web-port", "dashboard": "--port"}
    out = {}
    for name, argv in children:
        if name in flags:
            out[name] = int(argv[argv.index(flags[name]) + 1])
    return out


def test_two_up_configurations_from_env_and_flags_do_not_collide(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DYADWATCH_BROKER_PORT", "19092")
    monkeypatch.setenv("DYADWATCH_DASHBOARD_PORT", "18501")
    monkeypatch.setenv("DYADWATCH_WORKER_WEB_PORT", "16066")
    first = resolve_ports(Settings(), None, None, None)  # all from the environment
    second = resolve_ports(Settings(), 29092, 28501, 26066)  # flags win over the environment
    assert first == UpPorts(19092, 18501, 16066) and second == UpPorts(29092, 28501, 26066)
    used = []
    for ports in (first, second):
        children = child_commands("dyadwatch", ports, demo=True, demo_rate=None)
        told = _ports_in(children)
        assert told == {"worker": ports.worker, "dashboard": ports.dashboard}
        used += [ports.broker, *told.values()]
    assert len(used) == len(set(used)) == 6
    monkeypatch.delenv("DYADWATCH_BROKER_PORT")
    assert resolve_ports(Settings(), None, None, None).broker == 9092


def test_the_demo_feed_leaves_the_seed_page_to_up():
    children = dict(child_commands("dyadwatch", UpPorts(1, 2, 3), demo=True, demo_rate=2.0))
    assert children["demo-feed"] == ["dyadwatch", "ingest", "demo", "--no-seed-page", "--rate", "2.0"]


def test_ports_shared_or_taken_are_refused_before_anything_starts():
    assert "share a port" in UpPorts(9092, 9092, 6066).problem()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        problem = UpPorts(1, port, 2).problem()
        assert problem and f"dashboard (--dashboard-port, DYADWATCH_DASHBOARD_PORT) {port}" in problem
        result = CliRunner().invoke(cli, ["up", "--dashboard-port", str(port), "--port", "1", "--worker-port", "2"])
        assert result.exit_code == 2 and "port in use" in result.output
