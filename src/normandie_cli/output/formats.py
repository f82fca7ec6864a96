"""Every output and export format, and the one dispatch from each to its writer.

Listings print a table or rows as text (`format_rows`); `normandie export` writes bytes
(`export`). Both dispatch with an exhaustive `match` ending in `assert_never`, so a format
added to an enum and not to its writer fails the type check, and a test walks every member.
Writers are imported where they are chosen: a command pays only for the format it writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, assert_never

from normandie_cli.columns import field_names, labelled_columns, record_rows, with_labels
from normandie_cli.errors import UsageError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import Dataset, Event, Record, RecordKind
from normandie_cli.query import Filters

Row = Mapping[str, Any]


class OutputFormat(StrEnum):
    """What a listing prints."""

    TABLE = "table"
    TSV = "tsv"
    CSV = "csv"
    EXCEL = "excel"
    JSON = "json"
    JSONL = "jsonl"


class ExportFormat(StrEnum):
    """What `normandie export` writes: the listing formats, then whole-dataset ones."""

    CSV = "csv"
    EXCEL = "excel"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    TOML = "toml"
    SQLITE = "sqlite"
    ICS = "ics"
    GEOJSON = "geojson"


def format_rows(fmt: OutputFormat, rows: Sequence[Row], columns: Sequence[str]) -> str:
    """Rows in a machine format; the table view belongs to render.py."""
    match fmt:
        case OutputFormat.TSV:
            from normandie_cli.output.delimited import to_tsv

            return to_tsv(rows, columns)
        case OutputFormat.CSV:
            from normandie_cli.output.delimited import to_csv

            return to_csv(rows, columns)
        case OutputFormat.EXCEL:
            from normandie_cli.output.delimited import to_excel

            return to_excel(rows, columns)
        case OutputFormat.JSON:
            from normandie_cli.output.json import to_json

            return to_json(rows, columns)
        case OutputFormat.JSONL:
            from normandie_cli.output.json import to_jsonl

            return to_jsonl(rows, columns)
        case OutputFormat.TABLE:
            raise ValueError("the table view is rendered by render.py")
        case _:
            assert_never(fmt)


@frozen
class Exported:
    """What an export made: the file's bytes (None when there is nothing to write), what
    they hold in words ('12 events'), and notes on what was left out."""

    content: bytes | None
    what: str
    notes: tuple[str, ...] = ()


# The formats that hold the whole dataset: filters would make a partial copy pass for it.
WHOLE_DATASET = frozenset({ExportFormat.TOML, ExportFormat.SQLITE, ExportFormat.GEOJSON})


# The formats a person opens in a spreadsheet: names beside the ids they read there. TSV,
# JSON and JSON Lines are for programs, which join on the ids.
SPREADSHEETS = frozenset({ExportFormat.CSV, ExportFormat.EXCEL})


def export_kind(fmt: ExportFormat, entity: RecordKind, filters: Filters) -> RecordKind:
    """The kind of record an export selects: `entity`, or events for a calendar. Raises
    UsageError for filters the format cannot take."""
    if fmt in WHOLE_DATASET and filters.describe():
        refused = _("--{format} exports the whole dataset: leave out the filters")
        raise UsageError(refused.format(format=fmt.value))
    if fmt is ExportFormat.ICS:
        if filters.sector or filters.kind:
            raise UsageError(_("--ics exports events: --sector and --kind do not apply"))
        return RecordKind.EVENT
    return entity


def export(
    fmt: ExportFormat,
    dataset: Dataset,
    kind: RecordKind,
    records: Sequence[Record],
    selection: str = "",
) -> Exported:
    """The export of `records` (of one kind, as `export_kind` chose), or of the whole
    dataset for the formats that hold it all. `selection` is the filters as typed, which a
    calendar puts in its name."""
    match fmt:
        case (
            ExportFormat.CSV
            | ExportFormat.EXCEL
            | ExportFormat.TSV
            | ExportFormat.JSON
            | ExportFormat.JSONL
        ):
            rows = record_rows(records, dataset)
            columns = field_names(kind)
            if fmt in SPREADSHEETS:
                rows, columns = with_labels(rows, dataset), labelled_columns(kind)
            text = format_rows(OutputFormat(fmt.value), rows, columns)
            what = _("{count} records ({table})").format(count=len(records), table=kind.value)
            return Exported(text.encode("utf-8"), what)
        case ExportFormat.TOML:
            from normandie_cli.output.toml import to_toml

            return Exported(to_toml(dataset).encode("utf-8"), _("the dataset"))
        case ExportFormat.SQLITE:
            from normandie_cli.output.sqlite import to_sqlite

            return Exported(to_sqlite(dataset), _("the dataset"))
        case ExportFormat.GEOJSON:
            from normandie_cli.output.geojson import to_geojson

            return Exported(to_geojson(dataset).encode("utf-8"), _("the map"))
        case ExportFormat.ICS:
            from normandie_cli.output.ics import to_ics

            events = [record for record in records if isinstance(record, Event)]
            calendar, notes = to_ics(events, dataset, selection)
            notes = [_("Note: {note}").format(note=note) for note in notes]
            count = calendar.count(b"BEGIN:VEVENT")
            if count == 0:  # RFC 5545 wants at least one event in a calendar
                notes.append(_("No event with a known day matches: nothing was written."))
                return Exported(None, "", tuple(notes))
            return Exported(calendar, _("{count} events").format(count=count), tuple(notes))
        case _:
            assert_never(fmt)
