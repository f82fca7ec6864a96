"""The listings: `startups`, `organizations` (`orgs`), `events`, `cities` and `sources`.

Each turns its options into query.Filters, asks query.select (the query every export asks
too), and prints the records in the chosen format."""

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Annotated

import typer

from normandie_cli.cli.context import Environment, settings
from normandie_cli.cli.options import (
    FILTERS,
    CityOption,
    ColumnsOption,
    CommuneOption,
    CsvOption,
    FormatOption,
    JsonOption,
    KindOption,
    LimitOption,
    PastOption,
    ReverseOption,
    SearchOption,
    SectorOption,
    SinceOption,
    SortOption,
    StatusOption,
    UntilOption,
    UpcomingOption,
    completer,
)
from normandie_cli.completion import Completable
from normandie_cli.i18n import _, human_date
from normandie_cli.models import Dataset, Event, Record, RecordKind
from normandie_cli.output.formats import OutputFormat
from normandie_cli.query import Filters

app = typer.Typer()


def show_records(
    env: Environment,
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
    from normandie_cli.columns import (
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
            env.say(empty_message)
            return
        from normandie_cli.output.render import records_table

        columns = chosen or TABLE_COLUMNS.get(kind, DEFAULT_COLUMNS[kind])
        console = env.console()
        env.print(records_table(kind, rows, columns, dataset, console.width, today), console)
        if total is not None and total > len(rows):
            shown = _("Showing {count} of {total}; change --limit to see more.")
            env.say(shown.format(count=len(rows), total=total), style="dim")
        return
    from normandie_cli.output.formats import format_rows

    if fmt in (OutputFormat.JSON, OutputFormat.JSONL):
        columns = chosen or field_names(kind)
    else:
        columns = chosen or DEFAULT_COLUMNS[kind]
    env.write(format_rows(fmt, rows, columns))
    if not rows:
        env.say(empty_message)


def no_match(kind: RecordKind, filters: Filters) -> str:
    """What to say when a listing finds nothing: the filters given, or an empty table."""
    described = filters.describe()
    if not described:
        return {
            RecordKind.STARTUP: _("No startups in the dataset."),
            RecordKind.ORGANIZATION: _("No organisations in the dataset."),
            RecordKind.EVENT: _("No events in the dataset."),
            RecordKind.SOURCE: _("The dataset cites no source."),
        }[kind]
    matching = {
        RecordKind.STARTUP: _("No startups match {filters}."),
        RecordKind.ORGANIZATION: _("No organisations match {filters}."),
        RecordKind.EVENT: _("No events match {filters}."),
    }
    return matching[kind].format(filters=described)


def list_records(
    ctx: typer.Context,
    kind: RecordKind,
    filters: Filters,
    *,
    order: Sequence[str],
    reverse: bool,
    limit: int | None,
    fmt: OutputFormat,
    columns: str | None,
) -> None:
    """Select the records of one kind and show them: the body of every filtered listing."""
    from normandie_cli.query import select

    given = settings(ctx)
    dataset = given.dataset
    found = select(dataset, kind, filters, given.today, order, reverse)
    show_records(
        given.env,
        kind,
        found[:limit],
        dataset,
        fmt=fmt,
        columns_text=columns,
        empty_message=no_match(kind, filters),
        total=len(found),
    )
    say_cityless(given.env, dataset, kind, filters)
    if kind is RecordKind.STARTUP and filters.status is None:
        _say_closed_left_out(given.env, dataset, filters, len(found), given.today)


def say_cityless(env: Environment, dataset: Dataset, kind: RecordKind, filters: Filters) -> None:
    """After a listing by city: how many records no city filter can find, and how to list
    them, so that a city's list is not taken for all there is."""
    from normandie_cli.places import UNKNOWN_CITY, resolve_scene

    if not filters.city or any(resolve_scene(dataset, c).cityless for c in filters.city):
        return
    count = sum(1 for record in dataset.records(kind) if getattr(record, "city", "") is None)
    if count:
        hint = {
            RecordKind.STARTUP: _("{count} startups have no known city: {command} lists them."),
            RecordKind.ORGANIZATION: _(
                "{count} organisations have no known city: {command} lists them."
            ),
            RecordKind.EVENT: _("{count} events have no known city: {command} lists them."),
        }[kind]
        command = f"`normandie {_LISTED[kind]} --city {UNKNOWN_CITY}`"
        env.say(hint.format(count=count, command=command), style="dim")


# The command that lists each kind of record.
_LISTED = {
    RecordKind.STARTUP: "startups",
    RecordKind.ORGANIZATION: "organizations",
    RecordKind.EVENT: "events",
}


def _say_closed_left_out(
    env: Environment, dataset: Dataset, filters: Filters, shown: int, today: date
) -> None:
    """Listings leave closed companies out unless asked: say how many, and how to see them."""
    from normandie_cli.models import Status
    from normandie_cli.query import StatusChoice, select

    if not any(s.status is Status.CLOSED for s in dataset.startups):
        return
    every = dataclasses.replace(filters, status=StatusChoice.ALL)
    closed = len(select(dataset, RecordKind.STARTUP, every, today)) - shown
    if closed:
        note = _("{count} closed company(ies) left out; --status all shows them.")
        env.say(note.format(count=closed), style="dim")


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
            autocompletion=completer(Completable.TAG),
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
    status: StatusOption = None,
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
    output = settings(ctx).env.choose_format(fmt, as_json, as_csv)
    filters = Filters(
        city=tuple(city or ()),
        commune=tuple(commune or ()),
        sector=tuple(sector or ()),
        tag=tuple(tag or ()),
        founded_since=founded_since,
        founded_until=founded_until,
        search=search,
        status=status,
    )
    list_records(
        ctx,
        RecordKind.STARTUP,
        filters,
        order=sort or ["name"],
        reverse=reverse,
        limit=limit,
        fmt=output,
        columns=columns,
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
    output = settings(ctx).env.choose_format(fmt, as_json, as_csv)
    filters = Filters(
        city=tuple(city or ()), commune=tuple(commune or ()), kind=tuple(kind or ()), search=search
    )
    list_records(
        ctx,
        RecordKind.ORGANIZATION,
        filters,
        order=sort or ["name"],
        reverse=reverse,
        limit=limit,
        fmt=output,
        columns=columns,
    )


app.command("organizations")(organizations)
app.command("orgs", help=_("Same as `organizations`."), hidden=True)(organizations)


@app.command()
def events(
    ctx: typer.Context,
    upcoming: UpcomingOption = False,
    past: PastOption = False,
    since: SinceOption = None,
    until: UntilOption = None,
    city: CityOption = None,
    commune: CommuneOption = None,
    organizer: Annotated[
        list[str] | None,
        typer.Option(
            "--organizer",
            metavar="ID",
            help=_("An organiser's id or name. Repeatable."),
            rich_help_panel=FILTERS,
            autocompletion=completer(Completable.ORGANIZER),
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
    from normandie_cli.query import select_events
    from normandie_cli.summary import is_stale

    given = settings(ctx)
    output = given.env.choose_format(fmt, as_json, as_csv)
    dataset = given.dataset
    filters = Filters(
        upcoming=upcoming,
        past=past,
        since=since,
        until=until,
        city=tuple(city or ()),
        commune=tuple(commune or ()),
        organizer=tuple(organizer or ()),
        search=search,
    )
    found = select_events(dataset, filters, given.today, sort or [], reverse)
    if upcoming and is_stale(dataset, given.today):
        note = _("Note: the data was last updated on {date}; the calendar may be incomplete.")
        given.env.say(note.format(date=human_date(dataset.meta.updated)))
    empty_message = no_match(RecordKind.EVENT, filters)
    if upcoming and not found:
        others = dataclasses.replace(filters, upcoming=False)
        empty_message = _nothing_upcoming(
            select_events(dataset, others, given.today), given.today, others
        )
    show_records(
        given.env,
        RecordKind.EVENT,
        found[:limit],
        dataset,
        fmt=output,
        columns_text=columns,
        empty_message=empty_message,
        total=len(found),
        today=given.today,
    )
    say_cityless(given.env, dataset, RecordKind.EVENT, filters)


def _nothing_upcoming(matching: Sequence[Event], today: date, others: Filters) -> str:
    """Say nothing is upcoming; then the recurring series the other filters match, with
    their last editions, or else the latest event."""
    from normandie_cli.query import latest_event
    from normandie_cli.series import describe, recurring_series

    described = others.describe()
    day = human_date(today)
    if described:
        message = _("No upcoming event on or after {date} for {filters}.")
    else:
        message = _("No upcoming event on or after {date}.")
    message = message.format(date=day, filters=described)
    series = recurring_series(matching, today)
    if series:
        lines = [_("Recurring events, by their editions in the data:")]
        lines += [f"  {describe(one)}" for one in series]
        return "\n".join([message, *lines])
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
    from normandie_cli.places import city_counts
    from normandie_cli.query import sort_records

    given = settings(ctx)
    output = given.env.choose_format(fmt, as_json, as_csv)
    dataset = given.dataset
    counts = city_counts(dataset)
    shown = [c for c in dataset.cities if show_all or any(counts[c.id].values())]
    show_records(
        given.env,
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
    output = settings(ctx).env.choose_format(fmt, as_json, as_csv)
    list_records(
        ctx,
        RecordKind.SOURCE,
        Filters(),
        order=["id"],
        reverse=False,
        limit=limit,
        fmt=output,
        columns=columns,
    )
