"""The cache of the checked dataset: used while current, rebuilt on any change, never
trusted when it could be someone else's, never a crash."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINIMAL_DATASET, Invoke, ids

from normandie_cli import cache
from normandie_cli.cli.context import Environment
from normandie_cli.dataset import dataset_files, load_dataset

STARTUP = '\n[[startups]]\nid = "{id}"\nname = "{name}"\nsources = ["src"]\n'


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    yield home / "normandie"


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.toml"
    path.write_text(MINIMAL_DATASET + STARTUP.format(id="one", name="One"), encoding="utf-8")
    return path


def loads_counted(path: Path) -> tuple[list[str], int]:
    """Load through the cache; return the startup ids and how many times the TOML was read."""
    reads = 0

    def read() -> object:
        nonlocal reads
        reads += 1
        return load_dataset(path)

    dataset = cache.load_with_cache([path], dataset_files(path), read)  # type: ignore[arg-type]
    return [s.id for s in dataset.startups], reads


def test_a_current_cache_is_used(cache_home: Path, data_file: Path) -> None:
    assert loads_counted(data_file) == (["one"], 1)
    assert loads_counted(data_file) == (["one"], 0)
    folder = cache_home.stat()
    assert folder.st_mode & 0o777 == 0o700


def test_a_changed_content_is_read_again(cache_home: Path, data_file: Path) -> None:
    loads_counted(data_file)
    info = data_file.stat()
    # Same size and same modification time: only the content tells the change.
    text = data_file.read_text(encoding="utf-8").replace('"One"', '"Uno"')
    data_file.write_text(text, encoding="utf-8")
    os.utime(data_file, ns=(info.st_atime_ns, info.st_mtime_ns))
    ids, reads = loads_counted(data_file)
    assert reads == 1


def test_a_new_date_or_size_is_read_again(cache_home: Path, data_file: Path) -> None:
    loads_counted(data_file)
    os.utime(data_file, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert loads_counted(data_file)[1] == 1
    with data_file.open("a", encoding="utf-8") as file:
        file.write(STARTUP.format(id="two", name="Two"))
    assert loads_counted(data_file) == (["one", "two"], 1)


def test_a_new_format_or_version_is_read_again(
    cache_home: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads_counted(data_file)
    monkeypatch.setattr(cache, "CACHE_FORMAT", cache.CACHE_FORMAT + 1)
    assert loads_counted(data_file)[1] == 1
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert loads_counted(data_file)[1] == 1


@pytest.mark.parametrize(
    "content", [b"", b"garbage", b"\x80\x04\x95", b"\x80\x04K\x01.", None], ids=str
)
def test_a_corrupt_cache_is_rebuilt(
    cache_home: Path, data_file: Path, content: bytes | None
) -> None:
    loads_counted(data_file)
    (cached,) = cache_home.glob("*.pickle")
    if content is None:  # truncated
        cached.write_bytes(cached.read_bytes()[:100])
    else:
        cached.write_bytes(content)
    assert loads_counted(data_file) == (["one"], 1)
    assert loads_counted(data_file) == (["one"], 0)  # and it was written again


class Canary:
    """Leaves a file behind if it is ever unpickled."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.path,))


@pytest.mark.parametrize("layout", ["one pickle", "key line"])
def test_a_cache_of_another_key_is_never_unpickled(
    cache_home: Path, data_file: Path, tmp_path: Path, layout: str
) -> None:
    """A cache made by another version (another format of the models) or from other files is
    thrown away before any of it is unpickled into today's classes."""
    loads_counted(data_file)
    (cached,) = cache_home.glob("*.pickle")
    unpickled = tmp_path / "unpickled"
    canary = Canary(unpickled)
    stale = {
        "one pickle": pickle.dumps(("0" * 64, canary), protocol=pickle.HIGHEST_PROTOCOL),
        "key line": b"0" * 64 + b"\n" + pickle.dumps(canary, protocol=pickle.HIGHEST_PROTOCOL),
    }
    cached.write_bytes(stale[layout])
    assert loads_counted(data_file) == (["one"], 1)
    assert not unpickled.exists()
    assert loads_counted(data_file) == (["one"], 0)


def test_a_cache_anyone_may_write_to_is_not_trusted(cache_home: Path, data_file: Path) -> None:
    loads_counted(data_file)
    cache_home.chmod(0o777)
    assert loads_counted(data_file)[1] == 1
    cache_home.chmod(0o700)
    (cached,) = cache_home.glob("*.pickle")
    link = cached.with_suffix(".target")
    cached.rename(link)
    cached.symlink_to(link)
    assert loads_counted(data_file)[1] == 1


def test_an_unwritable_cache_folder_only_costs_speed(
    tmp_path: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert loads_counted(data_file) == (["one"], 1)
    assert loads_counted(data_file) == (["one"], 1)


def test_a_missing_file_is_reported_not_cached(cache_home: Path, tmp_path: Path) -> None:
    from normandie_cli.errors import DataError

    with pytest.raises(DataError):
        loads_counted(tmp_path / "missing.toml")


def test_no_cache_and_cache_clear(invoke: Invoke, cache_home: Path, data_file: Path) -> None:
    assert invoke(["--data", str(data_file), "startups"]).exit_code == 0
    assert len(list(cache_home.glob("*.pickle"))) == 1
    cleared = invoke(["cache", "clear"])
    assert cleared.exit_code == 0
    assert "Removed 1 cache file(s)" in cleared.stderr
    assert invoke(["--data", str(data_file), "--no-cache", "startups"]).exit_code == 0
    assert (
        invoke(["--data", str(data_file), "startups"], env={"NORMANDIE_NO_CACHE": "1"}).exit_code
        == 0
    )
    assert list(cache_home.glob("*.pickle")) == []


@pytest.mark.subprocess
def test_the_listing_path_imports_no_exporter(tmp_path: Path) -> None:
    """`normandie startups --city rouen` must not pay for formats it does not write, nor for
    the HTTP client of `normandie update`."""
    probe = (
        "import sys\n"
        "sys.argv = ['normandie', 'startups', '--city', 'rouen']\n"
        "from normandie_cli.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ['csv', 'json', 'sqlite3', 'tomli_w', 'icalendar',\n"
        "         'normandie_cli.export_toml', 'normandie_cli.export_sqlite',\n"
        "         'normandie_cli.export_ics', 'normandie_cli.export_geojson',\n"
        "         'normandie_cli.quality', 'statistics', 'rich.table',\n"
        "         'urllib3', 'normandie_cli.fetch', 'normandie_cli.refresh',\n"
        "         'normandie_cli.register', 'normandie_cli.opendata', 'normandie_cli.laureates']\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_a_long_read_shows_progress_only_on_a_terminal(
    invoke: Invoke, cache_home: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "SLOW_LOAD_BYTES", 0)  # every read counts as long
    piped = invoke(["--data", str(data_file), "--no-cache", "startups"])
    assert piped.stderr == ""
    shown = invoke(
        ["--data", str(data_file), "--no-cache", "startups"],
        env={"FORCE_COLOR": "1"},
        streams=Environment(stderr_terminal=True),
    )
    assert shown.exit_code == 0
    assert ids(shown.stdout) == ["one"]
    assert "Reading and checking the dataset" in shown.stderr
