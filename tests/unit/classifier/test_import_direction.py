"""The classifier's modules import one way: no cycle among them, typing-only imports included (issue 16)."""

from __future__ import annotations

import ast
from pathlib import Path

from streams.classifier import native

PACKAGE = "streams.classifier"
PACKAGE_DIR = Path(native.PACKAGE_DIR)


def _imports(source: str) -> set[str]:
    """The package's own modules that ``source`` imports at module level (inside ``if TYPE_CHECKING:`` too)."""
    found: set[str] = set()
    nodes = list(ast.parse(source).body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If):
            nodes.extend(node.body + node.orelse)
        elif isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE + "."):
            found.add(node.module.split(".")[2])
    return found


def _graph() -> dict[str, set[str]]:
    modules = {p.stem for p in PACKAGE_DIR.glob("*.py")} - {"__init__"}
    return {m: _imports((PACKAGE_DIR / f"{m}.py").read_text()) & modules for m in modules}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for dep in sorted(graph[module]):
            cycle = visit(dep, [*path, module])
            if cycle:
                return cycle
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module, [])
        if cycle:
            return cycle
    return None


def test_no_module_of_the_classifier_imports_back_up_the_chain() -> None:
    graph = _graph()
    assert _cycle(graph) is None
    for low in ("records", "event_payload", "rust_core", "shared_pass"):
        assert "core" not in graph[low], f"{low} imports core"


def test_the_check_sees_a_cycle() -> None:
    graph = _graph()
    graph["records"] = graph["records"] | {"core"}  # what event_payload -> core used to be
    assert _cycle(graph) is not None
    assert _imports(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from streams.classifier.core import X\n"
    ) == {"core"}
