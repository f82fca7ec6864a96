"""The generated data files are reproducible: each import script, run again on its input,
writes byte for byte what is committed in data/generated/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

SCRIPTS = sorted((ROOT / "scripts").glob("import_*.py"))
GENERATED = ROOT / "data" / "generated"


def test_every_generated_file_has_its_script() -> None:
    assert [p.stem for p in SCRIPTS] == [
        "import_caencamp",
        "import_codeursenseine",
        "import_communes",
        "import_conferences",
        "import_laureates",
        "import_places",
        "import_press",
        "import_research",
    ]
    assert {p.name for p in GENERATED.glob("*.toml")} == {
        "communes.toml",
        "laureates.toml",
        "research.toml",
        "caencamp.toml",
        "codeursenseine.toml",
        "conferences.toml",
        "places.toml",
        "press.toml",
    }


@pytest.mark.subprocess
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_an_import_reproduces_its_committed_file(script: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script), "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (written,) = tmp_path.iterdir()
    committed = GENERATED / written.name
    assert written.read_bytes() == committed.read_bytes(), (
        f"{committed.relative_to(ROOT)} is not what {script.name} makes: run the script again"
    )


REGISTER_SCRIPT = ROOT / "scripts" / "refresh_register.py"
KEPT_ANSWERS = ROOT / "scripts" / "input" / "register"


@pytest.mark.subprocess
def test_the_register_file_is_what_its_kept_answers_give(tmp_path: Path) -> None:
    """No register file is bundled until a maintainer fetches one with internet; once one
    is, its kept answers reproduce it."""
    committed = GENERATED / "register.toml"
    assert committed.exists() == (KEPT_ANSWERS / "FETCHED").exists()
    if not committed.exists():
        return
    done = subprocess.run(
        [sys.executable, str(REGISTER_SCRIPT), "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "register.toml").read_bytes() == committed.read_bytes()


@pytest.mark.subprocess
def test_the_register_script_fetches_keeps_and_replays(tmp_path: Path) -> None:
    """Against the local stand-in: --fetch keeps every answer as received, and a replay of
    them writes the same file, which the loader reads as a layer of the bundled data."""
    import os

    from fake_apis import Company, serve

    from normandie_cli.dataset import load_dataset
    from normandie_cli.updates import read_layer

    kept, first, again = tmp_path / "kept", tmp_path / "first", tmp_path / "again"
    for apis in serve():
        for startup in load_dataset().startups:
            if startup.siren:
                apis.companies[startup.siren] = Company()
        env = {**os.environ, "NORMANDIE_REGISTER_URL": apis.url}
        fetched = subprocess.run(
            [sys.executable, str(REGISTER_SCRIPT), "--fetch", "--input", str(kept)]
            + ["--output", str(first)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert fetched.returncode == 0, fetched.stderr
        assert len(list(kept.glob("*.json"))) == len(apis.requests) == 60
    replayed = subprocess.run(
        [sys.executable, str(REGISTER_SCRIPT), "--input", str(kept), "--output", str(again)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert replayed.returncode == 0, replayed.stderr
    text = (first / "register.toml").read_bytes()
    assert text == (again / "register.toml").read_bytes()
    import tomli

    layer = read_layer("register.toml", tomli.loads(text.decode()))
    assert len(layer.entries) == 60
