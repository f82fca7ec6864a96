"""Find, parse and validate the TOML dataset; the only module that sees raw TOML values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.resources
import math
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from normandie_cli.errors import DataError
from normandie_cli.models import (
    RECORD_TYPES,
    Agglomeration,
    City,
    Dataset,
    Event,
    Meta,
    Organization,
    OrganizationKind,
    PartialDate,
    Record,
    RecordKind,
    Sector,
    Source,
    Startup,
)
from normandie_cli.text import did_you_mean, fold

DATA_FILE = "normandie.toml"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A web address: http(s), a dotted host name, then anything printable without spaces.
_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?",
    re.IGNORECASE | re.ASCII,
)
_INSEE = re.compile(r"\d[\dAB]\d{3}", re.ASCII)
_DEPARTMENT = re.compile(r"\d{2}|2[AB]|97\d", re.ASCII)

_TOP_LEVEL = ("meta", *(kind.value for kind in RecordKind))

# Fields whose text must be a slug or a URL, whatever record they are on.
_SLUG_FIELDS = frozenset({"id", "tags", "series"})
_URL_FIELDS = frozenset({"url", "website"})

_R = TypeVar("_R")


class _Problems:
    """Collects every problem of one file, each prefixed with where it is."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)


def bundled_data_path() -> Path:
    """The dataset shipped with the package, or the checkout's data/ in an editable install."""
    packaged = importlib.resources.files("normandie_cli").joinpath("data", DATA_FILE)
    if isinstance(packaged, Path) and packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data" / DATA_FILE
    if checkout.is_file():
        return checkout
    raise DataError(DATA_FILE, ["the bundled dataset is missing: reinstall normandie"])


def load_dataset(path: Path | None = None) -> Dataset:
    """Read and validate a dataset file (the bundled one by default).

    Raises DataError listing every problem, each with its table, record and field.
    """
    path = path or bundled_data_path()
    raw = read_toml(path)
    return parse_dataset(raw, str(path))


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every way it can fail into one DataError."""
    import tomli

    label = str(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise DataError(label, ["no such file"]) from None
    except IsADirectoryError:
        raise DataError(label, ["this is a folder, not a TOML file"]) from None
    except PermissionError:
        raise DataError(label, ["permission denied: the file cannot be read"]) from None
    except OSError as error:
        raise DataError(label, [f"cannot be read: {error.strerror or error}"]) from None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise DataError(label, [f"line {line}: not UTF-8 text (byte {error.start})"]) from None
    if not text.strip():
        raise DataError(label, ["the file is empty"])
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        message = error.msg if hasattr(error, "msg") else str(error)
        where = f"line {error.lineno}, column {error.colno}" if hasattr(error, "lineno") else ""
        raise DataError(label, [f"TOML syntax error at {where}: {message}"]) from None
    except RecursionError:
        raise DataError(label, ["the TOML is nested too deeply to be read"]) from None


@dataclasses.dataclass(frozen=True, slots=True)
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


def parse_dataset(raw: Mapping[str, Any], label: str) -> Dataset:
    """Turn parsed TOML into a validated Dataset, or raise DataError with every problem.

    References are checked even on records with other problems, so one run reports all.
    """
    problems = _Problems()
    for key in raw:
        if key not in _TOP_LEVEL:
            problems.add("", f"unknown table {key!r}{did_you_mean(key, _TOP_LEVEL)}")

    meta = _read_meta(raw.get("meta"), problems)
    entries = [
        entry
        for kind, cls in RECORD_TYPES.items()
        for entry in _read_table(raw.get(kind.value, []), kind, cls, problems)
    ]
    _check_ids(entries, problems)
    _check_references(entries, problems)
    if problems.items or meta is None:
        raise DataError(label, problems.items)

    def table(kind: RecordKind, cls: type[_R]) -> tuple[_R, ...]:
        return tuple(e.record for e in entries if e.kind is kind and isinstance(e.record, cls))

    return Dataset(
        meta=meta,
        sources=table(RecordKind.SOURCE, Source),
        agglomerations=table(RecordKind.AGGLOMERATION, Agglomeration),
        cities=table(RecordKind.CITY, City),
        sectors=table(RecordKind.SECTOR, Sector),
        startups=table(RecordKind.STARTUP, Startup),
        organizations=table(RecordKind.ORGANIZATION, Organization),
        events=table(RecordKind.EVENT, Event),
    )


def _read_meta(raw: object, problems: _Problems) -> Meta | None:
    if raw is None:
        problems.add("meta", "the [meta] table is missing")
        return None
    if not isinstance(raw, dict):
        problems.add("meta", "must be a table: [meta]")
        return None
    return _build(Meta, raw, "meta", problems)[0]


def _read_table(
    raw: object, kind: RecordKind, cls: type[Record], problems: _Problems
) -> Iterator[_Entry]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problems.add(kind.value, f"must be an array of tables: [[{kind.value}]]")
        return
    for index, item in enumerate(raw):
        record_id = item.get("id")
        where = f"{kind.value}[{index}]"
        if isinstance(record_id, str):
            where += f" ({record_id!r})"
        record, values = _build(cls, item, where, problems)
        yield _Entry(kind, where, values, record)


def _build(
    cls: type[_R], raw: Mapping[str, Any], where: str, problems: _Problems
) -> tuple[_R | None, dict[str, Any]]:
    """Build one dataclass from a TOML table, checking each field against its type.

    Returns the record (None if any field failed) and the values that passed.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = typing.get_type_hints(cls)
    before = len(problems.items)
    for key in raw:
        if key not in fields:
            problems.add(where, f"unknown field {key!r}{did_you_mean(key, fields)}")
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in raw:
            required = field.default is dataclasses.MISSING
            if required:
                problems.add(where, f"the required field {name!r} is missing")
            continue
        try:
            values[name] = _convert(name, hints[name], raw[name])
        except ValueError as error:
            problems.add(where, f"{name!r} {error}")
    if len(problems.items) > before:
        return None, values
    record = cls(**values)
    for message in _record_checks(record):
        problems.add(where, message)
    return record, values


