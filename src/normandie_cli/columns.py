"""The fields of records as listings and exports show them: which columns by default,
which a person may ask for, and each record as a row of model values."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.models import RECORD_TYPES, City, Dataset, Record, RecordKind, Source
from normandie_cli.places import city_counts
from normandie_cli.text import did_you_mean

# The columns listings show unless --columns says otherwise; the id comes first so that
# `normandie startups | cut -f1` gives ids.
DEFAULT_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.STARTUP: ("id", "name", "city", "sectors", "founded"),
    RecordKind.ORGANIZATION: ("id", "name", "kind", "city"),
    RecordKind.EVENT: ("id", "name", "start", "end", "city"),
    RecordKind.CITY: (
        "id",
        "name",
        "department",
        "agglomeration",
        "startups",
        "organizations",
        "events",
    ),
    RecordKind.SOURCE: ("id", "publisher", "date", "cited_by", "title"),
    RecordKind.AGGLOMERATION: ("id", "name", "seat"),
    RecordKind.SECTOR: ("id", "name_fr", "name_en"),
}

# A terminal is narrower than a spreadsheet: cities are found by name, so no id column.
TABLE_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.CITY: ("name", "department", "agglomeration", "startups", "organizations", "events"),
}


def field_names(kind: RecordKind) -> tuple[str, ...]:
    """Every field a record of this kind has in machine output, in schema order."""
    fields = tuple(f.name for f in dataclasses.fields(RECORD_TYPES[kind]))
    return fields + _COUNTED.get(kind, ())


def parse_columns(kind: RecordKind, text: str | None) -> tuple[str, ...] | None:
    """'name,city' -> ('name', 'city'); an unknown name is a UsageError listing the valid ones."""
    if text is None:
        return None
    return checked_columns(text, field_names(kind))


def checked_columns(text: str, valid: Sequence[str]) -> tuple[str, ...]:
    """The columns named in 'name,city', each one of `valid`; UsageError else."""
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    for name in wanted:
        if name not in valid:
            raise UsageError(
                _("unknown column {name!r}{suggestion}. Valid columns: {columns}.").format(
                    name=name, suggestion=did_you_mean(name, valid), columns=", ".join(valid)
                )
            )
    if not wanted:
        raise UsageError(
            _("--columns needs at least one column. Valid columns: {columns}.").format(
                columns=", ".join(valid)
            )
        )
    return tuple(wanted)


# Counts listed with the fields: a city's records, a source's citing records.
_COUNTED: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.CITY: ("startups", "organizations", "events"),
    RecordKind.SOURCE: ("cited_by",),
}


def record_rows(records: Sequence[Record], dataset: Dataset) -> list[dict[str, Any]]:
    """Every field of each record, by name, as model values, with the counts that belong to
    its kind (a city's records, a source's citations), each count worked out once."""
    counts: dict[str, Mapping[str, int]] = {}
    if any(isinstance(r, City) for r in records):
        counts.update(city_counts(dataset))
    if any(isinstance(r, Source) for r in records):
        from normandie_cli.quality import cited_sources

        counts.update({s: {"cited_by": n} for s, n in cited_sources(dataset).items()})
    rows = []
    for record in records:
        values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
        if isinstance(record, City | Source):
            values.update(counts[record.id])
        rows.append(values)
    return rows
