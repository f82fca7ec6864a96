"""`normandie update` against the local stand-in of both APIs (127.0.0.1 only)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEED, Invoke, ids
from fake_apis import ILAB_DATASET, INOV_DATASET, Company, FakeApis, inov_record, serve

from normandie_cli.cli.context import Environment
from normandie_cli.dataset import load_dataset

NEWCO = "123456782"  # a valid SIREN no dataset has
# The seed's startups have no SIREN: these test numbers (valid checksums, no real company
# meant) let the stand-in answer for them.
TEST_SIRENS = {
    "soyhuce": "100000140",
    "yousign": "100000231",
    "la-coding-school": "100000280",
    "makeidea": "100000322",
    "y-communication": "100000371",
    "saagie": "100000413",
    "spread": "100000462",
    "bunkr": "100000504",
    "topovideo": "100000546",
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The seed with a test SIREN for each startup."""
    text = SEED.read_text(encoding="utf-8")
    for startup, siren in TEST_SIRENS.items():
        text = text.replace(f'id = "{startup}"\n', f'id = "{startup}"\nsiren = "{siren}"\n', 1)
    # What the open data's laureates refer to.
    text += '\n[[sectors]]\nid = "software"\nname_fr = "Logiciel"\nname_en = "Software"\n'
    text += '\n[[contests]]\nid = "i-nov"\nname_fr = "Concours i-Nov"\nname_en = "i-Nov"\n'
    path = tmp_path / "seed-with-sirens.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def apis() -> Iterator[FakeApis]:
    yield from serve()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "data-home"


def environment(apis: FakeApis, home: Path, data: Path | None) -> dict[str, str | None]:
    return {
        "NORMANDIE_REGISTER_URL": apis.url,
        "NORMANDIE_OPENDATA_URL": apis.url,
        "XDG_DATA_HOME": str(home),
        "NORMANDIE_TODAY": "2026-11-26",
        "NORMANDIE_DATA": None if data is None else str(data),
    }


def layer(home: Path) -> Path:
    return home / "normandie" / "updates" / "updates.toml"


def knows(apis: FakeApis, data: Path | None, **special: Company) -> None:
    """The stand-in knows every SIREN of the dataset: in Caen unless said otherwise."""
    for startup in load_dataset(data).startups:
        if startup.siren:
            apis.companies[startup.siren] = special.get(startup.id, Company())
    apis.laureates[ILAB_DATASET] = []
    apis.laureates[INOV_DATASET] = []


def test_done_when_the_register_places_the_laureates_in_caen(
    invoke_bundled: Invoke, apis: FakeApis, home: Path
) -> None:
    env = environment(apis, home, data=None)
    knows(apis, None)
    startups = load_dataset().startups
    placed = {s.id for s in startups if s.siren and s.city is None}
    assert "6cure" in placed  # an i-Lab laureate the contest placed in no commune
    before = set(ids(invoke_bundled(["startups", "--city", "caen"], env=env).stdout))
    regions = json.loads(invoke_bundled(["compare", "--by", "region", "--json"], env=env).stdout)
    unknown_before = next(r for r in regions if r["scene"] == "city-unknown")["startups"]

    updated = invoke_bundled(["update"], env=env)
    assert updated.exit_code == 0, updated.output
    checked = sum(1 for s in startups if s.siren)
    assert f"{checked} companies checked in the register" in updated.stderr
    assert "communes filled" in updated.stderr
    assert f"Wrote {layer(home)}" in updated.stderr

    after = set(ids(invoke_bundled(["startups", "--city", "caen"], env=env).stdout))
    assert after == before | placed
    shown = invoke_bundled(["show", "6cure"], env=env, streams=Environment(stdout_terminal=True))
    text = " ".join(shown.stdout.split())
    assert "Caen (the company register, checked 26 Nov 2026)" in text
    assert "through API Recherche d'entreprises (DINUM) (INSEE; DINUM, 26 Nov 2026)" in text
    regions = json.loads(invoke_bundled(["compare", "--by", "region", "--json"], env=env).stdout)
    unknown_after = next(r for r in regions if r["scene"] == "city-unknown")["startups"]
    assert unknown_after == unknown_before - len(placed)