def _convert(name: str, hint: Any, value: Any) -> Any:
    """Check one TOML value against a field's type hint and return the model's value."""
    optional = isinstance(hint, types.UnionType) and type(None) in hint.__args__
    if optional:
        (hint,) = (arg for arg in hint.__args__ if arg is not type(None))
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list):
            raise ValueError(f"must be a list of texts, got {_describe(value)}")
        items = tuple(_convert_text(name, item, in_list=True) for item in value)
        repeated = sorted({item for item in items if items.count(item) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(map(repr, repeated))} more than once")
        return items
    converter = _CONVERTERS.get(hint)
    if converter is None:  # pragma: no cover - a model field without a converter is a bug
        raise TypeError(f"no converter for {hint!r}")
    return converter(name, value)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _convert_text(name: str, value: Any, in_list: bool = False) -> str:
    what = "each item" if in_list else "it"
    if not isinstance(value, str):
        raise ValueError(f"must be text, got {_describe(value)}")
    if not value.strip():
        raise ValueError(f"must not be empty ({what} is blank)")
    if (name in _SLUG_FIELDS or name in {"sources", "sectors", "hosted_by", "organizers"}) and (
        not _SLUG.fullmatch(value)
    ):
        raise ValueError(
            f"must be a slug like 'le-havre' (lowercase letters, digits, hyphens), got {value!r}"
        )
    if name in _URL_FIELDS and not (_URL.fullmatch(value) and value.isprintable()):
        raise ValueError(f"must be a web address starting with http:// or https://, got {value!r}")
    return value


def _convert_date(name: str, value: Any) -> PartialDate:
    if isinstance(value, dt.datetime):
        raise ValueError(f"must be a date, not a date and time: got {value.isoformat()}")
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"must be a date like '2015', '2015-11' or '2015-11-19', got {value!r}")
    try:
        return PartialDate(value) if isinstance(value, int) else PartialDate.parse(value)
    except ValueError as error:
        raise ValueError(f"is not a valid date: {error}") from None


def _convert_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number, got {_describe(value)}")
    if value < 0:
        raise ValueError(f"must not be negative, got {value}")
    return value


def _convert_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"must be a number, got {_describe(value)}")
    limit = 90 if name == "latitude" else 180
    if not -limit <= value <= limit:
        raise ValueError(f"must be between -{limit} and {limit}, got {value}")
    return float(value)


def _convert_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {_describe(value)}")
    return value


def _convert_kind(name: str, value: Any) -> OrganizationKind:
    kinds = [kind.value for kind in OrganizationKind]
    if value not in kinds:
        raise ValueError(
            f"must be one of {', '.join(kinds)}; got {value!r}{did_you_mean(str(value), kinds)}"
        )
    return OrganizationKind(value)


_CONVERTERS: dict[Any, Callable[[str, Any], Any]] = {
    str: _convert_text,
    int: _convert_int,
    float: _convert_float,
    bool: _convert_bool,
    PartialDate: _convert_date,
    OrganizationKind: _convert_kind,
}


def _record_checks(record: object) -> Iterator[str]:
    """Rules that span fields of one record."""
    if isinstance(record, City):
        if not _INSEE.fullmatch(record.insee):
            yield f"'insee' must be a 5-character INSEE code like '14118', got {record.insee!r}"
        if not _DEPARTMENT.fullmatch(record.department):
            yield f"'department' must be a code like '14', got {record.department!r}"
    if isinstance(record, Event):
        if record.end is not None and record.start is None:
            yield "'end' is set but 'start' is not"
        elif (
            record.end is not None
            and record.start is not None
            and record.end.last_day < record.start.first_day
        ):
            yield f"'end' ({record.end}) is before 'start' ({record.start})"
    if isinstance(record, Startup | Organization | Event | Agglomeration | City) and not (
        record.sources
    ):
        yield "'sources' must name at least one source"


def _check_ids(entries: Sequence[_Entry], problems: _Problems) -> None:
    """Ids are unique across the whole file, so `normandie show ID` is never ambiguous."""
    first: dict[str, _Entry] = {}
    for entry in entries:
        if entry.id is None:
            continue
        earlier = first.setdefault(entry.id, entry)
        if earlier is not entry:
            problems.add(entry.where, f"duplicate id {entry.id!r}, already used by {earlier.where}")
    # Names people type for a place (--city) must lead to one place only.
    owners: dict[str, str] = {}
    for entry in entries:
        place = entry.record
        if isinstance(place, City):
            names = (place.id, place.name, *place.aliases)
        elif isinstance(place, Agglomeration):
            names = (place.id, place.name)
        else:
            continue
        for name in sorted({fold(n) for n in names}):
            if not name:
                problems.add(entry.where, "a name or alias has no letters or digits")
                continue
            other = owners.setdefault(name, place.id)
            if other != place.id:
                problems.add(entry.where, f"{other!r} and {place.id!r} are both called {name!r}")


# Which fields refer to which tables: (kinds that have the field, field, target tables).
_REFERENCES: tuple[tuple[frozenset[RecordKind], str, tuple[RecordKind, ...]], ...] = (
    (frozenset(RecordKind), "sources", (RecordKind.SOURCE,)),
    (
        frozenset({RecordKind.STARTUP, RecordKind.ORGANIZATION, RecordKind.EVENT}),
        "city",
        (RecordKind.CITY,),
    ),
    (frozenset({RecordKind.CITY}), "agglomeration", (RecordKind.AGGLOMERATION,)),
    (frozenset({RecordKind.AGGLOMERATION}), "seat", (RecordKind.CITY,)),
    (frozenset({RecordKind.STARTUP}), "sectors", (RecordKind.SECTOR,)),
    (frozenset({RecordKind.STARTUP}), "hosted_by", (RecordKind.ORGANIZATION,)),
    (frozenset({RecordKind.EVENT}), "organizers", (RecordKind.ORGANIZATION, RecordKind.STARTUP)),
)


def _check_references(entries: Sequence[_Entry], problems: _Problems) -> None:
    ids: dict[RecordKind, set[str]] = {kind: set() for kind in RecordKind}
    for entry in entries:
        if entry.id is not None:
            ids[entry.kind].add(entry.id)
    for entry in entries:
        for kinds, field, targets in _REFERENCES:
            value = entry.values.get(field) if entry.kind in kinds else None
            known = set().union(*(ids[t] for t in targets))
            for reference in value if isinstance(value, tuple) else [value]:
                if reference is not None and reference not in known:
                    problems.add(
                        entry.where,
                        f"{field!r} refers to {reference!r}, which is not in "
                        f"{' or '.join(t.value for t in targets)}{did_you_mean(reference, known)}",
                    )
    cities = {e.record.id: e.record for e in entries if isinstance(e.record, City)}
    for entry in entries:
        if isinstance(entry.record, Agglomeration):
            seat = cities.get(entry.record.seat)
            if seat is not None and seat.agglomeration != entry.record.id:
                problems.add(
                    entry.where,
                    f"its seat {seat.id!r} does not belong to it: set agglomeration ="
                    f" {entry.record.id!r} on that city",
                )
