"""The README is a contract: its examples run, their outputs are real, its commands are CI's.

Run `UPDATE_README=1 pytest tests/test_docs.py` to re-record the outputs after a change.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, STABLE_ENV, TERMINAL, Invoke

README = ROOT / "README.md"
CONSOLE_BLOCK = re.compile(r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.DOTALL)
SH_BLOCK = re.compile(r"```sh\n(?P<body>.*?)```", re.DOTALL)
# What the README's recorded outputs assume.
README_ENV = {"COLUMNS": "100", "NORMANDIE_TODAY": "2026-12-03"}


def console_examples() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    return [(m["command"], m["output"]) for m in CONSOLE_BLOCK.finditer(text)]


def shell_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [line for m in SH_BLOCK.finditer(text) for line in m["body"].splitlines()]


def run_as_in_a_terminal(invoke: Invoke, command: str, overlay: Path) -> str:
    args = shlex.split(command)
    assert args[0] == "normandie", command
    env = {**README_ENV, "NORMANDIE_OVERLAY": str(overlay)}
    result = invoke(args[1:], env=env, streams=TERMINAL)
    assert result.exit_code == 0, result.output
    return "\n".join(line.rstrip() for line in result.output.splitlines()) + "\n"


def test_readme_has_an_example_of_every_command() -> None:
    shown = {command.split()[1] for command, _ in console_examples()}
    commands = {"startups", "organizations", "events", "cities", "show", "search", "compare"}
    commands |= {"sources", "info", "validate"}
    assert commands | {"export"} <= shown | {"orgs"}


@pytest.mark.parametrize(("command", "expected"), console_examples())
def test_readme_example_output_is_real(
    invoke_bundled: Invoke, tmp_path: Path, command: str, expected: str
) -> None:
    actual = run_as_in_a_terminal(invoke_bundled, command, tmp_path / "overlay.toml")
    if os.environ.get("UPDATE_README"):
        text = README.read_text(encoding="utf-8")
        old = f"```console\n$ {command}\n{expected}```"
        README.write_text(text.replace(old, f"```console\n$ {command}\n{actual}```"), "utf-8")
        return
    assert actual == expected


@pytest.mark.subprocess
def test_readme_shell_examples_run_with_the_installed_command(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k not in STABLE_ENV}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["NORMANDIE_OVERLAY"] = str(tmp_path / "overlay.toml")  # the worked example's changes
    examples = [line for line in shell_lines() if line.startswith("normandie ")]
    assert examples
    for line in examples:
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            env=env,
            cwd=tmp_path,  # examples that write files write them here
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (line, done.stderr)
        assert done.stdout.strip() or done.stderr.strip(), line  # it said what it did
        assert "Traceback" not in done.stderr


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(line for line in shell_lines() if "pytest" in line)
    install_and_run = next(line for line in shell_lines() if "pip install . " in line)
    # A fresh Debian or Ubuntu refuses pip outside a virtual environment (PEP 668).
    for command in (install_and_run, test_command):
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && "), command
    assert install_and_run.endswith("normandie startups --city rouen")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci
    assert "set -euo pipefail" in ci


@pytest.mark.subprocess
def test_the_readme_pictures_are_what_the_script_draws(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_pictures.py"), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    drawn = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert {"overview.svg", "startups.svg", "events.svg", "compare.svg", "show.svg"} <= set(drawn)
    readme = README.read_text(encoding="utf-8")
    for name in drawn:
        committed = ROOT / "docs" / name
        assert committed.exists(), f"docs/{name} is missing: run python scripts/make_pictures.py"
        # The words and numbers shown, not Rich's markup around them (which a Rich release
        # may restyle without the picture saying anything different).
        assert visible_text((tmp_path / name).read_text(encoding="utf-8")) == visible_text(
            committed.read_text(encoding="utf-8")
        ), f"docs/{name} is out of date: run python scripts/make_pictures.py"
        assert f"](docs/{name})" in readme, f"the README does not show docs/{name}"


def visible_text(svg: str) -> str:
    import html

    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return "".join(html.unescape(t).replace("\xa0", " ") for t in texts)


def help_examples() -> list[str]:
    from normandie_cli.cli.app import help_messages

    return [
        line.strip()
        for text in help_messages()
        for line in text.splitlines()
        if line.strip().startswith("normandie ")
    ]


def test_every_command_help_shows_two_or_three_examples() -> None:
    from normandie_cli.cli.app import help_messages

    for text in help_messages():
        summary, _, rest = text.partition("\n\n")
        assert "\n" not in summary, summary
        examples = [line for line in rest.splitlines() if line.strip().startswith("normandie ")]
        assert 2 <= len(examples) <= 3, summary
        assert rest.startswith("Examples:"), summary


@pytest.mark.subprocess
@pytest.mark.parametrize("example", help_examples())
def test_help_examples_run_on_the_bundled_data(example: str, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k not in STABLE_ENV}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["NORMANDIE_OVERLAY"] = str(tmp_path / "overlay.toml")  # what `add` examples write
    env["XDG_DATA_HOME"] = str(tmp_path / "data-home")  # what `update` examples write
    with ExitStack() as stack:
        if example.startswith("normandie update"):
            # `update` asks the network: here, the local stand-in of both APIs, which knows
            # every SIREN of the bundled data.
            from fake_apis import Company, serve

            from normandie_cli.dataset import load_dataset

            apis = stack.enter_context(contextmanager(serve)())
            for startup in load_dataset().startups:
                if startup.siren:
                    apis.companies[startup.siren] = Company()
            apis.laureates = {"fr-esr-laureats-concours-national-i-lab": []}
            apis.laureates["fr-esr-laureats-concours-i-nov"] = []
            env["NORMANDIE_REGISTER_URL"] = env["NORMANDIE_OPENDATA_URL"] = apis.url
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", example],
            env=env,
            cwd=tmp_path,  # examples that write files write them here
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, (example, done.stderr)
    assert "Traceback" not in done.stderr


def documented_commands() -> list[tuple[list[str], str]]:
    """Each command whose help is its docstring: its command line (`cache clear`…) and the
    docstring as written."""
    import inspect

    from normandie_cli.cli.app import documented_commands

    return [(path, inspect.getdoc(info.callback) or "") for path, info in documented_commands()]


@pytest.mark.subprocess
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(
    ("args", "own"),
    documented_commands(),
    ids=lambda value: "-".join(value) if isinstance(value, list) else "",
)
def test_help_text_is_shown_whole_not_read_as_markup(
    lang: str, args: list[str], own: str, tmp_path: Path
) -> None:
    """Typer reads help as Rich markup: a [word] in brackets would vanish."""
    env = {k: v for k, v in os.environ.items() if k not in STABLE_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "normandie_cli", "--lang", lang, *args, "--help"],
        env={**env, "COLUMNS": "200"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.split())
    examples = [line.strip() for line in own.splitlines() if "normandie " in line]
    assert examples
    for example in examples:
        assert example in shown, (lang, example)
