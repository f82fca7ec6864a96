"""The hostile catalogue, part two: what only a whole process can show — output streams that
fail, signals in the middle of a write, another user's permissions, an attacker racing the
cache, and many commands changing one overlay at once.

Each test names the line of the README's Security section (or exit-code table) it proves.
Cases that need a second user run in a forked child that drops root's privileges (CI runs
as root); they are skipped, saying so, only where there is no root to drop.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest
import tomli
from conftest import MINIMAL_DATASET, SEED, STABLE_ENV
from forked import (
    ATTACKER,
    VICTIM,
    can_switch_user,
    command,
    forked,
    run_command,
    spawn,
    warm_up,
)

from normandie_cli.errors import ExitCode

pytestmark = pytest.mark.subprocess

EXECUTABLE = Path(sys.executable).parent / "normandie"
OK, DATA, USAGE = ExitCode.OK, ExitCode.DATA_ERROR, ExitCode.USAGE_ERROR
CITE = ["--source", "maddyness-2015-11-19"]

needs_root = pytest.mark.skipif(
    not can_switch_user(), reason="a second user is needed, and only root can become one"
)


@pytest.fixture(scope="module", autouse=True)
def imported() -> None:
    """What the forked children run is imported before they drop privileges."""
    warm_up()


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder every user may enter (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="normandie-shared-"))
    folder.chmod(0o755)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def base_env(**extra: str) -> dict[str, str]:
    """The environment of a person's shell: the tests' own folders for the cache and the
    overlay are root's, so a case run as another user gives its own (HOME)."""
    env = {k: v for k, v in os.environ.items() if k not in STABLE_ENV and v is not None}
    env.update({"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C.UTF-8"})
    if "HOME" in extra:
        env.pop("XDG_CACHE_HOME", None)
        env.pop("XDG_DATA_HOME", None)
    env.update(extra)
    return env


def shell(command: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """`normandie …` as a shell runs it, redirections included."""
    return subprocess.run(
        ["bash", "-c", command.replace("normandie", str(EXECUTABLE), 1)],
        cwd=tmp,
        env=base_env(NORMANDIE_DATA=str(SEED)),
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- Security: Output that fails ends cleanly. ---------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "normandie startups > /dev/full",
        "normandie startups -f table > /dev/full",
        "normandie info > /dev/full",
        "normandie --help > /dev/full",
        "normandie export --json -o - > /dev/full",
    ],
)
def test_a_full_output_is_one_line_and_exit_1(command: str, tmp_path: Path) -> None:
    done = shell(command, tmp_path)
    assert done.returncode == DATA, done.stderr
    assert done.stderr == "Error: cannot write to the standard output: No space left on device\n"


@pytest.mark.parametrize("command", ["normandie startups >&-", "normandie --help >&-"])
def test_a_closed_output_is_one_line_and_exit_1(command: str, tmp_path: Path) -> None:
    done = shell(command, tmp_path)
    assert done.returncode == DATA, done.stderr
    assert (
        done.stderr == "Error: cannot write to the standard output: the standard output is closed\n"
    )


def test_a_command_that_writes_no_output_works_with_stdout_closed(tmp_path: Path) -> None:
    done = shell("normandie export --json -o x.json >&-", tmp_path)
    assert done.returncode == OK, done.stderr
    assert (tmp_path / "x.json").exists()


@pytest.mark.parametrize("redirect", ["2>/dev/full", "2>&-"])
def test_a_usage_error_keeps_its_code_whatever_stderr_is(redirect: str, tmp_path: Path) -> None:
    assert shell(f"normandie startups --city zzz {redirect}", tmp_path).returncode == USAGE
    assert shell(f"normandie startups --limit x {redirect}", tmp_path).returncode == USAGE
    assert shell(f"normandie startups {redirect} > /dev/null", tmp_path).returncode == OK


# --- Security: Nothing left behind. One write path. ----------------------------------------


def stopped_by(signum: int) -> Callable[[int], None]:
    """os.fsync that delivers `signum` to the process: the signal arrives mid-write."""

    def fsync(descriptor: int) -> None:
        os.kill(os.getpid(), signum)

    return fsync


