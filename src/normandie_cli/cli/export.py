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
    DepartmentOption,
    KindOption,
    PastOption,
    RegionOption,
    SectorOption,
    SinceOption,
    StatusOption,
    UntilOption,
    UpcomingOption,
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


# Extra words are let through to say what to do with them: `--sqlite FILE` took its file
# until the database became a format like the others, written with -o.
@app.command(context_settings={"allow_extra_args": True})
def export(
    ctx: typer.Context,
    as_csv: Annotated[
        bool, _flag("--csv", _("CSV, RFC 4180, UTF-8, names beside ids (the default)."))
    ] = False,
    as_excel: Annotated[
        bool,
        _flag(
            "--excel",
            _("CSV for a spreadsheet set for France: ';' separators, ',' decimals, a UTF-8 BOM."),
        ),
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
    as_sqlite: Annotated[
        bool,
        _flag(
            "--sqlite",
            _("The whole dataset as a SQLite database, for sqlite3 or Datasette; needs -o FILE."),
        ),
    ] = False,
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
    department: DepartmentOption = None,
    region: RegionOption = None,
    sector: SectorOption = None,
    kind: KindOption = None,
    status: StatusOption = None,
    upcoming: UpcomingOption = False,
    past: PastOption = False,
    since: SinceOption = None,
    until: UntilOption = None,
    # Output files are checked by the one write path (files.check_target), not by Click.
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
    datasette_metadata: Annotated[
        Path | None,
        typer.Option(
            "--datasette-metadata",
            readable=False,
            metavar="FILE",
            help=_(
                "With --sqlite: also write Datasette's metadata.json to FILE (title, licence,"
                " sources, credits, labels); '-': the screen."
            ),
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

      normandie export --ics --city caen --upcoming -o caen.ics

      normandie export --sqlite -o normandie.db

    CSV, TSV and JSON take one kind of record (--entity) with every field; lists share one
    CSV cell joined with "|", awards and funding rounds one cell of JSON. CSV and Excel add
    the names beside the ids (city_name, sector_names…), in the interface language. Text
    that a spreadsheet would run as a formula gets a leading '. Files are written whole or
    not at all, and never replace an existing file without --force.
    """
    from normandie_cli.files import check_target, same_file, write_file
    from normandie_cli.output.formats import export as exported_as
    from normandie_cli.output.formats import export_kind
    from normandie_cli.query import select

    if ctx.args:
        unexpected = _(
            "export takes no argument, got {words}: name the output file with -o"
            " (normandie export --sqlite -o normandie.db)"
        )
        raise UsageError(unexpected.format(words=" ".join(ctx.args)))
    flags = {
        ExportFormat.CSV: as_csv,
        ExportFormat.EXCEL: as_excel,
        ExportFormat.JSON: as_json,
        ExportFormat.JSONL: as_jsonl,
        ExportFormat.TOML: as_toml,
        ExportFormat.ICS: as_ics,
        ExportFormat.GEOJSON: as_geojson,
        ExportFormat.SQLITE: as_sqlite,
    }
    chosen = {f for f, on in flags.items() if on} | ({fmt} if fmt else set())
    if len(chosen) > 1:
        names = ", ".join(sorted(f.value for f in chosen))
        raise UsageError(_("choose one export format, not several ({names})").format(names=names))
    chosen_format = chosen.pop() if chosen else ExportFormat.CSV
    given = settings(ctx)
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
        sector=tuple(sector or ()),
        kind=tuple(kind or ()),
        status=status,
    )
    records_kind = export_kind(chosen_format, entity, filters)
    to_screen = output is None or means_the_screen(ctx)
    if chosen_format is ExportFormat.SQLITE and to_screen:
        # Its bytes would be garbage on a terminal, and a database cannot be read from a pipe.
        raise UsageError(
            _("a SQLite database is a file, not text for the screen or a pipe: give -o FILE")
        )
    metadata_to_screen = means_the_screen(ctx, "datasette_metadata")
    if datasette_metadata is not None:
        if chosen_format is not ExportFormat.SQLITE:
            raise UsageError(_("--datasette-metadata describes a SQLite database: add --sqlite"))
        assert output is not None  # a database goes to a file, checked above
        if not metadata_to_screen:
            # Checked before the database is written, so that a refusal writes nothing; the
            # same file whatever the names (see same_file), before asking for --force.
            reads = given.read_paths()
            database = check_target(output, force=True, reads=reads)
            if same_file(database, check_target(datasette_metadata, force=True, reads=reads)):
                same = _("the database and its metadata cannot be the same file: {path}")
                raise UsageError(same.format(path=output))
            check_target(datasette_metadata, force=force, reads=reads)
    records = select(dataset, records_kind, filters, given.today)
    result = exported_as(chosen_format, dataset, records_kind, records, filters.describe())
    for note in result.notes:
        given.env.say(note)
    if result.content is None:
        return
    if output is None or to_screen:
        given.env.write(result.content)
        return
    write_file(output, result.content, force=force, reads=given.read_paths())
    given.env.say(_("Wrote {what} to {path}.").format(what=result.what, path=output))
    if datasette_metadata is not None:
        from normandie_cli.output.datasette import datasette_metadata as metadata_of

        metadata = metadata_of(dataset, output.stem)
        if metadata_to_screen:
            given.env.write(metadata)
            return
        write_file(datasette_metadata, metadata, force=force, reads=given.read_paths())
        wrote = _("Wrote Datasette's metadata to {path}: datasette {database} -m {path}")
        given.env.say(wrote.format(path=datasette_metadata, database=output))
