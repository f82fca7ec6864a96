"""The one dispatch from a format to its writer: every member of each enum has a writer, and
each writer's output is what its format's own reader expects."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import icalendar
import pytest
import tomli
from conftest import SEED

from normandie_cli.columns import record_rows
from normandie_cli.dataset import load_dataset
from normandie_cli.errors import UsageError
from normandie_cli.models import RecordKind
from normandie_cli.output.formats import (
    WHOLE_DATASET,
    ExportFormat,
    OutputFormat,
    export,
    export_kind,
    format_rows,
)
from normandie_cli.query import Filters, select

DATASET = load_dataset(SEED)
TODAY = DATASET.meta.updated.first_day


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_listing_format_has_a_writer(fmt: OutputFormat) -> None:
    rows = record_rows(DATASET.startups[:2], DATASET)
    if fmt is OutputFormat.TABLE:
        with pytest.raises(ValueError, match="render.py"):
            format_rows(fmt, rows, ["id", "name"])
        return
    text = format_rows(fmt, rows, ["id", "name"])
    assert DATASET.startups[0].id in text


def read_back(fmt: ExportFormat, content: bytes) -> object:
    """The export as its format's own reader reads it."""
    text = content.decode("utf-8-sig") if fmt is not ExportFormat.SQLITE else ""
    match fmt:
        case ExportFormat.CSV:
            return list(csv.DictReader(io.StringIO(text, newline="")))
        case ExportFormat.EXCEL:
            return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
        case ExportFormat.TSV:
            return [line.split("\t") for line in text.splitlines()]
        case ExportFormat.JSON | ExportFormat.GEOJSON:
            return json.loads(text)
        case ExportFormat.JSONL:
            return [json.loads(line) for line in text.splitlines()]
        case ExportFormat.TOML:
            return tomli.loads(text)
        case ExportFormat.ICS:
            return icalendar.Calendar.from_ical(content)
        case ExportFormat.SQLITE:
            connection = sqlite3.connect(":memory:")
            connection.deserialize(content)
            return connection.execute("SELECT count(*) FROM startups").fetchone()
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_every_export_format_has_a_writer_its_reader_accepts(fmt: ExportFormat) -> None:
    kind = export_kind(fmt, RecordKind.STARTUP, Filters())
    records = select(DATASET, kind, Filters(), TODAY)
    exported = export(fmt, DATASET, kind, records)
    assert exported.content, fmt
    assert exported.what
    assert read_back(fmt, exported.content)


def test_a_calendar_holds_events_whatever_the_entity() -> None:
    assert export_kind(ExportFormat.ICS, RecordKind.STARTUP, Filters()) is RecordKind.EVENT
    with pytest.raises(UsageError, match="--sector and --kind do not apply"):
        export_kind(ExportFormat.ICS, RecordKind.STARTUP, Filters(sector=("big-data",)))


@pytest.mark.parametrize("fmt", sorted(WHOLE_DATASET))
def test_whole_dataset_formats_refuse_filters(fmt: ExportFormat) -> None:
    with pytest.raises(UsageError, match="exports the whole dataset"):
        export_kind(fmt, RecordKind.STARTUP, Filters(city=("rouen",)))


def test_a_calendar_without_a_dated_event_writes_nothing_and_says_why() -> None:
    undated = [e for e in DATASET.events if e.start is None or e.start.day is None]
    exported = export(ExportFormat.ICS, DATASET, RecordKind.EVENT, undated)
    assert exported.content is None
    assert exported.notes[-1] == "No event with a known day matches: nothing was written."
