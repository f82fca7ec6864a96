"""The updates layer: read, joined to the dataset, merged without losing a curated fact."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import WriteDataset
from layer_samples import LAUREATES, LAYER, STARTUPS

from normandie_cli import cache
from normandie_cli.dataset import load_dataset
from normandie_cli.errors import DataError
from normandie_cli.models import PartialDate, Status
from normandie_cli.quality import quality_warnings
from normandie_cli.updates import REGISTER_SOURCE


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    path = tmp_path / "updates.toml"
    path.write_text(LAYER, encoding="utf-8")
    return path


def test_empty_fields_are_filled_and_cite_the_register(
    write_dataset: WriteDataset, layer: Path
) -> None:
    dataset = load_dataset(write_dataset(STARTUPS), updates=layer)
    empty = next(s for s in dataset.startups if s.id == "empty")
    assert empty.city == "beta"
    assert empty.founded == PartialDate(2015, 3, 2)
    assert empty.status is Status.CLOSED
    assert empty.closed == PartialDate(2020, 6, 30)
    assert (empty.legal_name, empty.activity, empty.headcount) == ("EMPTY SAS", "62.01Z", "01")
    assert empty.headcount_year == 2023
    assert empty.sources == ("src", REGISTER_SOURCE)
    assert dataset.updates is not None
    filled = {o.field for o in dataset.updates.filled if o.record == "empty"}
    assert filled == {"city", "founded", "status", "closed", "legal_name", "activity"} | {
        "headcount",
        "headcount_year",
    }
    assert {o.checked for o in dataset.updates.filled} == {PartialDate(2026, 11, 20)}


def test_a_curated_value_is_kept_and_a_disagreement_becomes_a_conflict(
    write_dataset: WriteDataset, layer: Path
) -> None:
    dataset = load_dataset(write_dataset(STARTUPS), updates=layer)
    curated = next(s for s in dataset.startups if s.id == "curated")
    # The city and the state disagree: the curated ones stay; the day of creation falls in
    # the curated year, so it agrees and changes nothing.
    assert (curated.city, curated.status, curated.founded) == (
        "alpha",
        Status.ACTIVE,
        PartialDate(2015),
    )
    assert dataset.updates is not None
    conflicts = {(c.field, c.kept, c.register) for c in dataset.updates.conflicts}
    assert conflicts == {("city", "Alpha", "GAMMA (14003)"), ("status", "active", "closed")}
    warnings = quality_warnings(dataset, PartialDate(2026, 11, 26).first_day)
    conflict = next(w for w in warnings if "conflict on 'city'" in w)
    assert "kept 'Alpha' (sources: src)" in conflict
    assert "the register says 'GAMMA (14003)' (sirene-register, checked 2026-11-19)" in conflict


def test_without_the_layer_nothing_changes(write_dataset: WriteDataset) -> None:
    dataset = load_dataset(write_dataset(STARTUPS))
    assert dataset.updates is None
    assert next(s for s in dataset.startups if s.id == "empty").city is None


def test_a_head_office_outside_the_communes_fills_nothing(
    write_dataset: WriteDataset, tmp_path: Path
) -> None:
    path = tmp_path / "updates.toml"
    path.write_text(LAYER.replace('commune = "14002"', 'commune = "75102"'), encoding="utf-8")
    dataset = load_dataset(write_dataset(STARTUPS), updates=path)
    assert next(s for s in dataset.startups if s.id == "empty").city is None


def test_new_laureates_join_unless_the_dataset_has_them_or_cannot_hold_them(
    write_dataset: WriteDataset, tmp_path: Path
) -> None:
    path = tmp_path / "updates.toml"
    path.write_text(LAYER + LAUREATES, encoding="utf-8")
    dataset = load_dataset(write_dataset(STARTUPS), updates=path)
    ids = [s.id for s in dataset.startups]
    assert ids == ["empty", "curated", "nosiren", "newcomer"]
    assert next(s for s in dataset.startups if s.id == "empty").name == "Empty"
    assert dataset.updates is not None
    assert dataset.updates.added == ("newcomer",)
    assert set(dataset.updates.sources) == {REGISTER_SOURCE, "mesr-ilab-opendata"}


def test_an_overlay_wins_over_the_register_and_gets_its_gaps_filled(
    write_dataset: WriteDataset, layer: Path, tmp_path: Path
) -> None:
    overlay = tmp_path / "overlay.toml"
    overlay.write_text(
        '[[startups]]\nid = "empty"\nname = "Empty"\nsiren = "111111118"\ncity = "alpha"\n'
        'sources = ["src"]\n',
        encoding="utf-8",
    )
    dataset = load_dataset(write_dataset(STARTUPS), overlay, layer)
    empty = next(s for s in dataset.startups if s.id == "empty")
    assert empty.city == "alpha"  # the overlay's
    assert empty.legal_name == "EMPTY SAS"  # the register's, where the overlay says nothing


def test_an_uncited_layer_source_is_left_out(write_dataset: WriteDataset, tmp_path: Path) -> None:
    path = tmp_path / "updates.toml"
    path.write_text(LAYER.split("[[register]]")[0], encoding="utf-8")
    dataset = load_dataset(write_dataset(STARTUPS), updates=path)
    assert REGISTER_SOURCE not in {s.id for s in dataset.sources}
    assert quality_warnings(dataset, PartialDate(2026, 11, 26).first_day) == []


def test_a_damaged_layer_says_how_to_start_again(
    write_dataset: WriteDataset, tmp_path: Path
) -> None:
    path = tmp_path / "updates.toml"
    path.write_text(LAYER.replace('status = "closed"', 'status = "gone"', 1), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_dataset(write_dataset(STARTUPS), updates=path)
    assert "register[0]" in str(raised.value)
    assert "`normandie update --clear`" in str(raised.value)


def test_a_layer_that_states_one_siren_twice_is_refused_not_merged_twice(
    write_dataset: WriteDataset, tmp_path: Path
) -> None:
    path = tmp_path / "updates.toml"
    again = '\n[[register]]\nsiren = "111111118"\nchecked = "2026-11-21"\ncommune = "14003"\n'
    path.write_text(LAYER + again, encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_dataset(write_dataset(STARTUPS), updates=path)
    assert "register[3]: SIREN 111111118 has an entry already, register[0]" in str(raised.value)


def test_the_cache_key_follows_the_layer(
    write_dataset: WriteDataset, layer: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = write_dataset(STARTUPS)
    first = cache.load(data, None, updates=layer)
    assert next(s for s in first.startups if s.id == "empty").city == "beta"
    layer.write_text(LAYER.replace('commune = "14002"', 'commune = "14001"'), encoding="utf-8")
    again = cache.load(data, None, updates=layer)
    assert next(s for s in again.startups if s.id == "empty").city == "alpha"
    without = cache.load(data, None, updates=None)
    assert next(s for s in without.startups if s.id == "empty").city is None
    assert len(list((tmp_path / "cache" / "normandie").glob("*.pickle"))) == 2


def test_a_bundled_register_layer_is_read_under_the_user_s(
    tmp_path: Path, write_dataset: WriteDataset
) -> None:
    folder = tmp_path / "data"
    (folder / "generated").mkdir(parents=True)
    write_dataset(STARTUPS).rename(folder / "data.toml")
    (folder / "generated" / "register.toml").write_text(LAYER, encoding="utf-8")
    bundled = load_dataset(folder)
    assert next(s for s in bundled.startups if s.id == "empty").city == "beta"
    mine = tmp_path / "updates.toml"
    mine.write_text(
        LAYER.split("[[register]]")[0]
        + '[[register]]\nsiren = "111111118"\nchecked = "2026-11-25"\ncommune = "14001"\n',
        encoding="utf-8",
    )
    both = load_dataset(folder, updates=mine)
    empty = next(s for s in both.startups if s.id == "empty")
    assert (empty.city, empty.legal_name) == ("alpha", None)  # the user's, newer answer wins
    curated = next(s for s in both.startups if s.id == "curated")
    assert curated.sources == ("src",)  # the bundled answer for it still applies: no fill
    assert both.updates is not None and len(both.updates.conflicts) == 2
