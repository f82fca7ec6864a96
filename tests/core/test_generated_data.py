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
