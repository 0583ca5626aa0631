"""The rooms of the house stay apart: nothing below the command line imports it, the terminal UI
never reads the store itself, the views (Rich renderables shared by the command line and the
terminal UI) neither, and no module of quizzer imports itself back through others.
Imports inside functions count too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "quizzer"
MAX_LINES = 700


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str) -> set[str]:
    """The quizzer modules that module `name` imports (anywhere in it)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target != "quizzer":
                found.add(target)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_nothing_below_the_command_line_imports_it() -> None:
    front = ("quizzer.cli", "quizzer.commands", "quizzer.__main__")
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if not any(_under(name, f) for f in front)
        for target in targets
        if _under(target, "quizzer.cli") or _under(target, "quizzer.commands")
    )
    assert wrong == []


def _imports_into(room: str, *forbidden: str) -> list[str]:
    """Imports from the modules of `room` into any of the `forbidden` ones."""
    return sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if _under(name, room)
        for target in targets
        if any(_under(target, f) for f in forbidden)
    )


def test_the_tui_never_imports_the_store() -> None:
    assert _imports_into("quizzer.tui", "quizzer.store") == []


def test_the_views_read_neither_the_store_nor_textual() -> None:
    """A view draws what the core returns, for the command line and the terminal UI alike."""
    wrong = _imports_into("quizzer.views", "quizzer.store", "quizzer.tui")
    for name, path in MODULES.items():
        if _under(name, "quizzer.views"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    found = [node.module or ""]
                else:
                    continue
                wrong += [f"{name} imports {m}" for m in found if _under(m, "textual")]
    assert wrong == []


def test_the_core_never_imports_the_tui() -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if not _under(name, "quizzer.tui")
        and not any(_under(name, f) for f in ("quizzer.cli", "quizzer.commands"))
        for target in targets
        if _under(target, "quizzer.tui")
    )
    assert wrong == []


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert cycles == []


def test_the_layering_checks_can_fail() -> None:
    """The graph really holds the imports (a check over an empty graph proves nothing)."""
    assert "quizzer.store.db" in GRAPH["quizzer.session"] | GRAPH["quizzer.collection"]
    assert "quizzer.commands.common" in GRAPH["quizzer.commands.due"]
    assert "quizzer.stats" in GRAPH["quizzer.views.stats"]


def test_no_module_is_too_big_to_hold_in_the_head() -> None:
    sizes = {name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in MODULES.items()}
    big = sorted(name for name, n in sizes.items() if n > MAX_LINES)
    assert big == [], "a module past ~700 lines is two ideas"
