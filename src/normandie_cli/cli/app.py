"""The `normandie` command: the global options, the commands of every module joined into
one app, and the one place where errors become a line on stderr and an exit code.

`main()` runs the program with the process-level handling (streams, COLUMNS, a help
whose reader has gone); `ReportingGroup.invoke` wraps every command, so a new command
cannot forget to turn a NormandieError, Ctrl-C or a closed pipe into its exit code.

Only the command that runs is imported and built (`LazyCommands`): the root knows the others
by the name and help line of registry.COMMANDS.
"""

import dataclasses
import importlib
import inspect
import os
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from normandie_cli import __version__
from normandie_cli.cli.arguments import global_options_first
from normandie_cli.cli.context import (
    Environment,
    Settings,
    check_typed_text,
    drop_stdout,
    environment,
    settings,
)
from normandie_cli.cli.registry import COMMANDS, Entry
from normandie_cli.cli.streams import StdoutFailed, flushed, output_failed, settle_streams
from normandie_cli.errors import ExitCode, NormandieError, OutputError
from normandie_cli.i18n import (
    DOMAIN,
    LOCALE_FOLDER,
    Language,
    _,
    choose_language,
    flag_in,
    use_language,
)


def speak(language: Language) -> None:
    """Use this language for our messages and for Typer's own words (Options, Commands,
    Error…), which it looks up with gettext in the default domain, from LANGUAGE first."""
    import gettext

    use_language(language)
    gettext.bindtextdomain(DOMAIN, LOCALE_FOLDER)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language.value


# The help texts below, and those of each command module, are built as they are imported:
# in the language of --lang on the command line, else of the environment.
speak(choose_language(flag_in(sys.argv[1:]), os.environ))


@contextmanager
def reporting(env: Environment) -> Iterator[None]:
    """Turn the core's errors into a message on stderr and the documented exit code."""
    try:
        yield
    except (KeyboardInterrupt, typer.Abort):  # Abort: Ctrl-C or Ctrl-D at a question
        # Ctrl-C stops the output too: what is still buffered would be written at exit.
        drop_stdout()
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except NormandieError as error:
        if isinstance(error, OutputError):  # what is still buffered would fail again at exit
            drop_stdout()
        lines = error.shown_lines()
        if lines:
            first = _("Error: {message}").format(message=lines[0])
            env.say([first, *lines[1:]], style="red")
        raise typer.Exit(int(error.exit_code)) from None
    except BrokenPipeError:
        # The reader (`head`, a pager) has gone: stop quietly, and keep Python from
        # complaining when it flushes stdout at exit.
        drop_stdout()
        raise typer.Exit(int(ExitCode.OK)) from None


class ReportingGroup(TyperGroup):
    """The root group: the global options and every command run inside `reporting`; its
    commands are built when they are looked up (LazyCommands)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands()

    # Any: the context is Click's, which Typer vendors under a private name.
    def invoke(self, ctx: Any) -> Any:
        with reporting(environment(ctx)):
            return super().invoke(ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """The global options are taken after the command too (`normandie events --upcoming
        --today 2026-06-01`), as people type them: they are moved before it."""
        takes_value = {
            name: not getattr(param, "is_flag", False)  # the root has options only
            for param in self.params
            if param.name != "help"
            for name in param.opts
        }
        return super().parse_args(ctx, global_options_first(args, takes_value))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with self._summaries():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        with self._summaries():
            return super().shell_complete(ctx, incomplete)

    @contextmanager
    def _summaries(self) -> Iterator[None]:
        commands = self.commands
        assert isinstance(commands, LazyCommands)
        with commands.summaries():
            yield


class LazyCommands(MutableMapping[str, Any]):
    """The root's commands by name (Any: Click's Command, which Typer vendors privately).

    A command's module is imported, and the command built, the first time it is looked up:
    when it runs, or when a tool walks the commands. Listing the names builds none, and
    while the root shows its help or completes a command name (`summaries`), a command not
    built yet is looked up as its name and help line alone (registry.COMMANDS)."""

    def __init__(self) -> None:
        self._added: dict[str, Any] = {}
        self._left_out: set[str] = set()
        self._summaries = False

    def __getitem__(self, name: str) -> Any:
        if name in self._added:
            return self._added[name]
        if name in self._left_out:
            raise KeyError(name)
        entry = COMMANDS[name]
        if self._summaries:
            return TyperCommand(name=name, help=_(entry.summary), hidden=entry.hidden)
        command = self._added[name] = built_command(name, entry)
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._added[name] = command
        self._left_out.discard(name)

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._added.pop(name, None)
        self._left_out.add(name)

    def __iter__(self) -> Iterator[str]:
        names = dict.fromkeys([*COMMANDS, *self._added])
        return iter([name for name in names if name not in self._left_out])

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __contains__(self, name: object) -> bool:
        return name in self._added or (name in COMMANDS and name not in self._left_out)

    @contextmanager
    def summaries(self) -> Iterator[None]:
        self._summaries = True
        try:
            yield
        finally:
            self._summaries = False


def built_command(name: str, entry: Entry) -> Any:
    """Import the module that defines a command and build that command alone (a group with
    its subcommands), as `app.add_typer(module.app)` would have built it."""
    typer_app = command_app(entry)
    if entry.group:
        return get_group_from_info(
            TyperInfo(typer_app, name=name),
            pretty_exceptions_short=app.pretty_exceptions_short,
            suggest_commands=app.suggest_commands,
            rich_markup_mode=app.rich_markup_mode,
        )
    (info,) = [i for i in typer_app.registered_commands if command_name(i) == name]
    return get_command_from_info(
        info,
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


def command_app(entry: Entry) -> typer.Typer:
    """The Typer app of a command's module, its docstring help in the chosen language."""
    typer_app = importlib.import_module(f"normandie_cli.cli.{entry.module}").app
    assert isinstance(typer_app, typer.Typer)
    for info in commands(typer_app):
        if info.help is None:
            # Translated once, as the module is imported once: the help is built in the
            # language of the command line that imports it.
            HELP_FROM_DOCSTRINGS[id(info)] = info
            info.help = flowing(_(inspect.getdoc(info.callback) or ""))
    return typer_app


