"""The listings: `startups`, `organizations` (`orgs`), `events`, `cities` and `sources`.

Each turns its options into query.Filters, asks query.select (the query every export asks
too), and prints the records in the chosen format."""

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Annotated

import typer

from normandie_cli.cli.context import settings
from normandie_cli.cli.options import (
    FILTERS,
    CityOption,
    ColumnsOption,
    CommuneOption,
    CsvOption,
    DepartmentOption,
    FormatOption,
    FoundedSinceOption,
    FoundedUntilOption,
    JsonOption,
    KindOption,
    LimitOption,
    RegionOption,
    ReverseOption,
    SearchOption,
    SectorOption,
    SinceOption,
    SortOption,
    StatusOption,
    TagOption,
    UntilOption,
    completer,
)
from normandie_cli.cli.showing import list_records, no_match, say_cityless, show_records
from normandie_cli.completion import Completable
from normandie_cli.i18n import _, human_date
from normandie_cli.models import Event, RecordKind
from normandie_cli.query import Filters

app = typer.Typer()


@app.command()
def startups(
    ctx: typer.Context,
    city: CityOption = None,
    commune: CommuneOption = None,
    department: DepartmentOption = None,
    region: RegionOption = None,
    sector: SectorOption = None,
    tag: TagOption = None,
    founded_since: FoundedSinceOption = None,
    founded_until: FoundedUntilOption = None,
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
        department=tuple(department or ()),
        region=tuple(region or ()),
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
    department: DepartmentOption = None,
    region: RegionOption = None,
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
        city=tuple(city or ()),
        commune=tuple(commune or ()),
        department=tuple(department or ()),
        region=tuple(region or ()),
        kind=tuple(kind or ()),
        search=search,
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
    upcoming: Annotated[
        bool,
        typer.Option("--upcoming", help=_("Not over yet, soonest first."), rich_help_panel=FILTERS),
    ] = False,
    past: Annotated[
        bool, typer.Option("--past", help=_("Over, most recent first."), rich_help_panel=FILTERS)
    ] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    city: CityOption = None,
    commune: CommuneOption = None,
    department: DepartmentOption = None,
    region: RegionOption = None,
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
        department=tuple(department or ()),
        region=tuple(region or ()),
        organizer=tuple(organizer or ()),
        search=search,
    )
    found = select_events(dataset, filters, given.today, sort or [], reverse)
    if upcoming and is_stale(dataset, given.today):
        note = _("Note: the data was last updated on {date}; the calendar may be incomplete.")
        given.env.say(note.format(date=human_date(dataset.meta.updated)))
    empty_message: str | list[str] = no_match(RecordKind.EVENT, filters)
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


def _nothing_upcoming(matching: Sequence[Event], today: date, others: Filters) -> list[str]:
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
        return [message, *lines]
    latest = latest_event(matching)
    if latest is not None:
        when = latest.end or latest.start
        assert when is not None  # latest_event picks among dated events
        known = _("The latest known one is {name} ({date}, id {id}).")
        message += " " + known.format(name=latest.name, date=human_date(when), id=latest.id)
    return [message]


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
    city: CityOption = None,
    commune: CommuneOption = None,
    department: DepartmentOption = None,
    region: RegionOption = None,
    search: SearchOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List the cities that have records, with their counts of startups, organisations, events.

    Examples:

      normandie cities

      normandie cities --department 14 --sort population -r -L 5

      normandie cities --all --region haute-normandie --csv -c name,startups,events
    """
    from normandie_cli.places import city_counts
    from normandie_cli.query import select

    given = settings(ctx)
    output = given.env.choose_format(fmt, as_json, as_csv)
    dataset = given.dataset
    filters = Filters(
        city=tuple(city or ()),
        commune=tuple(commune or ()),
        department=tuple(department or ()),
        region=tuple(region or ()),
        search=search,
    )
    found = select(dataset, RecordKind.CITY, filters, given.today, sort or ["name"], reverse)
    if not show_all:
        counts = city_counts(dataset)
        found = [c for c in found if any(counts[c.id].values())]
    empty = no_match(RecordKind.CITY, filters)
    if not show_all:
        empty += " " + _("`--all` lists the communes without records too.")
    show_records(
        given.env,
        RecordKind.CITY,
        found[:limit],
        dataset,
        fmt=output,
        columns_text=columns,
        empty_message=empty,
        total=len(found),
    )


@app.command()
def sources(
    ctx: typer.Context,
    search: SearchOption = None,
    sort: SortOption = None,
    reverse: ReverseOption = False,
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
        Filters(search=search),
        order=sort or ["id"],
        reverse=reverse,
        limit=limit,
        fmt=output,
        columns=columns,
    )
