"""The changes people make to their overlay — add, correct, retire — and the one way they
are made: under the overlay's lock, each change decides from the file as it is then (is the
id free, is this source new, is the record still there, is it retired already), then the
whole dataset with the change is checked, then the file is replaced all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from normandie_cli.dataset import bundled_data_path, dataset_files, parse_toml, read_parts
from normandie_cli.errors import DataError, UsageError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import Dataset, RecordKind
from normandie_cli.overlay import (
    Citation,
    check_new_id,
    cite,
    cites,
    corrected,
    current_values,
    new_record,
)
from normandie_cli.overlay_file import (
    Undone,
    append_table,
    drop_table,
    entries,
    put_table,
    undo_overlay,
    update_overlay,
)
from normandie_cli.overlay_history import Change
from normandie_cli.query import find_record
from normandie_cli.text import typed_text
from normandie_cli.validation import RETIRED, parse_dataset

# A change: the overlay's text and the dataset it makes, as they are under the lock, in;
# the new text out (or a UsageError saying why not).
Decide = Callable[[str, Dataset], str]


@frozen
class Citing:
    """The sources a person gave for a change, as typed: source ids or web addresses (a web
    address not cited yet becomes a new source, titled and published as given)."""

    texts: tuple[str, ...]
    title: str | None = None
    publisher: str | None = None

    def citation(self, dataset: Dataset, *, required: bool = True) -> Citation:
        return cite(
            dataset, self.texts, title=self.title, publisher=self.publisher, required=required
        )


def save_change(
    path: Path,
    data: Path | None,
    decide: Decide,
    *,
    made: Change,
    dry_run: bool,
    reads: Sequence[Path] = (),
) -> tuple[str, str]:
    """Make a change to the overlay at `path`, which amends the dataset `data` (else the
    bundled one), and keep it in the overlay's history as `made`; see
    overlay_file.update_overlay. Returns the text before and after.

    A change that would leave the dataset invalid, or a record it adds or alters stating
    what cannot be true on the day it is made (quality.change_warnings), raises UsageError
    listing why, in the words `validate` uses."""
    from normandie_cli.quality import change_warnings

    dataset_with = _amending(path, data)
    decided_on: Dataset | None = None  # the dataset the change was decided from

    def check(text: str) -> None:
        changed = _checked(dataset_with, text)
        assert decided_on is not None
        impossible = change_warnings(decided_on, changed, made.made)
        if impossible:
            lines = [f"  {fact}" for fact in impossible]
            raise UsageError(_("nothing was written, because:"), lines)

    def change(text: str) -> str:
        nonlocal decided_on
        decided_on = dataset_with(text)
        return decide(text, decided_on)

    return update_overlay(path, change, check, made=made, dry_run=dry_run, reads=reads)


def undo_change(
    path: Path, data: Path | None, *, dry_run: bool, reads: Sequence[Path] = ()
) -> Undone | None:
    """Take back the last change kept in the history of the overlay at `path`, which
    amends the dataset `data` (see overlay_file.undo_overlay); refused (UsageError) if the
    overlay it puts back would not be valid over the dataset as it is now."""
    dataset_with = _amending(path, data)

    def check(text: str) -> None:
        _checked(dataset_with, text)

    return undo_overlay(path, check, dry_run=dry_run, reads=reads)


def _amending(path: Path, data: Path | None) -> Callable[[str], Dataset]:
    """The dataset `data` (else the bundled one) as an overlay's text at `path` amends it;
    the dataset's files are read once."""
    base = data or bundled_data_path()
    parts = read_parts(base, dataset_files(base))

    def dataset_with(text: str) -> Dataset:
        amendment = parse_toml(text.encode("utf-8"), str(path), may_be_empty=True)
        return parse_dataset(parts, str(base), (str(path), amendment))

    return dataset_with


def _checked(dataset_with: Callable[[str], Dataset], text: str) -> Dataset:
    try:
        return dataset_with(text)
    except DataError as error:
        raise UsageError(_("nothing was written, because:"), error.lines()) from None


def _with_sources(text: str, citation: Citation) -> str:
    for source in citation.new_sources:
        text = append_table(text, RecordKind.SOURCE.value, source)
    return text


def _still_there(dataset: Dataset, record_id: str) -> tuple[RecordKind, Any]:
    """The record, as the overlay under the lock leaves it."""
    try:
        return find_record(dataset, record_id)
    except UsageError:
        gone = _("{id!r} was retired or removed by another command meanwhile; nothing was written")
        raise UsageError(gone.format(id=record_id)) from None


def check_not_retired(text: str, record_id: str, path: Path) -> None:
    """Refuse to change a record the overlay's text retires, saying so."""
    for retired in entries(text, RETIRED):
        if retired.get("id") == record_id:
            already = _("{id!r} is already retired by your overlay {path} ({reason})")
            raise UsageError(
                already.format(id=record_id, path=path, reason=retired.get("reason", ""))
            )


def addition(kind: RecordKind, record_id: str, values: Mapping[str, Any], citing: Citing) -> Decide:
    """Add a new record and the new sources it cites; a record retired earlier under the
    same id comes back as this one."""

    def decide(text: str, dataset: Dataset) -> str:
        check_new_id(dataset, record_id)
        # Sources are what the other records cite; they cite nothing themselves.
        citation = citing.citation(dataset) if cites(kind) else Citation((), ())
        record = new_record(kind, record_id, values, citation.ids)
        text = drop_table(_with_sources(text, citation), RETIRED, record_id)
        return append_table(text, kind.value, record)

    return decide


def correction(record_id: str, changes: Mapping[str, Any], citing: Citing) -> Decide:
    """Put a corrected copy of a record in the overlay, from the record as it stands."""

    def decide(text: str, dataset: Dataset) -> str:
        kind, record = _still_there(dataset, record_id)
        citation = citing.citation(dataset, required=cites(kind))
        values = corrected(current_values(text, kind, record), kind, changes, citation.ids)
        return put_table(_with_sources(text, citation), kind.value, values)

    return decide


def retirement(
    record_id: str, reason: str, citing: Citing, *, in_base: bool, path: Path, today: date
) -> Decide:
    """Retire a record of the dataset (once), noting the day, or take out one the overlay
    added."""
    typed_text(reason)

    def decide(text: str, dataset: Dataset) -> str:
        check_not_retired(text, record_id, path)
        kind, _record = _still_there(dataset, record_id)
        citation = citing.citation(dataset)
        text = drop_table(_with_sources(text, citation), kind.value, record_id)
        if in_base:
            retired = {"id": record_id, "reason": reason, "sources": list(citation.ids)}
            retired["retired_on"] = today.isoformat()
            text = append_table(text, RETIRED, retired)
        return text

    return decide
