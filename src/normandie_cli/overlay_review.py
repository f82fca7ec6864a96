"""What an overlay does to the dataset, for people to review (`normandie overlay`) and to
send to the maintainers (`normandie overlay export`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from normandie_cli.frozen import frozen
from normandie_cli.models import Dataset, Record, RecordKind, record_fields
from normandie_cli.overlay import overlay_ids
from normandie_cli.toml_tables import table_toml
from normandie_cli.validation import RETIRED, overlay_retirements


class Change(StrEnum):
    ADDED = "added"
    REPLACED = "replaced"
    RETIRED = "retired"


@frozen
class FieldChange:
    field: str
    before: Any
    after: Any


@frozen
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
    header = (
        f"# Changes to the normandie dataset, written by `normandie overlay export` on {today}.\n"
        "# Check them with: normandie validate THIS-FILE; use them with: normandie --overlay"
        " THIS-FILE COMMAND\n"
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
