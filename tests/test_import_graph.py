"""The engine's modules import each other without circles (import-time imports: module level,
not ``if TYPE_CHECKING`` blocks or on-demand imports inside functions)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "gdsim"


def _module_names() -> dict[str, Path]:
    out = {}
    for f in ROOT.rglob("*.py"):
        parts = f.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def _top_level_imports(tree: ast.Module):
    """Import nodes executed when the module is imported."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody)
            for h in node.handlers:
                stack.extend(h.body)


def import_graph() -> dict[str, set[str]]:
    """Module → the gdsim modules importing it runs (a submodule also runs its packages'
    ``__init__``, except the packages it sits in, which are already being imported)."""
    mods = _module_names()
    graph = {}
    for name, path in mods.items():
        targets = set()
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level or not node.module:
                    continue
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in mods else node.module)
            else:
                targets.update(a.name for a in node.names)
        deps = set()
        for t in targets:
            parts = t.split(".")
            for i in range(2, len(parts) + 1):
                p = ".".join(parts[:i])
                if p in mods and p != name and not name.startswith(p + "."):
                    deps.add(p)
        graph[name] = deps
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        path.append(n)
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in state and (found := visit(d)):
                return found
        path.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_finder_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_engine_imports_have_no_circles():
    graph = import_graph()
    assert "gdsim.params" in graph["gdsim.surfaces.registry"]  # the graph sees real edges
    assert "gdsim.cli_common" in graph["gdsim.nn.cli"]
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph))


def test_formula_and_surfaces_import_in_either_order():
    import subprocess
    import sys

    for first, second in (("gdsim.formula", "gdsim.surfaces"), ("gdsim.surfaces", "gdsim.formula"),
                          ("gdsim.nn.cli", "gdsim.cli")):
        code = (f"import {first}, {second}; from gdsim.surfaces import make_surface; "
                "print(make_surface('expr:x*x + y').name)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        assert out.stdout.strip()
