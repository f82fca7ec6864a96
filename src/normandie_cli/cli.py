"""The `normandie` command line: parse options, ask the core, print; errors become exit codes."""

import dataclasses
import gettext
import inspect
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from normandie_cli import __version__
from normandie_cli.completion import Completable
from normandie_cli.errors import ExitCode, NormandieError, UsageError
from normandie_cli.export import ExportFormat, OutputFormat
from normandie_cli.i18n import (
    DOMAIN,
    LOCALE_FOLDER,
    Language,
    _,
    choose_language,
    flag_in,
    human_date,
    use_language,
)
from normandie_cli.models import Dataset, Event, Record, RecordKind
from normandie_cli.query import CompareBy

if TYPE_CHECKING:
    from rich.console import Console


def _speak(language: Language) -> None:
    """Use this language for our messages and for Typer's own words (Options, Commands,
    Error…), which it looks up with gettext in the default domain, from LANGUAGE first."""
    use_language(language)
    gettext.bindtextdomain(DOMAIN, LOCALE_FOLDER)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language.value


# The help texts below are built as this module is imported: the language is chosen first,
# from --lang on the command line, then the environment.
_speak(choose_language(flag_in(sys.argv[1:]), os.environ))

EPILOG = _(
    "Environment: NORMANDIE_LANG (fr or en), NORMANDIE_DATA (another dataset),"
    " NORMANDIE_OVERLAY (your changes), NORMANDIE_TODAY (the date taken as today),"
    " NORMANDIE_NO_CACHE (no cache), NO_COLOR (no colours), COLUMNS (table width).  "
    "Exit codes: 0 success (an empty result too), 1 invalid or unreadable data or file,"
    " 2 bad option or unknown value, 130 interrupted."
)

app = typer.Typer(
    name="normandie",
    help=_("Explore the Normandy tech ecosystem: startups, organisations, events and cities."),
    epilog=EPILOG,
    # `normandie` alone shows an overview on a terminal and the help in a pipe (see `root`).
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,
    add_completion=True,
)

FILTERS = _("Filters")
OUTPUT = _("Output")


@dataclass
class _Settings:
    """What the global options set; the dataset is loaded once, when a command needs it."""

    data: Path | None
    today: date
    overlay: Path | None = None
    use_cache: bool = True
    _dataset: Dataset | None = None

    @property
    def dataset(self) -> Dataset:
        """The dataset with the overlay's changes."""
        if self._dataset is None:
            self._dataset = _load(self.data, self.overlay, self.use_cache)
        return self._dataset

    def base_dataset(self) -> Dataset:
        """The dataset as it is, without the overlay."""
        return _load(self.data, None, self.use_cache)


# Above this many bytes of TOML, reading takes long enough (half a second or more) to say so.
SLOW_LOAD_BYTES = 2_000_000


def _load(
    data: Path | None, overlay: Path | None, use_cache: bool, feedback: bool = True
) -> Dataset:
    """The dataset, amended by the overlay if it exists, from the cache when it is current;
    with feedback, a long read shows a spinner on a terminal's stderr."""
    from normandie_cli.cache import load_with_cache
    from normandie_cli.dataset import bundled_data_path, dataset_files, load_dataset

    path = data or bundled_data_path()
    files = dataset_files(path)
    origin = [path]
    if overlay is not None and overlay.exists():
        origin.append(overlay)
        files.append(overlay)
    else:
        overlay = None

    def read() -> Dataset:
        size = sum(f.stat().st_size for f in files if f.is_file())
        if size < SLOW_LOAD_BYTES or not feedback or not _stderr_is_terminal():
            return load_dataset(path, overlay)
        from rich.console import Console

        with Console(stderr=True).status(_("Reading and checking the dataset…")):
            return load_dataset(path, overlay)

    return load_with_cache(origin, files, read) if use_cache else read()


def _settings(ctx: typer.Context) -> _Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, _Settings)
    return settings


# --- Printing ------------------------------------------------------------------------------


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _console() -> "Console":
    """The terminal's console, made per command so it sees today's environment."""
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1; a reader that has gone is no error (see _reporting).
            self.quiet = True
            raise BrokenPipeError

    return PipeAwareConsole(highlight=False)


def _say(message: str, *, style: str = "") -> None:
    """A message for the person, on stderr; never read as markup."""
    from rich.console import Console
    from rich.text import Text

    from normandie_cli.text import inert

    text = "\n".join(inert(line) for line in message.splitlines())
    Console(stderr=True, highlight=False, soft_wrap=True).print(Text(text, style=style))


def _write(text: str) -> None:
    """Machine output, as UTF-8 whatever the console's encoding, never through Rich."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        data = text.encode("utf-8")
        # In pieces: a write the reader is slow to take cannot be cut short by Ctrl-C (Python
        # finishes it first), so one large write would go on to the end after the interrupt.
        for start in range(0, len(data), _WRITE_PIECE):
            buffer.write(data[start : start + _WRITE_PIECE])
    sys.stdout.flush()


_WRITE_PIECE = 16 * 1024


@contextmanager
def _reporting() -> Iterator[None]:
    """Turn the core's errors into a message on stderr and the documented exit code."""
    try:
        yield
    except (KeyboardInterrupt, typer.Abort):  # Abort: Ctrl-C or Ctrl-D at a question
        # Ctrl-C stops the output too: what is still buffered would be written at exit.
        _drop_stdout()
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except NormandieError as error:
        _say(_("Error: {message}").format(message=error), style="red")
        raise typer.Exit(int(error.exit_code)) from None
    except BrokenPipeError:
        # The reader (`head`, a pager) has gone: stop quietly, and keep Python from
        # complaining when it flushes stdout at exit.
        _drop_stdout()
        raise typer.Exit(int(ExitCode.OK)) from None


