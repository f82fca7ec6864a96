"""Find and read the TOML dataset: the bundled data folder, a file or a folder given with
--data, each file parsed into its tables, then validated as a whole (see validation.py).

A dataset is one TOML file, or a folder of them whose tables are put together (the bundled
data: hand-kept files plus the files the import scripts generate). Exactly one file holds
[meta].
"""

from __future__ import annotations

import errno
import gc
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from normandie_cli.errors import DataError
from normandie_cli.i18n import _
from normandie_cli.paths import check_own_file

# The models and the validation are imported when a dataset is read, not to find its files:
# Tab completion finds a dataset's cache through this module alone.
# typing.TYPE_CHECKING without importing typing, which would cost Tab's quick path (cli/tab.py)
# more than this module does.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from normandie_cli.models import Dataset

DATA_FOLDER = "data"
# The register's facts the maintainers fetched (scripts/refresh_register.py), bundled in the
# data folder in the layer's own format (see updates.py); a user's layer is read over it.
BUNDLED_LAYER = "generated/register.toml"
# Far above any real dataset (100,000 startups take 39 MB): a bound on what is read, so that
# --data /dev/zero ends in an error instead of filling the memory.
LARGEST_FILE = 256 * 2**20


def bundled_data_path() -> Path:
    """The data folder shipped in the package, or the checkout's data/ in an editable install."""
    # What importlib.resources.files() gives for a package installed as files, without the
    # cost of importing it (a zipped install has no such folder: then the checkout's, if any).
    packaged = Path(__file__).parent / DATA_FOLDER
    if _folder_there(packaged):
        return packaged
    checkout = Path(__file__).resolve().parents[2] / DATA_FOLDER
    if _folder_there(checkout):
        return checkout
    raise DataError(DATA_FOLDER, [_("the bundled dataset is missing: reinstall normandie")])


def _folder_there(path: Path) -> bool:
    """Whether a folder is there; one the user may not look into counts (it is there: what
    reads it says why it cannot), as when normandie is installed where only root may go."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except PermissionError:
        return True
    except (OSError, ValueError):
        return False


def dataset_files(path: Path) -> list[Path]:
    """The TOML files a dataset path stands for: the file itself, or a folder's *.toml."""
    try:
        is_folder = path.is_dir()
    except OSError as error:  # a name too long, a loop of links: is_dir() lets these through
        reason = _("cannot be read: {reason}").format(reason=error.strerror or error)
        raise DataError(str(path), [reason]) from None
    if not is_folder:
        return [path]
    layer = bundled_layer(path)
    files, _folders, problems = _folder_files(path)
    if problems:
        raise DataError(str(path), problems)
    files = [file for file in files if file != layer]
    if not files:
        raise DataError(str(path), [_("this folder holds no .toml file")])
    return sorted(files)


# Deeper than this, a dataset folder is taken for a mistake (a folder of the whole disk).
DEEPEST_FOLDER = 32


def dataset_folders(path: Path) -> list[Path]:
    """Every folder a dataset folder reads, those its links lead to included (for the write
    path: no write may land in one); none for a dataset file."""
    try:
        return _folder_files(path)[1] if path.is_dir() else []
    except OSError:  # the loader says what is wrong with it
        return []


