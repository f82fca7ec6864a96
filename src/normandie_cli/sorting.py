"""The order of a listing: --sort by one field or several, in French order for text, with
unknown values always last."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.models import PartialDate, Record, RecordKind
from normandie_cli.text import did_you_mean, french_sort_key

_T = TypeVar("_T", bound=Record)

SORT_FIELDS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.STARTUP: ("name", "id", "city", "founded"),
    RecordKind.ORGANIZATION: ("name", "id", "kind", "city", "founded"),
    RecordKind.EVENT: ("start", "name", "id", "city"),
    RecordKind.CITY: ("name", "id", "department", "agglomeration", "population"),
    RecordKind.SOURCE: ("id", "publisher", "date", "title"),
}


def _sort_value(record: Record, field: str) -> Any:
    value = getattr(record, field)
    if isinstance(value, str):
        return french_sort_key(value)
    if isinstance(value, PartialDate):
        return (value.first_day, value.last_day)
    return value


def sort_records(records: Iterable[_T], fields: Sequence[str], reverse: bool = False) -> list[_T]:
    """Sort by each field in turn (French order for text); unknown values always go last."""
    result = list(records)
    for field in reversed(fields):
        known = [r for r in result if getattr(r, field) is not None]
        unknown = [r for r in result if getattr(r, field) is None]
        known.sort(key=lambda r: _sort_value(r, field), reverse=reverse)
        result = known + unknown
    return result


def check_sort_fields(kind: RecordKind, fields: Sequence[str]) -> list[str]:
    """The --sort fields, checked against what this kind of record can be sorted by."""
    valid = SORT_FIELDS.get(kind, ())
    for field in fields:
        if field not in valid:
            raise UsageError(
                _("cannot sort by {field!r}{suggestion}. Sort keys: {keys}.").format(
                    field=field, suggestion=did_you_mean(field, valid), keys=", ".join(valid)
                )
            )
    return list(fields)
