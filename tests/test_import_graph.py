"""The modules' imports run one way: the front (cli/) imports the engine and the
language, the engine (engine/) imports the language (dsl/, grammar/), and the
language imports neither; and no two modules import each other at module top,
so the graph a reader (or the type checker) follows has no circle."""

from __future__ import annotations

import ast
import functools

from .conftest import ROOT

# the checkout's folders as the package they are installed as (pyproject's package-dir)
PACKAGES = {"cli": "barometer", "dsl": "barometer.dsl", "engine": "barometer.engine",
            "grammar": "barometer.grammar"}
LAYERS = {"barometer.dsl": 0, "barometer.grammar": 0, "barometer.engine": 1}


def _modules() -> dict[str, tuple]:
    found = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = [package, *path.relative_to(ROOT / folder).with_suffix("").parts]
            init = parts[-1] == "__init__"
            found[".".join(parts[:-1] if init else parts)] = (path, init)
    return found


@functools.cache
def _imports() -> tuple[dict, list[tuple[str, str, int, bool]]]:
    """The modules, and (importer, imported, line, at module top) for every import
    between them; an import under `if TYPE_CHECKING:` is read by the type checker only."""
    modules = _modules()
    out = []
    for name, (path, init) in modules.items():
        base = name.split(".") if init else name.split(".")[:-1]
        todo = [(statement, True) for statement in
                ast.parse(path.read_text(encoding="utf-8")).body]
        while todo:  # statements only: an import is one
            node, top = todo.pop()
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
                continue
            targets = []
            if isinstance(node, ast.ImportFrom):
                stem = base[:len(base) - node.level + 1] if node.level else []
                module = ".".join(stem + ([node.module] if node.module else []))
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module
                           for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            out += [(name, t, node.lineno, top) for t in targets if t in modules and t != name]
            inner = top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                todo += [(child, inner) for child in getattr(node, field, ())
                         if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case))]
    return modules, out


def _layer(module: str) -> int:
    return next((n for prefix, n in LAYERS.items()
                 if module == prefix or module.startswith(prefix + ".")), 2)


def test_no_module_imports_a_layer_above_its_own():
    modules, imports = _imports()
    assert len(modules) > 50  # the folders were found
    upward = [f"{a} imports {b} (line {line})" for a, b, line, _ in imports
              if _layer(b) > _layer(a)]
    assert upward == []


def test_no_circle_of_imports_at_module_top():
    graph: dict[str, set[str]] = {}
    for a, b, _, top in _imports()[1]:
        if top:
            graph.setdefault(a, set()).add(b)
    circles, state = [], {}  # state: 1 on the path being walked, 2 done

    def walk(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    assert circles == []