def _folder_files(folder: Path) -> tuple[list[Path], list[Path], list[str]]:
    """The *.toml files of a folder and its subfolders (links to folders followed, each
    folder read once), the folders read, and what could not be read there (a folder that may not be
    entered, a link to nothing, a pipe, a tree too deep): a file left out would change the
    data silently."""
    files: list[Path] = []
    folders: list[Path] = []
    problems: list[str] = []

    def problem(where: Path, reason: str) -> None:
        shown = where.relative_to(folder).as_posix()
        problems.append(f"{shown}: {reason}" if shown != "." else reason)

    seen: set[tuple[int, int]] = set()
    waiting = [(folder, 0)]
    while waiting:
        current, depth = waiting.pop()
        try:
            info = current.stat()
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as error:
            problem(current, _("cannot be read: {reason}").format(reason=error.strerror or error))
            continue
        if (info.st_dev, info.st_ino) in seen:  # a link back to a folder already read
            continue
        seen.add((info.st_dev, info.st_ino))
        folders.append(current)
        if depth > DEEPEST_FOLDER:
            deep = _("folders nested more than {count} deep: is this the right folder?")
            problem(current, deep.format(count=DEEPEST_FOLDER))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                mode = os.stat(path).st_mode
            except OSError as error:
                if entry.is_symlink() and error.errno == errno.ENOENT:
                    dangling = _("a link to {target}, which does not exist")
                    problem(path, dangling.format(target=os.readlink(path)))
                elif entry.name.endswith(".toml") or entry.is_dir(follow_symlinks=False):
                    reason = error.strerror or str(error)
                    problem(path, _("cannot be read: {reason}").format(reason=reason))
                continue
            if stat.S_ISDIR(mode):
                waiting.append((path, depth + 1))
            elif not entry.name.endswith(".toml"):
                continue
            elif stat.S_ISREG(mode):
                files.append(path)
            else:  # a pipe or a device named *.toml would never end
                problem(path, _("not a regular file (a device or a pipe)"))
    return files, folders, problems


def bundled_layer(path: Path) -> Path | None:
    """The register layer a data folder holds (BUNDLED_LAYER), read as a layer under the
    user's rather than as tables of the dataset."""
    layer = path / BUNDLED_LAYER
    return layer if path.is_dir() and layer.is_file() else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Building hundreds of thousands of objects that all stay alive: the garbage collector's
    passes over them would find nothing to free and take a third of the time. Afterwards the
    survivors are frozen, so later collections do not walk them either."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def exists(path: Path) -> bool:
    """Whether a file is there; a name that cannot be looked at (a folder on the way that
    may not be entered) is a DataError, not a "no"."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if not os.path.islink(path):
            return False
        dangling = _("a link to {target}, which does not exist").format(target=os.readlink(path))
        raise DataError(str(path), [dangling]) from None
    except OSError as error:
        reason = _("cannot be read: {reason}").format(reason=error.strerror or error)
        raise DataError(str(path), [reason]) from None
    except ValueError:  # a NUL byte in the name
        raise DataError(str(path), [_("this is not a usable file name")]) from None
    return True


def read_given(path: Path) -> dict[str, Any] | None:
    """The tables of a file given to check, read once (a pipe holds its text once), whoever
    wrote it (it is only read); None for a folder or a name that leads nowhere, left to the
    dataset's own checks to report. Raises DataError as read_toml does."""
    try:
        if path.is_dir() or not path.exists():
            return None
    except (OSError, ValueError):
        return None
    return read_toml(path)


def is_overlay(tables: Mapping[str, Any]) -> bool:
    """Whether a file's tables are an overlay's, as `overlay export` writes one: no [meta],
    a table an overlay has ([[retired]], or records)."""
    from normandie_cli.validation import OVERLAY_TABLES

    return "meta" not in tables and any(table in OVERLAY_TABLES for table in tables)


