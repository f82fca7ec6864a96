"""Writing files safely: all or nothing, never onto the dataset being read, never onto an
existing file without --force, a device or a pipe."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from normandie_cli.errors import NormandieError, UsageError
from normandie_cli.i18n import _


def check_target(path: Path, *, force: bool, protect: Path | None) -> None:
    """Refuse an output file that would lose data: an existing file without force, and any
    file of the dataset being read (`protect`, a file or a folder), even with force."""
    try:
        if b"\0" in os.fsencode(path):
            raise ValueError("a NUL byte")
        _check_target(path, force=force, protect=protect)
    except ValueError:  # os.fsencode: a character no file name can hold
        unusable = _("{path} is not a usable file name: choose another")
        raise UsageError(unusable.format(path=path)) from None
    except OSError as error:  # a name too long, a loop of links
        cannot = _("cannot write {path}: {reason}")
        raise NormandieError(cannot.format(path=path, reason=error.strerror or error)) from None


def _check_target(path: Path, *, force: bool, protect: Path | None) -> None:
    target = path.resolve()
    if protect is not None and (target == protect.resolve() or protect.resolve() in target.parents):
        raise UsageError(
            _("{path} is part of the dataset being read: choose another output file").format(
                path=path
            )
        )
    if path.is_dir():
        raise UsageError(_("{path} is a folder: give a file name").format(path=path))
    if path.exists() and not path.is_file():
        # Renaming a file onto /dev/stdout or a pipe would replace it, not write into it.
        not_regular = _(
            "{path} is not a regular file (a device or a pipe): give a file name, or"
            " leave out -o to write to the screen"
        )
        raise UsageError(not_regular.format(path=path))
    if path.exists() and not force:
        raise UsageError(_("{path} already exists: add --force to replace it").format(path=path))
    if not path.parent.is_dir():
        raise NormandieError(
            _("cannot write {path}: the folder {folder} does not exist").format(
                path=path, folder=path.parent
            )
        )


def write_file(
    path: Path, content: str | bytes, *, force: bool = False, protect: Path | None = None
) -> None:
    """Write all or nothing, after checking the target (see check_target)."""
    check_target(path, force=force, protect=protect)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with replacing(path) as temporary:
        temporary.write_bytes(data)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Write a file all or nothing: the caller fills a temporary file beside `path`, which is
    then synced and renamed onto it. On any error the temporary file goes and `path` stays as
    it was. A replaced file keeps its permissions; a new one follows the user's umask."""
    import tempfile

    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise NormandieError(
            _("cannot write {path}: {reason}; nothing was changed").format(
                path=path, reason=error.strerror
            )
        ) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _file_mode(path))
        with temporary.open("rb+") as file:
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise NormandieError(
            _("cannot write {path}: {reason}; nothing was changed").format(
                path=path, reason=error.strerror or error
            )
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:  # mkstemp makes 0600; a new file follows the umask instead
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
