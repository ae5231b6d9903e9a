"""The package's wings and their order: a module imports only from its own wing or those below.

    base (errors, config, lru)  <  rdf  <  model  <  store  <  publish  <  web  <  cli

No module imports one that imports it back (no cycles), type-only imports included; Flask is
imported by the web wing and the command line only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "ckpld"
ORDER = ("base", "rdf", "model", "store", "publish", "web", "cli")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _wing(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ORDER:
        return parts[1]
    if len(parts) > 1 and parts[1] in ("cli", "__main__"):
        return "cli"
    return "base"  # ckpld itself, errors, config, lru


def _imports(path: Path) -> set[str]:
    """The ckpld modules `path` imports (anywhere in it: top level, functions, TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from ckpld.web import i18n`: a module, when there is one of that name
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if _exists(candidate):
                    found.add(candidate)
    return {m for m in found if m == "ckpld" or m.startswith("ckpld.") or m == "flask"} | {
        m for m in found if m.startswith("flask.")
    }


def _exists(module: str) -> bool:
    base = ROOT.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


MODULES = {_module(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_the_wings_are_the_package_folders() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == {"rdf", "model", "store", "publish", "web"}
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == {"__init__", "__main__", "cli", "config", "errors", "lru"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_wing_and_those_below(module: str) -> None:
    rank = ORDER.index(_wing(module))
    above = sorted(
        m for m in MODULES[module] if m.startswith("ckpld") and ORDER.index(_wing(m)) > rank
    )
    assert above == [], f"{module} ({_wing(module)}) imports from a wing above it"


def test_only_the_web_wing_and_the_command_line_import_flask() -> None:
    offenders = [
        module
        for module, imported in MODULES.items()
        if _wing(module) not in ("web", "cli")
        and any(m == "flask" or m.startswith("flask.") for m in imported)
    ]
    assert offenders == []


def test_no_import_cycles() -> None:
    graph = {
        module: {m for m in imported if m in MODULES and m != module}
        for module, imported in MODULES.items()
    }
    # A package's __init__ is imported with any of its modules: not an edge back to them.
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if module.startswith(target + "."):
                continue  # a module importing its own package
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_test_sees_the_known_imports() -> None:  # the scan itself works
    assert "ckpld.store" in MODULES["ckpld.store.local"]
    assert "flask" in MODULES["ckpld.web.app"]
    assert _wing("ckpld.web.views.sparql") == "web" and _wing("ckpld.errors") == "base"
