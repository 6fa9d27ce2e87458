"""The package's imports point one way: from the front ends down to ``core``.

Read from the import statements themselves (as ``tests/core/test_terms.py`` reads the
sources), so a new upward import or a circle fails here before it confuses a reader. Imports
under ``if TYPE_CHECKING:`` are annotations only and do not count."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "samhandling_kg"

#: The capabilities from the bottom up; a module may import its own capability and those
#: listed before it, never one listed after it.
LAYERS = ("core", "io", "sparql", "kg", "load", "stores", "query", "validation",
          "recommendation", "publish", "site", "serve", "cli", "__main__", "__init__")


def _capability(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    annotations_only = {id(node) for block in ast.walk(tree)
                        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                        for node in ast.walk(block)}
    found = []
    for node in ast.walk(tree):
        if id(node) in annotations_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{path}:{node.lineno}: relative import; write it absolute")
            if node.module.startswith("samhandling_kg"):
                found.append((node.lineno, node.module))
                # `from samhandling_kg.x import y` may name a module y
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists():
                        found.append((node.lineno, candidate))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("samhandling_kg")]
    return found


def _graph() -> dict[str, list[tuple[int, str]]]:
    return {_module_name(p): _runtime_imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_capability_is_a_known_layer() -> None:
    capabilities = {_capability(m) for m in _graph()}
    assert capabilities <= set(LAYERS), capabilities - set(LAYERS)


def test_no_import_points_up() -> None:
    upward = []
    for module, imports in _graph().items():
        mine = LAYERS.index(_capability(module))
        for line, target in imports:
            if target == "samhandling_kg" and module != "samhandling_kg":
                upward.append(f"{module}:{line} imports the package's front door")
            elif LAYERS.index(_capability(target)) > mine:
                upward.append(f"{module}:{line} imports {target}")
    assert not upward, "\n".join(upward)


def test_no_import_circle() -> None:
    graph = {m: {t for _, t in imports if t != m} for m, imports in _graph().items()}
    # a package's __init__ is imported before any of its modules; count only module edges
    circles = []
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the path, 2 done

    for start in graph:
        if state[start]:
            continue
        stack = [(start, iter(sorted(graph.get(start, ()))))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state[child] == 1:
                circles.append(" -> ".join(path[path.index(child):] + [child]))
            elif state[child] == 0:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    assert not circles, "\n".join(circles)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_600_lines(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"{path.name}: {lines} lines; split it by job"