def _drop_stdout() -> None:
    """Send whatever is still to be written to stdout nowhere."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture it)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)


def _choose_format(
    fmt: OutputFormat | None, as_json: bool, as_csv: bool, default: OutputFormat | None = None
) -> OutputFormat:
    """An explicit format wins; then `default`; else a table on a terminal, TSV in a pipe."""
    chosen = {f for f, on in ((OutputFormat.JSON, as_json), (OutputFormat.CSV, as_csv)) if on}
    if fmt is not None:
        chosen.add(fmt)
    if len(chosen) > 1:
        names = ", ".join(sorted(f.value for f in chosen))
        raise UsageError(_("choose one output format, not several ({names})").format(names=names))
    if chosen:
        return chosen.pop()
    if default is not None:
        return default
    return OutputFormat.TABLE if _stdout_is_terminal() else OutputFormat.TSV


def _show_records(
    kind: RecordKind,
    records: Sequence[Record],
    dataset: Dataset,
    *,
    fmt: OutputFormat,
    columns_text: str | None,
    empty_message: str,
    total: int | None = None,
    today: date | None = None,
) -> None:
    """Print records in the chosen format; an empty result is said on stderr, exit 0.

    Given today's date, a table says how soon each event to come starts."""
    from normandie_cli.query import (
        DEFAULT_COLUMNS,
        TABLE_COLUMNS,
        field_names,
        parse_columns,
        record_rows,
    )

    chosen = parse_columns(kind, columns_text)
    rows = record_rows(records, dataset)
    if fmt is OutputFormat.TABLE:
        if not rows:
            _say(empty_message)
            return
        from normandie_cli.render import records_table

        columns = chosen or TABLE_COLUMNS.get(kind, DEFAULT_COLUMNS[kind])
        console = _console()
        console.print(records_table(kind, rows, columns, dataset, console.width, today))
        if total is not None and total > len(rows):
            shown = _("Showing {count} of {total}; change --limit to see more.")
            _say(shown.format(count=len(rows), total=total), style="dim")
        return
    from normandie_cli.export import format_rows

    if fmt in (OutputFormat.JSON, OutputFormat.JSONL):
        columns = chosen or field_names(kind)
    else:
        columns = chosen or DEFAULT_COLUMNS[kind]
    _write(format_rows(fmt, rows, columns))
    if not rows:
        _say(empty_message)


def _describe_filters(options: Mapping[str, Any]) -> str:
    """'--city rouen --sector fintech', from the options that were given."""
    parts = []
    for flag, value in options.items():
        if value in (None, False, [], ()):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        parts += [flag if value is True else f"{flag} {v}" for v in values]
    return " ".join(parts)


def _no_match(kind: RecordKind, options: Mapping[str, Any]) -> str:
    described = _describe_filters(options)
    if not described:
        return {
            RecordKind.STARTUP: _("No startups in the dataset."),
            RecordKind.ORGANIZATION: _("No organisations in the dataset."),
            RecordKind.EVENT: _("No events in the dataset."),
        }[kind]
    matching = {
        RecordKind.STARTUP: _("No startups match {filters}."),
        RecordKind.ORGANIZATION: _("No organisations match {filters}."),
        RecordKind.EVENT: _("No events match {filters}."),
    }
    return matching[kind].format(filters=described)


# --- Completion ------------------------------------------------------------------------------
# Typer calls these on Tab with the words typed so far; a failure (no dataset, a broken file)
# offers nothing rather than a traceback in the middle of the person's command line.

Completer = Callable[[typer.Context, str], list[tuple[str, str]] | list[str]]

# The kind of record each listing lists, for --columns and --sort.
_COMMAND_KINDS = {
    "startups": RecordKind.STARTUP,
    "organizations": RecordKind.ORGANIZATION,
    "orgs": RecordKind.ORGANIZATION,
    "events": RecordKind.EVENT,
    "cities": RecordKind.CITY,
    "sources": RecordKind.SOURCE,
}


def _completion_dataset(ctx: typer.Context) -> Dataset:
    """The dataset the command line names, from the cache when it is current, so a Tab press
    does not read and check the TOML again; never a spinner on the person's prompt."""
    given = ctx.find_root().params  # as typed: Typer converts only when running
    overlay = _overlay_in_use(given.get("overlay"), bool(given.get("no_overlay")))
    data = Path(given["data"]) if given.get("data") else None
    return _load(data, overlay, use_cache=True, feedback=False)


def _overlay_in_use(given: str | Path | None, no_overlay: bool) -> Path | None:
    """The overlay the options name: --overlay, else the default file; none with
    --no-overlay."""
    if no_overlay:
        return None
    from normandie_cli.overlay import default_overlay_path

    return Path(given) if given else default_overlay_path()


