"""Every third-party module the code imports is declared in pyproject.toml: quizzer's own imports
among the dependencies (or the extra of the optional feature that needs them), the tests' and
benchmarks' among the dependencies and the test extra.
A package that only arrives through another one today can leave with that one's next release."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _name(requirement: str) -> str:
    bare = re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _imported(folder: Path) -> dict[str, str]:
    """Top-level modules imported anywhere under `folder` (inside functions too), with a place."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _undeclared(folder: Path, declared: set[str], own: set[str]) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module, place in sorted(_imported(folder).items()):
        if module in sys.stdlib_module_names or module in own:
            continue
        dists = {_name(d) for d in distributions.get(module, [])}
        if not dists:
            missing.append(f"{place}: {module} is not installed by any declared package")
        elif not dists & declared:
            missing.append(f"{place}: {module} comes from {sorted(dists)}, not declared")
    return missing


def test_quizzer_imports_only_declared_dependencies() -> None:
    # an optional feature (an extra other than the test tools) imports its own packages
    extras = PYPROJECT["project"]["optional-dependencies"]
    optional = [r for name, reqs in extras.items() if name != "test" for r in reqs]
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"] + optional}
    assert _undeclared(ROOT / "quizzer", declared, {"quizzer"}) == []


def test_tests_and_benchmarks_import_only_declared_packages() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]["test"]
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"] + extras}
    own = {"quizzer", "tests", "bench", "conftest"} | {
        p.stem for p in (ROOT / "tests").rglob("*_support.py")
    }
    for folder in ("tests", "bench"):
        assert _undeclared(ROOT / folder, declared, own) == []
