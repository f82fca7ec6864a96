"""The hostile catalogue, part five: what a review of `overlay undo` and its history, and of
`export --sqlite --datasette-metadata`, found, each closed as a class: the history is read
whatever its numbers grew to and however large an entry was made, an overlay already as it
was before the last change is not taken for a hand edit, and the database and its metadata
are told apart by the file system's identity, not by their names. Each test names the
README's Security line it proves.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEED, Invoke
from forked import ATTACKER, VICTIM, can_switch_user, run_command, warm_up
from test_hostile_processes import base_env, shared

__all__ = ["shared"]  # fixtures

needs_root = pytest.mark.skipif(
    not can_switch_user(), reason="a second user is needed, and only root can become one"
)

OK, DATA, USAGE = 0, 1, 2
HISTORY = ".overlay.toml.history"
CITED = "maddyness-2015-11-19"
TODAY = {"NORMANDIE_TODAY": "2026-12-03"}


@pytest.fixture(scope="module", autouse=True)
def imported() -> None:
    warm_up()


def _adding(name: str) -> list[str]:
    return ["add", "startup", "--name", name, "--source", CITED]


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    return tmp_path / "overlay.toml"


@pytest.fixture
def run(invoke: Invoke, overlay: Path) -> Invoke:
    """`invoke` on the seed data with the test's own overlay file, on a fixed day."""

    def with_overlay(args: list[str]) -> object:
        return invoke(["--overlay", str(overlay), *args], env=TODAY)

    return with_overlay  # type: ignore[return-value]


# --- Security: Changes decided under the lock. ---------------------------------------------


def test_a_history_numbered_past_six_digits_still_works(run: Invoke, overlay: Path) -> None:
    """Entry numbers only grow (pruning keeps the newest twenty, not their numbers): past
    999999 the next entry, 1000000.json, was not taken for one, so every later change was
    refused ("appeared during the write") and undo read a stale entry as the last."""
    assert run(_adding("Premier")).exit_code == OK
    history = overlay.parent / HISTORY
    (history / "000001.json").rename(history / "999999.json")
    for name in ("Deuxieme", "Troisieme"):
        added = run(_adding(name))
        assert added.exit_code == OK, added.stderr
    kept = {p.name for p in history.iterdir()}
    assert kept == {"999999.json", "1000000.json", "1000001.json"}
    for undone in ("troisieme", "deuxieme", "premier"):
        done = run(["overlay", "undo"])
        assert done.exit_code == OK, done.stderr
        assert f"Undid the addition of {undone!r}" in done.stderr
    assert overlay.read_text(encoding="utf-8") == ""


def test_a_huge_history_entry_is_refused_without_being_read_whole(
    run: Invoke, overlay: Path
) -> None:
    """A history entry is at most an overlay's text twice (JSON's escapes): a larger one,
    here a sparse file of 4 GB, was read whole (out of memory: a traceback). Run with 1 GB of
    memory, it is said to be damaged."""
    assert run(_adding("Premier")).exit_code == OK
    entry = overlay.parent / HISTORY / "000002.json"
    with entry.open("wb") as file:
        file.truncate(4 * 2**30)

    def little_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    for args in (["overlay", "undo"], ["overlay", "undo", "--dry-run"]):
        refused = subprocess.run(
            [sys.executable, "-m", "normandie_cli", "--overlay", str(overlay), *args],
            env=base_env(NORMANDIE_DATA=str(SEED)),
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=little_memory,
        )
        assert refused.returncode == DATA, refused.stderr
        assert refused.stderr == (
            f"Error: {entry}: this entry of your overlay's history is damaged: remove it\n"
        )
    entry.unlink()
    assert run(["overlay", "undo"]).exit_code == OK


def test_a_folder_in_place_of_the_last_entry_is_said_to_be_one(run: Invoke, overlay: Path) -> None:
    """A folder named like the newest entry was opened, then wrapped as a file, which fails
    with a message of no use ("6: Is a directory"): it is looked at first, and said."""
    assert run(_adding("Premier")).exit_code == OK
    entry = overlay.parent / HISTORY / "000002.json"
    entry.mkdir()
    for args in (["overlay", "undo"], ["overlay", "undo", "--dry-run"]):
        refused = run(args)
        assert refused.exit_code == DATA, refused.output
        assert refused.stderr == f"Error: {entry} is not a file of yours: remove it\n"
    entry.rmdir()
    assert run(["overlay", "undo"]).exit_code == OK


