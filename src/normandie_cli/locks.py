"""The lock beside a file normandie changes (the overlay, the updates layer): commands that
change it at the same moment take turns, and each decides from the file as it is then."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from normandie_cli.errors import NormandieError
from normandie_cli.i18n import _


def lock_path(path: Path) -> Path:
    """The lock file beside a file (beside the file a link to it leads to)."""
    real = Path(os.path.realpath(path))
    return real.parent / lock_name(real.name)


def lock_name(name: str) -> str:
    """The lock file's name beside the file `name`."""
    return f".{name}.lock"


@contextmanager
def locked(folder: int, name: str, shown: Path) -> Iterator[None]:
    """Hold the lock beside the file `name` of the folder opened as `folder` for the whole
    read, decision, check and write. Only a lock file of the user's own is taken: one that
    someone else made could be held by them for ever, or be a file of theirs to lose."""
    cannot = _("cannot lock {path}: {reason}")
    try:
        handle = os.open(
            lock_name(name),
            os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
            0o600,
            dir_fd=folder,
        )
    except OSError as error:
        raise NormandieError(cannot.format(path=shown, reason=error.strerror or error)) from None
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        os.close(handle)
        foreign = _("its lock file {lock} is not a file of yours: remove it")
        lock = shown.parent / lock_name(name)
        raise NormandieError(cannot.format(path=shown, reason=foreign.format(lock=lock)))
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
