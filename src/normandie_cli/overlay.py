"""The personal overlay: records people add, correct or retire in a TOML file of their own,
merged with the dataset when it is loaded (the rules are in dataset.parse_dataset).

Changes are made to the file's text, not by writing it again from parsed values: a new or
corrected record is rendered with tomli-w and appended, or put in place of its earlier
version, so the rest of the file (comments and layout included) stays byte for byte as it
was. Every change is checked against the whole dataset before the file is replaced, all or
nothing, under a lock that lets two commands run at the same moment.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from normandie_cli.dataset import RETIRED, overlay_retirements, parse_toml
from normandie_cli.errors import DataError, NormandieError, UsageError
from normandie_cli.i18n import _
from normandie_cli.models import (
    NESTED_FIELDS,
    RECORD_TYPES,
    Dataset,
    PartialDate,
    Record,
    RecordKind,
    Source,
)
from normandie_cli.text import did_you_mean, fold, slugify

OVERLAY_FILE = "overlay.toml"
_TRUE = frozenset({"true", "yes", "oui", "1"})
_FALSE = frozenset({"false", "no", "non", "0"})


def default_overlay_path() -> Path:
    """$XDG_DATA_HOME/normandie/overlay.toml, by default ~/.local/share/normandie/…"""
    base = os.environ.get("XDG_DATA_HOME")
    if not base:
        try:
            base = str(Path.home() / ".local" / "share")
        except RuntimeError:  # no home folder: nothing can have been saved
            base = os.path.join(os.sep, "nonexistent")
    return Path(base) / "normandie" / OVERLAY_FILE


def read_overlay_text(path: Path) -> str:
    """The overlay's text; an overlay not yet written is empty."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise DataError(str(path), [_("not UTF-8 text: fix or move the file first")]) from None
    except OSError as error:
        reason = _("cannot be read: {reason}").format(reason=error.strerror or error)
        raise DataError(str(path), [reason]) from None


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


# --- Turning what people type into field values --------------------------------------------


def field_value(dataset: Dataset, kind: RecordKind, field: str, text: str) -> Any:
    """The TOML value of a record's field from text typed on the command line.

    Lists are comma-separated; cities, sectors and kinds are matched the way the filters
    match them ('Évreux', 'big data'). Raises UsageError naming what is wrong.
    """
    from normandie_cli import query

    hint = check_field(kind, field)
    text = text.strip()
    if not text:
        raise UsageError(
            _("{field} needs a value; to empty it, use --unset {field}").format(field=field)
        )
    if field == "city":
        return query.resolve_commune(dataset, text).id
    if field == "kind":
        terms = dataset.event_kinds if kind is RecordKind.EVENT else dataset.organization_kinds
        unknown = _("unknown kind {text!r}{suggestion}. Known kinds: {known}.")
        return query.resolve_term(unknown, terms, text)
    if _is_list(hint):
        items = [item.strip() for item in text.split(",") if item.strip()]
        if field == "sectors":
            unknown = _("unknown sector {text!r}{suggestion}. Known sectors: {known}.")
            items = [query.resolve_term(unknown, dataset.sectors, item) for item in items]
        elif field == "tags":
            items = [slugify(item) for item in items]
        elif field in {"hosted_by", "research_units", "parents", "organizers"}:
            items = [min(query.resolve_organizers(dataset, [item])) for item in items]
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


@dataclasses.dataclass(frozen=True, slots=True)
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
    from normandie_cli.export_toml import record_fields

    for item in _entries(text, kind.value):
        if item.get("id") == record.id:
            return dict(item)
    return record_fields(record)


# --- Editing the file's text ---------------------------------------------------------------

# A table header line: [name] or [[name]], the name possibly dotted or quoted.
_HEADER = re.compile(r"\s*\[\[?\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?")


def append_table(text: str, table: str, values: Mapping[str, Any]) -> str:
    """The text with one more entry of an array of tables at its end."""
    from normandie_cli.export_toml import table_toml

    if text and not text.endswith("\n"):
        text += "\n"
    return text + ("\n" if text.strip() else "") + table_toml(table, dict(values))


def put_table(text: str, table: str, values: Mapping[str, Any]) -> str:
    """The text with this record in `table`: in place of an entry with its id, else added."""
    if values["id"] in _ids_in(text, table):
        return replace_table(text, table, values["id"], values)
    return append_table(text, table, values)