# Longer descriptions would wrap, and a shell reads a wrapped line as another suggestion.
COMPLETION_DESCRIPTION_WIDTH = 50


def _shorten(text: str) -> str:
    limit = COMPLETION_DESCRIPTION_WIDTH
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _completer(what: Completable) -> Completer:
    """Tab completion of one kind of dataset value (see completion.Completable)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        try:
            from rich.markup import escape

            from normandie_cli.completion import dataset_choices, matching
            from normandie_cli.text import inert

            choices = dataset_choices(_completion_dataset(ctx), what)
            found = matching(choices, incomplete)
            # zsh and fish show the description on one line, after Typer has read it as Rich
            # markup and wrapped it to the terminal: keep it short, and literal.
            return [(value, escape(inert(_shorten(about)))) for value, about in found]
        except Exception:
            return []

    return complete


def _complete_columns(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        from normandie_cli.completion import column_choices

        return column_choices(_COMMAND_KINDS[ctx.command.name or ""], incomplete)
    except Exception:
        return []


def _complete_sort(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        from normandie_cli.completion import sort_choices

        return sort_choices(_COMMAND_KINDS[ctx.command.name or ""], incomplete)
    except Exception:
        return []


# --- Shared options ------------------------------------------------------------------------

FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help=_("Output format. Default: table on a terminal, tsv when piped."),
        rich_help_panel=OUTPUT,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help=_("Same as --format json."), rich_help_panel=OUTPUT)
]
CsvOption = Annotated[
    bool, typer.Option("--csv", help=_("Same as --format csv."), rich_help_panel=OUTPUT)
]
ColumnsOption = Annotated[
    str | None,
    typer.Option(
        "--columns",
        "-c",
        metavar="A,B,C",
        help=_("Fields to show, in this order (e.g. id,name,city)."),
        rich_help_panel=OUTPUT,
        autocompletion=_complete_columns,
    ),
]
CityOption = Annotated[
    list[str] | None,
    typer.Option(
        "--city",
        metavar="CITY",
        help=_("A city and its agglomeration: rouen includes Le Petit-Quevilly. Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=_completer(Completable.CITY),
    ),
]
CommuneOption = Annotated[
    list[str] | None,
    typer.Option(
        "--commune",
        metavar="COMMUNE",
        help=_("Exactly this commune. Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=_completer(Completable.CITY),
    ),
]
SectorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sector",
        metavar="SECTOR",
        help=_("Startups of this sector: its id, French or English name. Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=_completer(Completable.SECTOR),
    ),
]
KindOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help=_(
            "Organisations of this kind: incubator, technopole, network, public-body, school…"
            " Repeatable."
        ),
        rich_help_panel=FILTERS,
        autocompletion=_completer(Completable.ORGANIZATION_KIND),
    ),
]
SearchOption = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-S",
        metavar="TEXT",
        help=_("Text in the name, description, tags or city; case and accents ignored."),
        rich_help_panel=FILTERS,
    ),
]
SortOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sort",
        metavar="FIELD",
        help=_("Sort by this field; repeat for ties."),
        rich_help_panel=OUTPUT,
        autocompletion=_complete_sort,
    ),
]
ReverseOption = Annotated[
    bool, typer.Option("--reverse", "-r", help=_("Reverse the order."), rich_help_panel=OUTPUT)
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-L",
        min=1,
        metavar="N",
        help=_("Show at most N records."),
        rich_help_panel=OUTPUT,
    ),
]


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
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
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
    # Chosen again: the module may have been imported for another command line (tests).
    _speak(choose_language(lang, os.environ))
    with _reporting():  # a bad --today is an error whatever the command
        from normandie_cli.query import parse_date_option

        day = date.today() if today is None else parse_date_option(today, "--today")
    ctx.obj = _Settings(
        data=data,
        today=day,
        overlay=_overlay_in_use(overlay, no_overlay),
        use_cache=not no_cache,
    )
    if ctx.invoked_subcommand is None:
        _overview(ctx)


def _overview(ctx: typer.Context) -> None:
    """On a terminal, the ecosystem at a glance; in a pipe, the help, as scripts expect."""
    if not _stdout_is_terminal():
        help_text = ctx.get_help()  # Typer's Rich help prints itself and returns ""
        if help_text:
            typer.echo(help_text)
        raise typer.Exit()
    from normandie_cli.query import overview
    from normandie_cli.render import overview_view

    with _reporting():
        settings = _settings(ctx)
        dataset = settings.dataset
        _console().print(overview_view(overview(dataset, settings.today), dataset))


# --- Commands ------------------------------------------------------------------------------


@app.command()
def startups(
    ctx: typer.Context,
    city: CityOption = None,
    commune: CommuneOption = None,
    sector: SectorOption = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            metavar="TAG",
            help=_("A tag. Repeatable."),
            rich_help_panel=FILTERS,
            autocompletion=_completer(Completable.TAG),
        ),
    ] = None,
    founded_since: Annotated[
        int | None,
        typer.Option(
            metavar="YEAR", help=_("Founded this year or later."), rich_help_panel=FILTERS
        ),
    ] = None,
    founded_until: Annotated[
        int | None,
        typer.Option(
            metavar="YEAR", help=_("Founded this year or earlier."), rich_help_panel=FILTERS
        ),
    ] = None,
    search: SearchOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List startups, filtered by city, sector, tag, founding year or text.

    Examples:

      normandie startups --city rouen

      normandie startups --sector big-data --founded-since 2010 --json

      normandie startups --city caen --city "le havre" -c id,name | cut -f2
    """
    from normandie_cli import query

    with _reporting():
        settings = _settings(ctx)
        output = _choose_format(fmt, as_json, as_csv)
        dataset = settings.dataset
        filters = query.StartupFilters(
            cities=query.union_of_scenes(dataset, city or []),
            communes=query.communes(dataset, commune or []),
            sectors=query.resolve_sectors(dataset, sector or []),
            tags=query.resolve_tags(dataset, tag or []),
            founded_since=founded_since,
            founded_until=founded_until,
            search=search,
        )
        order = query.check_sort_fields(RecordKind.STARTUP, sort or ["name"])
        found = query.sort_records(query.filter_startups(dataset, filters), order, reverse)
        given = {
            "--city": city,
            "--commune": commune,
            "--sector": sector,
            "--tag": tag,
            "--founded-since": founded_since,
            "--founded-until": founded_until,
            "--search": search,
        }
        _show_records(
            RecordKind.STARTUP,
            found[:limit],
            dataset,
            fmt=output,
            columns_text=columns,
            empty_message=_no_match(RecordKind.STARTUP, given),
            total=len(found),
        )