def test_offline_the_update_fails_in_one_line_and_changes_nothing(
    invoke: Invoke, home: Path, data: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {
        "NORMANDIE_DATA": str(data),
        "NORMANDIE_REGISTER_URL": closed,
        "NORMANDIE_OPENDATA_URL": closed,
        "XDG_DATA_HOME": str(home),
    }
    failed = invoke(["update"], env=env)
    assert failed.exit_code == 1
    assert failed.stderr.count("\n") == 1, failed.stderr
    assert failed.stderr.startswith("Error: cannot connect to 127.0.0.1:")
    assert failed.stderr.rstrip().endswith("; nothing was changed")
    assert not (home / "normandie").exists()
    assert invoke(["startups"], env=env).exit_code == 0


def test_a_dry_run_shows_the_changes_and_writes_nothing(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    dry = invoke(["update", "--dry-run"], env=environment(apis, home, data))
    assert dry.exit_code == 0, dry.output
    assert "fill\tsaagie\tcity\tcaen" not in dry.stdout  # curated: Rouen stays
    assert "conflict\tsaagie\tcity\tRouen / CAEN (14118)" in dry.stdout
    assert "nothing was written (--dry-run)" in dry.stderr
    assert not (home / "normandie").exists()


def test_new_laureates_come_from_the_open_data(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    apis.laureates[INOV_DATASET] = [
        inov_record(NEWCO, "NEWCO SAS", "14118", 2026, "Numérique Deep Tech")
    ]
    apis.companies[NEWCO] = Company(created="2024-01-15")
    env = environment(apis, home, data)
    assert invoke(["update"], env=env).exit_code == 0
    new = json.loads(invoke(["show", "newco", "--json"], env=env).stdout)
    # The contest's theme is not a sector: none is said rather than one guessed.
    assert (new["city"], new["founded"], new["sectors"]) == ("caen", "2024-01-15", [])
    assert new["sources"] == ["mesr-inov-opendata", "sirene-register"]
    # --only register keeps the laureates the last run brought.
    assert invoke(["update", "--only", "register"], env=env).exit_code == 0
    assert "newco" in ids(invoke(["startups"], env=env).stdout)


def test_problems_of_single_companies_are_said_and_the_rest_kept(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    sirens = {s.id: s.siren for s in load_dataset(data).startups if s.siren}
    knows(
        apis,
        data,
        saagie=Company(commune="75102", commune_name="PARIS"),
        bunkr=Company(non_diffusible=True),
        soyhuce=Company(state="C", closed="2025-01-31"),
    )
    del apis.companies[sirens["spread"]]
    apis.faults[sirens["topovideo"]] = ["malformed"] * 5
    updated = invoke(["update", "--only", "register"], env=environment(apis, home, data))
    assert updated.exit_code == 0, updated.output
    err = updated.stderr
    assert "(Saagie): head office in PARIS (75102), outside Normandy: no city set" in err
    assert "(Bunkr): not public in the register (non-diffusible): nothing taken" in err
    assert "(Spread): the register has no company with this number" in err
    assert f"SIREN {sirens['topovideo']}: " in err and "the answer is not JSON" in err
    assert "1 found ceased" in err
    assert "1 SIREN(s) could not be checked: run `normandie update` again to retry." in err
    env = environment(apis, home, data)
    assert "soyhuce" not in ids(invoke(["startups"], env=env).stdout)
    assert "soyhuce" in ids(invoke(["startups", "--status", "closed"], env=env).stdout)


def test_ctrl_c_leaves_the_previous_layer_and_the_next_run_resumes(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    env = environment(apis, home, data)
    assert invoke(["update", "--only", "register"], env=env).exit_code == 0
    before = layer(home).read_bytes()
    sirens = [s.siren for s in load_dataset(data).startups if s.siren]
    apis.faults[sirens[3]] = ["interrupt"]
    apis.requests.clear()
    stopped = invoke(["update", "--only", "register"], env={**env, "NORMANDIE_TODAY": "2026-11-27"})
    assert stopped.exit_code == 130
    assert layer(home).read_bytes() == before
    progress = layer(home).with_name("register-progress.toml")
    assert progress.read_text(encoding="utf-8").count("[[register]]") == 3
    apis.requests.clear()
    resumed = invoke(["update", "--only", "register"], env={**env, "NORMANDIE_TODAY": "2026-11-27"})
    assert resumed.exit_code == 0, resumed.output
    assert "(3 from the run cut short)" in resumed.stderr
    assert len(apis.requests) == len(sirens) - 3
    assert not progress.exists()


def test_the_progress_bar_is_for_a_terminal_only(
    invoke: Invoke, apis: FakeApis, home: Path, data: Path
) -> None:
    knows(apis, data)
    env = environment(apis, home, data)
    piped = invoke(["update", "--only", "register"], env=env)
    assert "Asking the company register" not in piped.stderr
    shown = invoke(
        ["update", "--only", "register"], env=env, streams=Environment(stderr_terminal=True)
    )
    assert "Asking the company register" in shown.stderr


def test_clear_removes_the_layer(invoke: Invoke, apis: FakeApis, home: Path, data: Path) -> None:
    knows(apis, data)
    env = environment(apis, home, data)
    assert invoke(["update", "--only", "register"], env=env).exit_code == 0
    cleared = invoke(["update", "--clear"], env=env)
    assert cleared.exit_code == 0
    assert "Removed the updates layer" in cleared.stderr
    assert not layer(home).exists()
    again = invoke(["update", "--clear"], env=env)
    assert "No updates layer to remove" in again.stderr
    assert invoke(["update", "--clear", "--dry-run"], env=env).exit_code == 2
    assert invoke(["--no-updates", "update"], env=env).exit_code == 2
