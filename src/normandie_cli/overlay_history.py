"""The overlay's history: before `add`, `edit` or `retire` changes the overlay, the text it
had is kept in a folder beside it (`.overlay.toml.history/` beside `overlay.toml`, private
to the user), so that `normandie overlay undo` can take the last change back.

Each change is one JSON file, numbered in order (`000001.json`, …): what the change was,
the overlay's text before it, and a digest of its text after it, by which undo knows
whether the file was edited since. The newest HISTORY_LIMIT changes are kept, fewer when
they weigh more than HISTORY_BYTES together (the newest always). Every function here runs
under the overlay's lock (locks.locked), on the overlay's folder opened as a descriptor,
and writes and removes through files.replace_in and files.remove_in.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from normandie_cli.dataset import LARGEST_FILE
from normandie_cli.errors import NormandieError
from normandie_cli.files import remove_in, replace_in
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _, human_date

HISTORY_LIMIT = 20
HISTORY_BYTES = 16 * 2**20
# Numbers only grow (pruning keeps the newest entries, not their numbers): six digits is the
# width they start at, not the most they have.
_ENTRY = re.compile(r"(\d{6,})\.json", re.ASCII)
# An entry holds an overlay's text (at most LARGEST_FILE) as JSON, which at worst doubles it
# (a quote or a backslash escaped), and a few fields: anything larger is not an entry.
_LARGEST_ENTRY = 2 * LARGEST_FILE + 2**16
_FORMAT = 1


class ChangeKind(StrEnum):
    ADD = "add"
    EDIT = "edit"
    RETIRE = "retire"


@frozen
class Change:
    """What a command did to the overlay: which kind of change, to which record, on which
    day (the day taken as today)."""

    kind: ChangeKind
    record: str
    made: date

    def described(self) -> str:
        """'the correction of 'saagie' (3 Dec 2026)'."""
        words = {
            ChangeKind.ADD: _("the addition of {id!r} ({date})"),
            ChangeKind.EDIT: _("the correction of {id!r} ({date})"),
            ChangeKind.RETIRE: _("the retirement of {id!r} ({date})"),
        }
        return words[self.kind].format(id=self.record, date=human_date(self.made))


@frozen
class Recorded:
    """One change kept in the history: the overlay's text before it, the digest of its
    text after it, and the file that keeps them."""

    change: Change
    before: str
    after_digest: str
    file: str


def history_name(overlay_name: str) -> str:
    """The history folder's name beside an overlay of this name."""
    return f".{overlay_name}.history"


def history_path(overlay: Path) -> Path:
    """The history folder beside an overlay (beside the file a link to it leads to)."""
    real = Path(os.path.realpath(overlay))
    return real.parent / history_name(real.name)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_change(folder: int, overlay: Path, change: Change, before: str, after: str) -> str:
    """Keep the text before a change, and the digest of the text after; returns the entry's
    file name (to forget it if the change is not written after all). `folder` is the
    overlay's folder opened, `overlay` the overlay's real path in it."""
    import json

    with _history_folder(folder, overlay, create=True) as history:
        assert history is not None  # made if missing
        numbers = [number for number, _file in _entries(history)]
        file = f"{(max(numbers) + 1) if numbers else 1:06d}.json"
        entry = {
            "format": _FORMAT,
            "change": change.kind.value,
            "record": change.record,
            "made": change.made.isoformat(),
            "after": digest(after),
            "before": before,
        }
        data = json.dumps(entry, ensure_ascii=False, indent=1).encode("utf-8")
        shown = history_path(overlay) / file
        replace_in(history, file, data, shown=shown, mode=0o600, replace=False)
        _prune(history)
    return file


def last_change(folder: int, overlay: Path) -> Recorded | None:
    """The newest change kept in the overlay's history; None when there is none."""
    with _history_folder(folder, overlay, create=False) as history:
        found = [] if history is None else _entries(history)
        if history is None or not found:
            return None
        file = found[-1][1]
        return _read_entry(history, file, history_path(overlay) / file)