def drop_table(text: str, table: str, record_id: str) -> str:
    """The text without the entry of `table` with this id, if it has one."""
    if record_id in _ids_in(text, table):
        return replace_table(text, table, record_id, None)
    return text


def _ids_in(text: str, table: str) -> list[Any]:
    return [item.get("id") for item in _entries(text, table)]


def _entries(text: str, table: str) -> list[dict[str, Any]]:
    """The entries of one array of tables in an overlay's text (none in a blank text)."""
    raw = parse_toml(text.encode("utf-8"), OVERLAY_FILE, may_be_empty=True)
    return [item for item in raw.get(table, []) if isinstance(item, dict)]


def replace_table(text: str, table: str, record_id: str, values: Mapping[str, Any] | None) -> str:
    """The text with the entry of `table` whose id is given put in place of the old one
    (or removed, when values is None); the rest of the text is kept as it was."""
    from normandie_cli.export_toml import table_toml

    items = _entries(text, table)
    index = next(i for i, item in enumerate(items) if item.get("id") == record_id)
    lines = text.splitlines(keepends=True)
    unsafe = _(
        "the entry {id!r} of [[{table}]] could not be found safely in the overlay:"
        " edit that file by hand; nothing was changed"
    ).format(id=record_id, table=table)
    starts = [i for i, line in enumerate(lines) if _header(line) == ("[[", table)]
    if len(starts) != len(items):  # entries written inline, or a header inside a text
        raise NormandieError(unsafe)
    start, end = _span(lines, starts[index], table)
    if values is None and start > 0 and not lines[start - 1].strip():
        start -= 1  # the blank line that set the entry apart goes with it
    chunk = "" if values is None else table_toml(table, dict(values))
    result = "".join(lines[:start]) + chunk + "".join(lines[end:])
    expected = [*items[:index], *([] if values is None else [dict(values)]), *items[index + 1 :]]
    try:
        found = _entries(result, table)
    except DataError:
        found = None
    if found != expected:
        # A layout this simple reading cannot follow (a header inside a multi-line text):
        # better to refuse than to write something else than was asked.
        raise NormandieError(unsafe)
    return result


def _span(lines: Sequence[str], start: int, table: str) -> tuple[int, int]:
    """The lines of the [[table]] entry whose header is at `start`, its nested tables
    included, without the comments and blank lines that end it (they introduce what
    follows)."""
    end = len(lines)
    for number in range(start + 1, len(lines)):
        header = _header(lines[number])
        if header is not None and not header[1].startswith(f"{table}."):
            end = number
            break
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip()[0] == "#"):
        end -= 1
    return start, end


def _header(line: str) -> tuple[str, str] | None:
    line = line.lstrip("\ufeff")  # a byte order mark before the first line
    match = _HEADER.fullmatch(line.rstrip("\r\n"))
    if match is None:
        return None
    opening = "[[" if line.lstrip().startswith("[[") else "["
    name = ".".join(part.strip().strip("\"'") for part in match.group(1).split("."))
    return opening, name


# --- Writing the file ----------------------------------------------------------------------


def update_overlay(
    path: Path, change: Callable[[str], str], check: Callable[[str], None], *, dry_run: bool
) -> tuple[str, str]:
    """Change the overlay's text: under a lock, read it, change it, check the result (which
    raises to refuse it), then replace the file all or nothing; with dry_run, only read,
    change and check. Returns the text before and after."""
    from normandie_cli.export import replacing

    path = Path(os.path.realpath(path))  # an overlay kept elsewhere and linked: update it
    if dry_run:
        return _changed(path, change, check)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        cannot = _("cannot create the folder {folder}: {reason}")
        raise NormandieError(
            cannot.format(folder=path.parent, reason=error.strerror or error)
        ) from None
    with _locked(path):
        before, after = _changed(path, change, check)
        with replacing(path) as temporary:
            temporary.write_bytes(after.encode("utf-8"))
    return before, after


