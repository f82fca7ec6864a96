"""The personal overlay: records people add, correct or retire in a TOML file of their own,
merged with the dataset when it is loaded (the rules are in validation.parse_dataset).

Changes are made to the file's text, not by writing it again from parsed values: a new or
corrected record is rendered with tomli-w and appended, or put in place of its earlier
version, so the rest of the file (comments and layout included) stays byte for byte as it
was. Every change is checked against the whole dataset before the file is replaced, all or
nothing, under a lock that lets two commands run at the same moment.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from normandie_cli.dataset import parse_toml
from normandie_cli.errors import UsageError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _, human_date
from normandie_cli.models import (
    NESTED_FIELDS,
    RECORD_TYPES,
    Dataset,
    PartialDate,
    Record,
    RecordKind,
    Retirement,
    Source,
    record_fields,
)
from normandie_cli.overlay_file import entries, read_overlay_text
from normandie_cli.resolve import resolve_organizers, resolve_term
from normandie_cli.text import did_you_mean, fold, slugify, typed_text

_TRUE = frozenset({"true", "yes", "oui", "1"})
_FALSE = frozenset({"false", "no", "non", "0"})


def read_overlay(path: Path) -> dict[str, Any]:
    """The overlay's tables; an overlay not yet written is empty."""
    return parse_toml(read_overlay_text(path).encode("utf-8"), str(path), may_be_empty=True)


def overlay_ids(raw: Mapping[str, Any]) -> set[str]:
    """The ids of the records an overlay adds or replaces."""
    return {
        item["id"]
        for kind in RecordKind
        for item in raw.get(kind.value, ())
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def retired_note(retirement: Retirement) -> str:
    """Why a record is not there: the overlay retired it, on a day, for a reason."""
    if retirement.retired_on is None:
        note = _(
            "{id!r} was retired by your overlay ({reason}); `normandie --no-overlay show {id}`"
            " shows it as the dataset has it"
        )
    else:
        note = _(
            "{id!r} was retired by your overlay on {date} ({reason}); `normandie --no-overlay"
            " show {id}` shows it as the dataset has it"
        )
    day = retirement.retired_on
    return note.format(
        id=retirement.id, reason=retirement.reason, date=human_date(day) if day else ""
    )


# --- Turning what people type into field values --------------------------------------------


def field_value(dataset: Dataset, kind: RecordKind, field: str, text: str) -> Any:
    """The TOML value of a record's field from text typed on the command line.

    Lists are comma-separated; cities, sectors and kinds are matched the way the filters
    match them ('Évreux', 'big data'). Raises UsageError naming what is wrong.
    """
    from normandie_cli.places import resolve_commune

    hint = check_field(kind, field)
    text = typed_text(text).strip()
    if not text:
        raise UsageError(
            _("{field} needs a value; to empty it, use --unset {field}").format(field=field)
        )
    if field == "city":
        return resolve_commune(dataset, text).id
    if field == "kind":
        terms = dataset.event_kinds if kind is RecordKind.EVENT else dataset.organization_kinds
        unknown = _("unknown kind {text!r}{suggestion}. Known kinds: {known}.")
        return resolve_term(unknown, terms, text)
    if _is_list(hint):
        items = [item.strip() for item in text.split(",") if item.strip()]
        if field == "sectors":
            unknown = _("unknown sector {text!r}{suggestion}. Known sectors: {known}.")
            items = [resolve_term(unknown, dataset.sectors, item) for item in items]
        elif field == "tags":
            items = [slugify(item) for item in items]
        elif field in {"hosted_by", "research_units", "parents", "organizers"}:
            items = [min(resolve_organizers(dataset, [item])) for item in items]
        return list(dict.fromkeys(items))
    if bool in _types(hint):
        answer = fold(text)
        if answer not in _TRUE | _FALSE:
            wrong = _("{field} must be true or false (oui/non), got {text!r}")
            raise UsageError(wrong.format(field=field, text=text))
        return answer in _TRUE
    if PartialDate in _types(hint):
        try:
            return str(PartialDate.parse(text))
        except ValueError as error:
            raise UsageError(f"{field}: {error}") from None  # the error says what is wrong
    for number in (int, float):
        if number in _types(hint):
            try:
                return number(text)
            except ValueError:
                wrong = _("{field} must be a number, got {text!r}")
                raise UsageError(wrong.format(field=field, text=text)) from None
    return text


def check_field(kind: RecordKind, field: str) -> Any:
    """The type of a field people may set; raises UsageError for any other name."""
    if field in NESTED_FIELDS:
        nested = _("{field!r} is a list of tables: correct it in the overlay file itself")
        raise UsageError(nested.format(field=field))
    hint = _field_hints(kind).get(field)
    if hint is None:
        known = sorted(_field_hints(kind))
        unknown = _("{table}: no field {field!r}{suggestion}. Fields: {known}.")
        raise UsageError(
            unknown.format(
                table=kind.value,
                field=field,
                suggestion=did_you_mean(field, known),
                known=", ".join(known),
            )
        )
    return hint


@typing.no_type_check
def _field_hints(kind: RecordKind) -> dict[str, Any]:
    """The fields of a kind's records that people may set: not the id, not derived ones."""
    cls = RECORD_TYPES[kind]
    hints = typing.get_type_hints(cls)
    return {
        f.name: hints[f.name]
        for f in dataclasses.fields(cls)
        if f.name != "id" and f.name not in NESTED_FIELDS and not f.metadata.get("derived")
    }


def _types(hint: Any) -> tuple[Any, ...]:
    """The types a hint allows: those of a union ('str | None'), else the hint itself."""
    return typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)