WRITES = {
    "export": ["export", "--json", "-o", "{tmp}/out.json", "--force"],
    "overlay": ["--overlay", "{tmp}/overlay.toml", "add", "startup", "--name", "X", *CITE],
    "sqlite": ["export", "--sqlite", "-o", "{tmp}/out.db", "--force"],
}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["term", "hup"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_signal_during_a_write_leaves_the_old_file_and_no_temporary(
    write: str, signum: int, tmp_path: Path
) -> None:
    for name in ("out.json", "overlay.toml", "out.db"):
        (tmp_path / name).write_text("# the old one\n", encoding="utf-8")
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in WRITES[write]]

    def work() -> int:
        from normandie_cli.cli.app import main

        os.fsync = stopped_by(signum)
        sys.argv = ["normandie", *args]
        main()
        return 0

    env = base_env(NORMANDIE_DATA=str(SEED), NORMANDIE_NO_CACHE="1")
    ended = forked(work, env=env)
    assert ended.code == -signum, ended.stderr  # the shell shows 128 + signal: 143, 129
    left = {p.name for p in tmp_path.iterdir()}
    beside = {".overlay.toml.lock", ".overlay.toml.history"}  # the overlay's own, kept
    assert left - beside == {"out.json", "overlay.toml", "out.db"}
    if write == "overlay":  # and the change that was not made is not kept for undo
        assert list((tmp_path / ".overlay.toml.history").iterdir()) == []
    for name in ("out.json", "overlay.toml", "out.db"):
        assert (tmp_path / name).read_text(encoding="utf-8") == "# the old one\n"


def test_a_signal_while_the_cache_is_written_leaves_no_temporary(tmp_path: Path) -> None:
    def work() -> int:
        from normandie_cli.cli.app import main

        os.fsync = stopped_by(signal.SIGTERM)
        sys.argv = ["normandie", "startups"]
        main()
        return 0

    ended = forked(work, env=base_env(NORMANDIE_DATA=str(SEED), XDG_CACHE_HOME=str(tmp_path)))
    assert ended.code == -signal.SIGTERM, ended.stderr
    assert list((tmp_path / "normandie").iterdir()) == []


def test_an_ignored_hangup_stays_ignored(tmp_path: Path) -> None:
    """nohup ignores SIGHUP: the write goes on and ends as usual."""

    def work() -> int:
        from normandie_cli.cli.app import main

        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        real_fsync = os.fsync

        def fsync(descriptor: int) -> None:
            os.kill(os.getpid(), signal.SIGHUP)
            real_fsync(descriptor)

        os.fsync = fsync
        sys.argv = ["normandie", "export", "--json", "-o", str(tmp_path / "out.json")]
        main()
        return 0

    env = base_env(NORMANDIE_DATA=str(SEED), NORMANDIE_NO_CACHE="1")
    ended = forked(work, env=env)
    assert ended.code == OK, ended.stderr
    assert (tmp_path / "out.json").read_text(encoding="utf-8").startswith("[")


# --- Security: What cannot be read is said. Folders as XDG says. ----------------------------


@needs_root
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--data", "{unreadable}", "startups"], {}),
        (["startups"], {"NORMANDIE_DATA": "{unreadable}"}),
        (["validate", "{unreadable}"], {}),
        (["--overlay", "{unreadable}", "startups"], {"NORMANDIE_DATA": str(SEED)}),
    ],
    ids=["--data", "NORMANDIE_DATA", "validate", "--overlay"],
)
def test_an_unreadable_file_is_a_data_error_for_a_user(
    args: list[str], env: dict[str, str], shared: Path
) -> None:
    unreadable = shared / "data.toml"
    unreadable.write_text(MINIMAL_DATASET, encoding="utf-8")
    os.chown(unreadable, VICTIM, VICTIM)
    unreadable.chmod(0o200)  # the owner may write it, not read it
    filled = [arg.replace("{unreadable}", str(unreadable)) for arg in args]
    environment = {k: v.replace("{unreadable}", str(unreadable)) for k, v in env.items()}
    ended = run_command(
        filled, uid=VICTIM, env=base_env(HOME=str(shared), **environment), cwd=str(shared)
    )
    assert ended.code == DATA, ended.stderr
    assert "permission denied: the file cannot be read" in ended.stderr
    assert "Traceback" not in ended.stderr


