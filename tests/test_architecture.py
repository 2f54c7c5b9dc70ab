"""The layering the README promises, checked on the source: who may import whom, and no import cycles.

* only ``bot/telegram/`` imports ``telegram`` (the core stays usable by the CLI and the tests);
* ``nlp/`` never imports ``bot/`` (the model side knows nothing of the product);
* nothing but the adapter itself and the command line (``bot.cli``, ``bot.commands``) imports ``bot.telegram``;
* no import cycle among ``bot`` and ``nlp`` modules, function-local imports included (``if TYPE_CHECKING:``
  blocks are not imports at run time and are left out).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for pkg in ("bot", "nlp") for p in (ROOT / pkg).rglob("*.py")
             if "migrations" not in p.parts}
    raw = {name: _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))) for name, path in files.items()}
    return {name: imports for name, imports in raw.items()}, set(files)


def test_only_the_adapter_imports_telegram():
    graph, _ = _graph()
    offenders = sorted(m for m, imports in graph.items()
                       if not m.startswith("bot.telegram") and any(i.split(".")[0] == "telegram" for i in imports))
    assert offenders == []


def test_nlp_never_imports_bot():
    graph, _ = _graph()
    assert sorted(m for m, imports in graph.items() if m.startswith("nlp") and any(
        i == "bot" or i.startswith("bot.") for i in imports)) == []


def test_only_the_command_line_reaches_up_into_the_adapter():
    graph, _ = _graph()
    allowed = ("bot.telegram", "bot.cli", "bot.commands")
    assert sorted(m for m, imports in graph.items() if not m.startswith(allowed) and any(
        i.startswith("bot.telegram") for i in imports)) == []


def test_no_import_cycles():
    graph, modules = _graph()
    edges = {m: {i for i in imports if i in modules and i != m} for m, imports in graph.items()}
    # A package's __init__ re-exporting its own submodules is not a cycle of code; drop those edges.
    edges = {m: {i for i in targets if not i.startswith(m + ".")} for m, targets in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    assert cycles == []