def organizations(
    ctx: typer.Context,
    city: CityOption = None,
    commune: CommuneOption = None,
    kind: KindOption = None,
    search: SearchOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List organisations (alias: orgs): incubators, technopoles, networks, schools…

    Examples:

      normandie organizations --city rouen

      normandie orgs --kind network --json

      normandie orgs --kind incubator --city caen
    """
    from normandie_cli import query

    with _reporting():
        output = _choose_format(fmt, as_json, as_csv)
        dataset = _settings(ctx).dataset
        filters = query.OrganizationFilters(
            cities=query.union_of_scenes(dataset, city or []),
            communes=query.communes(dataset, commune or []),
            kinds=query.resolve_kinds(dataset, kind or []),
            search=search,
        )
        order = query.check_sort_fields(RecordKind.ORGANIZATION, sort or ["name"])
        found = query.sort_records(query.filter_organizations(dataset, filters), order, reverse)
        given = {"--city": city, "--commune": commune, "--kind": kind, "--search": search}
        _show_records(
            RecordKind.ORGANIZATION,
            found[:limit],
            dataset,
            fmt=output,
            columns_text=columns,
            empty_message=_no_match(RecordKind.ORGANIZATION, given),
            total=len(found),
        )


app.command("organizations")(organizations)
app.command("orgs", help=_("Same as `organizations`."), hidden=True)(organizations)


@app.command()
def events(
    ctx: typer.Context,
    upcoming: Annotated[
        bool,
        typer.Option("--upcoming", help=_("Not over yet, soonest first."), rich_help_panel=FILTERS),
    ] = False,
    past: Annotated[
        bool, typer.Option("--past", help=_("Over, most recent first."), rich_help_panel=FILTERS)
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD", help=_("On or after this day."), rich_help_panel=FILTERS
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD", help=_("On or before this day."), rich_help_panel=FILTERS
        ),
    ] = None,
    city: CityOption = None,
    commune: CommuneOption = None,
    organizer: Annotated[
        list[str] | None,
        typer.Option(
            "--organizer",
            metavar="ID",
            help=_("An organiser's id or name. Repeatable."),
            rich_help_panel=FILTERS,
            autocompletion=_completer(Completable.ORGANIZER),
        ),
    ] = None,
    search: SearchOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List events; dates may be known to the day, the month or only the year.

    Examples:

      normandie events --upcoming

      normandie events --past --city rouen --limit 3

      normandie events --since 2015-01-01 --until 2015-12-31 --json

    An event counts as upcoming until its last possible day is over, so an event
    dated only "2026-11" is still upcoming on 2026-11-26.
    """
    from normandie_cli import query

    with _reporting():
        output = _choose_format(fmt, as_json, as_csv)
        settings = _settings(ctx)
        dataset = settings.dataset
        filters = query.EventFilters(
            today=settings.today,
            upcoming=upcoming,
            past=past,
            since=None if since is None else query.parse_date_option(since, "--since"),
            until=None if until is None else query.parse_date_option(until, "--until"),
            cities=query.union_of_scenes(dataset, city or []),
            communes=query.communes(dataset, commune or []),
            organizers=query.resolve_organizers(dataset, organizer or []),
            search=search,
        )
        order = query.check_sort_fields(RecordKind.EVENT, sort or [])
        found = query.filter_events(dataset, filters, order, reverse)
        given = {
            "--upcoming": upcoming,
            "--past": past,
            "--since": since,
            "--until": until,
            "--city": city,
            "--commune": commune,
            "--organizer": organizer,
            "--search": search,
        }
        if upcoming and query.is_stale(dataset, settings.today):
            note = _("Note: the data was last updated on {date}; the calendar may be incomplete.")
            _say(note.format(date=human_date(dataset.meta.updated)))
        empty_message = _no_match(RecordKind.EVENT, given)
        if upcoming and not found:
            without_upcoming = dataclasses.replace(filters, upcoming=False)
            empty_message = _nothing_upcoming(
                query.filter_events(dataset, without_upcoming),
                settings.today,
                {**given, "--upcoming": False},
            )
        _show_records(
            RecordKind.EVENT,
            found[:limit],
            dataset,
            fmt=output,
            columns_text=columns,
            empty_message=empty_message,
            total=len(found),
            today=settings.today,
        )


def _nothing_upcoming(matching: Sequence[Event], today: date, options: Mapping[str, Any]) -> str:
    """Say nothing is upcoming, and name the latest event the other filters match."""
    from normandie_cli.query import latest_event

    described = _describe_filters(options)
    day = human_date(today)
    if described:
        message = _("No upcoming event on or after {date} for {filters}.")
    else:
        message = _("No upcoming event on or after {date}.")
    message = message.format(date=day, filters=described)
    latest = latest_event(matching)
    if latest is not None:
        when = latest.end or latest.start
        assert when is not None  # latest_event picks among dated events
        known = _("The latest known one is {name} ({date}, id {id}).")
        message += " " + known.format(name=latest.name, date=human_date(when), id=latest.id)
    return message


@app.command()
def cities(
    ctx: typer.Context,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help=_("Every commune of Normandy, not only those with records."),
            rich_help_panel=FILTERS,
        ),
    ] = False,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List the cities that have records, with their counts of startups, organisations, events.

    Examples:

      normandie cities

      normandie cities --all --json

      normandie cities --csv -c name,startups,events
    """
    from normandie_cli.query import city_counts, sort_records

    with _reporting():
        output = _choose_format(fmt, as_json, as_csv)
        dataset = _settings(ctx).dataset
        counts = city_counts(dataset)
        shown = [c for c in dataset.cities if show_all or any(counts[c.id].values())]
        _show_records(
            RecordKind.CITY,
            sort_records(shown, ["name"]),
            dataset,
            fmt=output,
            columns_text=columns,
            empty_message=_("No city has records yet; `normandie cities --all` lists them all."),
        )


@app.command()
def sources(
    ctx: typer.Context,
    limit: LimitOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List the sources the data cites, with how many records cite each.

    Examples:

      normandie sources

      normandie sources --limit 5

      normandie sources --csv -c id,url,cited_by
    """
    from normandie_cli.query import sort_records

    with _reporting():
        output = _choose_format(fmt, as_json, as_csv)
        dataset = _settings(ctx).dataset
        listed = sort_records(dataset.sources, ["id"])
        _show_records(
            RecordKind.SOURCE,
            listed[:limit],
            dataset,
            fmt=output,
            columns_text=columns,
            empty_message=_("The dataset cites no source."),
            total=len(listed),
        )


