"""The one way normandie writes a file: exports, the overlay, its history, the cache and the
updates layer all go through `write_file` (or `replace_in` for a folder already opened).

A target must be a regular file or a new name, in a folder that exists; never a device, a
pipe, a socket or a symbolic link (the caller may follow a link it was told about, as the
overlay is), never a file or folder the command reads, and an existing file only with
--force. The content goes to a temporary file opened in the same folder (by descriptor, so
the folder cannot be swapped meanwhile), is synced, then renamed onto the target: all or
nothing. The temporary file is removed on every way out, an interruption or SIGTERM/SIGHUP
included; a signal is then delivered again, so the exit status says what stopped it.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from enum import Enum
from pathlib import Path

from normandie_cli.errors import NormandieError, UsageError
from normandie_cli.folders import is_within
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.locks import locked
from normandie_cli.paths import refuse_foreign_link


@frozen
class Target:
    """Where a file goes: its folder, its name there, and whether it exists already."""

    folder: Path
    name: str
    exists: bool
    folder_identity: tuple[int, int]  # the folder checked: the one opened must be it

    @property
    def path(self) -> Path:
        return self.folder / self.name


def check_target(
    path: Path, *, force: bool, reads: Sequence[Path] = (), follow_link: bool = False
) -> Target:
    """The target of a write, or a UsageError (exit 2) saying why it would lose something:
    a device, pipe, socket or folder, a link (unless `follow_link`: then its target is
    checked), a file or folder the command reads (`reads`), an existing file without
    `force`. A missing folder or an unusable name is a NormandieError (exit 1)."""
    try:
        if b"\0" in os.fsencode(path):
            raise ValueError("a NUL byte")
        return _target(path, force=force, reads=reads, follow_link=follow_link)
    except ValueError:  # os.fsencode: a character no file name can hold
        unusable = _("{path} is not a usable file name: choose another")
        raise UsageError(unusable.format(path=path)) from None
    except OSError as error:  # a name too long, a loop of links
        cannot = _("cannot write {path}: {reason}")
        raise NormandieError(cannot.format(path=path, reason=error.strerror or error)) from None


def _target(path: Path, *, force: bool, reads: Sequence[Path], follow_link: bool) -> Target:
    refuse_foreign_link(path)
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        pointed = os.readlink(path)
        if not follow_link:
            link = _("{path} is a symbolic link to {target}: give that file's own name")
            raise UsageError(link.format(path=path, target=pointed))
        if not os.path.exists(path):  # dangling, or a loop
            dangling = _("{path} is a symbolic link to {target}, which does not exist")
            raise UsageError(dangling.format(path=path, target=pointed))
        return _target(Path(os.path.realpath(path)), force=force, reads=reads, follow_link=False)
    target = Path(os.path.realpath(path))
    for read in reads:
        if is_within(target, read):
            being_read = _("{path} is part of the dataset being read: choose another output file")
            raise UsageError(being_read.format(path=path))
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(_("{path} is a folder: give a file name").format(path=path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        # Renaming a file onto /dev/stdout or a pipe would replace it, not write into it.
        not_regular = _(
            "{path} is not a regular file (a device or a pipe): give a file name, or"
            " leave out -o to write to the screen"
        )
        raise UsageError(not_regular.format(path=path))
    if info is not None and not force:
        raise UsageError(_("{path} already exists: add --force to replace it").format(path=path))
    try:
        folder = os.stat(target.parent)
    except FileNotFoundError:
        folder = None
    if folder is None or not stat.S_ISDIR(folder.st_mode):
        raise NormandieError(
            _("cannot write {path}: the folder {folder} does not exist").format(
                path=path, folder=path.parent
            )
        )
    return Target(target.parent, target.name, info is not None, (folder.st_dev, folder.st_ino))


def same_file(first: Target, second: Target) -> bool:
    """Whether two targets are one file, whatever names lead there: one name in one folder
    (the folder known by its identity, so a link or a bind mount is the same), or two names
    of one existing file (a hard link, another spelling on a case-insensitive disk)."""
    if (first.folder_identity, first.name) == (second.folder_identity, second.name):
        return True
    try:
        one, other = os.stat(first.path), os.stat(second.path)
    except OSError:  # one of them is still to be made: no other name leads to it
        return False
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


class Unknown(Enum):
    """A file's state not known, so not compared: the value of `unchanged` by default."""

    UNKNOWN = "unknown"