def _is_list(hint: Any) -> bool:
    return any(typing.get_origin(t) is tuple for t in _types(hint))


def required_fields(kind: RecordKind) -> list[str]:
    """The fields a new record of this kind must have, besides its id and its sources."""
    return [
        f.name
        for f in dataclasses.fields(RECORD_TYPES[kind])
        if f.default is dataclasses.MISSING and f.name not in {"id", "sources"}
    ]


_ASKED = {
    RecordKind.STARTUP: ("name", "city", "sectors"),
    RecordKind.ORGANIZATION: ("name", "kind", "city"),
    RecordKind.EVENT: ("name", "start", "city", "kind"),
    RecordKind.SOURCE: ("title", "publisher", "url", "date"),
}


def fields_to_ask(kind: RecordKind) -> tuple[str, ...]:
    """The fields a terminal asks for, in this order, when a new record lacks one it needs."""
    return _ASKED[kind]


def choices_hint(dataset: Dataset, kind: RecordKind, field: str) -> str:
    """The known values of a field with a closed vocabulary, to show before asking for it."""
    if field == "sectors":
        sectors = ", ".join(t.id for t in dataset.sectors)
        return _("Sectors (ids or names, comma-separated): {sectors}").format(sectors=sectors)
    if field == "kind":
        terms = dataset.event_kinds if kind is RecordKind.EVENT else dataset.organization_kinds
        return _("Kinds: {kinds}").format(kinds=", ".join(t.id for t in terms))
    return ""


def new_record(
    kind: RecordKind, record_id: str, values: Mapping[str, Any], sources: Sequence[str]
) -> dict[str, Any]:
    """A new record's TOML table, its fields in the model's order."""
    given = {"id": record_id, **values}
    if sources:
        given["sources"] = list(sources)
    return {
        f.name: given[f.name] for f in dataclasses.fields(RECORD_TYPES[kind]) if f.name in given
    }


def check_id(text: str) -> str:
    """An id as given with --id: already a slug, or made one ('Ma Startup' -> 'ma-startup')."""
    record_id = slugify(text)
    if not record_id:
        raise UsageError(
            _("{text!r} cannot be an id: use letters, digits and hyphens").format(text=text)
        )
    return record_id


