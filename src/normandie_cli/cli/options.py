"""The options and arguments several commands share, declared once, with Tab completion of
the dataset's own values."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from normandie_cli.completion import Completable, Index
from normandie_cli.i18n import _, choose_language, use_language
from normandie_cli.models import RecordKind
from normandie_cli.output.formats import OutputFormat
from normandie_cli.query import StatusChoice

FILTERS = _("Filters")
OUTPUT = _("Output")
RECORD = _("Record")
CITING = _("Sources")


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


def _completion_index(ctx: typer.Context, what: Completable) -> Index:
    """The completion index of the dataset the command line names (its part for `what` at
    least): kept in the cache beside the dataset, made again (the dataset read through the
    cache) when it is missing or no longer current; never a spinner on the person's prompt."""
    from normandie_cli.cache import cached_index, load, write_index
    from normandie_cli.completion import INDEX_FORMAT, completion_index
    from normandie_cli.folders import layer_in_use, overlay_in_use

    given = ctx.find_root().params  # as typed: Typer converts only when running
    overlay = overlay_in_use(given.get("overlay"), bool(given.get("no_overlay")))
    data = Path(given["data"]) if given.get("data") else None
    updates = layer_in_use(bool(given.get("no_updates")))
    origin, key, part = cached_index(data, overlay, updates, INDEX_FORMAT, what.value)
    if part is not None:
        return {what.value: part}
    index = completion_index(load(data, overlay, updates=updates))
    if key is not None:
        write_index(origin, key, INDEX_FORMAT, index)
    return index


# One completer per kind of value, so that a test can tell which kind an option completes.
_COMPLETERS: dict[Completable, Completer] = {}


def completer(what: Completable) -> Completer:
    """Tab completion of one kind of dataset value (see completion.Completable). Tab's
    quick path (cli/tab.py) answers the same from the index without Typer, when it can."""
    if what in _COMPLETERS:
        return _COMPLETERS[what]

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        try:
            from rich.markup import escape

            from normandie_cli.completion import index_choices, matching, short_description
            from normandie_cli.text import inert

            # The language typed on the line, as the command would speak it: French labels
            # are offered in French (the help was built before Typer read the line).
            use_language(choose_language(ctx.find_root().params.get("lang"), os.environ))
            index = _completion_index(ctx, what)
            found = matching(index_choices(index, what, incomplete), incomplete)
            # zsh and fish show the description on one line, after Typer has read it as Rich
            # markup and wrapped it to the terminal: keep it short, and literal.
            return [(value, escape(inert(short_description(about)))) for value, about in found]
        except Exception:
            return []

    _COMPLETERS[what] = complete
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
        autocompletion=completer(Completable.CITY),
    ),
]
StatusOption = Annotated[
    StatusChoice | None,
    typer.Option(
        "--status",
        case_sensitive=False,
        help=_(
            "active: all but the companies known to be closed (the default; unknown status"
            " included); closed: only those; all: every one."
        ),
        rich_help_panel=FILTERS,
    ),
]
CommuneOption = Annotated[
    list[str] | None,
    typer.Option(
        "--commune",
        metavar="COMMUNE",
        help=_("Exactly this commune. Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=completer(Completable.CITY),
    ),
]
SectorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sector",
        metavar="SECTOR",
        help=_("Startups of this sector: its id, French or English name. Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=completer(Completable.SECTOR),
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
        autocompletion=completer(Completable.ORGANIZATION_KIND),
    ),
]
DepartmentOption = Annotated[
    list[str] | None,
    typer.Option(
        "--department",
        metavar="DEPARTMENT",
        help=_("A department: its number or name (76, seine-maritime). Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=completer(Completable.DEPARTMENT),
    ),
]
RegionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--region",
        metavar="REGION",
        help=_("A former region: basse-normandie or haute-normandie. Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=completer(Completable.REGION),
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        help=_("Startups with this tag. Repeatable."),
        rich_help_panel=FILTERS,
        autocompletion=completer(Completable.TAG),
    ),
]
FoundedSinceOption = Annotated[
    int | None,
    typer.Option(
        metavar="YEAR", help=_("Startups founded this year or later."), rich_help_panel=FILTERS
    ),
]
FoundedUntilOption = Annotated[
    int | None,
    typer.Option(
        metavar="YEAR", help=_("Startups founded this year or earlier."), rich_help_panel=FILTERS
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        metavar="DATE",
        help=_("Events on or after this day, month or year (2026-11-19, 2026-11, 2026)."),
        rich_help_panel=FILTERS,
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        metavar="DATE",
        help=_("Events on or before this day, month or year (2026-11-19, 2026-11, 2026)."),
        rich_help_panel=FILTERS,
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
UpcomingOption = Annotated[
    bool,
    typer.Option("--upcoming", help=_("Not over yet, soonest first."), rich_help_panel=FILTERS),
]
PastOption = Annotated[
    bool, typer.Option("--past", help=_("Over, most recent first."), rich_help_panel=FILTERS)
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


# --- Options of the commands that change the overlay ---------------------------------

CiteOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        metavar="ID|URL",
        help=_(
            "What states these facts: a source id, or a web address (a new source)."
            " Required; repeatable."
        ),
        rich_help_panel=CITING,
    ),
]
SourceTitleOption = Annotated[
    str | None,
    typer.Option(
        "--source-title",
        metavar="TEXT",
        help=_("The title of a new source given by its address. Default: the address."),
        rich_help_panel=CITING,
    ),
]
SourcePublisherOption = Annotated[
    str | None,
    typer.Option(
        "--source-publisher",
        metavar="TEXT",
        help=_("Who published a new source. Default: its site's name."),
        rich_help_panel=CITING,
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help=_("Check and print the TOML; write nothing.")),
]


def means_the_screen(ctx: typer.Context, name: str = "output") -> bool:
    """Whether the path option `name` was given as `-` (the screen), as typed: `./-` is a
    file named `-`, though Path('./-') reads `-` too."""
    return ctx.params.get(name) == "-"
