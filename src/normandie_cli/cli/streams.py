"""The process's standard streams, settled before the command runs, so that what they do
cannot hide the exit code or cut the output short.

stdout is written whole: its descriptor is wrapped in a writer that goes on after a short
write and waits on a full non-blocking pipe (an unbuffered stream, PYTHONUNBUFFERED=1 or a
pipe set non-blocking by the reader, would otherwise lose the rest of each write), and
whose failures are marked as the output's own (StdoutFailed), so that no other error is
ever reported as one. A closed stdout fails when something is written to it, and only
then; a closed stdin reads as empty; stderr, full or closed, loses the message but not the
exit code; an encoding without a character shows a replacement.
"""

import errno
import io
import os
import select
import sys
from contextlib import suppress
from typing import Any, TextIO, cast

from normandie_cli.cli.context import Environment, drop_stdout
from normandie_cli.errors import ExitCode
from normandie_cli.i18n import _


class StdoutFailed(OSError):
    """Writing to the standard output failed (a full disk, a closed output)."""


def settle_streams() -> None:
    """Put the streams in the state the module's docstring describes."""
    if sys.stdin is None:  # started with stdin closed (`normandie … <&-`)
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - the process's own
    sys.stdout = _whole(sys.stdout)
    if not _is_utf8(sys.stdout):
        sys.stdout.reconfigure(errors="replace")
    if sys.stderr is not None:
        if isinstance(sys.stderr, io.TextIOWrapper) and not _is_utf8(sys.stderr):
            sys.stderr.reconfigure(errors="replace")
        sys.stderr = cast(TextIO, _Forgiving(sys.stderr))


def flushed(code: int) -> int:
    """The exit code once what is left for stdout is written: a write that fails is said
    (it turns a success into 1, never changes another code); a reader gone is no error."""
    try:
        sys.stdout.flush()
    except OSError as error:
        return output_failed(error, code)
    return code


def output_failed(error: OSError, code: int) -> int:
    """Say that stdout failed, unless its reader has gone; the exit code that follows."""
    drop_stdout()
    if isinstance(error, BrokenPipeError):
        return code
    failed = _("cannot write to the standard output: {reason}")
    Environment().say(
        _("Error: {message}").format(message=failed.format(reason=error.strerror or error)),
        style="red",
    )
    return int(ExitCode.DATA_ERROR) if code == 0 else code


def _whole(stream: TextIO | None) -> io.TextIOWrapper:
    """stdout as a text stream that writes whole, on the same descriptor and encoding."""
    try:
        descriptor = stream.fileno() if stream is not None else None
    except (AttributeError, OSError, ValueError):
        descriptor = None
    # A closed output keeps nothing to fail again at exit: no buffer between.
    binary: Any = (
        _ClosedOutput() if descriptor is None else io.BufferedWriter(_WholeWrites(descriptor))
    )
    return io.TextIOWrapper(
        binary,
        encoding=getattr(stream, "encoding", None) or "utf-8",
        errors=getattr(stream, "errors", None) or "strict",
        line_buffering=bool(getattr(stream, "line_buffering", False)),
    )


def _is_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "").lower() in ("utf-8", "utf8")


class _WholeWrites(io.RawIOBase):
    """A descriptor that takes every byte it is given, or fails with StdoutFailed (a reader
    that has gone stays a BrokenPipeError, which is no error)."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self._descriptor = descriptor

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._descriptor

    def isatty(self) -> bool:
        return os.isatty(self._descriptor)

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            try:
                done += os.write(self._descriptor, view[done:])
            except BlockingIOError:  # a non-blocking pipe, full: wait for the reader
                select.select([], [self._descriptor], [])
            except BrokenPipeError:
                raise
            except OSError as error:
                raise StdoutFailed(error.errno, error.strerror) from None
        return done


class _ClosedOutput(io.RawIOBase):
    """stdout when the process has none: writing to it fails as writing to a closed file."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise StdoutFailed(errno.EBADF, _("the standard output is closed"))


class _Forgiving:
    """stderr that loses what it cannot write (a full disk, a closed stream) instead of
    raising: the person can be told nothing more then, but the exit code still counts."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError:
            return len(text)

    def flush(self) -> None:
        with suppress(OSError):
            self._stream.flush()

    def isatty(self) -> bool:
        try:
            return self._stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str) -> Any:  # encoding, fileno…: the stream's own
        return getattr(self._stream, name)
