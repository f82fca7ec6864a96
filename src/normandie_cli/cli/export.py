"""`normandie export`: the data for another tool, in any format, to a file or the screen."""

from pathlib import Path
from typing import Annotated, Any

import typer

from normandie_cli.cli.context import settings
from normandie_cli.cli.options import (
    FILTERS,
    OUTPUT,
    CityOption,
    CommuneOption,
    KindOption,
    SectorOption,
    StatusOption,
    means_the_screen,
)
from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.models import RecordKind
from normandie_cli.output.formats import ExportFormat
from normandie_cli.query import Filters

app = typer.Typer()


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
    # Output files are checked by the one write path (files.check_target), not by Click.
    sqlite: Annotated[
        Path | None,
        typer.Option(
            "--sqlite",
            readable=False,
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
    status: StatusOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            readable=False,
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
    from normandie_cli.files import write_file
    from normandie_cli.output.formats import export as exported_as
    from normandie_cli.output.formats import export_kind
    from normandie_cli.query import select

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
        raise UsageError(_("choose one export format, not several ({names})").format(names=names))
    chosen_format = chosen.pop() if chosen else ExportFormat.CSV
    given = settings(ctx)
    dataset = given.dataset
    output_option = "output"
    if chosen_format is ExportFormat.SQLITE and sqlite is not None:
        if output is not None and not means_the_screen(ctx):
            raise UsageError(_("give the database file once: --sqlite FILE, not also -o"))
        output, output_option = sqlite, "sqlite"
    filters = Filters(
        city=tuple(city or ()),
        commune=tuple(commune or ()),
        sector=tuple(sector or ()),
        kind=tuple(kind or ()),
        status=status,
    )
    records_kind = export_kind(chosen_format, entity, filters)
    to_screen = output is None or means_the_screen(ctx, output_option)
    if chosen_format is ExportFormat.SQLITE and to_screen:
        raise UsageError(_("a SQLite database is a file: give --sqlite FILE"))
    records = select(dataset, records_kind, filters, given.today)
    result = exported_as(chosen_format, dataset, records_kind, records)
    for note in result.notes:
        given.env.say(note)
    if result.content is None:
        return
    if output is None or to_screen:
        given.env.write(result.content)
        return
    write_file(output, result.content, force=force, reads=given.read_paths())
    given.env.say(_("Wrote {what} to {path}.").format(what=result.what, path=output))
