"""How one TOML table becomes one typed record: each field checked against its type, then
the rules that span the fields of one record. Every problem is collected, never raised."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Any, TypeVar

from normandie_cli.errors import SHOWN_PROBLEMS
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import (
    YEAR_FIELDS,
    City,
    Department,
    Event,
    FundingRound,
    PartialDate,
    Record,
    Retirement,
)
from normandie_cli.text import did_you_mean

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
# A web address: http(s), a dotted host name (or, for a mirror of an API the updates layer
# cites, an IPv4 address or localhost), then anything printable without spaces.
_URL = re.compile(
    r"https?://(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3}|localhost)"
    r"(?::\d+)?(?:[/?#]\S*)?",
    re.IGNORECASE | re.ASCII,
)
_INSEE = re.compile(r"\d[\dAB]\d{3}", re.ASCII)
_DEPARTMENT = re.compile(r"\d{2}|2[ab]|97\d", re.ASCII)
_SIREN = re.compile(r"\d{9}", re.ASCII)
_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)
_NAF = re.compile(r"\d{2}\.\d{2}[A-Z]", re.ASCII)
_HEADCOUNT = re.compile(r"NN|\d{2}", re.ASCII)

# Text fields that hold a slug: ids, keywords, and every reference to another record.
_SLUG_FIELDS = frozenset(
    {"id", "tags", "series", "sources", "sectors", "hosted_by", "organizers", "research_units"}
    | {"parents", "members", "seat", "city", "kind", "contest", "department"}
)
_URL_FIELDS = frozenset({"url", "website"})
# A bound far above any real amount in euros or any commune's population; larger numbers are
# typing slips, and their sums would overflow SQLite's 64-bit integers.
_LARGEST_AMOUNT = 10**12

_R = TypeVar("_R")


class Problems:
    """Collects the problems found, each prefixed with where it is: all are counted, the
    first ones kept (see errors.SHOWN_PROBLEMS)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.count = 0

    def add(self, where: str, message: str) -> None:
        self.count += 1
        if len(self.items) < SHOWN_PROBLEMS:
            self.items.append(f"{where}: {message}" if where else message)


@frozen
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


def build_record(
    cls: type[_R], raw: Mapping[str, Any], where: str, problems: Problems
) -> tuple[_R | None, dict[str, Any]]:
    """Build one dataclass from a TOML table, checking each field against its type.

    Returns the record (None if any field failed) and the values that passed.
    """
    specs = _schema(cls)  # type: ignore[arg-type]  # classes are hashable
    before = problems.count
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
    if problems.count > before:
        return None, values
    record = cls(**values)
    for message in _record_checks(record):
        problems.add(where, message)
    return record, values


def _build_nested(cls: type, raw: Any, where: str, problems: Problems) -> tuple[Any, ...] | None:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problems.add(where, _("must be a list of tables"))
        return None
    built = [build_record(cls, item, f"{where}[{i}]", problems)[0] for i, item in enumerate(raw)]
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
    if name in _URL_FIELDS and not web_address(value):
        raise ValueError(
            _("must be a web address starting with http:// or https://, got {value!r}").format(
                value=value
            )
        )
    return value


def web_address(value: str) -> bool:
    """Whether a text is a web address the dataset accepts: http(s), a dotted host name (an
    IPv4 address or localhost for a mirror), no credentials, nothing unprintable."""
    return _URL.fullmatch(value) is not None and value.isprintable()


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
    if name in YEAR_FIELDS and not 1 <= value <= 9999:
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
    activity, headcount = getattr(record, "activity", None), getattr(record, "headcount", None)
    if activity is not None and not _NAF.fullmatch(activity):
        yield _("'activity' must be a NAF code like '62.01Z', got {value!r}").format(value=activity)
    if headcount is not None and not _HEADCOUNT.fullmatch(headcount):
        band = _("'headcount' must be an INSEE band code like '11' or 'NN', got {value!r}")
        yield band.format(value=headcount)
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