def load_dataset(
    path: Path | None = None,
    overlay: Path | None = None,
    updates: Path | None = None,
    *,
    given: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Dataset:
    """Read and validate a dataset (the bundled one by default): a TOML file or a folder,
    amended by an updates layer and an overlay file when given and they exist (see
    parse_dataset). A file read already (read_given) is passed as its tables: `given` for
    the dataset file `path`, `changes` for the overlay file `overlay`.

    Raises DataError listing every problem, each with its file, table, record and field.
    """
    from normandie_cli.updates import combine
    from normandie_cli.validation import parse_dataset

    path = path or bundled_data_path()
    files = dataset_files(path)
    bundled = bundled_layer(path)
    with collector_paused():
        parts = [("", given)] if given is not None else read_parts(path, files)
        amendment = None
        if overlay is not None and changes is not None:
            amendment = (str(overlay), changes)
        elif overlay is not None and exists(overlay):
            overlay_tables = read_toml(overlay, may_be_empty=True, own=True)
            amendment = (str(overlay), overlay_tables)
        layer = None
        if updates is not None and exists(updates):
            layer = (str(updates), read_toml(updates, own=True))
        if bundled is not None:
            user = None if layer is None else layer[1]
            name = str(bundled) if layer is None else layer[0]
            layer = (name, combine(read_toml(bundled), user))
        return parse_dataset(parts, str(path), amendment, layer)


def read_parts(path: Path, files: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    """The parsed files of a dataset, each named by its place in the dataset's folder."""
    return [
        (file.relative_to(path).as_posix() if path.is_dir() else "", read_toml(file))
        for file in files
    ]


def read_toml(path: Path, *, may_be_empty: bool = False, own: bool = False) -> dict[str, Any]:
    """Parse a TOML file, turning every way it can fail into one DataError. With `own` (the
    user's own changes: the overlay, the updates layer, read more than once), only a regular
    file of the user's is read (see paths.check_own_file): a pipe holds its text once, a
    device has no end, and another user's file is not the user's changes."""
    return parse_toml(read_file(path, own=own), str(path), may_be_empty=may_be_empty)


def read_file(path: Path, *, own: bool = False) -> bytes:
    """The bytes of a dataset file, up to the largest a dataset may be; DataError else."""
    label = str(path)
    try:
        if own:
            # Non-blocking: opening a pipe with no writer must not wait.
            handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            with os.fdopen(handle, "rb") as file:
                info = os.fstat(handle)
                if stat.S_ISDIR(info.st_mode):
                    raise IsADirectoryError
                if not stat.S_ISREG(info.st_mode):
                    not_regular = _(
                        "not a regular file (a device or a pipe): it cannot hold your changes"
                    )
                    raise DataError(label, [not_regular])
                check_own_file(path, info)
                content = file.read(LARGEST_FILE + 1)
        else:
            with path.open("rb") as file:
                content = file.read(LARGEST_FILE + 1)
    except FileNotFoundError:
        raise DataError(label, [_("no such file")]) from None
    except IsADirectoryError:
        raise DataError(label, [_("this is a folder, not a TOML file")]) from None
    except PermissionError:
        raise DataError(label, [_("permission denied: the file cannot be read")]) from None
    except OSError as error:
        reason = _("cannot be read: {reason}").format(reason=error.strerror or error)
        raise DataError(label, [reason]) from None
    except ValueError:  # a NUL byte or an unencodable character in the name
        raise DataError(label, [_("this is not a usable file name")]) from None
    if len(content) > LARGEST_FILE:
        limit = f"{LARGEST_FILE // 2**20} MB"
        too_large = _("larger than {limit}: this is not a dataset file")
        raise DataError(label, [too_large.format(limit=limit)])
    return content


def parse_toml(content: bytes, label: str, *, may_be_empty: bool = False) -> dict[str, Any]:
    """Parse the bytes of a TOML file (`label` names it in errors) into one DataError or
    its tables: UTF-8, an optional byte order mark, TOML 1.0. An empty file is an error
    unless it may be empty (an overlay that changes nothing yet)."""
    import tomli

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        not_utf8 = _("line {line}: not UTF-8 text (byte {byte})")
        raise DataError(label, [not_utf8.format(line=line, byte=error.start)]) from None
    if not text.strip():
        if may_be_empty:
            return {}
        raise DataError(label, [_("the file is empty")])
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        syntax = _("TOML syntax error at line {line}, column {column}: {reason}")
        raise DataError(
            label, [syntax.format(line=error.lineno, column=error.colno, reason=error.msg)]
        ) from None
    except RecursionError:
        raise DataError(label, [_("the TOML is nested too deeply to be read")]) from None