def command_name(info: CommandInfo) -> str:
    """A command's name, as Typer names it."""
    assert info.callback is not None
    return info.name or get_command_name(info.callback.__name__)


EPILOG = _(
    "Environment: NORMANDIE_LANG (fr or en), NORMANDIE_DATA (another dataset),"
    " NORMANDIE_OVERLAY (your changes), NORMANDIE_TODAY (the date taken as today),"
    " NORMANDIE_NO_CACHE (no cache), NO_COLOR (no colours), COLUMNS (table width).  "
    "Exit codes: 0 success (an empty result too), 1 invalid or unreadable data or file,"
    " 2 bad option or unknown value, 130 interrupted."
)

app = typer.Typer(
    name="normandie",
    cls=ReportingGroup,
    help=_("Explore the Normandy tech ecosystem: startups, organisations, events and cities."),
    epilog=EPILOG,
    # `normandie` alone shows an overview on a terminal and the help in a pipe (see `root`).
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"normandie {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            case_sensitive=False,
            help=_(
                "Language of messages, tables and help: fr or en. Default: NORMANDIE_LANG,"
                " else the locale (LC_ALL, LC_MESSAGES, LANG), else English."
            ),
        ),
    ] = None,
    # Paths are checked by the loader, which says why one cannot be read (Click's own check,
    # readable=True, would make it a usage error, exit 2, in words of its own).
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            readable=False,
            envvar="NORMANDIE_DATA",
            help=_(
                "Read this dataset (a TOML file, or a folder of them) instead of the bundled one."
            ),
            show_envvar=True,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            envvar="NORMANDIE_TODAY",
            metavar="YYYY-MM-DD",
            help=_("Take this date as today (for --upcoming and --past)."),
        ),
    ] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(
            "--overlay",
            readable=False,
            envvar="NORMANDIE_OVERLAY",
            metavar="FILE",
            help=_(
                "Your additions and corrections (see `normandie add`). Default:"
                " $XDG_DATA_HOME/normandie/overlay.toml, read when it exists."
            ),
            show_envvar=True,
        ),
    ] = None,
    no_overlay: Annotated[
        bool,
        typer.Option("--no-overlay", help=_("Read the dataset without your overlay.")),
    ] = False,
    no_updates: Annotated[
        bool,
        typer.Option(
            "--no-updates",
            help=_(
                "Read the dataset without what `normandie update` fetched from the company"
                " register and the ministry's open data."
            ),
        ),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help=_(
                "Print tall tables straight to the terminal, without a pager (NORMANDIE_PAGER,"
                " PAGER or less)."
            ),
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            envvar="NORMANDIE_NO_CACHE",
            help=_("Read and check the dataset again instead of using the cache."),
            show_envvar=True,
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help=_("Show the version and exit."),
        ),
    ] = False,
) -> None:
    """Explore the Normandy tech ecosystem: startups, organisations, events and cities.

    Data comes from the bundled, sourced dataset; every record cites its sources.
    """
    from normandie_cli.folders import layer_in_use, overlay_in_use
    from normandie_cli.resolve import parse_date_option

    # Chosen again: the module may have been imported for another command line (tests).
    speak(choose_language(lang, os.environ))
    check_typed_text(ctx)
    env = environment(ctx)
    if no_pager:
        env = dataclasses.replace(env, pager="")
    day = date.today() if today is None else parse_date_option(today, "--today")
    ctx.obj = Settings(
        data=data,
        today=day,
        overlay=overlay_in_use(overlay, no_overlay),
        use_cache=not no_cache,
        env=env,
        updates=layer_in_use(no_updates),
    )
    if ctx.invoked_subcommand is None:
        _overview(ctx)


