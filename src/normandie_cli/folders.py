"""Where normandie keeps the user's files, under the XDG base folders: the cache, the overlay
of additions and corrections, and the updates layer, each unless an option leaves it out;
and whether one path lies within another (an overlay inside the dataset it amends).

Only the standard library is imported here: Tab completion finds the dataset's cache through
these folders without loading the rest of the program.
"""

from __future__ import annotations

import os
from pathlib import Path

OVERLAY_FILE = "overlay.toml"
UPDATES_FOLDER = "updates"
LAYER_FILE = "updates.toml"


def user_folder(variable: str, fallback: str) -> Path | None:
    """normandie's folder under an XDG base folder: $VARIABLE/normandie, else
    ~/FALLBACK/normandie. As the XDG specification says, a relative value (an unexpanded
    `~/x` included) is ignored; without a home folder there is none (None)."""
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value) / "normandie"
    home = os.environ.get("HOME", "")
    if not home:
        import pwd

        try:
            home = pwd.getpwuid(os.getuid()).pw_dir
        except KeyError:  # a user without an entry in the password database
            return None
    if not os.path.isabs(home):
        return None
    return Path(home) / fallback / "normandie"


def is_within(path: Path, other: Path) -> bool:
    """Whether `path` is `other` or inside it, whatever name leads there: decided on the
    file system's identity (device and inode) of `other` and of `path` and each folder
    above it, so a link, a bind mount or another spelling on a case-insensitive disk is
    the same file. Only what exists can be compared: `path` may be a name to create."""
    try:
        found = os.stat(other)
    except (OSError, ValueError):  # nothing there: nothing to be inside
        return False
    identity = (found.st_dev, found.st_ino)
    resolved = Path(os.path.realpath(path))
    for candidate in (resolved, *resolved.parents):
        try:
            info = os.stat(candidate)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == identity:
            return True
    return False


def default_overlay_path() -> Path | None:
    """$XDG_DATA_HOME/normandie/overlay.toml, by default ~/.local/share/normandie/…; none
    without a home folder (nothing can have been saved)."""
    folder = user_folder("XDG_DATA_HOME", ".local/share")
    return None if folder is None else folder / OVERLAY_FILE


def overlay_in_use(given: str | Path | None, no_overlay: bool) -> Path | None:
    """The overlay the options name: --overlay, else the default file; none with
    --no-overlay."""
    if no_overlay:
        return None
    return Path(given) if given else default_overlay_path()


def updates_folder() -> Path | None:
    """$XDG_DATA_HOME/normandie/updates, beside the overlay; none without a home folder."""
    folder = user_folder("XDG_DATA_HOME", ".local/share")
    return None if folder is None else folder / UPDATES_FOLDER


def layer_in_use(no_updates: bool) -> Path | None:
    """The layer the options name: the default file, or none with --no-updates or without
    a home folder."""
    folder = None if no_updates else updates_folder()
    return None if folder is None else folder / LAYER_FILE