@app.command()
def info(
    ctx: typer.Context,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the dataset's version, last update, counts, and the licences and attributions.

    Examples:

      normandie info

      normandie info --json

      normandie info -f tsv
    """
    from normandie_cli.query import dataset_summary

    with _reporting():
        output = _choose_format(fmt, as_json, False)
        summary = dataset_summary(_settings(ctx).dataset)
        if output is OutputFormat.TABLE:
            from normandie_cli.render import summary_view

            _console().print(summary_view(summary))
            return
        from normandie_cli.export import format_rows, to_json_object

        if output is OutputFormat.JSON:
            _write(to_json_object(dataclasses.asdict(summary)))
        else:
            from normandie_cli.query import summary_rows

            _write(format_rows(output, summary_rows(summary), ["field", "value"]))


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help=_("Dataset files or folders. Default: the dataset in use (--data or bundled)."),
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=_("Treat warnings as errors (exit 1)."))
    ] = False,
) -> None:
    """Check dataset files: every error, then data-quality warnings.

    Examples:

      normandie validate

      normandie validate --strict

      normandie export --toml -o copy.toml && normandie validate copy.toml

    Exit 0 when valid (warnings are listed), 1 when not valid or, with --strict, when
    anything is warned about.
    """
    from normandie_cli.dataset import bundled_data_path, load_dataset
    from normandie_cli.quality import quality_warnings

    with _reporting():
        settings = _settings(ctx)
        failed = False
        for path in paths or [settings.data or bundled_data_path()]:
            label = _("the bundled dataset") if path == bundled_data_path() else str(path)
            # The dataset in use is checked as it is used: with the overlay, if there is one.
            overlay = settings.overlay if not paths else None
            if overlay is not None and overlay.exists():
                label += _(" with the overlay {path}").format(path=overlay)
            try:
                dataset = load_dataset(path, overlay)
            except NormandieError as error:
                _say(f"{error}", style="red")
                failed = True
                continue
            warnings = quality_warnings(dataset, settings.today)
            for warning in warnings:
                _say(
                    _("{label}: warning: {warning}").format(label=label, warning=warning),
                    style="yellow",
                )
            records = sum(len(dataset.records(kind)) for kind in RecordKind)
            if not warnings:
                verdict = _("valid")
            elif strict:
                verdict = _("refused by --strict: {count} warning(s)").format(count=len(warnings))
            else:
                verdict = _("valid, {count} warning(s)").format(count=len(warnings))
            done = _("{label}: {verdict} ({count} records).")
            _say(done.format(label=label, verdict=verdict, count=records))
            failed = failed or (strict and bool(warnings))
        if failed:
            raise typer.Exit(int(ExitCode.DATA_ERROR))


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("The id of any record."),
            autocompletion=_completer(Completable.RECORD_ID),
        ),
    ],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Show every field of one record (startup, organisation, event, city…) and its sources.

    Examples:

      normandie show saagie

      normandie show codeurs-en-seine-2015 --json

      normandie show rouen
    """
    from normandie_cli.query import find_record, record_rows

    with _reporting():
        output = _choose_format(fmt, as_json, as_csv)
        dataset = _settings(ctx).dataset
        kind, record = find_record(dataset, record_id)
        (fields,) = record_rows([record], dataset)
        if output is OutputFormat.TABLE:
            from normandie_cli.render import record_detail

            cited = set(getattr(record, "sources", ()))
            sources = [s for s in dataset.sources if s.id in cited]
            origin = _origin(_settings(ctx), record.id)
            _console().print(record_detail(kind, fields, sources, dataset, origin))
        elif output is OutputFormat.JSON:
            from normandie_cli.export import to_json_object

            _write(to_json_object({"table": kind.value, **fields}))
        else:
            from normandie_cli.export import format_rows

            rows = [{"table": kind.value, **fields}]
            _write(format_rows(output, rows, list(rows[0])))


def _origin(settings: _Settings, record_id: str) -> str:
    """Where a record comes from: the overlay, the bundled dataset or the --data one."""
    if settings.overlay is not None and settings.overlay.exists():
        from normandie_cli.overlay import overlay_ids, read_overlay

        if record_id in overlay_ids(read_overlay(settings.overlay)):
            return _("your overlay, {path}").format(path=settings.overlay)
    if settings.data is None:
        return _("the bundled dataset")
    return _("the dataset {path}").format(path=settings.data)


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=_("Words to look for; case and accents ignored."))],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Search startups, organisations, events and cities at once, grouped by kind.

    Examples:

      normandie search innopolis

      normandie search "big data" --json

      normandie search rouen --csv
    """
    from normandie_cli.query import DEFAULT_COLUMNS, record_rows, search_all

    with _reporting():
        output = _choose_format(fmt, as_json, as_csv)
        dataset = _settings(ctx).dataset
        groups = {
            kind: record_rows(records, dataset)
            for kind, records in search_all(dataset, text).items()
        }
        if not groups:
            _say(_("Nothing matches {text!r}.").format(text=text))
        if output is OutputFormat.TABLE:
            if not groups:
                return
            from normandie_cli.render import search_results

            console = _console()
            console.print(search_results(groups, DEFAULT_COLUMNS, dataset, console.width))
            return
        from normandie_cli.export import format_rows

        rows = [{"table": kind.value, **row} for kind, rows in groups.items() for row in rows]
        columns = ["table", "id", "name"]
        if output in (OutputFormat.JSON, OutputFormat.JSONL):
            _write(format_rows(output, rows, []))
        else:
            _write(format_rows(output, rows, columns))


@app.command()
def compare(
    ctx: typer.Context,
    places: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CITY]...",
            help=_("Cities to compare. Default: caen rouen le-havre."),
            autocompletion=_completer(Completable.CITY),
        ),
    ] = None,
    by: Annotated[
        CompareBy,
        typer.Option(
            "--by",
            case_sensitive=False,
            help=_(
                "city: each city with its agglomeration; region: former Basse- against Haute-"
                "Normandie; department: each department."
            ),
        ),
    ] = CompareBy.CITY,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            help=_("How many top sectors (and, in the table, kinds)."),
            rich_help_panel=OUTPUT,
        ),
    ] = 3,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Compare scenes side by side: startups, funding, organisations and events.

    Examples:

      normandie compare

      normandie compare caen rouen --json

      normandie compare --by region

    By region or department, records whose city is unknown get a column of their own; by
    city, a city counts its whole agglomeration. Funding sums only the known amounts and
    says how many startups those are.
    """
    from normandie_cli import query

    with _reporting():
        output = _choose_format(fmt, as_json, as_csv)
        settings = _settings(ctx)
        dataset = settings.dataset
        if by is not CompareBy.CITY and places:
            raise UsageError(
                _("--by {by} compares fixed groups: leave out the cities").format(by=by.value)
            )
        if by is CompareBy.REGION:
            scenes = query.region_scenes(dataset)
        elif by is CompareBy.DEPARTMENT:
            scenes = query.department_scenes(dataset)
        else:
            resolved = [query.resolve_scene(dataset, p) for p in places or query.DEFAULT_SCENES]
            scenes = list({scene.id: scene for scene in resolved}.values())  # each scene once
        summaries = query.compare_scenes(dataset, scenes, settings.today, top)
        if output is OutputFormat.TABLE:
            from normandie_cli.render import comparison_table

            _console().print(comparison_table(summaries, dataset, top))
            return
        from normandie_cli.export import format_rows

        rows = query.comparison_rows(summaries)
        _write(format_rows(output, rows, list(rows[0])))


