"""What a command loads before it answers, seen in a fresh Python: only its own command
module, not the whole command tree; no Rich when nothing goes to a terminal; and for Tab
completion from the index, neither Typer, Rich nor the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED

from normandie_cli.cli.registry import COMMANDS

pytestmark = pytest.mark.subprocess

COMMAND_MODULES = {f"normandie_cli.cli.{entry.module}" for entry in COMMANDS.values()}
# What every command line loads of cli/: the root, what commands share, the table of names.
ROOT = {
    "normandie_cli.cli.app",
    "normandie_cli.cli.arguments",
    "normandie_cli.cli.context",
    "normandie_cli.cli.registry",
    "normandie_cli.cli.streams",
}
# What the listings share, with the module that defines them.
HELPERS = {"listings": {"normandie_cli.cli.showing"}}


def loaded(args: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> set[str]:
    """The modules loaded by the end of `normandie ARGS` (the console script's main), run in a
    fresh Python with stdout and stderr piped."""
    listing = tmp_path / "modules.txt"
    code = (
        "import sys\n"
        # Each method dataclasses writes is compiled as source named __create_fn__.
        "sys.generated = []\n"
        "def probe(event, args):\n"
        "    if event == 'compile' and '__create_fn__' in str(args[0]):\n"
        "        sys.generated.append(str(args[0])[:200])\n"
        "sys.addaudithook(probe)\n"
        "from normandie_cli.cli import main\n"
        "sys.argv = ['normandie', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"open({str(listing)!r}, 'w').write('\\n'.join(sorted(sys.modules)))\n"
        f"open({str(tmp_path / GENERATED)!r}, 'w').write('\\n'.join(sys.generated))\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NORMANDIE_", "_NORMANDIE"))}
    base = {k: v for k, v in base.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        env={**base, "NORMANDIE_DATA": str(SEED), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(listing.read_text(encoding="utf-8").splitlines())


GENERATED = "generated.txt"


def generated(tmp_path: Path) -> list[str]:
    """The methods dataclasses wrote and compiled in the last `loaded` run: each costs some
    0.3 ms of start-up, which `@frozen` (frozen.py) does not pay."""
    return (tmp_path / GENERATED).read_text(encoding="utf-8").splitlines()


def rich(modules: set[str]) -> set[str]:
    return {m for m in modules if m == "rich" or m.startswith("rich.")}


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["startups", "--city", "rouen"], "listings"),  # with a note on stderr
        (["events", "--upcoming"], "listings"),
        (["orgs", "--json"], "listings"),
        (["compare"], "compare"),
        (["show", "saagie"], "records"),
        (["search", "innopolis"], "records"),
    ],
)
def test_a_command_in_a_pipe_loads_its_own_module_and_no_rich(
    args: list[str], module: str, tmp_path: Path
) -> None:
    modules = loaded(args, tmp_path)
    assert modules & COMMAND_MODULES == {f"normandie_cli.cli.{module}"}
    assert {m for m in modules if m.startswith("normandie_cli.cli.")} <= {
        *ROOT,
        "normandie_cli.cli.options",
        f"normandie_cli.cli.{module}",
        *HELPERS.get(module, set()),
    }
    assert rich(modules) == set()
    assert generated(tmp_path) == []


def test_a_table_loads_rich(tmp_path: Path) -> None:
    """The probe sees Rich when it is there: a table is drawn with it."""
    modules = loaded(["startups", "--city", "rouen", "--format", "table"], tmp_path)
    assert {"rich.console", "rich.table"} <= modules


@pytest.mark.parametrize("args", [["--help"], ["-h"], []])
def test_the_root_help_loads_no_command_module(args: list[str], tmp_path: Path) -> None:
    modules = loaded(args, tmp_path)
    assert modules & COMMAND_MODULES == set()
    assert "normandie_cli.models" not in modules


def heavy(modules: set[str]) -> set[str]:
    """What Tab's quick path must not load: Typer (and the Click it vendors), Rich, the
    models, the whole program."""
    tops = {"typer", "click", "rich"}
    return {
        m
        for m in modules
        if m.split(".")[0] in tops or m in ("normandie_cli.models", "normandie_cli.cli.app")
    }


@pytest.mark.parametrize(
    ("shell", "line"),
    [
        ("bash", "normandie startups --city ro"),
        ("bash", "normandie show sa"),
        ("zsh", "normandie show sa"),
        ("fish", "normandie compare ca"),
    ],
)
def test_completion_from_the_index_loads_neither_typer_rich_nor_the_models(
    shell: str, line: str, tmp_path: Path
) -> None:
    if shell == "bash":
        env = {"COMP_WORDS": line, "COMP_CWORD": str(len(line.split()) - 1)}
    else:
        env = {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    env |= {"_NORMANDIE_COMPLETE": f"complete_{shell}", "XDG_CACHE_HOME": str(tmp_path / "c")}
    # No index yet: the whole program answers, and keeps one (the probe sees what it loads).
    first = loaded([], tmp_path, env)
    assert {"typer", "rich", "normandie_cli.models", "normandie_cli.cli.app"} <= heavy(first)
    assert heavy(loaded([], tmp_path, env)) == set()
