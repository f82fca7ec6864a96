"""The hostile catalogue, part four: what a review of `normandie update` and the hardened
write path found, each closed as a class: what a command reads is protected by its role,
not by its name; every removal goes through the write path; the folder written in is the
one checked; another user's links and files are not the user's own; the updates layer is
changed under its lock. Each test names the README's Security line it proves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_DATASET, SEED, Invoke
from fake_apis import FakeApis
from forked import ATTACKER, VICTIM, can_switch_user, forked, run_command, warm_up
from test_hostile_processes import DATA, OK, USAGE, base_env, shared
from test_update import apis, data, environment, home, knows, layer

__all__ = ["apis", "data", "home", "shared"]  # fixtures

needs_root = pytest.mark.skipif(
    not can_switch_user(), reason="a second user is needed, and only root can become one"
)


@pytest.fixture(scope="module", autouse=True)
def imported() -> None:
    warm_up()


# --- Security: Never what is read. -----------------------------------------------------


def test_an_overlay_kept_where_the_layer_goes_is_not_replaced(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    """The overlay named like the updates layer: `update` would have replaced it, and
    `update --clear` removed it; it is protected as what it is read as, the overlay."""
    knows(apis, data)
    overlay = layer(home)
    overlay.parent.mkdir(parents=True)
    env = {**environment(apis, home, data), "NORMANDIE_OVERLAY": str(overlay)}
    source = [
        "--id",
        "my-src",
        "--url",
        "https://example.org/m",
        "--title",
        "M",
        "--publisher",
        "P",
    ]
    added = invoke(["add", "source", *source], env=env)
    assert added.exit_code == OK, added.output
    mine = overlay.read_bytes()
    for args in (["update"], ["update", "--clear"]):
        refused = invoke(args, env=env)
        assert refused.exit_code == USAGE, (args, refused.output)
        assert "is part of the dataset being read" in refused.stderr
        assert overlay.read_bytes() == mine


def test_a_dataset_kept_where_the_layer_goes_is_not_replaced(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    dataset = layer(home)
    dataset.parent.mkdir(parents=True)
    dataset.write_bytes(data.read_bytes())
    env = environment(apis, home, dataset)
    for args in (["update"], ["update", "--clear"]):
        refused = invoke(args, env=env)
        assert refused.exit_code == USAGE, (args, refused.output)
        assert dataset.read_bytes() == data.read_bytes()


def test_a_folder_the_dataset_reaches_through_a_link_is_not_written_in(
    invoke: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "a.toml").write_text(MINIMAL_DATASET, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "set" / "more").symlink_to(tmp_path / "elsewhere")
    target = tmp_path / "elsewhere" / "new.toml"
    result = invoke(["--data", str(tmp_path / "set"), "export", "--toml", "-o", str(target)])
    assert result.exit_code == USAGE, result.output
    assert "part of the dataset being read" in result.stderr
    assert not target.exists()


# --- Security: Changes decided under the lock. ----------------------------------------------


def test_a_layer_changed_during_a_run_is_kept(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run, or `update --clear`, changed the layer while this run asked the
    register: the later write would lose that; it is refused instead."""
    from normandie_cli import refresh

    knows(apis, data)
    real_run = refresh.run

    def meanwhile(job: refresh.Run) -> tuple[str, refresh.Report]:
        answer = real_run(job)
        layer(home).parent.mkdir(parents=True, exist_ok=True)
        layer(home).write_text("# another run's layer\n", encoding="utf-8")
        return answer

    monkeypatch.setattr(refresh, "run", meanwhile)
    result = invoke(["update"], env=environment(apis, home, data))
    assert result.exit_code == DATA, result.output
    assert "was changed by another program during the update" in result.stderr
    assert layer(home).read_text(encoding="utf-8") == "# another run's layer\n"


def test_clear_removes_a_layer_that_is_a_dangling_link(invoke: Invoke, home: Path) -> None:
    """The remedy the error names must work on what the error is about."""
    layer(home).parent.mkdir(parents=True)
    layer(home).symlink_to(home / "nowhere.toml")
    env = {"XDG_DATA_HOME": str(home)}
    broken = invoke(["startups"], env=env)
    assert broken.exit_code == DATA and "which does not exist" in broken.stderr
    cleared = invoke(["update", "--clear"], env=env)
    assert cleared.exit_code == OK, cleared.output
    assert not os.path.lexists(layer(home))
    assert invoke(["startups"], env=env).exit_code == OK


def test_clear_leaves_a_folder_in_the_layers_place(invoke: Invoke, home: Path) -> None:
    layer(home).mkdir(parents=True)
    result = invoke(["update", "--clear"], env={"XDG_DATA_HOME": str(home)})
    assert result.exit_code == USAGE
    assert "is a folder: remove it yourself" in result.stderr
    assert layer(home).is_dir()