def forget(folder: int, overlay: Path, file: str) -> None:
    """Take an entry out of the history (undone, or never written)."""
    with _history_folder(folder, overlay, create=False) as history:
        if history is not None:
            remove_in(history, file)


@contextmanager
def _history_folder(folder: int, overlay: Path, *, create: bool) -> Iterator[int | None]:
    """The history folder opened as a descriptor (None when there is none and none is to
    be made). Only a folder of the user's own is used: another's could hold entries that
    undo would write into the overlay."""
    name = history_name(overlay.name)
    shown = history_path(overlay)
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = None
    try:
        if create:
            with suppress(FileExistsError):
                os.mkdir(name, 0o700, dir_fd=folder)
        descriptor = os.open(name, flags, dir_fd=folder)
    except OSError as error:
        if create or not isinstance(error, FileNotFoundError):
            raise NormandieError(_cannot_keep(shown, error.strerror or str(error))) from None
    if descriptor is None:
        yield None
        return
    try:
        if os.fstat(descriptor).st_uid != os.geteuid():
            foreign = _("it is not a folder of yours: remove it")
            raise NormandieError(_cannot_keep(shown, foreign))
        yield descriptor
    finally:
        os.close(descriptor)


def _cannot_keep(folder: Path, reason: str) -> str:
    cannot = _("cannot keep the history of your overlay in {folder}: {reason}")
    return cannot.format(folder=folder, reason=reason)


def _entries(history: int) -> list[tuple[int, str]]:
    """The history's entries, oldest first: (number, file name)."""
    found = []
    for file in os.listdir(history):
        match = _ENTRY.fullmatch(file)
        if match:
            found.append((int(match.group(1)), file))
    return sorted(found)


def _prune(history: int) -> None:
    """Keep the newest HISTORY_LIMIT entries, fewer if they weigh more than HISTORY_BYTES
    together; the newest is always kept. Only regular files of the user's are removed."""
    kept = 0
    weight = 0
    for _number, file in reversed(_entries(history)):
        try:
            info = os.stat(file, dir_fd=history, follow_symlinks=False)
        except FileNotFoundError:
            continue
        kept += 1
        weight += info.st_size
        too_many = kept > HISTORY_LIMIT or (kept > 1 and weight > HISTORY_BYTES)
        if too_many and stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            remove_in(history, file)


def _read_entry(history: int, file: str, shown: Path) -> Recorded:
    """One entry, from a regular file of the user's own; a NormandieError if it cannot be
    read or is not what record_change writes."""
    import json

    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        handle = os.open(file, flags, dir_fd=history)
    except OSError as error:
        cannot = _("cannot read {path}: {reason}")
        raise NormandieError(cannot.format(path=shown, reason=error.strerror or error)) from None
    try:
        # Looked at before anything reads it: a folder cannot even be wrapped as a file.
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            foreign = _("{path} is not a file of yours: remove it")
            raise NormandieError(foreign.format(path=shown))
        # Never read whole what cannot be an entry (a file grown since it was looked at
        # included): it would only fill the memory before being found damaged.
        with os.fdopen(handle, "rb", closefd=False) as opened:
            content = b"" if info.st_size > _LARGEST_ENTRY else opened.read(_LARGEST_ENTRY + 1)
    finally:
        os.close(handle)
    try:
        if len(content) > _LARGEST_ENTRY:
            raise ValueError(len(content))
        entry: Any = json.loads(content.decode("utf-8"))
        if not isinstance(entry, dict) or entry.get("format") != _FORMAT:
            raise ValueError(entry)
        change = Change(
            ChangeKind(entry["change"]),
            _text(entry["record"]),
            date.fromisoformat(_text(entry["made"])),
        )
        return Recorded(change, _text(entry["before"]), _text(entry["after"]), file)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        damaged = _("{path}: this entry of your overlay's history is damaged: remove it")
        raise NormandieError(damaged.format(path=shown)) from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value
