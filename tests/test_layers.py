"""The library's structure: every module's imports, read with ``ast``.

Rules (README "Layout", CONTRIBUTING.md):
- ``reference`` is in layers, each importing only from layers below it (and from
  its own layer): ``arch`` < ``asm`` < ``machine`` < ``io`` < ``vm`` < ``session``
  < ``trace`` < ``cli``.  ``conformance`` stands above the whole library; nothing
  in ``reference`` imports ``conformance`` or ``tests``, and ``conformance``
  imports no test.  An import for type hints only counts like any other.
- No import cycle among the modules of ``reference`` and ``conformance``.
- No import inside a function, except one that defers an optional dependency:
  such an import says so in a comment containing "deferred" on its line or on
  the line before it.
- No test module imports another test module (shared helpers live in
  ``tests/support.py``).

Each failure prints the offending edge: ``module -> imported module``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The layers of reference/, lowest first; a module's layer is its longest prefix here.
LAYERS = ("reference.arch", "reference.asm", "reference.machine", "reference.io",
          "reference.vm", "reference.session", "reference.trace", "reference.cli",
          "conformance", "tests")


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``packages`` under ``root``."""
    out = {}
    for pkg in packages:
        for f in sorted((root / pkg).rglob("*.py")):
            parts = list(f.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = f
    return out


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import of a known
    module (the longest known prefix of the imported name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = package.split(".")
                    up = up[:len(up) - (child.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in child.names]
            resolved = []
            for t in targets:
                while t not in known and "." in t:
                    t = t.rpartition(".")[0]
                if t in known and t != name and t not in resolved:
                    resolved.append(t)
            found.extend((t, child.lineno, in_function) for t in resolved)
            visit(child, nested)

    visit(tree, False)
    return found


def layer_of(module: str) -> int | None:
    best = None
    for i, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(LAYERS[best]):
                best = i
    return best


def graph_of(root: Path, packages: tuple[str, ...]
             ) -> tuple[dict[str, Path], dict[str, list[tuple[str, int, bool]]]]:
    files = module_files(root, packages)
    known = set(files)
    return files, {m: imports_of(m, p, known) for m, p in files.items()}


def upward_imports(graph: dict[str, list[tuple[str, int, bool]]]) -> list[str]:
    out = []
    for m, edges in sorted(graph.items()):
        for d, line, _ in edges:
            lm, ld = layer_of(m), layer_of(d)
            if lm is not None and ld is not None and ld > lm:
                out.append(f"{m} -> {d} (line {line}): {LAYERS[lm]} may not import {LAYERS[ld]}")
    return out


def cycles(graph: dict[str, list[tuple[str, int, bool]]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w, _, _ in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def cycle_edges(graph: dict[str, list[tuple[str, int, bool]]], comp: list[str]) -> str:
    inside = set(comp)
    return ", ".join(f"{m} -> {d}" for m in comp for d, _, _ in graph[m] if d in inside)


def undeclared_function_imports(files: dict[str, Path],
                                graph: dict[str, list[tuple[str, int, bool]]]) -> list[str]:
    out = []
    for m, edges in sorted(graph.items()):
        lines = files[m].read_text(encoding="utf-8").splitlines()
        for d, line, in_function in edges:
            if not in_function:
                continue
            said = " ".join(lines[max(0, line - 2):line]).lower()
            if "deferred" not in said:
                out.append(f"{m} -> {d} (line {line}): import inside a function")
    return out


def test_no_module_imports_a_higher_layer():
    _, graph = graph_of(ROOT, ("reference", "conformance"))
    assert upward_imports(graph) == []


def test_no_import_cycle():
    _, graph = graph_of(ROOT, ("reference", "conformance"))
    found = cycles(graph)
    assert [cycle_edges(graph, c) for c in found] == []


def test_imports_inside_functions_only_defer_an_optional_dependency():
    files, graph = graph_of(ROOT, ("reference", "conformance"))
    assert undeclared_function_imports(files, graph) == []


def test_no_test_module_imports_another_test_module():
    files, graph = graph_of(ROOT, ("tests", "conformance"))
    bad = [f"{m} -> {d}" for m, edges in graph.items() for d, _, _ in edges
           if d.rpartition(".")[2].startswith("test_")]
    assert bad == []


# --- the checks themselves, on a planted tree ----------------------------------------

def _plant(root: Path, modules: dict[str, str]) -> None:
    for name, text in modules.items():
        path = root / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_planted_upward_import_is_reported_with_its_edge(tmp_path):
    _plant(tmp_path, {
        "reference.__init__": "",
        "reference.arch.__init__": "",
        "reference.arch.psw": "from reference.cli.main import main\n",
        "reference.cli.__init__": "",
        "reference.cli.main": "from reference.arch import psw\n",
        "conformance.__init__": "",
        "conformance.corpus": "from reference.arch.psw import PSW\n",
    })
    _, graph = graph_of(tmp_path, ("reference", "conformance"))
    assert upward_imports(graph) == [
        "reference.arch.psw -> reference.cli.main (line 1): reference.arch may not import "
        "reference.cli"]


def test_a_planted_cycle_and_type_hint_import_are_reported(tmp_path):
    _plant(tmp_path, {
        "reference.__init__": "",
        "reference.machine.__init__": "",
        "reference.machine.cpu": "from reference.machine import machine\n",
        "reference.machine.machine": ("from typing import TYPE_CHECKING\n"
                                      "if TYPE_CHECKING:\n"
                                      "    from reference.machine.cpu import CPU\n"),
    })
    _, graph = graph_of(tmp_path, ("reference",))
    found = cycles(graph)
    assert found == [["reference.machine.cpu", "reference.machine.machine"]]
    assert cycle_edges(graph, found[0]) == ("reference.machine.cpu -> reference.machine.machine,"
                                            " reference.machine.machine -> reference.machine.cpu")


def test_a_planted_function_import_needs_its_reason(tmp_path):
    _plant(tmp_path, {
        "reference.__init__": "",
        "reference.arch.__init__": "",
        "reference.arch.psw": "",
        "reference.arch.dat": ("def f():\n"
                               "    from reference.arch import psw\n"
                               "def g():\n"
                               "    # deferred: an optional dependency\n"
                               "    from reference.arch import psw\n"),
    })
    files, graph = graph_of(tmp_path, ("reference",))
    assert undeclared_function_imports(files, graph) == [
        "reference.arch.dat -> reference.arch.psw (line 2): import inside a function"]
