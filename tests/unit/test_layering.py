"""Dependencies point one way, from the CLI down to the core (docs/architecture.md): read from the code's imports."""

from __future__ import annotations

import ast
from pathlib import Path

from streams.runtime.settings import PROJECT_ROOT

PACKAGES = ("schemas", "streams", "dashboard")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth, typing-only imports included (a dependency all the same)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (PROJECT_ROOT / pkg).rglob("*.py")]
    modules = {_module_name(p): p for p in files}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _packages_only(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` re-exports its modules; an import of the package is not an import cycle."""
    return {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}


def test_no_import_cycles() -> None:
    assert _cycles(_packages_only(import_graph())) == []


def test_dependencies_point_down() -> None:
    graph = import_graph()
    wrong = []
    for module, deps in graph.items():
        for dep in deps:
            if module.startswith("schemas") and not dep.startswith("schemas"):
                wrong.append((module, dep))  # the public contract stands alone
            if dep.startswith("streams.cli") and not module.startswith("streams.cli"):
                wrong.append((module, dep))  # only the CLI imports the CLI
            if module.startswith("streams.classifier") and dep.startswith(
                ("streams.pipeline", "streams.kafka", "streams.sources", "streams.notify", "dashboard")
            ):
                wrong.append((module, dep))  # the core knows nothing of Kafka, Faust or the sources
            if dep.startswith("dashboard") and not module.startswith(("dashboard", "streams.cli")):
                wrong.append((module, dep))  # the dashboard is a consumer of the topics, like any other team
    assert sorted(wrong) == []


def test_the_classifier_core_loads_no_kafka_or_faust() -> None:
    for path in (PROJECT_ROOT / "streams" / "classifier").rglob("*.py"):
        heavy = {m for m in _imports(path) if m.split(".")[0] in {"aiokafka", "faust", "kafka", "mode"}}
        assert not heavy, f"{path.name} imports {heavy}"


def test_the_graph_is_read_from_the_code() -> None:
    """The checks above see real edges (a broken reader would pass them vacuously)."""
    graph = import_graph()
    assert "streams.runtime.settings" in graph["streams.pipeline.app"]
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
