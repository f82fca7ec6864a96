"""The table the root lists its commands from (cli/registry.py) agrees with the commands: the
same names in the same order, each in its module, and the same line of help in English and
in French; and the root's help reads the same as with every command built."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
import typer
from conftest import Invoke

import normandie_cli.cli
from normandie_cli.cli.app import HELP_FROM_DOCSTRINGS, LazyCommands, app, command_name
from normandie_cli.cli.registry import COMMANDS
from normandie_cli.i18n import Language, _, use_language


def command_modules() -> Iterator[tuple[str, typer.Typer]]:
    """Every module of cli/ that defines commands (an `app`), but the root."""
    for module in pkgutil.iter_modules(normandie_cli.cli.__path__):
        if module.name == "app":
            continue
        imported = importlib.import_module(f"normandie_cli.cli.{module.name}")
        if isinstance(getattr(imported, "app", None), typer.Typer):
            yield module.name, imported.app


def defined() -> dict[str, tuple[str, bool, bool, str]]:
    """name -> (module, hidden, group, help as written) of every command the modules
    define, in the order of the modules in the registry, then of their definitions. A module
    whose app has a help of its own is a group, named as the module (`cache clear`)."""
    order = list(dict.fromkeys(entry.module for entry in COMMANDS.values()))
    by_module = dict(command_modules())
    assert set(by_module) == set(order), "a command module is missing from registry.py"
    found: dict[str, tuple[str, bool, bool, str]] = {}
    for module in order:
        typer_app = by_module[module]
        if isinstance(typer_app.info.help, str):
            found[module] = (module, False, True, typer_app.info.help)
            continue
        for info in typer_app.registered_commands:
            written = info.help
            if id(info) in HELP_FROM_DOCSTRINGS or written is None:
                written = inspect.getdoc(info.callback)
            found[command_name(info)] = (module, bool(info.hidden), False, written or "")
    return found


def test_the_registry_names_every_command_in_the_order_of_the_help() -> None:
    table = {name: (entry.module, entry.hidden, entry.group) for name, entry in COMMANDS.items()}
    commands_defined = {name: found[:3] for name, found in defined().items()}
    assert list(table.items()) == list(commands_defined.items())


@pytest.mark.parametrize("language", list(Language))
def test_each_line_of_help_is_the_first_paragraph_of_the_command_help(
    language: Language,
) -> None:
    use_language(language)
    for name, (_module, _hidden, _group, written) in defined().items():
        # The help as written, translated whole as the command does (app.command_app).
        first = inspect.cleandoc(_(written)).split("\n\n")[0]
        assert _(COMMANDS[name].summary) == first, name


def test_the_root_help_reads_the_same_as_with_every_command_built(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = invoke(["--help"])
    assert listed.exit_code == 0, listed.output
    monkeypatch.setattr(LazyCommands, "summaries", lambda self: contextlib.nullcontext())
    built = invoke(["--help"])
    assert listed.stdout == built.stdout
    assert "List startups, filtered by city" in listed.stdout
    assert "orgs" not in listed.stdout.split()  # hidden


def test_a_command_is_built_when_it_is_looked_up() -> None:
    group = typer.main.get_command(app)
    names = getattr(group, "commands", {})
    assert list(names) == list(COMMANDS)
    with names.summaries():
        stub = names["startups"]
    assert stub.params == []  # the name and the help line alone
    assert "--city" in {opt for param in names["startups"].params for opt in param.opts}
    assert app.registered_commands == [] and app.registered_groups == []


def test_an_unknown_command_still_gets_suggestions(invoke: Invoke) -> None:
    result = invoke(["startup"])
    assert result.exit_code == 2
    assert "startups" in result.stderr
