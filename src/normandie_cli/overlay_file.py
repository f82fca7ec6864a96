"""The overlay file's text, changed in place: a new or corrected record is rendered with
tomli-w and appended, or put in place of its earlier version, so the rest of the file
(comments and layout included) stays byte for byte as it was; then written all or nothing,
under a lock that lets two commands run at the same moment."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from normandie_cli.dataset import parse_toml, read_file
from normandie_cli.errors import DataError, NormandieError
from normandie_cli.files import check_target, make_folder, opened_folder, replace_in
from normandie_cli.folders import OVERLAY_FILE
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.locks import locked
from normandie_cli.overlay_history import (
    Change,
    digest,
    forget,
    history_path,
    last_change,
    record_change,
)
from normandie_cli.toml_tables import table_toml


def read_overlay_text(path: Path) -> str:
    """The overlay's text; an overlay not yet written is empty. Only a regular file is read
    (see dataset.read_file)."""
    if not os.path.lexists(path):
        return ""
    try:
        return read_file(path, own=True).decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(str(path), [_("not UTF-8 text: fix or move the file first")]) from None


# --- Editing the file's text ---------------------------------------------------------------

# A table header line: [name] or [[name]], the name possibly dotted or quoted.
_HEADER = re.compile(r"\s*\[\[?\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?")


def append_table(text: str, table: str, values: Mapping[str, Any]) -> str:
    """The text with one more entry of an array of tables at its end."""
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
    return [item.get("id") for item in entries(text, table)]


def entries(text: str, table: str) -> list[dict[str, Any]]:
    """The entries of one array of tables in an overlay's text (none in a blank text)."""
    raw = parse_toml(text.encode("utf-8"), OVERLAY_FILE, may_be_empty=True)
    return [item for item in raw.get(table, []) if isinstance(item, dict)]


def replace_table(text: str, table: str, record_id: str, values: Mapping[str, Any] | None) -> str:
    """The text with the entry of `table` whose id is given put in place of the old one
    (or removed, when values is None); the rest of the text is kept as it was."""
    items = entries(text, table)
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
        found = entries(result, table)
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
    path: Path,
    change: Callable[[str], str],
    check: Callable[[str], None],
    *,
    made: Change,
    dry_run: bool,
    reads: Sequence[Path],
) -> tuple[str, str]:
    """Change the overlay's text: under a lock, read it, change it (the change decides from
    the text as it is then), check the result (which raises to refuse it), keep the text
    before in the overlay's history (what the change was: `made`), then replace the file
    all or nothing; with dry_run, only read, change and check. Returns the text before and
    after. The overlay must not be inside what the command reads (`reads`)."""
    if dry_run and not os.path.isdir(path.parent):  # a first change: nothing to read yet
        return _changed(path, change, check)
    if not dry_run:
        make_folder(path.parent)
    # A linked overlay is updated where it lives: the link was the person's own doing.
    target = check_target(path, force=True, reads=reads, follow_link=True)
    if dry_run:
        return _changed(target.path, change, check)
    with opened_folder(target, shown=path) as folder, locked(folder, target.name, path):
        # What the file is as it is read: an editor saving it meanwhile makes the write fail
        # rather than lose what was typed there.
        read_state = _state(folder, target.name)
        before, after = _changed(target.path, change, check)
        kept = record_change(folder, target.path, made, before, after)
        try:
            replace_in(folder, target.name, after.encode("utf-8"), shown=path, unchanged=read_state)
        except BaseException:  # not written: nothing to undo
            forget(folder, target.path, kept)
            raise
    return before, after


@frozen
class Undone:
    """The change undo takes back, the overlay's text before undo, and after it."""

    change: Change
    current: str
    restored: str


def undo_overlay(
    path: Path, check: Callable[[str], None], *, dry_run: bool, reads: Sequence[Path]
) -> Undone | None:
    """Take back the last change kept in the overlay's history: under the lock, put the
    overlay's text before that change back, once it is checked (`check` raises to refuse
    it). Refused if the overlay is no longer as that change left it (edited by hand or by
    another program since: undoing would lose that). With dry_run, only read and check.
    None when the history keeps no change."""
    if not os.path.lexists(history_path(path)):  # no change kept: nothing to lock for
        return None
    target = check_target(path, force=True, reads=reads, follow_link=True)
    with (
        opened_folder(target, shown=path) as folder,
        nullcontext() if dry_run else locked(folder, target.name, path),
    ):
        read_state = _state(folder, target.name)
        last = last_change(folder, target.path)
        if last is None:
            return None
        current = read_overlay_text(target.path)
        # As it was before the change: taken back already, by an undo stopped before it
        # could forget the entry (or by hand). Nothing is lost: the entry only goes.
        undone = current == last.before
        if digest(current) != last.after_digest and not undone:
            edited = _(
                "{path} was changed since {change}, by hand or by another program: undoing"
                " it would lose that, so nothing was changed; take it back by editing the file"
            )
            raise NormandieError(edited.format(path=path, change=last.change.described()))
        if not undone:
            check(last.before)
        if not dry_run:
            if not undone:
                data = last.before.encode("utf-8")
                replace_in(folder, target.name, data, shown=path, unchanged=read_state)
            forget(folder, target.path, last.file)
    return Undone(last.change, current, last.before)


def _state(folder: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _changed(
    path: Path, change: Callable[[str], str], check: Callable[[str], None]
) -> tuple[str, str]:
    before = read_overlay_text(path)
    after = change(before)
    check(after)
    return before, after
