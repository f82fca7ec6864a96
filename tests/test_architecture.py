"""The layout holds: imports point one way (core <- output <- cli), with no circle; no module
reaches into another's private names; no module grows past what a newcomer reads at once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "normandie_cli"
LONGEST_MODULE = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def tier(module: str) -> str:
    """cli, output or core: the first folder under the package (its `__init__` included),
    else the core (`python -m` runs the command line)."""
    parts = module.split(".")
    if module == "normandie_cli.__main__":
        return "cli"
    return parts[1] if len(parts) >= 2 and parts[1] in ("cli", "output") else "core"


def imports(module: str, *, top_level_only: bool) -> Iterator[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for each import of the package's own
    modules; `top_level_only` keeps those run when the module is imported."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("normandie_cli"):
                    yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package the module is in
                parent = package.split(".")
                base = ".".join([*parent[: len(parent) - node.level + 1], base]).strip(".")
            if not base.startswith("normandie_cli"):
                continue
            names = [alias.name for alias in node.names]
            submodules = [f"{base}.{name}" for name in names if f"{base}.{name}" in MODULES]
            if submodules:  # `from normandie_cli.cli import add, cache`: modules, not names
                for submodule in submodules:
                    yield submodule, [], node.lineno
                names = [name for name in names if f"{base}.{name}" not in MODULES]
                if not names:
                    continue
            yield base, names, node.lineno


def test_the_walk_sees_every_tier() -> None:
    tiers = {tier(module) for module in MODULES}
    assert tiers == {"core", "output", "cli"}
    assert len(MODULES) > 30


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_from_cli_to_output_to_core(module: str) -> None:
    allowed = {"core": {"core"}, "output": {"core", "output"}, "cli": {"core", "output", "cli"}}
    for imported, _, line in imports(module, top_level_only=False):
        assert tier(imported) in allowed[tier(module)], f"{module}:{line} imports {imported}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_is_imported_from_another_module(module: str) -> None:
    for imported, names, line in imports(module, top_level_only=False):
        # `_` is gettext's, by the convention every translated program follows.
        private = [n for n in names if n.startswith("_") and n not in ("_", "__version__")]
        assert not private, f"{module}:{line} imports {private} from {imported}"


def test_no_import_circle() -> None:
    """Module-level imports only: an import inside a function runs when it is called, after
    every module is loaded, and cannot close a circle at start-up."""
    graph = {
        module: {imported for imported, _, _ in imports(module, top_level_only=True)}
        for module in MODULES
    }
    # Importing a module imports the packages it is in first.
    for module in MODULES:
        parts = module.split(".")
        graph[module] |= {".".join(parts[:i]) for i in range(1, len(parts)) if i > 1}
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if imported not in graph or imported == module:
                continue
            if state.get(imported) == "open":
                circle = path[path.index(imported) :] + [imported]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_longer_than_a_newcomer_reads_at_once(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= LONGEST_MODULE, f"{module} has {lines} lines"
