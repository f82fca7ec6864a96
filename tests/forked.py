"""Run the command line in a forked child: as another user (CI runs as root, and a user's
files bind only other users), or with a fault planted in the child alone.

A child cannot start Python afresh as another user here (the interpreter lives under a home
folder only root may enter), so it runs the already imported program: `warm_up` imports
first, as the parent, what the commands import when they run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import IO, Any, NoReturn

# Users with no entry in the password database: a victim and an attacker.
VICTIM = 4242
ATTACKER = 4243


@dataclass(frozen=True)
class Ended:
    """How a child ended: its exit code (minus the signal that ended it) and what it said."""

    code: int
    stdout: str
    stderr: str


def can_switch_user() -> bool:
    return os.geteuid() == 0


def warm_up() -> None:
    """Import, as the parent, what a command imports lazily: a child running as another
    user cannot read the interpreter's own library."""
    import csv  # noqa: F401
    import difflib  # noqa: F401
    import fcntl  # noqa: F401
    import json  # noqa: F401
    import pickle  # noqa: F401
    import pwd  # noqa: F401
    import sqlite3  # noqa: F401
    import statistics  # noqa: F401
    import threading  # noqa: F401

    import icalendar  # noqa: F401
    import rich.console  # noqa: F401
    import rich.markup  # noqa: F401
    import rich.status  # noqa: F401
    import tomli  # noqa: F401
    import tomli_w  # noqa: F401
    from typer.testing import CliRunner

    from normandie_cli.cli.app import app

    # Each command once, as a person would run it: what it imports is imported.
    for args in (["startups"], ["startups", "-f", "table"], ["show", "saagie"], ["--help"]):
        CliRunner().invoke(app, args)
    # And every module of the program: a command imports most of its own when it runs.
    import importlib
    import pkgutil

    import normandie_cli

    for module in pkgutil.walk_packages(normandie_cli.__path__, "normandie_cli."):
        if not module.name.endswith(".__main__"):  # that one runs the program
            importlib.import_module(module.name)


@dataclass
class Child:
    """A child running: `wait()` for how it ended."""

    pid: int
    out: IO[bytes]
    err: IO[bytes]

    def wait(self) -> Ended:
        _, status = os.waitpid(self.pid, 0)
        said = []
        for file in (self.out, self.err):
            with file:
                file.seek(0)
                said.append(file.read().decode("utf-8", "replace"))
        return Ended(os.waitstatus_to_exitcode(status), *said)


def spawn(
    work: Callable[[], int],
    *,
    uid: int | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> Child:
    """Start `work()` in a child, as `uid` when given, with this environment and folder;
    its return value is the child's exit code."""
    # Closed by Child.wait, which reads them.
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115
    pid = os.fork()
    if pid == 0:
        _child(work, out.fileno(), err.fileno(), uid=uid, env=env, cwd=cwd)
    return Child(pid, out, err)


def forked(work: Callable[[], int], **options: Any) -> Ended:
    """Run `work()` in a child to its end (see `spawn`)."""
    return spawn(work, **options).wait()


def _child(
    work: Callable[[], int],
    out: int,
    err: int,
    *,
    uid: int | None,
    env: dict[str, str] | None,
    cwd: str | None,
) -> NoReturn:
    """The forked child: stdin from /dev/null, stdout and stderr to the parent's files."""
    code = 70
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        # Fresh streams on the new descriptors (the parent's may be pytest's captures).
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115, E501
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        if cwd is not None:
            os.chdir(cwd)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        code = work()
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(Exception):  # the child is ending either way
                stream.flush()
        os._exit(code)


def command(args: Sequence[str]) -> Callable[[], int]:
    """The command line `normandie ARGS`, as work for a child."""

    def work() -> int:
        from normandie_cli.cli.app import main

        sys.argv = ["normandie", *args]
        main()
        return 0

    return work


def run_command(args: Sequence[str], **options: Any) -> Ended:
    """The command line `normandie ARGS`, in a child (see `spawn`)."""
    return forked(command(args), **options)
