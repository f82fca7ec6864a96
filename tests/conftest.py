"""Shared fixtures: a pinned environment, so output does not depend on the developer's shell."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

# Pinned before the app is imported: colour and width would otherwise follow the shell.
STABLE_ENV: dict[str, str | None] = {
    "NO_COLOR": "1",
    "COLUMNS": "120",
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NORMANDIE_DATA": None,
    "NORMANDIE_TODAY": None,
    "NORMANDIE_OVERLAY": None,
    # English unless a test asks for French.
    "NORMANDIE_LANG": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANG": "C.UTF-8",
    "LANGUAGE": None,
}
# Tests of behaviour run on this frozen copy of the founding article's records, so their
# expectations do not move as the bundled data grows; `invoke_bundled` runs on the real data.
FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.toml"
for name in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "CLICOLOR_FORCE", "NORMANDIE_NO_CACHE"):
    os.environ.pop(name, None)
# The help texts are built in the language of the environment the app is imported in.
for name in ("NORMANDIE_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(name, None)
os.environ["LANG"] = "C.UTF-8"
# The cache of every test run, installed commands included, goes to a folder of its own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="normandie-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)
# Nor may a developer's own overlay of additions and corrections change what tests see.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="normandie-test-data-")
atexit.register(shutil.rmtree, os.environ["XDG_DATA_HOME"], ignore_errors=True)

from normandie_cli.cli.app import app, documented_commands  # noqa: E402
from normandie_cli.cli.context import Environment  # noqa: E402
from normandie_cli.i18n import Language, use_language  # noqa: E402

# A command module builds its help as it is imported, in the language of that moment: import
# them all now, in English, rather than in whatever language a test happens to speak first.
documented_commands()

# Hypothesis: "dev" explores anew on each run; "ci" (CI=true) replays the same examples so
# a red build is reproducible, with fewer of them so the property tests stay well under a
# minute; "thorough" is a long search to run by hand (HYPOTHESIS_PROFILE=thorough pytest).
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)

ROOT = Path(__file__).resolve().parents[1]
# The day the bundled data is read as of in tests: Codeurs en Seine 2026 (19 Nov) is
# still ahead, everything else is past.
TODAY = "2026-11-01"

Invoke = Callable[..., Result]


# Output to a terminal, for the tests of what a person sees (the streams CliRunner gives a
# command are never terminals).
TERMINAL = Environment(stdout_terminal=True)


def _invoker(base: dict[str, str | None]) -> Invoke:
    runner = CliRunner()

    def run(
        args: Sequence[str],
        env: dict[str, str | None] | None = None,
        *,
        streams: Environment | None = None,
    ) -> Result:
        """`streams` stands for the process's streams (see TERMINAL); by default, pipes."""
        return runner.invoke(
            app, list(args), env={**STABLE_ENV, **base, **(env or {})}, obj=streams
        )

    return run


@pytest.fixture(autouse=True)
def in_a_folder_of_its_own(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test runs in an empty folder of its own: a command that writes where it is run
    (a relative -o, the report's default file) can never land in the checkout."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(autouse=True)
def english_after_each_test() -> Iterator[None]:
    """A test that runs the app in French leaves the core speaking French: reset it."""
    yield
    use_language(Language.EN)


@pytest.fixture
def invoke() -> Invoke:
    """Run the app as a user would, on the seed fixture, with stdout and stderr kept apart."""
    return _invoker({"NORMANDIE_DATA": str(SEED)})


@pytest.fixture
def invoke_bundled() -> Invoke:
    """Run the app as a user would, on the bundled dataset."""
    return _invoker({})


MINIMAL_DATASET = """\
[meta]
title = "Test data"
version = "1"
updated = "2026-01-01"
licence = "CC0"

[[sources]]
id = "src"
title = "A source"
publisher = "Tests"
url = "https://example.org/a"

[[departments]]
id = "14"
name = "Calvados"
former_region = "basse-normandie"
sources = ["src"]

[[agglomerations]]
id = "agglo"
name = "Agglo"
seat = "alpha"
members = ["alpha", "beta"]
sources = ["src"]

[[cities]]
id = "alpha"
name = "Alpha"
insee = "14001"
department = "14"
sources = ["src"]

[[cities]]
id = "beta"
name = "Béta"
insee = "14002"
department = "14"
sources = ["src"]

[[sectors]]
id = "data"
name_fr = "Données"
name_en = "Data"
"""


@pytest.fixture
def write_dataset(tmp_path: Path) -> Callable[[str], Path]:
    """Write a dataset made of the minimal one plus the given TOML; return its path."""

    def write(extra: str, name: str = "data.toml") -> Path:
        path = tmp_path / name
        path.write_text(MINIMAL_DATASET + extra, encoding="utf-8")
        return path

    return write


def big_dataset(path: Path, startups: int) -> Path:
    """The minimal dataset with this many startups, written to `path`."""
    records = "".join(
        f'\n[[startups]]\nid = "startup-{i}"\nname = "Startup {i}"\ncity = "alpha"\n'
        f'sources = ["src"]\n'
        for i in range(startups)
    )
    path.write_text(MINIMAL_DATASET + records, encoding="utf-8")
    return path


WriteDataset = Callable[..., Path]


def ids(stdout: str) -> list[str]:
    """The first column of TSV output, header left out."""
    return [line.split("\t")[0] for line in stdout.splitlines()[1:]]


def as_json(stdout: str) -> list[dict[str, object]]:
    data = json.loads(stdout)
    assert isinstance(data, list)
    return data