# --- Security: Only files are replaced. ----------------------------------------------------


def test_a_file_named_dash_is_a_file(invoke: Invoke, tmp_path: Path) -> None:
    os.chdir(tmp_path)
    result = invoke(["report", "-o", "./-"])
    assert result.exit_code == OK, result.output
    assert (tmp_path / "-").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert result.stdout == ""


def swapped_folder(folder: Path, other: Path) -> Callable[[], None]:
    """os.open that, as the write opens its checked folder, puts a link to `other` in its
    place first: the race an attacker runs in a loop, won at once."""

    def plant() -> None:
        real_open = os.open

        def opening(path: object, flags: int, *args: object, **options: object) -> int:
            if flags & os.O_DIRECTORY and Path(str(path)) == folder and not folder.is_symlink():
                folder.rename(folder.with_name("checked"))
                folder.symlink_to(other)
            return real_open(path, flags, *args, **options)  # type: ignore[arg-type]

        os.open = opening  # type: ignore[assignment]

    return plant


def test_a_folder_swapped_after_the_check_is_not_written_in(tmp_path: Path) -> None:
    out, precious = tmp_path / "out", tmp_path / "precious"
    out.mkdir()
    precious.mkdir()
    (precious / "data.toml").write_text("mine\n", encoding="utf-8")

    def work() -> int:
        from normandie_cli.cli.app import main

        swapped_folder(out, precious)()
        sys.argv = ["normandie", "export", "--csv", "-o", str(out / "data.toml"), "--force"]
        main()
        return 0

    ended = forked(work, env=base_env(NORMANDIE_DATA=str(SEED), NORMANDIE_NO_CACHE="1"))
    assert ended.code == DATA, ended.stderr
    assert "changed while it was being written; nothing was changed" in ended.stderr
    assert (precious / "data.toml").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in precious.iterdir()) == ["data.toml"]


@needs_root
def test_another_users_link_inside_the_path_is_not_followed(shared: Path) -> None:
    """Not only a link at the end: one on the way leads the write just as far."""
    shared.chmod(0o777)
    victims = shared / "victim"
    victims.mkdir()
    (victims / "data.csv").write_text("mine\n", encoding="utf-8")
    os.chown(victims, VICTIM, VICTIM)
    os.chown(victims / "data.csv", VICTIM, VICTIM)
    planted = shared / "exports"
    planted.symlink_to(victims)
    os.lchown(planted, ATTACKER, ATTACKER)
    args = ["export", "--csv", "-o", str(planted / "data.csv"), "--force"]
    env = base_env(HOME=str(victims), NORMANDIE_DATA=str(SEED))
    ended = run_command(args, uid=VICTIM, env=env, cwd=str(victims))
    assert ended.code == USAGE, ended.stderr
    assert f"{planted} is a symbolic link made by another user" in ended.stderr
    assert (victims / "data.csv").read_text(encoding="utf-8") == "mine\n"


# --- Security: Your changes are your own. --------------------------------------------------


@needs_root
@pytest.mark.parametrize("planted", ["overlay", "layer"])
def test_changes_another_user_put_where_yours_go_are_not_read(shared: Path, planted: str) -> None:
    """XDG_DATA_HOME in a shared folder: another user's overlay or updates layer there
    would retire or close the user's startups, citing what they please."""
    shared.chmod(0o1777)
    mine = shared / "normandie"
    if planted == "overlay":
        path = mine / "overlay.toml"
        text = '[[retired]]\nid = "saagie"\nreason = "x"\nsources = ["maddyness-2015-11-19"]\n'
    else:
        path = mine / "updates" / "updates.toml"
        text = '[refresh]\ndate = "2026-11-26"\n'
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    for made in (path, path.parent, mine):
        os.chown(made, ATTACKER, ATTACKER)
    env = base_env(HOME=str(shared), XDG_DATA_HOME=str(shared), NORMANDIE_DATA=str(SEED))
    ended = run_command(["startups"], uid=VICTIM, env=env, cwd=str(shared))
    assert ended.code == DATA, ended.stderr
    assert "this file belongs to another user (uid 4243)" in ended.stderr


@needs_root
def test_your_own_overlay_is_read_wherever_it_is(shared: Path) -> None:
    overlay = shared / "mine.toml"
    overlay.write_text("# mine\n", encoding="utf-8")
    os.chown(overlay, VICTIM, VICTIM)
    env = base_env(HOME=str(shared), NORMANDIE_DATA=str(SEED), NORMANDIE_OVERLAY=str(overlay))
    ended = run_command(["startups", "--city", "rouen"], uid=VICTIM, env=env, cwd=str(shared))
    assert ended.code == OK, ended.stderr
    assert "saagie" in ended.stdout