UNKNOWN = Unknown.UNKNOWN


def write_file(
    path: Path,
    content: str | bytes,
    *,
    force: bool = False,
    reads: Sequence[Path] = (),
    follow_link: bool = False,
    unchanged: os.stat_result | None | Unknown = UNKNOWN,
) -> None:
    """Check the target (see check_target), then write it all or nothing; with `unchanged`
    (the file's state, None for absent, when the command read it), only if it is still so."""
    target = check_target(path, force=force, reads=reads, follow_link=follow_link)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with opened_folder(target, shown=path) as folder:
        replace_in(folder, target.name, data, shown=path, replace=force, unchanged=unchanged)


def file_state(path: Path) -> os.stat_result | None:
    """A file's state as `unchanged` compares it later; None when there is none."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


@contextmanager
def holding_lock(path: Path) -> Iterator[None]:
    """Hold the lock beside `path` (see locks.locked) while the block decides and writes."""
    refuse_foreign_link(path.parent)
    try:
        descriptor = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise NormandieError(_cannot(path, error)) from None
    try:
        with locked(descriptor, path.name, path):
            yield
    finally:
        os.close(descriptor)


def make_folder(folder: Path) -> None:
    """Create a folder of normandie's own (the overlay's, the updates layer's) and those
    above it; a NormandieError saying why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        cannot = _("cannot create the folder {folder}: {reason}")
        raise NormandieError(cannot.format(folder=folder, reason=error.strerror or error)) from None