def _changed(
    path: Path, change: Callable[[str], str], check: Callable[[str], None]
) -> tuple[str, str]:
    before = read_overlay_text(path)
    after = change(before)
    check(after)
    return before, after


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold a lock beside the overlay for the whole read, check and write."""
    lock = path.with_name(f".{path.name}.lock")
    try:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        cannot = _("cannot lock {path}: {reason}")
        raise NormandieError(cannot.format(path=path, reason=error.strerror or error)) from None
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows has no flock
            import msvcrt

            msvcrt.locking(handle, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


# --- Reviewing ----------------------------------------------------------------------------


class Change(StrEnum):
    ADDED = "added"
    REPLACED = "replaced"
    RETIRED = "retired"


@dataclasses.dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclasses.dataclass(frozen=True, slots=True)
class OverlayEntry:
    """One thing the overlay does to the dataset."""

    change: Change
    kind: RecordKind
    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    reason: str | None = None
    sources: tuple[str, ...] = ()


def overlay_entries(base: Dataset, merged: Dataset, raw: Mapping[str, Any]) -> list[OverlayEntry]:
    """What the overlay adds, replaces (field by field) and retires, in the file's order."""
    from normandie_cli.query import find_record

    entries: list[OverlayEntry] = []
    for kind in RecordKind:
        listed = {item.get("id") for item in raw.get(kind.value, ()) if isinstance(item, dict)}
        if not listed:
            continue
        before = {r.id: r for r in base.records(kind)}
        for record in merged.records(kind):
            if record.id not in listed:
                continue
            old = before.get(record.id)
            if old is None:
                entries.append(OverlayEntry(Change.ADDED, kind, record.id, _name(record)))
            else:
                entries.append(
                    OverlayEntry(
                        Change.REPLACED, kind, record.id, _name(record), _differences(old, record)
                    )
                )
    for retirement in overlay_retirements(raw, "overlay"):
        kind, record = find_record(base, retirement.id)
        entries.append(
            OverlayEntry(
                Change.RETIRED,
                kind,
                record.id,
                _name(record),
                reason=retirement.reason,
                sources=retirement.sources,
            )
        )
    return entries


def _name(record: Record) -> str:
    return str(getattr(record, "name", None) or getattr(record, "title", record.id))


def _differences(before: Record, after: Record) -> tuple[FieldChange, ...]:
    from normandie_cli.export_toml import record_fields

    old = record_fields(before)
    new = record_fields(after)
    return tuple(
        FieldChange(field, old.get(field), new.get(field))
        for field in dict.fromkeys([*old, *new])
        if old.get(field) != new.get(field)
    )


ENTRY_COLUMNS = ("change", "table", "id", "name", "fields", "reason", "sources")


def entry_rows(entries: Sequence[OverlayEntry]) -> list[dict[str, Any]]:
    """The review as rows for the machine formats: changed fields as 'field: before -> after'."""
    return [
        {
            "change": entry.change.value,
            "table": entry.kind.value,
            "id": entry.id,
            "name": entry.name,
            "fields": tuple(describe_change(change) for change in entry.fields),
            "reason": entry.reason,
            "sources": entry.sources,
        }
        for entry in entries
    ]


def describe_change(change: FieldChange) -> str:
    """'founded: 2013 -> 2012'; for lists, the items added and removed: 'sources: +new'."""
    before, after = change.before, change.after
    if isinstance(before, list | None) and isinstance(after, list | None):
        old, new = before or [], after or []
        if all(not isinstance(item, dict) for item in (*old, *new)):
            added = [f"+{describe_value(item)}" for item in new if item not in old]
            removed = [f"-{describe_value(item)}" for item in old if item not in new]
            return f"{change.field}: {', '.join(added + removed)}"
    return f"{change.field}: {describe_value(before)} -> {describe_value(after)}"


def describe_value(value: Any) -> str:
    """A field's TOML value as one line of text; an absent value is '(none)'."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(describe_value(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {describe_value(v)}" for k, v in value.items()) + "}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def changes_document(merged: Dataset, raw: Mapping[str, Any], today: date) -> str:
    """The overlay's records and retirements as a TOML file of their own, to send to the
    maintainers: valid against the dataset it amends, without the overlay's comments."""
    from normandie_cli.export_toml import record_fields, table_toml

    header = (
        f"# Changes to the normandie dataset, written by `normandie overlay export` on {today}.\n"
        "# Load them with: normandie --overlay THIS-FILE validate\n"
    )
    chunks = [header]
    listed = overlay_ids(raw)
    for kind in RecordKind:
        for record in merged.records(kind):
            if record.id in listed:
                chunks.append(table_toml(kind.value, record_fields(record)))
    for retirement in overlay_retirements(raw, "overlay"):
        chunks.append(table_toml(RETIRED, record_fields(retirement)))
    return "\n".join(chunks)
