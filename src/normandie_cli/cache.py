"""A cache of the validated dataset, so that a command does not parse and check the TOML
again while it has not changed.

The cache lives in the user's cache folder ($XDG_CACHE_HOME/normandie, by default
~/.cache/normandie), created private (0700). Each dataset path has one cache file, which
records a key: the cache format, the package version and, for every TOML file of the
dataset, its name, size, modification time and a hash of its content. Any change to one of
them makes the key differ and the dataset is read again. The file is a pickle; pickles can
run code, so a cache file is only trusted when it is a regular file owned by the user in a
folder no one else can write to — anything else, or anything that fails to load, is ignored
and rebuilt, never an error.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from normandie_cli import __version__
from normandie_cli.dataset import (
    bundled_data_path,
    bundled_layer,
    collector_paused,
    dataset_files,
    load_dataset,
)
from normandie_cli.models import Dataset

# Bump when the models change shape: an old pickle must never be read into new classes.
CACHE_FORMAT = 3


# Above this many bytes of TOML, reading takes long enough (half a second or more) to say so.
SLOW_LOAD_BYTES = 2_000_000


def load(
    data: Path | None,
    overlay: Path | None,
    *,
    updates: Path | None = None,
    use_cache: bool = True,
    while_slow: Callable[[], AbstractContextManager[object]] | None = None,
) -> Dataset:
    """The dataset (the bundled one unless `data` names another), amended by the updates
    layer and the overlay if they exist, from the cache when it is current. A long read
    runs inside `while_slow()` (a spinner on a terminal, say)."""
    path = data or bundled_data_path()
    files = dataset_files(path)
    bundled = bundled_layer(path)
    if bundled is not None:
        files.append(bundled)
    origin = [path]
    if overlay is not None and overlay.exists():
        origin.append(overlay)
        files.append(overlay)
    else:
        overlay = None
    # The layer is part of the key (its content changes the dataset) and of the cache
    # file's name (a read with --no-updates is another dataset, cached beside it).
    if updates is not None and updates.exists():
        origin.append(updates)
        files.append(updates)
    else:
        updates = None

    def read() -> Dataset:
        if while_slow is None or sum(f.stat().st_size for f in files if f.is_file()) < (
            SLOW_LOAD_BYTES
        ):
            return load_dataset(path, overlay, updates)
        with while_slow():
            return load_dataset(path, overlay, updates)

    return load_with_cache(origin, files, read) if use_cache else read()


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "normandie"


def _cache_file(origin: Sequence[Path]) -> Path:
    """One cache file per dataset path, and per overlay amending it."""
    named = "\0".join(str(path.resolve()) for path in origin)
    name = hashlib.blake2b(named.encode(), digest_size=16).hexdigest()
    return cache_folder() / f"{name}.pickle"


def cache_key(files: list[Path]) -> str:
    """What the cached dataset was made from: changes with any file's content, size or date."""
    digest = hashlib.blake2b(f"{CACHE_FORMAT}:{__version__}".encode(), digest_size=32)
    for file in files:
        info = file.stat()
        digest.update(f"\0{file}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    """A regular file of ours, in a folder of ours that nobody else may write to."""
    try:
        folder, file = path.parent.lstat(), path.lstat()
    except OSError:
        return False
    uid = os.getuid()
    private = folder.st_uid == uid and not folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return private and stat.S_ISREG(file.st_mode) and file.st_uid == uid


def read_cached(origin: Sequence[Path], key: str) -> Dataset | None:
    """The cached dataset if it was made from exactly these files, else None."""
    import pickle

    path = _cache_file(origin)
    if not _trusted(path):
        return None
    try:
        with path.open("rb") as file, collector_paused():
            stored_key, dataset = pickle.load(file)
    except Exception:  # a corrupt, truncated or foreign file: rebuild it
        return None
    return dataset if stored_key == key and isinstance(dataset, Dataset) else None


def write_cached(origin: Sequence[Path], key: str, dataset: Dataset) -> None:
    """Store the dataset; failing to (read-only home, full disk) only costs speed next time."""
    import pickle
    import tempfile

    folder = cache_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_folder(folder):
            return
        handle, temporary = tempfile.mkstemp(prefix=".cache.", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump((key, dataset), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, _cache_file(origin))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return


def _trusted_folder(folder: Path) -> bool:
    info = folder.lstat()
    mine = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
    return mine and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load_with_cache(
    origin: Sequence[Path], files: list[Path], load: Callable[[], Dataset]
) -> Dataset:
    """The cached dataset when it is current, else `load()`'s, which is then cached.

    `origin` names what was loaded (the dataset path, and the overlay if there is one);
    `files` are every file read, whose content makes the key."""
    try:
        if not all(stat.S_ISREG(file.stat().st_mode) for file in files):
            # A pipe (--data <(…), /dev/stdin) can be read once only, and a device has no end.
            return load()
        key = cache_key(files)
    except OSError:  # a missing or unreadable file: the loader says what is wrong
        return load()
    cached = read_cached(origin, key)
    if cached is not None:
        return cached
    dataset = load()
    write_cached(origin, key, dataset)
    return dataset


def clear_cache() -> int:
    """Remove every cache file; returns how many there were."""
    folder = cache_folder()
    removed = 0
    if folder.is_dir():
        for path in folder.glob("*.pickle"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