@contextmanager
def opened_folder(target: Target, *, shown: Path) -> Iterator[int]:
    """A descriptor of the folder a file is written in, which must be the folder that was
    checked (another folder put under its name meanwhile, by a link or a swap, is refused):
    what is checked and what is written stay the same folder whatever happens to its name."""
    try:
        descriptor = os.open(target.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise NormandieError(_cannot(shown, error)) from None
    try:
        info = os.fstat(descriptor)
        if (info.st_dev, info.st_ino) != target.folder_identity:
            swapped = _(
                "the folder of {path} changed while it was being written; nothing was changed"
            )
            raise NormandieError(swapped.format(path=shown))
        yield descriptor
    finally:
        os.close(descriptor)


def remove_file(path: Path, *, reads: Sequence[Path]) -> bool:
    """Remove a file of normandie's own (the updates layer, its progress) as the write path
    would replace it: never what the command reads, never through another user's link, a
    link itself rather than what it leads to. False when there was nothing to remove."""
    refuse_foreign_link(path.parent)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise NormandieError(_cannot(path, error)) from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(_("{path} is a folder: remove it yourself").format(path=path))
    for read in reads:
        if is_within(path, read):
            being_read = _("{path} is part of the dataset being read: it is kept")
            raise UsageError(being_read.format(path=path))
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise NormandieError(_cannot(path, error)) from None
    return True


def replace_in(
    folder: int,
    name: str,
    data: bytes,
    *,
    shown: Path,
    mode: int | None = None,
    replace: bool = True,
    unchanged: os.stat_result | None | Unknown = UNKNOWN,
) -> None:
    """Put `data` in the file `name` of the folder opened as `folder`, all or nothing.

    Without `replace`, a file that appeared under the name since it was checked is kept
    and the write refused (the new file is published with link(), which never replaces);
    with `unchanged`, so is a file that is no longer the one read (another program wrote it
    meanwhile). A replaced file keeps its permissions (not setuid, setgid or sticky) and,
    where the system allows, its owner; a new one follows the umask, unless `mode` says.
    Signals wait while the temporary file is created and while it is renamed, and undo the
    write otherwise: on every way out the target is either the old file or the new, and no
    temporary file remains."""
    # A short name of its own: a target's name may already be as long as a name can be.
    temporary = f".normandie-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    with _signals_as_exceptions():
        try:
            with _signals_held():  # created and known to be, or neither
                handle = os.open(
                    temporary,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                    0o600,
                    dir_fd=folder,
                )
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                _take_place_of(file.fileno(), folder, name, mode)
                os.fsync(file.fileno())
            with _signals_held():  # in place and known to be, or not
                _check_still_replaceable(folder, name, shown, unchanged)
                _publish(folder, temporary, name, shown, replace=replace)
        except OSError as error:
            remove_in(folder, temporary)
            raise NormandieError(_cannot(shown, error)) from None
        except BaseException:
            remove_in(folder, temporary)
            raise


def _take_place_of(handle: int, folder: int, name: str, mode: int | None) -> None:
    """Give the new file the permissions (and owner) of the file it replaces."""
    try:
        old = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    if mode is None:
        mode = 0o666 & ~_umask() if old is None else stat.S_IMODE(old.st_mode) & 0o777
    if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        with suppress(PermissionError):  # only an administrator may give a file away
            os.fchown(handle, old.st_uid, old.st_gid)
    os.fchmod(handle, mode)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _publish(folder: int, temporary: str, name: str, shown: Path, *, replace: bool) -> None:
    """Give the finished file its name: rename() when it may replace, else link() (which
    fails on an existing name), falling back to a checked rename where links are not."""
    if replace:
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        return
    try:
        os.link(temporary, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
    except FileExistsError:
        raise _appeared(shown) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        # A file system without hard links (FAT, some network shares).
        if _exists_in(folder, name):
            raise _appeared(shown) from None
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        return
    remove_in(folder, temporary)


def _appeared(shown: Path) -> UsageError:
    appeared = _("{path} appeared during the write; it was kept: add --force to replace it")
    return UsageError(appeared.format(path=shown))


def _exists_in(folder: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _check_still_replaceable(
    folder: int, name: str, shown: Path, unchanged: os.stat_result | None | Unknown
) -> None:
    """The target checked before the write may have been replaced since: by a device, a
    pipe or a link, it would now be lost to the rename; by another file than the one read
    (`unchanged`), that file's content would."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        changed = _("{path} stopped being a regular file during the write; nothing was changed")
        raise NormandieError(changed.format(path=shown))
    if unchanged is not UNKNOWN and not same_file_state(info, unchanged):
        edited = _(
            "{path} was changed by another program during the update; nothing was"
            " changed: run the command again"
        )
        raise NormandieError(edited.format(path=shown))


def same_file_state(now: os.stat_result | None, before: os.stat_result | None) -> bool:
    """Whether a file is the same, unwritten, as when it was looked at (None: absent)."""
    if now is None or before is None:
        return now is before
    keys = ("st_dev", "st_ino", "st_size", "st_mtime_ns", "st_ctime_ns")
    return all(getattr(now, key) == getattr(before, key) for key in keys)


def _cannot(path: Path, error: OSError) -> str:
    cannot = _("cannot write {path}: {reason}; nothing was changed")
    return cannot.format(path=path, reason=error.strerror or error)


def remove_in(folder: int, name: str) -> None:
    """Remove the file `name` of the folder opened as `folder`: the name itself, a link
    never followed; nothing when it is already gone."""
    with suppress(FileNotFoundError):
        os.unlink(name, dir_fd=folder)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while a file was being written."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_TERMINATING = (signal.SIGTERM, signal.SIGHUP)
# Held while a file is put in place: delivered once it is there or undone.
_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT}


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and the terminating signals for a system call that must not be cut
    from what follows it (a temporary file created but not yet known to be removed, a
    rename done but not known to be). They are delivered as the block ends."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def _signals_as_exceptions() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP unwind like Ctrl-C does, so the temporary file is
    removed; then the signal is delivered again with its default action (exit 143, 129).
    A signal the process was told to ignore stays ignored."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous = {}
    for signum in _TERMINATING:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, raise_terminated)
    try:
        yield
    except Terminated as stopped:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        previous = {}
        signal.signal(stopped.signum, signal.SIG_DFL)
        os.kill(os.getpid(), stopped.signum)
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
