"""The hostile catalogue, part three: what a third review found that only a whole process
can show, each closed as a class (one writer for stdout, identities instead of names, link
and lock ownership, signals held around the two system calls that must not be cut, a
publish that never replaces without --force). Each test names the README's Security line
it proves.
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SEED
from forked import ATTACKER, VICTIM, can_switch_user, forked, run_command, warm_up
from test_hostile_processes import CITE, DATA, EXECUTABLE, OK, USAGE, base_env, shared

__all__ = ["shared"]  # the fixture: a folder every user may enter

pytestmark = pytest.mark.subprocess

needs_root = pytest.mark.skipif(
    not can_switch_user(), reason="a second user is needed, and only root can become one"
)


@pytest.fixture(scope="module", autouse=True)
def imported() -> None:
    warm_up()


def in_child(args: list[str], before: Callable[[], None], **env: str) -> Callable[[], int]:
    """`normandie ARGS` in a forked child, after `before()` planted a fault there."""

    def work() -> int:
        from normandie_cli.cli.app import main

        before()
        sys.argv = ["normandie", *args]
        main()
        return 0

    return work


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- Security: Output that fails ends cleanly. ---------------------------------------------


def test_an_unbuffered_output_into_a_slow_non_blocking_pipe_is_whole(tmp_path: Path) -> None:
    """PYTHONUNBUFFERED=1 and a reader that set its pipe non-blocking: every write is short
    or refused for a while; the output still arrives whole, and exit 0."""
    expected = subprocess.run(
        [EXECUTABLE, "export", "--json"],
        env=base_env(NORMANDIE_DATA=str(SEED)),
        capture_output=True,
        check=True,
    ).stdout
    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    process = subprocess.Popen(
        [EXECUTABLE, "export", "--json"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=base_env(NORMANDIE_DATA=str(SEED), PYTHONUNBUFFERED="1"),
    )
    os.close(write_end)
    received = b""
    while chunk := os.read(read_end, 1024):
        received += chunk
        time.sleep(0.0002)
    os.close(read_end)
    assert process.wait(timeout=60) == OK
    assert process.stderr is not None and process.stderr.read() == b""
    assert received == expected


def test_a_closed_input_is_a_question_nobody_answers(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", f"{EXECUTABLE} --overlay o.toml add startup --name X <&-"],
        cwd=tmp_path,
        env=base_env(NORMANDIE_DATA=str(SEED)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == USAGE, done.stderr
    assert done.stderr == "Error: missing --source (or run on a terminal to be asked)\n"


def test_a_current_folder_that_has_gone_is_said_as_such(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f"cd {gone} && rmdir {gone} && {EXECUTABLE} --overlay rel.toml startups"
    done = subprocess.run(
        ["bash", "-c", script],
        env=base_env(NORMANDIE_DATA=str(SEED)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == DATA, done.stderr
    assert "the current folder no longer exists" in done.stderr
    assert "standard output" not in done.stderr


# --- Security: No overwrite. ---------------------------------------------------------------


def test_a_file_made_under_the_name_during_the_write_is_kept(tmp_path: Path) -> None:
    """Another program creates the file after the check, before the new one is in place:
    without --force it is kept, and the command says so."""
    target = tmp_path / "out.json"

    def someone_else_writes() -> None:
        real_fsync = os.fsync

        def fsync(descriptor: int) -> None:
            target.write_text("precious\n", encoding="utf-8")
            real_fsync(descriptor)

        os.fsync = fsync

    args = ["export", "--json", "-o", str(target)]
    env = base_env(NORMANDIE_DATA=str(SEED), NORMANDIE_NO_CACHE="1")
    ended = forked(in_child(args, someone_else_writes), env=env)
    assert ended.code == USAGE, ended.stderr
    assert "appeared during the write; it was kept: add --force" in ended.stderr
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert leftovers(tmp_path) == []


# --- Security: Changes decided under the lock. ----------------------------------------------


def test_a_hand_edit_saved_during_a_change_is_not_lost(tmp_path: Path) -> None:
    """An editor cannot take the lock: what it saves while `add` works is kept, and `add`
    is refused rather than write over it."""
    overlay = tmp_path / "overlay.toml"
    overlay.write_text("# mine\n", encoding="utf-8")
    typed = '\n[[retired]]\nid = "saagie"\nreason = "typed by hand"\nsources = ["src"]\n'

    def editor_saves() -> None:
        real_fsync = os.fsync

        def fsync(descriptor: int) -> None:
            with overlay.open("a", encoding="utf-8") as file:
                file.write(typed)
            real_fsync(descriptor)

        os.fsync = fsync

    args = ["--overlay", str(overlay), "add", "startup", "--name", "Race", *CITE]
    env = base_env(NORMANDIE_DATA=str(SEED), NORMANDIE_NO_CACHE="1")
    ended = forked(in_child(args, editor_saves), env=env)
    assert ended.code == DATA, ended.stderr
    assert "was changed by another program during the update" in ended.stderr
    assert overlay.read_text(encoding="utf-8") == "# mine\n" + typed
    assert leftovers(tmp_path) == []


@needs_root
def test_a_lock_file_of_another_user_is_not_taken(shared: Path) -> None:
    """Held by its owner for ever, it would make every change wait without a word."""
    tmp_path = shared
    tmp_path.chmod(0o777)
    lock = tmp_path / ".overlay.toml.lock"
    lock.write_text("", encoding="utf-8")
    os.chown(lock, ATTACKER, ATTACKER)
    lock.chmod(0o666)
    args = ["--overlay", str(tmp_path / "overlay.toml"), "add", "startup", "--name", "X", *CITE]
    env = base_env(HOME=str(tmp_path), NORMANDIE_DATA=str(SEED))
    ended = run_command(args, uid=VICTIM, env=env, cwd=str(tmp_path))
    assert ended.code == DATA, ended.stderr
    assert "is not a file of yours: remove it" in ended.stderr
    assert not (tmp_path / "overlay.toml").exists()


# --- Security: Only files are replaced. ----------------------------------------------------


@needs_root
def test_a_link_planted_by_another_user_is_not_followed(shared: Path) -> None:
    """In a folder both may write, the attacker's link would lead the victim's overlay
    write into any file of the victim's that reads as an empty overlay."""
    tmp_path = shared
    tmp_path.chmod(0o777)
    victims = tmp_path / "victim"
    victims.mkdir()
    precious = victims / "__init__.py"
    precious.write_text("", encoding="utf-8")
    os.chown(victims, VICTIM, VICTIM)
    os.chown(precious, VICTIM, VICTIM)
    planted = tmp_path / "overlay.toml"
    os.symlink(precious, planted)
    os.lchown(planted, ATTACKER, ATTACKER)
    args = ["--overlay", str(planted), "add", "startup", "--name", "Victim Co", *CITE]
    env = base_env(HOME=str(victims), NORMANDIE_DATA=str(SEED))
    ended = run_command(args, uid=VICTIM, env=env, cwd=str(victims))
    assert ended.code == USAGE, ended.stderr
    assert "is a symbolic link made by another user: it is not followed" in ended.stderr
    assert precious.read_text(encoding="utf-8") == ""
    assert not (victims / ".__init__.py.lock").exists()