def _overview(ctx: typer.Context) -> None:
    """On a terminal, the ecosystem at a glance; in a pipe, the help, as scripts expect."""
    given = settings(ctx)
    if not given.env.stdout_is_terminal():
        help_text = ctx.get_help()  # Typer's Rich help prints itself and returns ""
        if help_text:
            typer.echo(help_text)
        raise typer.Exit()
    from normandie_cli.output.render import overview_view
    from normandie_cli.summary import overview

    dataset = given.dataset
    given.env.print(overview_view(overview(dataset, given.today), dataset))


def commands(typer_app: typer.Typer) -> Iterator[CommandInfo]:
    """The commands of an app and of its groups (`cache clear`…)."""
    yield from typer_app.registered_commands
    for group_info in typer_app.registered_groups:
        if group_info.typer_instance is not None:
            yield from commands(group_info.typer_instance)


# The commands whose help is their docstring, by id, once their module is imported.
HELP_FROM_DOCSTRINGS: dict[int, CommandInfo] = {}


def documented_commands() -> list[tuple[list[str], CommandInfo]]:
    """Every command whose help is its docstring, with its command line (`cache clear`…),
    in the help's order: every command module is imported."""
    found: list[tuple[list[str], CommandInfo]] = []
    for module in dict.fromkeys(entry.module for entry in COMMANDS.values()):
        group = next(name for name, entry in COMMANDS.items() if entry.module == module)
        prefix = [group] if COMMANDS[group].group else []
        typer_app = command_app(COMMANDS[group])
        found += [
            ([*prefix, command_name(info)], info)
            for info in commands(typer_app)
            if id(info) in HELP_FROM_DOCSTRINGS
        ]
    return found


def flowing(text: str) -> str:
    """A docstring's prose paragraphs as single lines, so the help wraps them to the
    terminal's width; indented lines (examples) stay as written."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        paragraph if paragraph.startswith(" ") else " ".join(paragraph.split("\n"))
        for paragraph in paragraphs
    )


def help_messages() -> list[str]:
    """The commands' docstrings as written, in English: the catalogue's entries for them."""
    return [inspect.getdoc(info.callback) or "" for _path, info in documented_commands()]


def main() -> None:
    """The console script: the program with what only a process has to settle (the streams,
    COLUMNS, a help whose reader has gone); never a traceback, whatever stdout or stderr is."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and not (columns.isdigit() and int(columns) > 0):
        # Rich would take COLUMNS=0 at its word and print nothing at all, errors included.
        del os.environ["COLUMNS"]
    settle_streams()
    try:
        app()
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
        # Rich, printing the help, meets a reader that has gone (`normandie --help | head -1`)
        # by pointing stdout at /dev/null and exiting 1; a reader that has gone is no error.
        if code == 1 and isinstance(exit.__context__, BrokenPipeError):
            code = int(ExitCode.OK)
        raise SystemExit(flushed(code)) from None
    except (BrokenPipeError, StdoutFailed) as error:  # writing the help, outside a command
        raise SystemExit(output_failed(error, int(ExitCode.OK))) from None
    except OSError as error:  # a file error the core did not foresee: one line all the same
        Environment().say(_("Error: {message}").format(message=_os_error(error)), style="red")
        raise SystemExit(int(ExitCode.DATA_ERROR)) from None


def _os_error(error: OSError) -> str:
    """An unforeseen OSError in words; a current folder that has gone is the usual one."""
    try:
        os.getcwd()
    except OSError:
        return _("the current folder no longer exists: change to another one")
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename is not None else reason