cache_app = typer.Typer(help=_("Manage the cache of the checked dataset."), no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove the cached dataset; the next command reads and checks the TOML again.

    Examples:

      normandie cache clear

      normandie --no-cache startups --city rouen
    """
    from normandie_cli.cache import cache_folder, clear_cache

    with _reporting():
        removed = clear_cache()
        _say(
            _("Removed {count} cache file(s) from {folder}.").format(
                count=removed, folder=cache_folder()
            )
        )


def _flag(name: str, text: str) -> Any:
    """An export format's on/off option."""
    return typer.Option(name, help=text, rich_help_panel=OUTPUT)


@app.command()
def export(
    ctx: typer.Context,
    as_csv: Annotated[bool, _flag("--csv", _("CSV, RFC 4180, UTF-8 (the default)."))] = False,
    as_excel: Annotated[
        bool, _flag("--excel", _("CSV for a French Excel: ';' separators and a UTF-8 BOM."))
    ] = False,
    as_json: Annotated[bool, _flag("--json", _("A JSON list of full records."))] = False,
    as_jsonl: Annotated[bool, _flag("--jsonl", _("JSON Lines: one record a line."))] = False,
    as_toml: Annotated[
        bool, _flag("--toml", _("The whole dataset as one TOML file that --data reads back."))
    ] = False,
    as_ics: Annotated[bool, _flag("--ics", _("Events as an iCalendar file (RFC 5545)."))] = False,
    as_geojson: Annotated[
        bool, _flag("--geojson", _("Cities and organisations on a map (GeoJSON, RFC 7946)."))
    ] = False,
    sqlite: Annotated[
        Path | None,
        typer.Option(
            "--sqlite",
            metavar="FILE",
            help=_("The whole dataset as a SQLite database, for sqlite3 or Datasette."),
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help=_("The format by name."),
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    entity: Annotated[
        RecordKind,
        typer.Option(
            case_sensitive=False,
            help=_("Which records, for CSV, TSV and JSON formats."),
            rich_help_panel=FILTERS,
        ),
    ] = RecordKind.STARTUP,
    city: CityOption = None,
    commune: CommuneOption = None,
    sector: SectorOption = None,
    kind: KindOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Write to this file; '-' or nothing: the screen."),
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=_("Replace the output file if it exists."), rich_help_panel=OUTPUT
        ),
    ] = False,
) -> None:
    """Export the data for another tool: Excel, a calendar, a map, a database, jq.

    Examples:

      normandie export --excel --city rouen -o startups-rouen.csv

      normandie export --ics --city caen -o caen.ics

      normandie export --sqlite normandie.db

    CSV, TSV and JSON take one kind of record (--entity) with every field; lists share one
    CSV cell joined with "|", awards and funding rounds one cell of JSON. Text that a
    spreadsheet would run as a formula gets a leading '. Files are written whole or not at
    all, and never replace an existing file without --force.
    """
    from normandie_cli.dataset import bundled_data_path
    from normandie_cli.export import check_target, write_file

    with _reporting():
        flags = {
            ExportFormat.CSV: as_csv,
            ExportFormat.EXCEL: as_excel,
            ExportFormat.JSON: as_json,
            ExportFormat.JSONL: as_jsonl,
            ExportFormat.TOML: as_toml,
            ExportFormat.ICS: as_ics,
            ExportFormat.GEOJSON: as_geojson,
            ExportFormat.SQLITE: sqlite is not None,
        }
        chosen = {f for f, on in flags.items() if on} | ({fmt} if fmt else set())
        if len(chosen) > 1:
            names = ", ".join(sorted(f.value for f in chosen))
            raise UsageError(
                _("choose one export format, not several ({names})").format(names=names)
            )
        chosen_format = chosen.pop() if chosen else ExportFormat.CSV
        settings = _settings(ctx)
        dataset = settings.dataset
        protect = settings.data or bundled_data_path()
        to_screen = output is None or str(output) == "-"
        if chosen_format is ExportFormat.SQLITE:
            if sqlite is not None and not to_screen:
                raise UsageError(_("give the database file once: --sqlite FILE, not also -o"))
            if city or commune or sector or kind:
                raise UsageError(_("--sqlite exports the whole dataset: leave out the filters"))
            target = sqlite or (None if to_screen else output)
            if target is None or str(target) == "-":
                raise UsageError(_("a SQLite database is a file: give --sqlite FILE"))
            check_target(target, force=force, protect=protect)
            from normandie_cli.export_sqlite import write_sqlite

            write_sqlite(dataset, target)
            _say(_("Wrote the dataset to {path}.").format(path=target))
            return
        try:
            content, what = _export_content(
                chosen_format, dataset, settings.today, entity, city, commune, sector, kind
            )
        except NoMatch as empty:
            _say(str(empty))
            return
        if to_screen:
            _write(content)
            return
        assert output is not None
        write_file(output, content, force=force, protect=protect)
        _say(_("Wrote {what} to {path}.").format(what=what, path=output))


class NoMatch(Exception):
    """Nothing to export: said on stderr, and not an error (exit 0)."""


def _export_content(
    chosen: ExportFormat,
    dataset: Dataset,
    today: date,
    entity: RecordKind,
    city: Sequence[str] | None,
    commune: Sequence[str] | None,
    sector: Sequence[str] | None,
    kind: Sequence[str] | None,
) -> tuple[str, str]:
    """The exported text, and what it holds, for every format but SQLite."""
    from normandie_cli import query

    cities = query.union_of_scenes(dataset, city or [])
    communes = query.communes(dataset, commune or [])
    if chosen in (ExportFormat.TOML, ExportFormat.GEOJSON) and (
        cities or communes or sector or kind
    ):
        raise UsageError(
            _("--{format} exports the whole dataset: leave out the filters").format(
                format=chosen.value
            )
        )
    if chosen is ExportFormat.TOML:
        from normandie_cli.export_toml import to_toml

        return to_toml(dataset), _("the dataset")
    if chosen is ExportFormat.GEOJSON:
        from normandie_cli.export_geojson import to_geojson

        return to_geojson(dataset), _("the map")
    if chosen is ExportFormat.ICS:
        from normandie_cli.export_ics import to_ics

        if sector or kind:
            raise UsageError(_("--ics exports events: --sector and --kind do not apply"))
        events = query.filter_events(
            dataset, query.EventFilters(today=today, cities=cities, communes=communes)
        )
        calendar, notes = to_ics(events, dataset)
        for note in notes:
            _say(_("Note: {note}").format(note=note))
        count = calendar.count(b"BEGIN:VEVENT")
        if count == 0:  # RFC 5545 wants at least one event in a calendar
            raise NoMatch(_("No event with a known day matches: nothing was written."))
        return calendar.decode("utf-8"), _("{count} events").format(count=count)
    records = _filtered_records(dataset, today, entity, cities, communes, sector, kind)
    from normandie_cli.export import format_rows
    from normandie_cli.query import field_names, record_rows

    rows = record_rows(records, dataset)
    listing_format = OutputFormat(chosen.value)
    what = _("{count} records ({table})").format(count=len(rows), table=entity.value)
    return format_rows(listing_format, rows, field_names(entity)), what


def _filtered_records(
    dataset: Dataset,
    today: date,
    entity: RecordKind,
    cities: frozenset[str] | None,
    communes: frozenset[str] | None,
    sector: Sequence[str] | None,
    kind: Sequence[str] | None,
) -> Sequence[Record]:
    """The records of one kind that the export's filters keep."""
    from normandie_cli import query

    if sector and entity is not RecordKind.STARTUP:
        raise UsageError(_("--sector applies to --entity startups"))
    if kind and entity is not RecordKind.ORGANIZATION:
        raise UsageError(_("--kind applies to --entity organizations"))
    if entity is RecordKind.STARTUP:
        sectors = query.resolve_sectors(dataset, sector or [])
        return query.filter_startups(
            dataset, query.StartupFilters(cities=cities, communes=communes, sectors=sectors)
        )
    if entity is RecordKind.ORGANIZATION:
        kinds = query.resolve_kinds(dataset, kind or [])
        return query.filter_organizations(
            dataset, query.OrganizationFilters(cities=cities, communes=communes, kinds=kinds)
        )
    if entity is RecordKind.EVENT:
        return query.filter_events(
            dataset, query.EventFilters(today=today, cities=cities, communes=communes)
        )
    if cities is not None or communes is not None:
        raise UsageError(_("--city and --commune apply to startups, organizations and events"))
    return dataset.records(entity)


# The commands that add and correct records live in a module of their own; importing it
# registers them on `app` (it uses the helpers above, so it comes after them).
from normandie_cli import cli_overlay  # noqa: E402, F401


def _commands(typer_app: typer.Typer) -> Iterator[Any]:
    """The commands of an app and of its groups (`cache clear`…)."""
    yield from typer_app.registered_commands
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            yield from _commands(group.typer_instance)


# Kept after the last command: the commands whose help is their docstring get it in the
# chosen language.
_HELP_FROM_DOCSTRINGS = [c for c in _commands(app) if c.help is None]


def help_messages() -> list[str]:
    """The commands' docstrings as written, in English: the catalogue's entries for them."""
    return [inspect.getdoc(c.callback) or "" for c in _HELP_FROM_DOCSTRINGS]


for _info in _HELP_FROM_DOCSTRINGS:
    _info.help = _(inspect.getdoc(_info.callback) or "")


def main() -> None:
    """The console script: never a traceback for a closed pipe or an unencodable character."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and not (columns.isdigit() and int(columns) > 0):
        # Rich would take COLUMNS=0 at its word and print nothing at all, errors included.
        del os.environ["COLUMNS"]
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() not in (
            "utf-8",
            "utf8",
        ):
            stream.reconfigure(errors="replace")
    stdout_before = _stdout_identity()
    try:
        app()
    except SystemExit as exit:
        # Rich, printing the help, meets a reader that has gone (`normandie --help | head -1`)
        # by pointing stdout at /dev/null and exiting 1; a reader that has gone is no error.
        now = _stdout_identity()
        if exit.code == 1 and now != stdout_before and now == _identity(os.devnull):
            raise SystemExit(int(ExitCode.OK)) from None
        raise


def _stdout_identity() -> tuple[int, int] | None:
    try:
        info = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _identity(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino
