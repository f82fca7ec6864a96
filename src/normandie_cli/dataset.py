"""Find, parse and validate the TOML dataset; the only module that sees raw TOML values.

A dataset is one TOML file, or a folder of them whose tables are put together (the bundled
data: hand-kept files plus the files the import scripts generate). Exactly one file holds
[meta]. Every problem is collected, each with its file, table, record and field, before
anything is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import importlib.resources
import math
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from normandie_cli.errors import DataError
from normandie_cli.i18n import _
from normandie_cli.models import (
    RECORD_TYPES,
    Agglomeration,
    City,
    Dataset,
    Department,
    Event,
    FundingRound,
    Meta,
    Organization,
    PartialDate,
    Record,
    RecordKind,
    Retirement,
    Source,
    Startup,
    Term,
)
from normandie_cli.text import did_you_mean, fold

DATA_FOLDER = "data"
# Far above any real dataset (100,000 startups take 39 MB): a bound on what is read, so that
# --data /dev/zero ends in an error instead of filling the memory.
LARGEST_FILE = 256 * 2**20

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
# A web address: http(s), a dotted host name, then anything printable without spaces.
_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?",
    re.IGNORECASE | re.ASCII,
)
_INSEE = re.compile(r"\d[\dAB]\d{3}", re.ASCII)
_DEPARTMENT = re.compile(r"\d{2}|2[ab]|97\d", re.ASCII)
_SIREN = re.compile(r"\d{9}", re.ASCII)
_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)
_TOP_LEVEL = ("meta", *(kind.value for kind in RecordKind))
# An overlay holds records and retirements, never [meta]: it amends a dataset.
RETIRED = "retired"
_OVERLAY_TOP_LEVEL = (*(kind.value for kind in RecordKind), RETIRED)

# Text fields that hold a slug: ids, keywords, and every reference to another record.
_SLUG_FIELDS = frozenset(
    {"id", "tags", "series", "sources", "sectors", "hosted_by", "organizers", "research_units"}
    | {"parents", "members", "seat", "city", "kind", "contest", "department"}
)
_URL_FIELDS = frozenset({"url", "website"})
# Whole numbers that are years (an award's, a census's): the range PartialDate accepts.
_YEAR_FIELDS = frozenset({"year", "population_year", "rnsr_since"})
# A bound far above any real amount in euros or any commune's population; larger numbers are
# typing slips, and their sums would overflow SQLite's 64-bit integers.
_LARGEST_AMOUNT = 10**12

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


class _Problems:
    """Collects every problem found, each prefixed with where it is."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)


def bundled_data_path() -> Path:
    """The data folder shipped in the package, or the checkout's data/ in an editable install."""
    packaged = importlib.resources.files("normandie_cli").joinpath(DATA_FOLDER)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / DATA_FOLDER
    if checkout.is_dir():
        return checkout
    raise DataError(DATA_FOLDER, [_("the bundled dataset is missing: reinstall normandie")])


def dataset_files(path: Path) -> list[Path]:
    """The TOML files a dataset path stands for: the file itself, or a folder's *.toml."""
    try:
        is_folder = path.is_dir()
    except OSError as error:  # a name too long, a loop of links: is_dir() lets these through
        reason = _("cannot be read: {reason}").format(reason=error.strerror or error)
        raise DataError(str(path), [reason]) from None
    if not is_folder:
        return [path]
    files = sorted(p for p in path.rglob("*.toml") if p.is_file())
    if not files:
        raise DataError(str(path), [_("this folder holds no .toml file")])
    return files


@contextmanager
def collector_paused() -> Iterator[None]:
    """Building hundreds of thousands of objects that all stay alive: the garbage collector's
    passes over them would find nothing to free and take a third of the time. Afterwards the
    survivors are frozen, so later collections do not walk them either."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def load_dataset(path: Path | None = None, overlay: Path | None = None) -> Dataset:
    """Read and validate a dataset (the bundled one by default): a TOML file or a folder,
    amended by an overlay file when one is given and exists (see parse_dataset).

    Raises DataError listing every problem, each with its file, table, record and field.
    """
    path = path or bundled_data_path()
    files = dataset_files(path)
    with collector_paused():
        parts = read_parts(path, files)
        amendment = None
        if overlay is not None and overlay.exists():
            amendment = (str(overlay), read_toml(overlay, may_be_empty=True))
        return parse_dataset(parts, str(path), amendment)


def read_parts(path: Path, files: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    """The parsed files of a dataset, each named by its place in the dataset's folder."""
    return [
        (file.relative_to(path).as_posix() if path.is_dir() else "", read_toml(file))
        for file in files
    ]


def read_toml(path: Path, *, may_be_empty: bool = False) -> dict[str, Any]:
    """Parse a TOML file, turning every way it can fail into one DataError."""
    label = str(path)
    try:
        with path.open("rb") as file:
            content = file.read(LARGEST_FILE + 1)
    except FileNotFoundError:
        raise DataError(label, [_("no such file")]) from None
    except IsADirectoryError:
        raise DataError(label, [_("this is a folder, not a TOML file")]) from None
    except PermissionError:
        raise DataError(label, [_("permission denied: the file cannot be read")]) from None
    except OSError as error:
        reason = _("cannot be read: {reason}").format(reason=error.strerror or error)
        raise DataError(label, [reason]) from None
    except ValueError:  # a NUL byte or an unencodable character in the name
        raise DataError(label, [_("this is not a usable file name")]) from None
    if len(content) > LARGEST_FILE:
        limit = f"{LARGEST_FILE // 2**20} MB"
        too_large = _("larger than {limit}: this is not a dataset file")
        raise DataError(label, [too_large.format(limit=limit)])
    return parse_toml(content, label, may_be_empty=may_be_empty)


def parse_toml(content: bytes, label: str, *, may_be_empty: bool = False) -> dict[str, Any]:
    """Parse the bytes of a TOML file (`label` names it in errors) into one DataError or
    its tables: UTF-8, an optional byte order mark, TOML 1.0. An empty file is an error
    unless it may be empty (an overlay that changes nothing yet)."""
    import tomli

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        not_utf8 = _("line {line}: not UTF-8 text (byte {byte})")
        raise DataError(label, [not_utf8.format(line=line, byte=error.start)]) from None
    if not text.strip():
        if may_be_empty:
            return {}
        raise DataError(label, [_("the file is empty")])
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        syntax = _("TOML syntax error at line {line}, column {column}: {reason}")
        raise DataError(
            label, [syntax.format(line=error.lineno, column=error.colno, reason=error.msg)]
        ) from None
    except RecursionError:
        raise DataError(label, [_("the TOML is nested too deeply to be read")]) from None


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


def parse_dataset(
    parts: Sequence[tuple[str, Mapping[str, Any]]],
    label: str,
    overlay: tuple[str, Mapping[str, Any]] | None = None,
) -> Dataset:
    """Turn parsed TOML files (name, tables) into one validated Dataset.

    An overlay (name, tables) amends the dataset: a record with a new id is added, one with
    the id of a record of its table replaces it, and a [[retired]] entry hides one. The
    whole result is then checked, so an overlay cannot leave a reference dangling.

    Raises DataError with every problem. References are checked even on records with other
    problems, so one run reports all.
    """
    problems = _Problems()
    metas: list[tuple[str, Meta | None]] = []
    entries: list[_Entry] = []
    for name, raw in parts:
        prefix = f"{name}: " if name else ""
        _check_tables(name, raw, _TOP_LEVEL, problems)
        if "meta" in raw:
            metas.append((name, _read_meta(raw["meta"], f"{prefix}meta", problems)))
        entries += _read_records(raw, prefix, problems)
    if overlay is not None:
        entries = _apply_overlay(entries, *overlay, problems)
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
    if problems.items or meta is None:
        raise DataError(label, problems.items)

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
    return Dataset(
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
    )


def _check_tables(
    name: str, raw: Mapping[str, Any], allowed: Sequence[str], problems: _Problems
) -> None:
    for key in raw:
        if key not in allowed:
            unknown = _("unknown table {name!r}{suggestion}")
            problems.add(name, unknown.format(name=key, suggestion=did_you_mean(key, allowed)))


def _read_records(raw: Mapping[str, Any], prefix: str, problems: _Problems) -> list[_Entry]:
    entries: list[_Entry] = []
    for kind, cls in RECORD_TYPES.items():
        entries += _read_table(raw.get(kind.value, []), kind, cls, prefix, problems)
    return entries


def _read_retirements(raw: Mapping[str, Any], where: str, problems: _Problems) -> list[Retirement]:
    """The [[retired]] entries of an overlay that are complete and well formed."""
    table = raw.get(RETIRED, [])
    if not isinstance(table, list) or not all(isinstance(item, dict) for item in table):
        array = _("must be an array of tables: [[{table}]]").format(table=RETIRED)
        problems.add(f"{where}{RETIRED}", array)
        return []
    built = (
        _build(Retirement, item, f"{where}{RETIRED}[{index}]", problems)[0]
        for index, item in enumerate(table)
    )
    return [retirement for retirement in built if retirement is not None]


def overlay_retirements(raw: Mapping[str, Any], label: str) -> list[Retirement]:
    """The [[retired]] entries of an overlay; raises DataError if one is malformed."""
    problems = _Problems()
    retirements = _read_retirements(raw, f"{label}: ", problems)
    if problems.items:
        raise DataError(label, problems.items)
    return retirements


def _apply_overlay(
    entries: list[_Entry], name: str, raw: Mapping[str, Any], problems: _Problems
) -> list[_Entry]:
    """The dataset's entries with the overlay's additions, replacements and retirements."""
    prefix = f"{name}: "
    _check_tables(name, raw, _OVERLAY_TOP_LEVEL, problems)
    amended = _read_records(raw, prefix, problems)
    retirements = _read_retirements(raw, prefix, problems)
    replaced = {(entry.kind, entry.id) for entry in amended}
    known = {entry.id for entry in entries}
    source_ids = {e.id for e in (*entries, *amended) if e.kind is RecordKind.SOURCE and e.id}
    retired: set[str] = set()
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
    kept = [
        entry
        for entry in entries
        if (entry.kind, entry.id) not in replaced and entry.id not in retired
    ]
    return kept + amended


def _read_meta(raw: object, where: str, problems: _Problems) -> Meta | None:
    if not isinstance(raw, dict):
        problems.add(where, _("must be a table: [meta]"))
        return None
    return _build(Meta, raw, where, problems)[0]


def _read_table(
    raw: object, kind: RecordKind, cls: type[Record], prefix: str, problems: _Problems
) -> Iterator[_Entry]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        array = _("must be an array of tables: [[{table}]]").format(table=kind.value)
        problems.add(f"{prefix}{kind.value}", array)
        return
    for index, item in enumerate(raw):
        record_id = item.get("id")
        where = f"{prefix}{kind.value}[{index}]"
        if isinstance(record_id, str):
            where += f" ({record_id!r})"
        record, values = _build(cls, item, where, problems)
        yield _Entry(kind, where, values, record)


@dataclasses.dataclass(frozen=True, slots=True)
class _FieldSpec:
    """How to read one field: a converter for plain values, or the class of nested tables."""

    required: bool
    convert: Callable[[str, Any], Any] | None
    nested: type | None


@functools.cache
def _schema(cls: Any) -> dict[str, _FieldSpec]:
    """The fields a TOML table may set for this class (derived ones excluded), worked out
    once per class from the type hints."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: _field_spec(hints[f.name], required=f.default is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
        if not f.metadata.get("derived")
    }


def _field_spec(hint: Any, required: bool) -> _FieldSpec:
    if isinstance(hint, types.UnionType) and type(None) in hint.__args__:
        (hint,) = (arg for arg in hint.__args__ if arg is not type(None))
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(item) and isinstance(item, type):
            return _FieldSpec(required, None, item)
        return _FieldSpec(required, _convert_text_list, None)
    if isinstance(hint, type) and issubclass(hint, Enum):
        enum = hint
        return _FieldSpec(required, lambda name, value: _convert_enum(enum, value), None)
    return _FieldSpec(required, _CONVERTERS[hint], None)


def _build(
    cls: type[_R], raw: Mapping[str, Any], where: str, problems: _Problems
) -> tuple[_R | None, dict[str, Any]]:
    """Build one dataclass from a TOML table, checking each field against its type.

    Returns the record (None if any field failed) and the values that passed.
    """
    specs = _schema(cls)  # type: ignore[arg-type]  # classes are hashable
    before = len(problems.items)
    for key in raw:
        if key not in specs:
            unknown = _("unknown field {name!r}{suggestion}")
            problems.add(where, unknown.format(name=key, suggestion=did_you_mean(key, specs)))
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in raw:
            if spec.required:
                problems.add(where, _("the required field {name!r} is missing").format(name=name))
            continue
        if spec.nested is not None:
            built = _build_nested(spec.nested, raw[name], f"{where}.{name}", problems)
            if built is not None:
                values[name] = built
            continue
        assert spec.convert is not None
        try:
            values[name] = spec.convert(name, raw[name])
        except ValueError as error:
            problems.add(where, f"{name!r} {error}")
    if len(problems.items) > before:
        return None, values
    record = cls(**values)
    for message in _record_checks(record):
        problems.add(where, message)
    return record, values


def _build_nested(cls: type, raw: Any, where: str, problems: _Problems) -> tuple[Any, ...] | None:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problems.add(where, _("must be a list of tables"))
        return None
    built = [_build(cls, item, f"{where}[{i}]", problems)[0] for i, item in enumerate(raw)]
    return None if None in built else tuple(built)


def _convert_text_list(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(_("must be a list of texts, got {value}").format(value=_describe(value)))
    items = tuple(_convert_text(name, item, in_list=True) for item in value)
    if len(set(items)) == len(items):
        return items
    repeated = sorted({item for item in items if items.count(item) > 1})
    if repeated:
        twice = _("lists {items} more than once")
        raise ValueError(twice.format(items=", ".join(map(repr, repeated))))
    return items


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, list):
        return _("a list")
    return f"{type(value).__name__} {value!r}"


def _convert_text(name: str, value: Any, in_list: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(_("must be text, got {value}").format(value=_describe(value)))
    if not value.strip():
        if in_list:
            raise ValueError(_("must not be empty (each item is blank)"))
        raise ValueError(_("must not be empty (it is blank)"))
    if name in _SLUG_FIELDS and not _SLUG.fullmatch(value):
        raise ValueError(
            _(
                "must be a slug like 'le-havre' (lowercase letters, digits, hyphens), got {value!r}"
            ).format(value=value)
        )
    if name in _URL_FIELDS and not (_URL.fullmatch(value) and value.isprintable()):
        raise ValueError(
            _("must be a web address starting with http:// or https://, got {value!r}").format(
                value=value
            )
        )
    return value


def _convert_date(name: str, value: Any) -> PartialDate:
    if isinstance(value, dt.datetime):
        raise ValueError(
            _("must be a date, not a date and time: got {value}").format(value=value.isoformat())
        )
    if isinstance(value, dt.date):
        return PartialDate.from_date(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(
            _("must be a date like '2015', '2015-11' or '2015-11-19', got {value!r}").format(
                value=value
            )
        )
    try:
        return PartialDate(value) if isinstance(value, int) else PartialDate.parse(value)
    except ValueError as error:
        raise ValueError(_("is not a valid date: {reason}").format(reason=error)) from None


def _convert_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("must be a whole number, got {value}").format(value=_describe(value)))
    if value < 0:
        raise ValueError(_("must not be negative, got {value}").format(value=value))
    if name in _YEAR_FIELDS and not 1 <= value <= 9999:
        raise ValueError(_("must be a year like 2015, got {value}").format(value=value))
    if value > _LARGEST_AMOUNT:
        too_large = _("is too large to be real ({value}); at most {limit}")
        raise ValueError(too_large.format(value=value, limit=f"{_LARGEST_AMOUNT:_}"))
    return value


def _convert_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(_("must be a number, got {value}").format(value=_describe(value)))
    limit = 90 if name == "latitude" else 180
    if not -limit <= value <= limit:
        between = _("must be between -{limit} and {limit}, got {value}")
        raise ValueError(between.format(limit=limit, value=value))
    return float(value)


def _convert_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false, got {value}").format(value=_describe(value)))
    return value


def _convert_enum(enum: type[Enum], value: Any) -> Enum:
    allowed = [member.value for member in enum]
    if value not in allowed:
        raise ValueError(
            _("must be one of {allowed}; got {value!r}{suggestion}").format(
                allowed=", ".join(allowed),
                value=value,
                suggestion=did_you_mean(str(value), allowed),
            )
        )
    return enum(value)


_CONVERTERS: dict[Any, Callable[[str, Any], Any]] = {
    str: _convert_text,
    int: _convert_int,
    float: _convert_float,
    bool: _convert_bool,
    PartialDate: _convert_date,
}


def _record_checks(record: object) -> Iterator[str]:
    """Rules that span fields of one record."""
    if isinstance(record, City) and not _INSEE.fullmatch(record.insee):
        insee = _("'insee' must be a 5-character INSEE code like '14118', got {value!r}")
        yield insee.format(value=record.insee)
    if isinstance(record, Department) and not _DEPARTMENT.fullmatch(record.id):
        yield _("'id' must be a department code like '14', got {value!r}").format(value=record.id)
    if getattr(record, "city_basis", None) is not None and getattr(record, "city", None) is None:
        yield _("'city_basis' says how the city is known, but 'city' is not set")
    siren = getattr(record, "siren", None)
    if siren is not None and not _SIREN.fullmatch(siren):
        yield _("'siren' must be 9 digits, got {value!r}").format(value=siren)
    if isinstance(record, Event):
        if record.end is not None and record.start is None:
            yield _("'end' is set but 'start' is not")
        elif (
            record.end is not None
            and record.start is not None
            and record.end.last_day < record.start.first_day
        ):
            before = _("'end' ({end}) is before 'start' ({start})")
            yield before.format(end=record.end, start=record.start)
    sources = getattr(record, "sources", None)
    if (
        isinstance(record, Record | FundingRound | Retirement)
        and sources is not None
        and not sources
    ):
        yield _("'sources' must name at least one source")
    if isinstance(record, FundingRound) and not _CURRENCY.fullmatch(record.currency):
        currency = _("'currency' must be a 3-letter code like 'EUR', got {value!r}")
        yield currency.format(value=record.currency)


def _check_ids(entries: Sequence[_Entry], problems: _Problems) -> None:
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


def _check_references(entries: Sequence[_Entry], problems: _Problems) -> None:
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


def _check_agglomerations(entries: Sequence[_Entry], problems: _Problems) -> dict[str, str]:
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
