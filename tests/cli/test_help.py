"""The help people read: no word lost to Rich markup, options in panels, and the generated
reference in docs/cli.md up to date."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import typer
from conftest import ROOT

from normandie_cli.cli.app import app
from normandie_cli.cli.options import FILTERS, OUTPUT

# Every test here starts the command, or Python, in a process of its own.
pytestmark = pytest.mark.subprocess

# Prints every command's --help as JSON, in a process of its own: Typer reads the colour
# and Rich settings from the environment when it is imported.
DUMP_HELP = """
import json
import typer
from typer.testing import CliRunner
from normandie_cli.cli.app import app

def paths(command, prefix):
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from paths(sub, [*prefix, name])

runner = CliRunner()
print(json.dumps({
    " ".join(path): runner.invoke(app, [*path, "--help"], prog_name="normandie").stdout
    for path in paths(typer.main.get_command(app), [])
}))
"""
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def all_helps(**env: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "_TYPER_FORCE_DISABLE_TERMINAL", "TYPER_USE_RICH")
        and not k.startswith("NORMANDIE_")
    }
    done = subprocess.run(
        [sys.executable, "-c", DUMP_HELP],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    helps: dict[str, str] = json.loads(done.stdout)
    return helps


@pytest.fixture(scope="module")
def coloured_and_plain() -> tuple[dict[str, str], dict[str, str]]:
    """Each help as a colour terminal gets it from Rich, and as plain Click text. Wide, so
    that no word is cut across lines."""
    coloured = all_helps(FORCE_COLOR="1", TERM="xterm-256color", COLUMNS="400")
    plain = all_helps(TYPER_USE_RICH="0", COLUMNS="400")
    return coloured, plain


def words(text: str) -> Counter[str]:
    return Counter(word.casefold() for word in re.findall(r"\w+", text))


def command_names() -> list[str]:
    def walk(command: object, prefix: list[str]) -> list[str]:
        names = [" ".join(prefix)]
        for name, sub in getattr(command, "commands", {}).items():
            names += walk(sub, [*prefix, name])
        return names

    return walk(typer.main.get_command(app), [])


@pytest.mark.parametrize("command", command_names())
def test_no_help_text_is_eaten_by_markup(
    coloured_and_plain: tuple[dict[str, str], dict[str, str]], command: str
) -> None:
    coloured, plain = coloured_and_plain
    assert "\x1b[" in coloured[command]  # the help really was rendered in colour
    shown = ANSI.sub("", coloured[command])
    lost = words(plain[command]) - words(shown)
    assert not lost, f"`normandie {command} --help` in colour loses {dict(lost)}:\n{shown}"


LISTINGS = ["startups", "organizations", "events", "cities", "sources", "export"]


@pytest.mark.parametrize("command", LISTINGS)
def test_listing_options_are_grouped_in_filters_and_output(command: str) -> None:
    group = typer.main.get_command(app)
    sub = getattr(group, "commands", {})[command]
    panels = {
        param.name: getattr(param, "rich_help_panel", None)
        for param in sub.params
        if param.name != "help"
    }
    assert set(panels.values()) <= {FILTERS, OUTPUT}, panels


def test_the_reference_is_what_the_script_writes(tmp_path: Path) -> None:
    target = tmp_path / "cli.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_cli_docs.py"), "--output", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    committed = ROOT / "docs" / "cli.md"
    assert committed.exists(), "docs/cli.md is missing: run python scripts/make_cli_docs.py"
    assert target.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        "docs/cli.md is out of date: run python scripts/make_cli_docs.py"
    )


def test_the_reference_covers_every_visible_command() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in command_names():
        if name.split(" ")[-1] == "orgs":  # a hidden alias
            continue
        assert f"## `{' '.join(['normandie', name]).strip()}`" in reference
    assert "\x1b" not in reference
    assert all(len(line) <= 100 for line in reference.splitlines())
    assert "(docs/cli.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