@needs_root
def test_a_replaced_file_keeps_its_owner_and_loses_its_special_bits(tmp_path: Path) -> None:
    """As `cp` does: root replacing a user's file leaves it the user's, and never keeps a
    setuid bit on a file whose content changed."""
    target = tmp_path / "owned.csv"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, VICTIM, VICTIM)
    target.chmod(0o4750)
    args = ["export", "--csv", "-o", str(target), "--force"]
    ended = run_command(args, env=base_env(NORMANDIE_DATA=str(SEED)), cwd=str(tmp_path))
    assert ended.code == OK, ended.stderr
    info = target.stat()
    assert (info.st_uid, info.st_gid) == (VICTIM, VICTIM)
    assert stat.S_IMODE(info.st_mode) == 0o750


# --- Security: Nothing left behind. --------------------------------------------------------


def signal_before(name: str, signum: int) -> Callable[[], None]:
    """`os.NAME` that first delivers `signum` to the process: the signal arrives as that
    system call starts, the narrowest window there is."""

    def plant() -> None:
        real = getattr(os, name)

        def call(*args: object, **options: object) -> object:
            first = args[0] if args else ""
            if isinstance(first, str) and first.startswith(".normandie-"):
                os.kill(os.getpid(), signum)
            return real(*args, **options)

        setattr(os, name, call)

    return plant


@pytest.mark.parametrize(
    ("call", "kept"),
    [("open", "# the old one\n"), ("replace", None)],
    ids=["creating-the-temporary", "renaming-it"],
)
def test_a_signal_at_either_edge_of_a_write_leaves_one_whole_file(
    call: str, kept: str | None, tmp_path: Path
) -> None:
    """SIGTERM as the temporary file is created: the old file stays; as it is renamed: the
    new one is in place. Either way, whole, and no temporary file."""
    target = tmp_path / "out.json"
    target.write_text("# the old one\n", encoding="utf-8")
    args = ["export", "--json", "-o", str(target), "--force"]
    env = base_env(NORMANDIE_DATA=str(SEED), NORMANDIE_NO_CACHE="1")
    ended = forked(in_child(args, signal_before(call, signal.SIGTERM)), env=env)
    assert ended.code == -signal.SIGTERM, ended.stderr
    content = target.read_text(encoding="utf-8")
    assert content == kept if kept is not None else content.startswith("[\n")
    assert leftovers(tmp_path) == []
