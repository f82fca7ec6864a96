"""Whose a path is: the links on the way to it, and who owns a file read as the user's own.

A symbolic link another user made, anywhere on the way to a file normandie writes or reads
as the user's own (the overlay, the updates layer), could lead it into any file of the
user's or feed it someone else's changes: such a link is not followed, as the kernel's
protected_symlinks would not in a shared sticky folder. Links the user or the system
(root) made are followed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from normandie_cli.errors import DataError, UsageError
from normandie_cli.i18n import _

# More links than this on the way: a loop, which the system reports by itself.
_MOST_LINKS = 40


def foreign_link(path: Path) -> Path | None:
    """The first symbolic link on the way to `path` (its last part included) that neither
    the user nor root made; None when there is none. The way is followed as the system
    follows it, link by link, so a link inside what a link leads to is seen too."""
    pending = list(Path(os.path.abspath(path)).parts)
    current = Path(pending.pop(0))
    links = 0
    while pending:
        part = pending.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            current = current.parent
            continue
        step = current / part
        try:
            info = os.lstat(step)
        except (OSError, ValueError):  # the rest is not there yet: no link on it
            return None
        if not stat.S_ISLNK(info.st_mode):
            current = step
            continue
        if info.st_uid not in (os.geteuid(), 0):
            return step
        links += 1
        if links > _MOST_LINKS:
            return None
        leads_to = Path(os.readlink(step))
        pending = [*leads_to.parts, *pending]
        if leads_to.is_absolute():
            current = Path(pending.pop(0))
    return None


def refuse_foreign_link(path: Path) -> None:
    """A UsageError (exit 2) when another user's link is on the way to `path`."""
    link = foreign_link(path)
    if link is not None:
        foreign = _("{link} is a symbolic link made by another user: it is not followed")
        raise UsageError(foreign.format(link=link))


def check_own_file(path: Path, info: os.stat_result) -> None:
    """A file read as the user's own changes (the overlay, the updates layer) must be the
    user's or root's (a DataError, exit 1, otherwise), reached by no other user's link (the
    UsageError, exit 2, of every path given through such a link)."""
    refuse_foreign_link(path)
    if info.st_uid not in (os.geteuid(), 0):
        theirs = _(
            "this file belongs to another user (uid {uid}): only your own is read as your"
            " changes; copy it if you trust it"
        )
        raise DataError(str(path), [theirs.format(uid=info.st_uid)])
