"""A cache of the validated dataset, so that a command does not parse and check the TOML
again while it has not changed.

The cache lives in the user's cache folder ($XDG_CACHE_HOME/normandie, by default
~/.cache/normandie), created private (0700). Each dataset path has one cache file, which
records a key: the cache format, the package version and, for every TOML file of the
dataset, its name, size, modification time and a hash of its content. Any change to one of
them makes the key differ and the dataset is read again. The file is the key, on a line of
its own, then the dataset as a pickle, unpickled only under the same key: a cache of another
version never reaches today's classes. Pickles can run code, so a cache file is only
trusted when it is a regular file owned by the user in a folder of the user's that no one
else can write to, both checked on what was opened, not on a name that could be swapped
meanwhile — anything else, or anything that fails to load, is ignored and rebuilt, never
an error. Without a home folder there is no cache.

Beside a cached dataset, the same folder keeps its completion index (completion.py): the
values Tab offers, plain values stored with marshal and read under the same rules, so that a
key press loads neither the dataset nor the models. Its key is told without reading the
files (`index_key`: each file's name, size, times, device and inode): hashing them would
cost a key press more than the rest of its work. This module imports the models and the
write path only where it needs them: Tab's quick path (cli/tab.py) uses `cached_index`.
"""

from __future__ import annotations

import os
import stat
import sys

# What hashlib.blake2b is, without hashlib's OpenSSL binding, which would cost Tab's quick
# path (cli/tab.py) more than all it reads.
from _blake2 import blake2b
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from normandie_cli import __version__
from normandie_cli.dataset import (
    bundled_data_path,
    bundled_layer,
    collector_paused,
    dataset_files,
    exists,
    load_dataset,
    read_file,
)
from normandie_cli.errors import DataError, NormandieError, UsageError
from normandie_cli.folders import is_within, user_folder
from normandie_cli.i18n import _

# typing.TYPE_CHECKING without importing typing, which would cost Tab's quick path (cli/tab.py)
# more than this module does.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from normandie_cli.models import Dataset

# Bump when the models change shape: an old pickle must never be read into new classes.
CACHE_FORMAT = 5


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
    path, origin, files, overlay, updates = dataset_in_use(data, overlay, updates)

    def read() -> Dataset:
        if while_slow is None or sum(f.stat().st_size for f in files if f.is_file()) < (
            SLOW_LOAD_BYTES
        ):
            return load_dataset(path, overlay, updates)
        with while_slow():
            return load_dataset(path, overlay, updates)

    return load_with_cache(origin, files, read) if use_cache else read()


def dataset_in_use(
    data: Path | None, overlay: Path | None, updates: Path | None
) -> tuple[Path, list[Path], list[Path], Path | None, Path | None]:
    """What a dataset is made of: its path; its origin (what names its cache file: the path,
    and the overlay and the updates layer in use); every file read, whose content makes the
    key; and the overlay and the layer, each None when it does not exist."""
    path = data or bundled_data_path()
    files = dataset_files(path)
    bundled = bundled_layer(path)
    if bundled is not None:
        files.append(bundled)
    origin = [path]
    if overlay is not None and is_within(overlay, path):
        inside = _("the overlay {overlay} is part of the dataset {data}: keep it outside")
        raise UsageError(inside.format(overlay=overlay, data=path))
    if overlay is not None and exists(overlay):
        origin.append(overlay)
        files.append(overlay)
    else:
        overlay = None
    # The layer is part of the key (its content changes the dataset) and of the cache
    # file's name (a read with --no-updates is another dataset, cached beside it).
    if updates is not None and exists(updates):
        origin.append(updates)
        files.append(updates)
    else:
        updates = None
    return path, origin, files, overlay, updates


def cache_folder() -> Path | None:
    """$XDG_CACHE_HOME/normandie, by default ~/.cache/normandie; None without a home."""
    return user_folder("XDG_CACHE_HOME", ".cache")


def _cache_name(origin: Sequence[Path]) -> str:
    """One cache file per dataset path, and per overlay amending it."""
    named = b"\0".join(os.fsencode(path.resolve()) for path in origin)
    return blake2b(named, digest_size=16).hexdigest() + ".pickle"


def cache_key(files: list[Path]) -> str:
    """What the cached dataset was made from: changes with any file's content, size or date.
    Files are read as the loader reads them (dataset.read_file: never more than a dataset
    file may hold), names as their bytes."""
    digest = blake2b(f"{CACHE_FORMAT}:{__version__}".encode(), digest_size=32)
    for file in files:
        info = file.stat()
        digest.update(b"\0%s\0%d\0%d\0" % (os.fsencode(file), info.st_size, info.st_mtime_ns))
        digest.update(read_file(file))
    return digest.hexdigest()


@contextmanager
def _trusted_folder(*, create: bool) -> Iterator[int | None]:
    """A descriptor of the cache folder when it can be trusted: a folder (not a link) of
    ours that no one else may write to. Everything after is done through the descriptor, so
    the folder cannot be swapped for another between the check and the use."""
    folder = cache_folder()
    if folder is None:
        yield None
        return
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        yield None
        return
    try:
        info = os.fstat(descriptor)
        private = info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        yield descriptor if private else None
    finally:
        os.close(descriptor)


