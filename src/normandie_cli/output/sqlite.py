"""The dataset as a SQLite database, for SQL and Datasette: the bytes of the database file.

Layout (every foreign key is declared and holds; `PRAGMA foreign_keys = ON` is safe). The
keys are DEFERRABLE INITIALLY DEFERRED, so a broken reference is refused at COMMIT. Column
names are those of the schema; `events."end"` needs its quotes in SQL, being a keyword.

Record tables, one per kind of record, named like the TOML tables: `sources`, `sectors`,
`organization_kinds`, `event_kinds`, `contests`, `departments`, `agglomerations`, `cities`,
`startups`, `organizations`, `events`. Each has `id TEXT PRIMARY KEY` and one column per
scalar field of data/README.md, in the same order and with the same name:

- text, slugs and URLs are TEXT; whole numbers (amounts in euros, populations, years) are
  INTEGER; coordinates are REAL;
- partial dates are TEXT in their ISO form, '2015', '2015-11' or '2015-11-19', so they sort
  and compare as text (`founded >= '2015'`);
- enumerations (`startups.status`, `departments.former_region`) are TEXT with a CHECK of the
  allowed values; `events.online` is INTEGER 0 or 1;
- an unknown value is NULL; a field that is always known (ids, names, `online`,
  `currency`…) is NOT NULL;
- references to one record are foreign keys: `startups.city`, `organizations.city`,
  `events.city` -> `cities.id`; `organizations.kind` -> `organization_kinds.id`;
  `events.kind` -> `event_kinds.id`; `cities.department` -> `departments.id`;
  `agglomerations.seat` -> `cities.id`;
- `cities` also has the two fields the loader derives: `agglomeration` (-> `agglomerations.id`,
  the same facts as `agglomeration_members`) and `former_region`.

Lists become link tables, one row per item, keyed by the owner and the item, with a
`position` column (0, 1, …) that keeps the order of the TOML list; the owner column refers
to its record table, and each is indexed by its item column as well:

| table | columns | the item refers to |
|---|---|---|
| `startup_sectors` | startup, sector | `sectors.id` |
| `startup_tags` | startup, tag | (a free keyword) |
| `startup_hosts` | startup, organization | `organizations.id` (`hosted_by`) |
| `startup_research_units` | startup, organization | `organizations.id` |
| `startup_former_names` | startup, name | (text) |
| `organization_aliases` | organization, alias | (text) |
| `organization_parents` | organization, parent | `organizations.id` |
| `city_aliases` | city, alias | (text) |
| `agglomeration_members` | agglomeration, city | `cities.id` |
| `event_organizers` | event, organizer | an id of `organizations` *or* `startups` |

`event_organizers.organizer` has no foreign key, since SQL cannot point one column at two
tables; the loader has checked that it names an organisation or a startup, so
`LEFT JOIN organizations … LEFT JOIN startups …` finds it in exactly one of them.

The sources of every record are in one table, `record_sources`, with the columns
record_table, record_id, source and position: `record_table` names the record table
(`'startups'`, `'cities'`…), `record_id` the record's id there, `source` -> `sources.id`.
`record_id` has no foreign key for the same reason as the organizers; ids are unique across
the whole dataset, so `record_id` alone also finds the record.

Awards and funding rounds are tables of their own, each row with an INTEGER `id`, its
`startup` (-> `startups.id`) and its `position` in that startup's list:

| table | columns |
|---|---|
| `awards` | id, startup, position, contest, year, category, project, domain, prize, amount |
| `award_sources` | award (-> `awards.id`), source (-> `sources.id`), position |
| `funding_rounds` | id, startup, position, amount, currency, date, investors, kind |
| `funding_round_sources` | funding_round (-> `funding_rounds.id`), source, position |

`awards.contest` -> `contests.id`. `funding_rounds.investors` is the list of names joined
with "; " (NULL when none is known); `funding_rounds.currency` is never NULL ('EUR' unless
said otherwise); `funding_rounds.kind` is 'equity', 'loan', 'grant' or NULL (not stated).

`meta` holds one row: the dataset's `title`, `version`, `updated` and `licence`.

For reading (see sqlite_views.py): the FTS5 tables `startups_fts`, `organizations_fts` and
`events_fts` index names and descriptions, and the views `startups_labelled`,
`organizations_labelled` and `events_labelled` show city, sector and kind names beside the
ids.

Examples:

    -- the startups of the Rouen agglomeration
    SELECT s.id FROM startups s JOIN agglomeration_members m ON m.city = s.city
    WHERE m.agglomeration = 'metropole-rouen-normandie';
    -- the sources of one record
    SELECT src.* FROM record_sources r JOIN sources src ON src.id = r.source
    WHERE r.record_id = 'saagie' ORDER BY r.position;
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator, Sequence
from enum import Enum
from types import UnionType
from typing import TYPE_CHECKING, Any

from normandie_cli.errors import NormandieError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import (
    RECORD_TYPES,
    Award,
    Dataset,
    FundingRound,
    Meta,
    PartialDate,
    Record,
    RecordKind,
    plain,
)
from normandie_cli.output.sqlite_views import search_statements, view_statements

if TYPE_CHECKING:
    import sqlite3

# Fields of one record that name another record: the table they refer to.
_SINGLE_REFERENCES: dict[RecordKind, dict[str, RecordKind]] = {
    RecordKind.AGGLOMERATION: {"seat": RecordKind.CITY},
    RecordKind.CITY: {
        "department": RecordKind.DEPARTMENT,
        "agglomeration": RecordKind.AGGLOMERATION,
    },
    RecordKind.STARTUP: {"city": RecordKind.CITY},
    RecordKind.ORGANIZATION: {"city": RecordKind.CITY, "kind": RecordKind.ORGANIZATION_KIND},
    RecordKind.EVENT: {"city": RecordKind.CITY, "kind": RecordKind.EVENT_KIND},
}


@frozen
class _Link:
    """The link table of one list field: its name, its item column and what items refer to."""

    table: str
    column: str
    target: RecordKind | None


# Every list field of every record, except `sources` (record_sources) and the nested
# awards and funding rounds; a list field missing here stops the build (RuntimeError).
_LINKS: dict[RecordKind, dict[str, _Link]] = {
    RecordKind.AGGLOMERATION: {
        "members": _Link("agglomeration_members", "city", RecordKind.CITY),
    },
    RecordKind.CITY: {"aliases": _Link("city_aliases", "alias", None)},
    RecordKind.STARTUP: {
        "sectors": _Link("startup_sectors", "sector", RecordKind.SECTOR),
        "tags": _Link("startup_tags", "tag", None),
        "hosted_by": _Link("startup_hosts", "organization", RecordKind.ORGANIZATION),
        "research_units": _Link("startup_research_units", "organization", RecordKind.ORGANIZATION),
        "former_names": _Link("startup_former_names", "name", None),
    },
    RecordKind.ORGANIZATION: {
        "aliases": _Link("organization_aliases", "alias", None),
        "parents": _Link("organization_parents", "parent", RecordKind.ORGANIZATION),
    },
    # An organizer is an organisation or a startup: no single table to point a key at.
    RecordKind.EVENT: {"organizers": _Link("event_organizers", "organizer", None)},
}

# The owner column of a link table: the singular of the record table.
_OWNER = {
    RecordKind.AGGLOMERATION: "agglomeration",
    RecordKind.CITY: "city",
    RecordKind.STARTUP: "startup",
    RecordKind.ORGANIZATION: "organization",
    RecordKind.EVENT: "event",
}

# Lists of nested entries, each with a table of its own.
_NESTED = frozenset({"awards", "funding"})
_INVESTOR_SEPARATOR = "; "

_SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "REAL", bool: "INTEGER", PartialDate: "TEXT"}


def to_sqlite(dataset: Dataset) -> bytes:
    """The dataset as the bytes of a SQLite database file, built in memory (the file is then
    written like every other export, all or nothing)."""
    import sqlite3

    # No implicit transactions: _build opens and commits its one transaction itself.
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        _build(connection, dataset)
        return connection.serialize()
    except sqlite3.Error as error:
        raise NormandieError(
            _("the dataset cannot be made a SQLite database: {reason}").format(reason=error)
        ) from None
    finally:
        connection.close()


def _build(connection: sqlite3.Connection, dataset: Dataset) -> None:
    """Create the tables and fill them in one transaction; check every key before commit."""
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("BEGIN")
    for statement in schema_statements():
        connection.execute(statement)
    for table, columns, rows in _rows(dataset):
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(map(_identifier, columns))
        connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    for statement in (*search_statements(), *view_statements()):
        connection.execute(statement)
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        # Cannot happen with a dataset the loader validated; said plainly if it ever does.
        details = "; ".join(
            f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in broken
        )
        raise NormandieError(f"the database breaks {len(broken)} foreign keys: {details}")
    connection.execute("COMMIT")


# --- the schema ----------------------------------------------------------------------------


def schema_statements() -> tuple[str, ...]:
    """The CREATE TABLE and CREATE INDEX statements of the database, in order."""
    meta_columns = [_column(f, _hints(Meta)) for f in dataclasses.fields(Meta)]
    statements: list[str] = [_create("meta", meta_columns, [], [])]
    for kind, cls in RECORD_TYPES.items():
        statements.append(_record_table(kind, cls))
        for link in _LINKS.get(kind, {}).values():
            owner = _OWNER[kind]
            statements += _link_table(
                link.table,
                [(owner, "TEXT", kind.value)],
                (link.column, link.target.value if link.target else None),
            )
    kinds = ", ".join(_literal(kind.value) for kind in RECORD_TYPES)
    statements += _link_table(
        "record_sources",
        [("record_table", "TEXT", None), ("record_id", "TEXT", None)],
        ("source", RecordKind.SOURCE.value),
        checks=[f"record_table IN ({kinds})"],
    )
    nested: tuple[tuple[str, str, type[Award | FundingRound]], ...] = (
        ("awards", "award", Award),
        ("funding_rounds", "funding_round", FundingRound),
    )
    for table, owner, entry_class in nested:
        types = _hints(entry_class)
        columns = [
            "id INTEGER PRIMARY KEY",
            "startup TEXT NOT NULL",
            "position INTEGER NOT NULL",
            *(_column(f, types) for f in dataclasses.fields(entry_class) if f.name != "sources"),
        ]
        keys = [("startup", RecordKind.STARTUP.value)]
        if entry_class is Award:
            keys.append(("contest", RecordKind.CONTEST.value))
        statements.append(_create(table, columns, keys, ["UNIQUE (startup, position)"]))
        statements += _link_table(
            f"{owner}_sources", [(owner, "INTEGER", table)], ("source", RecordKind.SOURCE.value)
        )
    return tuple(statements)


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _record_table(kind: RecordKind, cls: type[Record]) -> str:
    types = _hints(cls)
    columns = ["id TEXT PRIMARY KEY"]
    for field in dataclasses.fields(cls):
        if field.name != "id" and _list_item(types[field.name]) is None:
            columns.append(_column(field, types))
    keys = [(name, target.value) for name, target in _SINGLE_REFERENCES.get(kind, {}).items()]
    return _create(kind.value, columns, keys, [])


def _link_table(
    table: str,
    owner: Sequence[tuple[str, str, str | None]],
    item: tuple[str, str | None],
    *,
    checks: Sequence[str] = (),
) -> list[str]:
    """A table of one list: the owner's key columns (name, type, table referred to), the item
    (name, table referred to) and its position; keyed by owner and item, indexed by item."""
    item_column, item_target = item
    columns = [
        *(f"{name} {sql_type} NOT NULL" for name, sql_type, _ in owner),
        f"{item_column} TEXT NOT NULL",
        "position INTEGER NOT NULL",
    ]
    keys = [(name, target) for name, _, target in owner if target is not None]
    if item_target is not None:
        keys.append((item_column, item_target))
    primary = ", ".join([*(name for name, _, _ in owner), item_column])
    constraints = [f"PRIMARY KEY ({primary})", *(f"CHECK ({check})" for check in checks)]
    return [
        _create(table, columns, keys, constraints),
        f"CREATE INDEX {table}_by_{item_column} ON {table} ({item_column})",
    ]


def _create(
    table: str, columns: Sequence[str], keys: Sequence[tuple[str, str]], extra: Sequence[str]
) -> str:
    # Deferred: records refer to tables filled later (a startup to its host organisations),
    # so keys are checked at the end of the transaction, all at once.
    references = [
        f"FOREIGN KEY ({_identifier(column)}) REFERENCES {target} (id)"
        " DEFERRABLE INITIALLY DEFERRED"
        for column, target in keys
    ]
    lines = ",\n  ".join([*columns, *extra, *references])
    return f"CREATE TABLE {table} (\n  {lines}\n)"


def _column(field: dataclasses.Field[Any], types: dict[str, Any]) -> str:
    hint, optional = _unwrap(types[field.name])
    if _list_item(hint) is not None:
        # Only a funding round's investors: names joined with "; " in one TEXT cell.
        return f"{_identifier(field.name)} TEXT"
    # A field with a default (online, currency) is never None either: only the type says.
    required = not optional
    parts = [_identifier(field.name)]
    if isinstance(hint, type) and issubclass(hint, Enum):
        allowed = ", ".join(_literal(str(member.value)) for member in hint)
        parts += [
            "TEXT",
            *(["NOT NULL"] if required else []),
            f"CHECK ({_identifier(field.name)} IN ({allowed}))",
        ]
        return " ".join(parts)
    parts.append(_SQL_TYPES[hint])
    if required:
        parts.append("NOT NULL")
    if hint is bool:
        parts.append(f"CHECK ({_identifier(field.name)} IN (0, 1))")
    return " ".join(parts)


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """The type inside `X | None`, and whether None was allowed."""
    if isinstance(hint, UnionType) and type(None) in hint.__args__:
        (inner,) = (arg for arg in hint.__args__ if arg is not type(None))
        return inner, True
    return hint, False


def _list_item(hint: Any) -> Any | None:
    """The item type of a `tuple[X, ...]` field, or None for a scalar field."""
    if typing.get_origin(hint) is tuple:
        return typing.get_args(hint)[0]
    return None


def _identifier(name: str) -> str:
    """A column name as SQL reads it: quoted, since a field may be a keyword (`end`)."""
    return f'"{name}"'


def _literal(text: str) -> str:
    """A constant of the schema (never data) as an SQL string."""
    return "'" + text.replace("'", "''") + "'"


# --- the rows ------------------------------------------------------------------------------


Rows = list[tuple[Any, ...]]


def _rows(dataset: Dataset) -> Iterator[tuple[str, tuple[str, ...], Rows]]:
    """Every table's rows: (table, columns, rows), values ready for sqlite3 parameters."""
    meta_columns = tuple(f.name for f in dataclasses.fields(Meta))
    yield "meta", meta_columns, [tuple(plain(getattr(dataset.meta, c)) for c in meta_columns)]
    sources: Rows = []
    awards: Rows = []
    award_sources: Rows = []
    funding: Rows = []
    funding_sources: Rows = []
    for kind, cls in RECORD_TYPES.items():
        types = _hints(cls)
        scalars = tuple(
            f.name for f in dataclasses.fields(cls) if _list_item(types[f.name]) is None
        )
        records = dataset.records(kind)
        yield kind.value, scalars, [tuple(plain(getattr(r, c)) for c in scalars) for r in records]
        lists = [f.name for f in dataclasses.fields(cls) if _list_item(types[f.name]) is not None]
        for field_name in lists:
            if field_name == "sources":
                sources += [
                    (kind.value, r.id, source, position)
                    for r in records
                    for position, source in enumerate(getattr(r, field_name))
                ]
            elif field_name in _NESTED:
                continue
            else:
                link = _LINKS.get(kind, {}).get(field_name)
                if link is None:
                    # A field added to the models without its table here: a bug, not bad data.
                    raise RuntimeError(f"{kind.value}.{field_name} has no SQLite link table")
                owner = _OWNER[kind]
                yield (
                    link.table,
                    (owner, link.column, "position"),
                    [
                        (r.id, item, position)
                        for r in records
                        for position, item in enumerate(getattr(r, field_name))
                    ],
                )
    for startup in dataset.startups:
        for position, award in enumerate(startup.awards):
            number = len(awards) + 1
            awards.append((number, startup.id, position, *_nested_values(award)))
            award_sources += [(number, s, i) for i, s in enumerate(award.sources)]
        for position, round_ in enumerate(startup.funding):
            number = len(funding) + 1
            funding.append((number, startup.id, position, *_nested_values(round_)))
            funding_sources += [(number, s, i) for i, s in enumerate(round_.sources)]
    yield "record_sources", ("record_table", "record_id", "source", "position"), sources
    award_columns = tuple(f.name for f in dataclasses.fields(Award) if f.name != "sources")
    yield "awards", ("id", "startup", "position", *award_columns), awards
    yield "award_sources", ("award", "source", "position"), award_sources
    funding_columns = tuple(f.name for f in dataclasses.fields(FundingRound) if f.name != "sources")
    yield "funding_rounds", ("id", "startup", "position", *funding_columns), funding
    yield "funding_round_sources", ("funding_round", "source", "position"), funding_sources


def _nested_values(entry: Award | FundingRound) -> tuple[Any, ...]:
    values: list[Any] = []
    for field in dataclasses.fields(entry):
        value = getattr(entry, field.name)
        if field.name == "sources":
            continue
        if field.name == "investors":
            values.append(_INVESTOR_SEPARATOR.join(value) or None)
        else:
            values.append(plain(value))
    return tuple(values)