@needs_root
def test_a_write_only_output_file_is_replaced_with_force(shared: Path) -> None:
    target = shared / "out.json"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, VICTIM, VICTIM)
    os.chown(shared, VICTIM, VICTIM)
    target.chmod(0o200)
    args = ["export", "--json", "-o", str(target), "--force"]
    env = base_env(HOME=str(shared), NORMANDIE_DATA=str(SEED))
    ended = run_command(args, uid=VICTIM, env=env, cwd=str(shared))
    assert ended.code == OK, ended.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o200  # kept its permissions
    assert target.read_text(encoding="utf-8").startswith("[")


@needs_root
def test_an_unreadable_subfolder_of_a_dataset_is_a_problem_not_left_out(shared: Path) -> None:
    data = shared / "set"
    (data / "more").mkdir(parents=True)
    (data / "a.toml").write_text(MINIMAL_DATASET, encoding="utf-8")
    (data / "more").chmod(0o000)
    env = base_env(HOME=str(shared))
    for args in (["--data", str(data), "startups"], ["validate", str(data)]):
        ended = run_command(args, uid=VICTIM, env=env, cwd=str(shared))
        assert ended.code == DATA, ended.stderr
        assert "more: cannot be read: Permission denied" in ended.stderr


@needs_root
def test_a_user_without_a_home_or_a_password_entry_still_gets_answers(shared: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "NORMANDIE_DATA": str(SEED), "NO_COLOR": "1"}
    for args in (["startups", "--city", "rouen"], ["cache", "clear"], ["overlay"]):
        ended = run_command(args, uid=VICTIM, env=env, cwd=str(shared))
        assert "Traceback" not in ended.stderr, ended.stderr
        assert ended.code in (OK, USAGE), ended.stderr
    assert run_command(["startups"], uid=VICTIM, env=env, cwd=str(shared)).code == OK


# --- Security: A cache that trusts what it opened. ------------------------------------------


class _Planted:
    """A pickle that, loaded, leaves a mark: the attacker's payload."""

    def __init__(self, mark: str) -> None:
        self.mark = mark

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.mark}",))


def exchange(first: Path, second: Path) -> None:
    """renameat2(RENAME_EXCHANGE): two names swap their files in one step."""
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, bytes(first), at_fdcwd, bytes(second), rename_exchange) != 0:
        raise OSError(ctypes.get_errno(), "renameat2")


@needs_root
def test_an_attacker_swapping_cache_folders_never_gets_a_pickle_loaded(shared: Path) -> None:
    """Victim and attacker share a world-writable, non-sticky cache folder; the attacker
    swaps the victim's folder with one of theirs again and again while the victim reads
    and writes the cache."""
    common = shared / "cache"
    common.mkdir()
    common.chmod(0o777)
    data = shared / "data.toml"
    data.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    mark = common / "owned"  # where the victim may write: the payload runs as the victim
    env = base_env(XDG_CACHE_HOME=str(common), HOME=str(shared))

    def prepare() -> int:  # the victim's own cache folder, then the attacker's
        from normandie_cli.cache import load

        load(data, None)
        return 0

    assert forked(prepare, uid=VICTIM, env=env).code == 0
    cached = next((common / "normandie").iterdir()).name

    def plant() -> int:
        evil = common / "evil"
        evil.mkdir(mode=0o755)
        (evil / cached).write_bytes(pickle.dumps(_Planted(str(mark))))
        (evil / cached).chmod(0o644)
        return 0

    assert forked(plant, uid=ATTACKER, env=env).code == 0
    attacker = os.fork()
    if attacker == 0:  # swap until killed
        os.setgroups([])
        os.setgid(ATTACKER)
        os.setuid(ATTACKER)
        while True:
            with suppress(OSError):
                exchange(common / "normandie", common / "evil")
    try:

        def victim() -> int:
            from normandie_cli.cache import load, read_cached

            for _ in range(300):
                load(data, None)
                read_cached([data], "any")
            return 0

        ended = forked(victim, uid=VICTIM, env=env)
    finally:
        os.kill(attacker, signal.SIGKILL)
        os.waitpid(attacker, 0)
    assert ended.code == 0, ended.stderr
    assert not mark.exists(), "the attacker's pickle was loaded"
    for folder in (common / "normandie", common / "evil"):
        assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- Security: Changes decided under the lock. ----------------------------------------------