def new_id(text: str) -> str:
    """An id for a new record from its name: 'Protect'écran' -> 'protect-ecran'."""
    slug = slugify(text)
    if not slug:
        raise UsageError(_("no id can be made from {text!r}: give one with --id").format(text=text))
    return slug


def check_new_id(dataset: Dataset, record_id: str) -> None:
    taken = {r.id for kind in RecordKind for r in dataset.records(kind)}
    if record_id in taken:
        taken_message = _(
            "the id {id!r} is taken: choose another with --id, or correct the record with"
            " `normandie edit {id} --set FIELD=VALUE`"
        )
        raise UsageError(taken_message.format(id=record_id))


@frozen
class Citation:
    """The sources a new or corrected record cites, and the new sources they need."""

    ids: tuple[str, ...]
    new_sources: tuple[dict[str, Any], ...]


def cite(
    dataset: Dataset,
    texts: Sequence[str],
    *,
    title: str | None = None,
    publisher: str | None = None,
    required: bool = True,
) -> Citation:
    """Source ids from known ids or web addresses; an address not cited yet becomes a new
    source, titled and published as given, else by its address and its site."""
    from urllib.parse import urlsplit

    if not texts and required:
        raise UsageError(_("a record must cite a source: give --source ID or --source URL"))
    for given in (*texts, title or "", publisher or ""):
        typed_text(given)
    known = {source.id: source for source in dataset.sources}
    by_url = {source.url: source.id for source in dataset.sources}
    ids: list[str] = []
    new: list[dict[str, Any]] = []
    for text in texts:
        text = text.strip()
        if text.startswith(("http://", "https://")):
            if text in by_url:
                ids.append(by_url[text])
                continue
            parts = urlsplit(text)
            host = (parts.hostname or "").removeprefix("www.")
            source_id = _unused(slugify(f"{host} {parts.path}")[:60].strip("-") or "source", known)
            source = {"id": source_id, "title": title or text, "publisher": publisher or host}
            source["url"] = text
            new.append(source)
            known[source_id] = Source(source_id, source["title"], source["publisher"], text)
            by_url[text] = source_id
            ids.append(source_id)
        elif fold(text) in known:
            ids.append(fold(text))
        else:
            unknown = _(
                "unknown source {text!r}{suggestion}: give a source id (`normandie sources`)"
                " or a web address starting with https://"
            )
            raise UsageError(unknown.format(text=text, suggestion=did_you_mean(text, known)))
    return Citation(tuple(dict.fromkeys(ids)), tuple(new))


def _unused(candidate: str, taken: Mapping[str, object]) -> str:
    number, name = 1, candidate
    while name in taken:
        number += 1
        name = f"{candidate}-{number}"
    return name


def corrected(
    values: Mapping[str, Any], kind: RecordKind, changes: Mapping[str, Any], sources: Sequence[str]
) -> dict[str, Any]:
    """A record's TOML values with some set (None removes one) and, for the kinds of record
    that cite sources, more sources cited."""
    result = dict(values)
    for field, value in changes.items():
        if value is None or value == []:
            result.pop(field, None)
        else:
            result[field] = value
    if cites(kind):
        result["sources"] = list(dict.fromkeys([*result.get("sources", []), *sources]))
    return result


def cites(kind: RecordKind) -> bool:
    """Whether records of this kind cite sources (sources and vocabularies do not)."""
    return any(f.name == "sources" for f in dataclasses.fields(RECORD_TYPES[kind]))


def current_values(text: str, kind: RecordKind, record: Record) -> dict[str, Any]:
    """A record's TOML values as they stand: its entry in the overlay's text when it has
    one (read under the lock, so a change made meanwhile is kept), else the dataset's."""
    for item in entries(text, kind.value):
        if item.get("id") == record.id:
            return dict(item)
    return record_fields(record)
