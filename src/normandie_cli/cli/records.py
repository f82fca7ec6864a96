"""The dataset as a whole and its single records: `info`, `validate`, `show` and `search`."""

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from normandie_cli.cli.context import Settings, settings
from normandie_cli.cli.options import (
    FILTERS,
    OUTPUT,
    CsvOption,
    FormatOption,
    JsonOption,
    completer,
)
from normandie_cli.completion import Completable
from normandie_cli.dataset import exists
from normandie_cli.errors import AlreadySaid, NormandieError, UsageError
from normandie_cli.i18n import _, group_digits, human_date
from normandie_cli.models import Dataset, RecordKind
from normandie_cli.output.formats import OutputFormat, format_rows

app = typer.Typer()


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
    from normandie_cli.summary import dataset_summary, summary_rows

    given = settings(ctx)
    output = given.env.choose_format(fmt, as_json, False)
    summary = dataset_summary(given.dataset)
    if output is OutputFormat.TABLE:
        from normandie_cli.output.render import summary_view

        given.env.print(summary_view(summary))
    elif output is OutputFormat.JSON:
        from normandie_cli.output.json import to_json_object

        given.env.write(to_json_object(dataclasses.asdict(summary)))
    else:
        given.env.write(format_rows(output, summary_rows(summary), ["field", "value"]))


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            readable=False,
            metavar="[PATH]...",
            help=_(
                "Dataset files or folders, or overlay files (checked over the dataset in use)."
                " Default: the dataset in use (--data or bundled), with your overlay."
            ),
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

    A file of changes, as `overlay export` writes one (records and retirements, no meta
    table), is checked over the dataset in use, as `--overlay FILE validate` does.

    Exit 0 when valid (warnings are listed), 1 when not valid or, with --strict, when
    anything is warned about.
    """
    from normandie_cli.dataset import bundled_data_path, is_overlay, load_dataset, read_given
    from normandie_cli.folders import is_within
    from normandie_cli.quality import quality_warnings

    given = settings(ctx)
    say = given.env.say
    failed = False
    in_use = given.data or bundled_data_path()
    for given_path in paths or [in_use]:
        # The dataset in use is checked as it is used: with the overlay, if there is one;
        # a file given is read once (a pipe holds its text once) and checked as what it
        # is: an overlay file so, in place of that overlay, over the dataset in use.
        path, overlay, updates = given_path, None, None
        tables: dict[str, Any] | None = None
        changes: dict[str, Any] | None = None
        try:
            if not paths:
                overlay, updates = given.overlay, given.updates
            else:
                tables = read_given(given_path)
                if tables is not None and is_overlay(tables) and not is_within(given_path, in_use):
                    path, overlay, updates = in_use, given_path, given.updates
                    tables, changes = None, tables
            dataset = load_dataset(path, overlay, updates, given=tables, changes=changes)
        except NormandieError as error:  # said, and the next path checked
            say(error.shown_lines(), style="red")
            failed = True
            continue
        label = _("the bundled dataset") if path == bundled_data_path() else str(path)
        if updates is not None and exists(updates):
            label += _(" with the updates layer {path}").format(path=updates)
        if overlay is not None and (changes is not None or exists(overlay)):
            label += _(" with the overlay {path}").format(path=overlay)
        warnings = quality_warnings(dataset, given.today)
        for warning in warnings:
            say(
                _("{label}: warning: {warning}").format(label=label, warning=warning),
                style="yellow",
            )
        records = sum(len(dataset.records(kind)) for kind in RecordKind)
        if not warnings:
            verdict = _("valid")
        elif strict:
            verdict = _("refused by --strict: {count} warning(s)").format(
                count=group_digits(len(warnings))
            )
        else:
            verdict = _("valid, {count} warning(s)").format(count=group_digits(len(warnings)))
        done = _("{label}: {verdict} ({count} records).")
        say(done.format(label=label, verdict=verdict, count=group_digits(records)))
        failed = failed or (strict and bool(warnings))
    if failed:
        raise AlreadySaid()


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("The id of any record."),
            autocompletion=completer(Completable.RECORD_ID),
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
    from normandie_cli.columns import record_rows
    from normandie_cli.query import find_record

    given = settings(ctx)
    output = given.env.choose_format(fmt, as_json, as_csv)
    dataset = given.dataset
    kind, record = find_record(dataset, record_id)
    (fields,) = record_rows([record], dataset)
    citing = []
    if kind is RecordKind.SOURCE:
        from normandie_cli.quality import citing_records

        citing = citing_records(dataset)[record.id]
    if output is not OutputFormat.TABLE and kind is RecordKind.SOURCE:
        fields["citing"] = tuple(cited.id for _kind, cited in citing)
    if output is OutputFormat.TABLE:
        from normandie_cli.output.render import record_detail

        cited = set(getattr(record, "sources", ()))
        sources = [s for s in dataset.sources if s.id in cited]
        origin = _origin(given, record.id)
        marks = register_marks(dataset, record.id)
        given.env.print(record_detail(kind, fields, sources, dataset, origin, marks, citing))
    elif output is OutputFormat.JSON:
        from normandie_cli.output.json import to_json_object

        given.env.write(to_json_object({"table": kind.value, **fields}))
    elif output is OutputFormat.JSONL:
        given.env.write(format_rows(output, [{"table": kind.value, **fields}], []))
    else:
        # One record reads down the page: a line per field (field, value), headed.
        rows = [{"field": name, "value": value} for name, value in fields.items()]
        rows.insert(0, {"field": "table", "value": kind.value})
        given.env.write(format_rows(output, rows, ["field", "value"]))


@app.command("open")
def open_record(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("The id of a startup, organisation, event or source."),
            autocompletion=completer(Completable.RECORD_ID),
        ),
    ],
) -> None:
    """Open a record's website in the web browser; in a pipe, print its address.

    Examples:

      normandie open yousign

      normandie open maddyness-2015-11-19

    Only http:// and https:// addresses are opened (the dataset accepts no other). Where no
    browser can be started, the address is printed instead.
    """
    from normandie_cli.query import find_record

    given = settings(ctx)
    _kind, record = find_record(given.dataset, record_id)
    address = getattr(record, "website", None) or getattr(record, "url", None)
    if not address:
        none = _(
            "{id} has no website in the data: `normandie show {id}` lists its fields and sources."
        )
        raise UsageError(none.format(id=record.id))
    if given.env.stdout_is_terminal():
        import webbrowser

        if webbrowser.open(address):
            given.env.say(_("Opened {address}.").format(address=address))
            return
        given.env.say(_("No web browser could be started: here is the address."), style="dim")
    given.env.write(address + "\n")


def _origin(given: Settings, record_id: str) -> str:
    """Where a record comes from: the overlay, the updates layer, the bundled dataset or
    the --data one; completed from the register when the layer filled some of its fields."""
    if given.overlay is not None and exists(given.overlay):
        from normandie_cli.overlay import overlay_ids, read_overlay

        if record_id in overlay_ids(read_overlay(given.overlay)):
            return _("your overlay, {path}").format(path=given.overlay)
    layer = given.dataset.updates
    if layer is not None and record_id in layer.added:
        return _("the updates layer (`normandie update`), {path}").format(path=layer.path)
    if given.data is None:
        origin = _("the bundled dataset")
    else:
        origin = _("the dataset {path}").format(path=given.data)
    if layer is not None and any(o.record == record_id for o in layer.filled):
        origin += _(", completed from the company register (`normandie update`)")
    return origin


def register_marks(dataset: Dataset, record_id: str) -> dict[str, str]:
    """Field -> where it came from, for each field of the record the updates layer filled."""
    if dataset.updates is None:
        return {}
    came = _("the company register, checked {date}")
    return {
        origin.field: came.format(date=human_date(origin.checked))
        for origin in dataset.updates.filled
        if origin.record == record_id
    }


class Searched(StrEnum):
    """The kinds of record `search` looks in."""

    STARTUPS = "startups"
    ORGANIZATIONS = "organizations"
    EVENTS = "events"
    CITIES = "cities"


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=_("Words to look for; case and accents ignored."))],
    entity: Annotated[
        list[Searched] | None,
        typer.Option(
            "--entity",
            case_sensitive=False,
            help=_("Look only in these records (startups, organizations, events, cities)."),
            rich_help_panel=FILTERS,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-L",
            min=1,
            metavar="N",
            help=_("Show at most N records of each kind."),
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            "-c",
            metavar="A,B,C",
            help=_("Fields to show, in this order; each kind shows those it has."),
            rich_help_panel=OUTPUT,
        ),
    ] = None,
) -> None:
    """Search startups, organisations, events and cities at once, grouped by kind.

    Examples:

      normandie search innopolis

      normandie search caen --entity startups --limit 5

      normandie search "big data" --json -c id,name
    """
    from normandie_cli.columns import DEFAULT_COLUMNS, field_names, record_rows
    from normandie_cli.query import search_all

    given = settings(ctx)
    output = given.env.choose_format(fmt, as_json, as_csv)
    dataset = given.dataset
    wanted = {RecordKind(kind.value) for kind in entity or list(Searched)}
    chosen = _search_columns(wanted, columns)
    found = {k: records for k, records in search_all(dataset, text).items() if k in wanted}
    groups = {kind: record_rows(records[:limit], dataset) for kind, records in found.items()}
    if not groups:
        given.env.say(_("Nothing matches {text!r}.").format(text=text))
    if output is OutputFormat.TABLE:
        if not groups:
            return
        from normandie_cli.output.render import search_results

        shown = {
            kind: [c for c in chosen if c in field_names(kind)] if chosen else DEFAULT_COLUMNS[kind]
            for kind in groups
        }
        console = given.env.console()
        given.env.print(search_results(groups, shown, dataset, console.width), console)
        return
    rows = [{"table": kind.value, **row} for kind, rows in groups.items() for row in rows]
    if chosen:
        picked = ["table", *chosen]
        rows = [{name: row.get(name) for name in picked} for row in rows]
        given.env.write(format_rows(output, rows, picked))
        return
    everything = output in (OutputFormat.JSON, OutputFormat.JSONL)
    given.env.write(format_rows(output, rows, [] if everything else ["table", "id", "name"]))


def _search_columns(kinds: set[RecordKind], text: str | None) -> tuple[str, ...] | None:
    """The --columns of a search: each must be a field of at least one kind searched."""
    from normandie_cli.columns import checked_columns, field_names

    if text is None:
        return None
    known = [name for kind in sorted(kinds) for name in field_names(kind)]
    return checked_columns(text, list(dict.fromkeys(known)))