STRESS_ROUNDS = 50


def stress_round(folder: Path, number: int) -> None:
    """Eight commands on one overlay at once: two adds citing one new address, an add, an
    edit, two retirements of one record, and the retirement and correction of a record the
    overlay added. Then: what exited 0 is in the file, what failed left no trace."""
    overlay = folder / f"overlay-{number}.toml"
    base = ["--data", str(SEED), "--overlay", str(overlay), "--no-cache"]
    mine = f"mine-{number}"
    assert run_command([*base, "add", "startup", "--name", mine, *CITE]).code == OK
    url = f"https://example.org/round-{number}"
    commands = {
        "add-a": ["add", "startup", "--name", f"a-{number}", "--source", url],
        "add-b": ["add", "startup", "--name", f"b-{number}", "--source", url],
        "add-c": ["add", "startup", "--name", f"c-{number}", *CITE],
        "edit-base": ["edit", "saagie", "--set", f"description=round {number}", *CITE],
        "retire-1": ["retire", "codeurs-en-seine-2013", "--reason", "one", *CITE],
        "retire-2": ["retire", "codeurs-en-seine-2013", "--reason", "two", *CITE],
        "retire-mine": ["retire", mine, "--reason", "gone", *CITE],
        "edit-mine": ["edit", mine, "--set", "description=edited", *CITE],
    }
    children = {name: spawn(command([*base, *args])) for name, args in commands.items()}
    ended = {name: child.wait() for name, child in children.items()}
    codes = {name: end.code for name, end in ended.items()}
    said = {name: end.stdout + end.stderr for name, end in ended.items()}
    assert "Traceback" not in "".join(said.values()), said
    raw = tomli.loads(overlay.read_text(encoding="utf-8"))
    startups = {s["id"]: s for s in raw.get("startups", [])}
    retired = [r["id"] for r in raw.get("retired", [])]
    sources = [s for s in raw.get("sources", []) if s["url"] == url]
    for letter in "abc":
        added = f"add-{letter}"
        assert (codes[added] == OK) == (f"{letter}-{number}" in startups), (added, said[added])
    # Both adds citing one new address land, and cite one new source.
    assert codes["add-a"] == codes["add-b"] == OK, said
    assert len(sources) == 1
    assert startups[f"a-{number}"]["sources"] == startups[f"b-{number}"]["sources"]
    assert codes["edit-base"] == OK and startups["saagie"]["description"] == f"round {number}"
    # One retirement lands, the other is refused; the record is retired once.
    assert sorted(codes[n] for n in ("retire-1", "retire-2")) == [OK, USAGE], said
    assert retired.count("codeurs-en-seine-2013") == 1
    # The retirement of a record one added takes it out; a correction may land before it,
    # never after it.
    if codes["retire-mine"] == OK:
        assert mine not in startups, said
    else:
        assert mine in startups
    if codes["edit-mine"] == OK and mine in startups:
        assert startups[mine]["description"] == "edited"
    if codes["edit-mine"] != OK:  # refused before it loaded the data, or under the lock
        assert codes["edit-mine"] == USAGE and codes["retire-mine"] == OK, said
        assert f"no record has the id '{mine}'" in said["edit-mine"] or (
            "retired or removed by another command meanwhile" in said["edit-mine"]
        )


def test_eight_commands_at_once_fifty_times(tmp_path: Path) -> None:
    for number in range(STRESS_ROUNDS):
        stress_round(tmp_path, number)


# --- Security: Network only when asked. -------------------------------------------------


def test_no_command_loads_a_network_client(tmp_path: Path) -> None:
    commands = [
        ["startups", "--city", "rouen"],
        ["export", "--sqlite", "-o", str(tmp_path / "x.db")],
        ["--overlay", str(tmp_path / "o.toml"), "add", "startup", "--name", "X", *CITE],
    ]
    for args in commands:
        code = (
            "import sys; from normandie_cli.cli.app import main; sys.argv = ['normandie',"
            f" *{args!r}]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "loaded = {'socket', 'http.client', 'urllib.request', 'ssl'} & set(sys.modules)\n"
            "print(sorted(loaded))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=base_env(NORMANDIE_DATA=str(SEED)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.stdout.splitlines()[-1] == "[]", (args, done.stdout, done.stderr)