def test_an_overlay_already_as_it_was_before_the_last_change_is_not_a_hand_edit(
    run: Invoke, overlay: Path
) -> None:
    """An undo stopped between putting the text back and forgetting the entry (a signal, a
    full disk) leaves the overlay as it was before the change and the entry kept: the next
    undo called that a hand edit that undoing "would lose", and refused it for ever. The
    change is taken back already: its entry is dropped, and undo goes on from there."""
    assert run(_adding("Premier")).exit_code == OK
    first = overlay.read_text(encoding="utf-8")
    assert run(_adding("Deuxieme")).exit_code == OK
    overlay.write_text(first, encoding="utf-8")  # what the stopped undo wrote
    done = run(["overlay", "undo"])
    assert done.exit_code == OK, done.stderr
    assert done.stderr == (
        f"Undid the addition of 'deuxieme' (3 Dec 2026): {overlay} is as it was before it.\n"
    )
    assert overlay.read_text(encoding="utf-8") == first
    again = run(["overlay", "undo"])
    assert again.exit_code == OK, again.stderr
    assert "Undid the addition of 'premier'" in again.stderr
    assert overlay.read_text(encoding="utf-8") == ""


# --- Security: Never what is read. -----------------------------------------------------


@pytest.fixture
def bound(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A folder and the same folder mounted elsewhere (a bind mount): two names, one place."""
    real, other = tmp_path / "real", tmp_path / "bound"
    real.mkdir()
    other.mkdir()
    mount = shutil.which("mount")
    if mount is None:
        pytest.skip("no mount command")
    made = subprocess.run([mount, "--bind", real, other], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("a bind mount is not allowed here")
    try:
        yield real, other
    finally:
        subprocess.run(["umount", other], check=True)


@pytest.mark.parametrize("force", [False, True])
def test_a_database_and_its_metadata_in_one_place_by_two_names_are_refused(
    invoke: Invoke, bound: tuple[Path, Path], force: bool
) -> None:
    """The database and Datasette's metadata were told apart by their resolved names: through
    a bind mount, the metadata replaced the database just written (exit 0, no database
    left), or without --force was refused only once the database was written."""
    real, other = bound
    database, metadata = real / "x.db", other / "x.db"
    args = ["export", "--sqlite", "-o", str(database), "--datasette-metadata", str(metadata)]
    refused = invoke([*args, *(["--force"] if force else [])])
    assert refused.exit_code == USAGE, refused.output
    assert refused.stderr == (
        f"Error: the database and its metadata cannot be the same file: {database}\n"
    )
    assert not database.exists()


# --- Security: Checked before use. ---------------------------------------------------------

CHANGES = '[[retired]]\nid = "spread"\nreason = "closed"\nsources = ["maddyness-2015-11-19"]\n'


@pytest.mark.parametrize("text", [CHANGES, SEED.read_text(encoding="utf-8")])
def test_a_file_given_to_validate_through_a_pipe_is_read_once_for_what_it_is(
    tmp_path: Path, text: str
) -> None:
    """`normandie validate <(git show main:changes.toml)`: a pipe was never looked into, so a
    file of changes was checked as a dataset ("the [meta] table is missing"). It is read
    once, then checked as what it is; a dataset through a pipe still is one."""
    checked = subprocess.run(
        [sys.executable, "-m", "normandie_cli", "validate", "/dev/stdin"],
        input=text,
        env=base_env(NORMANDIE_DATA=str(SEED), NORMANDIE_OVERLAY=str(tmp_path / "none.toml")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == OK, checked.stderr
    if text == CHANGES:
        assert checked.stderr == f"{SEED} with the overlay /dev/stdin: valid (112 records).\n"
    else:
        assert checked.stderr == "/dev/stdin: valid (113 records).\n"


@needs_root
def test_a_file_of_changes_someone_else_wrote_can_be_checked(shared: Path) -> None:
    """The maintainers check the changes people send: a file of another user's was refused
    as an overlay (it is not the user's own changes), so it was checked as a dataset and
    said to lack [meta]. Checked, it is only read, whoever wrote it."""
    sent = shared / "changes.toml"
    sent.write_text(CHANGES, encoding="utf-8")
    os.chown(sent, ATTACKER, ATTACKER)
    env = base_env(HOME=str(shared), NORMANDIE_DATA=str(SEED))
    ended = run_command(["validate", str(sent)], uid=VICTIM, env=env, cwd=str(shared))
    assert ended.code == OK, ended.stderr
    assert ended.stderr == f"{SEED} with the overlay {sent}: valid (112 records).\n"