def _mine(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()


@contextmanager
def _trusted_file(name: str) -> Iterator[Any]:
    """A cache file opened for reading when it can be trusted (a regular file of ours in the
    trusted folder, checked on what was opened), else None."""
    with _trusted_folder(create=False) as folder:
        if folder is None:
            yield None
            return
        try:
            handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
        except OSError:
            yield None
            return
        with os.fdopen(handle, "rb") as file:
            yield file if _mine(os.fstat(handle)) else None


def read_cached(origin: Sequence[Path], key: str) -> Dataset | None:
    """The cached dataset if it was made from exactly these files, else None."""
    import pickle

    from normandie_cli.models import Dataset

    stored_key = key.encode() + b"\n"
    with _trusted_file(_cache_name(origin)) as file:
        # Another key, or a file of another layout: nothing of it is unpickled.
        if file is None or file.read(len(stored_key)) != stored_key:
            return None
        try:
            with collector_paused():
                dataset = pickle.load(file)
        except Exception:  # a corrupt, truncated or foreign file: rebuild it
            return None
    return dataset if isinstance(dataset, Dataset) else None


def write_cached(origin: Sequence[Path], key: str, dataset: Dataset) -> None:
    """Store the dataset; failing to (read-only home, full disk) only costs speed next time."""
    import pickle

    content = pickle.dumps(dataset, protocol=pickle.HIGHEST_PROTOCOL)
    _store(_cache_name(origin), key.encode() + b"\n" + content)


def _store(name: str, content: bytes) -> None:
    from normandie_cli.files import replace_in

    with _trusted_folder(create=True) as folder:
        if folder is None:
            return
        try:
            replace_in(folder, name, content, shown=Path(name), mode=0o600)
        except NormandieError:
            return


# The completion index is kept in parts, one file each (a key press reads the one it needs):
# the cache file's name with `.PART.index` instead of `.pickle`.
INDEX_SUFFIX = ".index"


def _index_name(origin: Sequence[Path], part: str) -> str:
    return _cache_name(origin).removesuffix(".pickle") + f".{part}{INDEX_SUFFIX}"


def current_key(
    origin: Sequence[Path], files: list[Path], make: Callable[[list[Path]], str] = cache_key
) -> str | None:
    """The key of a dataset's files as they are now (`make`'s: cache_key, or index_key for
    the completion index); None when they are not to be cached: a pipe or a device (read
    once, or never ending), a file that cannot be read or is too big (the loader says so),
    or no cache folder outside what is read (XDG_CACHE_HOME in the dataset's folder is never
    written to)."""
    folder = cache_folder()
    if folder is None or any(is_within(folder, path) for path in origin):
        return None
    try:
        if not all(stat.S_ISREG(file.stat().st_mode) for file in files):
            return None
        return make(files)
    except (OSError, DataError):
        return None


def index_key(files: list[Path]) -> str:
    """What a completion index was made from, told from the files' metadata alone: the
    cache format, the version, and each file's name, size, modification and change times,
    device and inode. A write changes the change time (which no one may set) whatever it
    does to the rest, and a file put in another's place has another inode."""
    parts = [f"{CACHE_FORMAT}:{__version__}"]
    for file in files:
        info = os.stat(file)
        parts.append(
            f"{os.fsencode(file)!r}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
            f":{info.st_dev}:{info.st_ino}"
        )
    return "\0".join(parts)


def read_index(origin: Sequence[Path], key: str, index_format: int, part: str) -> Any | None:
    """A part of the completion index kept for this dataset if it was made from exactly
    these files, in this shape, by this Python (marshal's format is its own), else None."""
    import marshal

    with _trusted_file(_index_name(origin, part)) as file:
        if file is None:
            return None
        try:
            # Read whole first: marshal.load reads a file object piece by piece, far slower.
            stored = marshal.loads(file.read())
        except Exception:  # a corrupt, truncated or foreign file: made again
            return None
    fresh = isinstance(stored, tuple) and stored[:3] == (_python(), key, index_format)
    return stored[3] if fresh else None


def cached_index(
    data: Path | None, overlay: Path | None, updates: Path | None, index_format: int, part: str
) -> tuple[list[Path], str | None, Any | None]:
    """A part of the completion index kept for the dataset these options name, with what
    names it: (origin, key, part). The key is None when the dataset cannot be cached, the
    part None when it is missing or not current. A dataset whose files cannot be found
    raises, as `load` does."""
    _path, origin, files, _overlay, _updates = dataset_in_use(data, overlay, updates)
    key = current_key(origin, files, index_key)
    found = None if key is None else read_index(origin, key, index_format, part)
    return origin, key, found


def write_index(
    origin: Sequence[Path], key: str, index_format: int, index: Mapping[str, Any]
) -> None:
    """Keep a completion index, part by part, beside the dataset's cache; failing to only
    costs speed."""
    import marshal

    for part, content in index.items():
        stored = marshal.dumps((_python(), key, index_format, content))
        _store(_index_name(origin, part), stored)


def _python() -> str:
    return sys.implementation.cache_tag or sys.version


def load_with_cache(
    origin: Sequence[Path], files: list[Path], load: Callable[[], Dataset]
) -> Dataset:
    """The cached dataset when it is current, else `load()`'s, which is then cached.

    `origin` names what was loaded (the dataset path, and the overlay if there is one);
    `files` are every file read, whose content makes the key (see current_key for what is
    never cached)."""
    key = current_key(origin, files)
    if key is None:
        return load()
    cached = read_cached(origin, key)
    if cached is not None:
        return cached
    dataset = load()
    write_cached(origin, key, dataset)
    return dataset


def clear_cache() -> int:
    """Remove the cache files of the trusted cache folder: regular files of ours, never what
    a link or another user put there; returns how many cached datasets there were."""
    removed = 0
    with _trusted_folder(create=False) as folder:
        if folder is None:
            return 0
        for entry in os.scandir(folder):
            cached = entry.name.endswith(".pickle")
            # .tmp: a write cut short
            if not (cached or entry.name.endswith((INDEX_SUFFIX, ".tmp"))):
                continue
            try:
                if _mine(entry.stat(follow_symlinks=False)):
                    os.unlink(entry.name, dir_fd=folder)
                    removed += cached
            except FileNotFoundError:
                continue
    return removed
