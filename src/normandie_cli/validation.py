"""Put the parsed TOML files of a dataset together into one validated Dataset: the tables,
the overlay's additions, replacements and retirements, then the rules across records
(unique ids, references that resolve, agglomerations that do not overlap)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from normandie_cli.errors import DataError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import (
    RECORD_TYPES,
    Agglomeration,
    City,
    Dataset,
    Department,
    Event,
    Meta,
    Organization,
    Record,
    RecordKind,
    Retired,
    Retirement,
    Source,
    Startup,
    Term,
)
from normandie_cli.schema import Problems, build_record
from normandie_cli.text import did_you_mean, fold
from normandie_cli.updates import apply_layer, layer_part, read_layer

_TOP_LEVEL = ("meta", *(kind.value for kind in RecordKind))
# An overlay holds records and retirements, never [meta]: it amends a dataset.
RETIRED = "retired"
OVERLAY_TABLES = (*(kind.value for kind in RecordKind), RETIRED)


# Which fields refer to which tables, by the class of the record (or nested entry) holding them.
_REFERENCES: dict[type, dict[str, tuple[RecordKind, ...]]] = {
    Agglomeration: {"seat": (RecordKind.CITY,), "members": (RecordKind.CITY,)},
    City: {"department": (RecordKind.DEPARTMENT,)},
    Startup: {
        "city": (RecordKind.CITY,),
        "sectors": (RecordKind.SECTOR,),
        "hosted_by": (RecordKind.ORGANIZATION,),
        "research_units": (RecordKind.ORGANIZATION,),
    },
    Organization: {
        "city": (RecordKind.CITY,),
        "kind": (RecordKind.ORGANIZATION_KIND,),
        "parents": (RecordKind.ORGANIZATION,),
    },
    Event: {
        "city": (RecordKind.CITY,),
        "kind": (RecordKind.EVENT_KIND,),
        "organizers": (RecordKind.ORGANIZATION, RecordKind.STARTUP),
    },
}
_AWARD_REFERENCES = {"contest": (RecordKind.CONTEST,)}

_R = TypeVar("_R")


@frozen
class _Entry:
    """One record as read: its fields that passed their checks, and the record if all did."""

    kind: RecordKind
    where: str
    values: Mapping[str, Any]
    record: Record | None

    @property
    def id(self) -> str | None:
        value = self.values.get("id")
        return value if isinstance(value, str) else None


def parse_dataset(
    parts: Sequence[tuple[str, Mapping[str, Any]]],
    label: str,
    overlay: tuple[str, Mapping[str, Any]] | None = None,
    updates: tuple[str, Mapping[str, Any]] | None = None,
) -> Dataset:
    """Turn parsed TOML files (name, tables) into one validated Dataset.

    An updates layer (name, tables) comes first: its new records join the files, and its
    register facts fill the startups' empty fields last (updates.apply_layer), so neither
    a curated value nor an overlay's is ever replaced by the register's.

    An overlay (name, tables) amends the dataset: a record with a new id is added, one with
    the id of a record of its table replaces it, and a [[retired]] entry hides one. The
    whole result is then checked, so an overlay cannot leave a reference dangling.

    Raises DataError with every problem. References are checked even on records with other
    problems, so one run reports all.
    """
    problems = Problems()
    metas: list[tuple[str, Meta | None]] = []
    entries: list[_Entry] = []
    layer = None if updates is None else read_layer(*updates)
    if layer is not None:
        joined = layer_part(layer, parts)
        parts = [*parts, joined]
    for name, raw in parts:
        prefix = f"{name}: " if name else ""
        _check_tables(name, raw, _TOP_LEVEL, problems)
        if "meta" in raw:
            metas.append((name, _read_meta(raw["meta"], f"{prefix}meta", problems)))
        entries += _read_records(raw, prefix, problems)
    retired: list[Retired] = []
    if overlay is not None:
        entries, retired = _apply_overlay(entries, *overlay, problems)
    if not metas:
        problems.add("meta", _("the [meta] table is missing"))
    elif len(metas) > 1:
        names = ", ".join(name for name, _ in metas)
        problems.add(
            "meta", _("[meta] must be in one file only; found in {files}").format(files=names)
        )
    _check_ids(entries, problems)
    _check_references(entries, problems)
    agglomeration_of = _check_agglomerations(entries, problems)
    meta = metas[0][1] if len(metas) == 1 else None
    if problems.count or meta is None:
        raise DataError(label, problems.items, problems.count)

    def table(kind: RecordKind, cls: type[_R]) -> tuple[_R, ...]:
        return tuple(e.record for e in entries if e.kind is kind and isinstance(e.record, cls))

    departments = table(RecordKind.DEPARTMENT, Department)
    region_of = {d.id: d.former_region for d in departments}
    cities = tuple(
        dataclasses.replace(
            c, agglomeration=agglomeration_of.get(c.id), former_region=region_of[c.department]
        )
        for c in table(RecordKind.CITY, City)
    )
    dataset = Dataset(
        meta=meta,
        sources=table(RecordKind.SOURCE, Source),
        sectors=table(RecordKind.SECTOR, Term),
        organization_kinds=table(RecordKind.ORGANIZATION_KIND, Term),
        event_kinds=table(RecordKind.EVENT_KIND, Term),
        contests=table(RecordKind.CONTEST, Term),
        departments=departments,
        agglomerations=table(RecordKind.AGGLOMERATION, Agglomeration),
        cities=cities,
        startups=table(RecordKind.STARTUP, Startup),
        organizations=table(RecordKind.ORGANIZATION, Organization),
        events=table(RecordKind.EVENT, Event),
        retired=tuple(retired),
    )
    return dataset if layer is None else apply_layer(dataset, layer, joined[1])


def _check_tables(
    name: str, raw: Mapping[str, Any], allowed: Sequence[str], problems: Problems
) -> None:
    for key in raw:
        if key not in allowed:
            unknown = _("unknown table {name!r}{suggestion}")
            problems.add(name, unknown.format(name=key, suggestion=did_you_mean(key, allowed)))


def _read_records(raw: Mapping[str, Any], prefix: str, problems: Problems) -> list[_Entry]:
    entries: list[_Entry] = []
    for kind, cls in RECORD_TYPES.items():
        entries += _read_table(raw.get(kind.value, []), kind, cls, prefix, problems)
    return entries


def _read_retirements(raw: Mapping[str, Any], where: str, problems: Problems) -> list[Retirement]:
    """The [[retired]] entries of an overlay that are complete and well formed."""
    table = raw.get(RETIRED, [])
    if not isinstance(table, list) or not all(isinstance(item, dict) for item in table):
        array = _("must be an array of tables: [[{table}]]").format(table=RETIRED)
        problems.add(f"{where}{RETIRED}", array)
        return []
    built = (
        build_record(Retirement, item, f"{where}{RETIRED}[{index}]{_named(item)}", problems)[0]
        for index, item in enumerate(table)
    )
    return [retirement for retirement in built if retirement is not None]


def overlay_retirements(raw: Mapping[str, Any], label: str) -> list[Retirement]:
    """The [[retired]] entries of an overlay; raises DataError if one is malformed."""
    problems = Problems()
    retirements = _read_retirements(raw, f"{label}: ", problems)
    if problems.count:
        raise DataError(label, problems.items, problems.count)
    return retirements


def _apply_overlay(
    entries: list[_Entry], name: str, raw: Mapping[str, Any], problems: Problems
) -> tuple[list[_Entry], list[Retired]]:
    """The dataset's entries with the overlay's additions, replacements and retirements,
    and the records the retirements hide."""
    prefix = f"{name}: "
    _check_tables(name, raw, OVERLAY_TABLES, problems)
    amended = _read_records(raw, prefix, problems)
    retirements = _read_retirements(raw, prefix, problems)
    replaced = {(entry.kind, entry.id) for entry in amended}
    known = {entry.id: entry for entry in entries if entry.id is not None}
    source_ids = {e.id for e in (*entries, *amended) if e.kind is RecordKind.SOURCE and e.id}
    retired: set[str] = set()
    hidden: list[Retired] = []
    for index, retirement in enumerate(retirements):
        where = f"{prefix}{RETIRED}[{index}] ({retirement.id!r})"
        if retirement.id not in known:
            problems.add(
                where,
                _("retires {id!r}, which is not in the dataset").format(id=retirement.id),
            )
        if retirement.id in {entry.id for entry in amended}:
            problems.add(
                where,
                _("{id!r} is both retired and listed in the overlay").format(id=retirement.id),
            )
        if retirement.id in retired:
            problems.add(where, _("retires {id!r} a second time").format(id=retirement.id))
        for source in retirement.sources:
            if source not in source_ids:
                dangling = _(
                    "{field!r} refers to {reference!r}, which is not in {tables}{suggestion}"
                )
                problems.add(
                    where,
                    dangling.format(
                        field="sources",
                        reference=source,
                        tables="sources",
                        suggestion=did_you_mean(source, source_ids),
                    ),
                )
        retired.add(retirement.id)
        record = known[retirement.id].record if retirement.id in known else None
        if record is not None:
            hidden.append(Retired(record, retirement))
    kept = [
        entry
        for entry in entries
        if (entry.kind, entry.id) not in replaced and entry.id not in retired
    ]
    return kept + amended, hidden


def _read_meta(raw: object, where: str, problems: Problems) -> Meta | None:
    if not isinstance(raw, dict):
        problems.add(where, _("must be a table: [meta]"))
        return None
    return build_record(Meta, raw, where, problems)[0]


def _read_table(
    raw: object, kind: RecordKind, cls: type[Record], prefix: str, problems: Problems
) -> Iterator[_Entry]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        array = _("must be an array of tables: [[{table}]]").format(table=kind.value)
        problems.add(f"{prefix}{kind.value}", array)
        return
    for index, item in enumerate(raw):
        where = f"{prefix}{kind.value}[{index}]{_named(item)}"
        record, values = build_record(cls, item, where, problems)
        yield _Entry(kind, where, values, record)


def _named(item: Mapping[str, Any]) -> str:
    """How a problem names the entry it is in, besides its place: its id, if it has one."""
    record_id = item.get("id")
    return f" ({record_id!r})" if isinstance(record_id, str) else ""


def _check_ids(entries: Sequence[_Entry], problems: Problems) -> None:
    """Ids are unique across the whole dataset, so `normandie show ID` is never ambiguous."""
    first: dict[str, _Entry] = {}
    for entry in entries:
        if entry.id is None:
            continue
        earlier = first.setdefault(entry.id, entry)
        if earlier is not entry:
            duplicate = _("duplicate id {id!r}, already used by {where}")
            problems.add(entry.where, duplicate.format(id=entry.id, where=earlier.where))
    # A name that folds to nothing could never be typed (shared names are fine: --city
    # asks which one is meant).
    for entry in entries:
        place = entry.record
        if isinstance(place, City) and not all(fold(n) for n in (place.name, *place.aliases)):
            problems.add(entry.where, _("a name or alias has no letters or digits"))


def _check_references(entries: Sequence[_Entry], problems: Problems) -> None:
    ids: dict[RecordKind, set[str]] = {kind: set() for kind in RecordKind}
    for entry in entries:
        if entry.id is not None:
            ids[entry.kind].add(entry.id)

    # One set of known ids per group of target tables, built once: checking stays linear.
    known_in: dict[tuple[RecordKind, ...], set[str]] = {}

    def check(
        where: str, values: Mapping[str, Any], spec: Mapping[str, tuple[RecordKind, ...]]
    ) -> None:
        for field, value in values.items():
            targets = (RecordKind.SOURCE,) if field == "sources" else spec.get(field)
            if targets is None:
                continue
            known = known_in.get(targets)
            if known is None:
                known = known_in[targets] = set().union(*(ids[t] for t in targets))
            for reference in value if isinstance(value, tuple) else [value]:
                if reference not in known:
                    missing = _(
                        "{field!r} refers to {reference!r}, which is not in {tables}{suggestion}"
                    )
                    tables = _(" or ").join(t.value for t in targets)
                    suggestion = did_you_mean(reference, known)
                    problems.add(
                        where,
                        missing.format(
                            field=field, reference=reference, tables=tables, suggestion=suggestion
                        ),
                    )

    for entry in entries:
        record_class = RECORD_TYPES[entry.kind]
        check(entry.where, entry.values, _REFERENCES.get(record_class, {}))
        for field in ("awards", "funding"):
            for index, item in enumerate(entry.values.get(field, ())):
                nested = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
                check(f"{entry.where}.{field}[{index}]", nested, _AWARD_REFERENCES)


def _check_agglomerations(entries: Sequence[_Entry], problems: Problems) -> dict[str, str]:
    """Each city belongs to one agglomeration at most, and a seat to its own; returns city ->
    agglomeration."""
    agglomeration_of: dict[str, str] = {}
    for entry in entries:
        agglomeration = entry.record
        if not isinstance(agglomeration, Agglomeration):
            continue
        if agglomeration.seat not in agglomeration.members:
            seat = _("its seat {seat!r} is not among its members").format(seat=agglomeration.seat)
            problems.add(entry.where, seat)
        for city in agglomeration.members:
            other = agglomeration_of.setdefault(city, agglomeration.id)
            if other != agglomeration.id:
                member = _("{city!r} is already a member of {other!r}")
                problems.add(entry.where, member.format(city=city, other=other))
    return agglomeration_of
