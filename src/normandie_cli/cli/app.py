"""The `normandie` command: the global options, every command group joined into one app,
and the one place where errors become a line on stderr and an exit code.

`main()` runs the program with the process-level handling (streams, COLUMNS, a help
whose reader has gone); `ReportingGroup.invoke` wraps every command, so a new command
cannot forget to turn a NormandieError, Ctrl-C or a closed pipe into its exit code.
"""

import dataclasses
import inspect
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from normandie_cli import __version__
from normandie_cli.cli import (
    add,
    cache,
    changes,
    compare,
    export,
    listings,
    overlay,
    records,
    report,
    speak,
    update,
)
from normandie_cli.cli.context import (
    Environment,
    Settings,
    check_typed_text,
    drop_stdout,
    environment,
    settings,
)
from normandie_cli.cli.streams import StdoutFailed, flushed, output_failed, settle_streams
from normandie_cli.errors import ExitCode, NormandieError, OutputError
from normandie_cli.i18n import Language, _, choose_language


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
    """The root group: the global options and every command run inside `reporting`."""

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


def global_options_first(args: list[str], takes_value: dict[str, bool]) -> list[str]:
    """The command line with the global options (`takes_value`: name -> whether a value
    follows it) found after the command moved before it, in their order; what follows `--`
    is left as it is."""
    command = _after_options(args, 0, takes_value)
    moved: list[str] = []
    kept: list[str] = []
    index = command
    while index < len(args):
        arg = args[index]
        if arg == "--":
            kept += args[index:]
            break
        name = arg.split("=", 1)[0]
        if name not in takes_value:
            kept.append(arg)
            index += 1
            continue
        width = 2 if takes_value[name] and "=" not in arg else 1
        if index + width > len(args):  # its value is missing: the parser says so
            kept.append(arg)
            break
        moved += args[index : index + width]
        index += width
    return [*args[:command], *moved, *kept]


def _after_options(args: list[str], index: int, takes_value: dict[str, bool]) -> int:
    """Where the command starts: past the global options (and their values) before it."""
    while index < len(args) and (name := args[index].split("=", 1)[0]) in takes_value:
        index += 2 if takes_value[name] and "=" not in args[index] else 1
    return index


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
    from normandie_cli.overlay import overlay_in_use
    from normandie_cli.resolve import parse_date_option
    from normandie_cli.updates import layer_in_use

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


# The commands, in the order the help lists them; a group without a name adds its commands.
for group in (listings, records, compare, report, export, changes, update):
    app.add_typer(group.app)
app.add_typer(cache.app, name="cache")
app.add_typer(add.app, name="add")
app.add_typer(overlay.app, name="overlay")


def commands(typer_app: typer.Typer) -> Iterator[Any]:
    """The commands of an app and of its groups (`cache clear`…)."""
    yield from typer_app.registered_commands
    for group_info in typer_app.registered_groups:
        if group_info.typer_instance is not None:
            yield from commands(group_info.typer_instance)


# Every command is registered above: those whose help is their docstring get it in the
# chosen language.
HELP_FROM_DOCSTRINGS = [command for command in commands(app) if command.help is None]


def help_messages() -> list[str]:
    """The commands' docstrings as written, in English: the catalogue's entries for them."""
    return [inspect.getdoc(command.callback) or "" for command in HELP_FROM_DOCSTRINGS]


def flowing(text: str) -> str:
    """A docstring's prose paragraphs as single lines, so the help wraps them to the
    terminal's width; indented lines (examples) stay as written."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        paragraph if paragraph.startswith(" ") else " ".join(paragraph.split("\n"))
        for paragraph in paragraphs
    )


for _info in HELP_FROM_DOCSTRINGS:
    _info.help = flowing(_(inspect.getdoc(_info.callback) or ""))


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
