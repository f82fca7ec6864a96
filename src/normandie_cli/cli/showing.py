"""How a listing shows what it found: the records in the chosen format, what to say when
nothing matches, and the notes on stderr about what a filter cannot find (records with no
city, closed companies left out)."""

import dataclasses
from collections.abc import Sequence
from datetime import date

import typer

from normandie_cli.cli.context import Environment, settings
from normandie_cli.i18n import _
from normandie_cli.models import Dataset, Record, RecordKind
from normandie_cli.output.formats import OutputFormat
from normandie_cli.query import Filters


def show_records(
    env: Environment,
    kind: RecordKind,
    records: Sequence[Record],
    dataset: Dataset,
    *,
    fmt: OutputFormat,
    columns_text: str | None,
    empty_message: str | Sequence[str],
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
            RecordKind.CITY: _("No city has records yet."),
        }[kind]
    matching = {
        RecordKind.STARTUP: _("No startups match {filters}."),
        RecordKind.ORGANIZATION: _("No organisations match {filters}."),
        RecordKind.EVENT: _("No events match {filters}."),
        RecordKind.CITY: _("No cities match {filters}."),
        RecordKind.SOURCE: _("No sources match {filters}."),
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
