"""What the commands do with an updates layer: --no-updates, --status, compare, show, info,
validate, and edit and retire, which never copy the register's facts into the overlay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TERMINAL, Invoke, WriteDataset, ids
from layer_samples import LAUREATES, LAYER, STARTUPS


@pytest.fixture
def layered(write_dataset: WriteDataset, tmp_path: Path) -> dict[str, str]:
    """The environment of a dataset with an updates layer in the default place."""
    home = tmp_path / "home"
    (home / "normandie" / "updates").mkdir(parents=True)
    (home / "normandie" / "updates" / "updates.toml").write_text(
        LAYER + LAUREATES, encoding="utf-8"
    )
    return {
        "NORMANDIE_DATA": str(write_dataset(STARTUPS)),
        "XDG_DATA_HOME": str(home),
        "NORMANDIE_TODAY": "2026-11-26",
    }


def test_listings_leave_closed_companies_out_and_say_so(invoke: Invoke, layered: dict) -> None:
    shown = invoke(["startups"], env=layered)
    assert shown.exit_code == 0, shown.output
    assert ids(shown.stdout) == ["curated", "newcomer", "nosiren"]
    assert "1 closed company(ies) left out; --status all shows them." in shown.stderr
    closed = invoke(["startups", "--status", "closed"], env=layered)
    assert ids(closed.stdout) == ["empty"]
    assert closed.stderr == ""
    every = invoke(["startups", "--status", "ALL"], env=layered)
    assert ids(every.stdout) == ["curated", "empty", "newcomer", "nosiren"]
    exported = invoke(["export", "--json", "--status", "closed"], env=layered)
    assert [r["id"] for r in json.loads(exported.stdout)] == ["empty"]


def test_status_applies_to_startups_only(invoke: Invoke, layered: dict) -> None:
    refused = invoke(["export", "--entity", "organizations", "--status", "all"], env=layered)
    assert refused.exit_code == 2
    assert "--status applies to startups only" in refused.stderr
    wrong = invoke(["startups", "--status", "gone"], env=layered)
    assert wrong.exit_code == 2


def test_no_updates_reads_the_dataset_alone(invoke: Invoke, layered: dict) -> None:
    plain = invoke(["--no-updates", "startups", "--commune", "beta"], env=layered)
    assert plain.exit_code == 0
    assert ids(plain.stdout) == []
    placed = invoke(["startups", "--commune", "beta", "--status", "all"], env=layered)
    assert ids(placed.stdout) == ["empty"]


def test_compare_counts_active_startups_and_says_how_many_closed(
    invoke: Invoke, layered: dict
) -> None:
    rows = json.loads(invoke(["compare", "alpha", "--json"], env=layered).stdout)
    assert (rows[0]["startups"], rows[0]["closed_startups"]) == (1, 1)
    table = invoke(["compare", "alpha"], env=layered, streams=TERMINAL)
    assert "closed, not counted" in table.stdout


def test_show_marks_the_register_s_fields_with_their_date(invoke: Invoke, layered: dict) -> None:
    shown = invoke(["show", "empty"], env=layered, streams=TERMINAL)
    assert shown.exit_code == 0, shown.output
    out = " ".join(shown.stdout.split())
    assert "completed from the company register" in out
    assert "Béta (the company register, checked 20 Nov 2026)" in out
    assert "Programmation informatique (62.01Z)" in out
    assert "1 ou 2 salariés (01)" in out
    assert "Base Sirene (INSEE), through API Recherche d'entreprises (INSEE, 20 Nov 2026)" in out
    newcomer = invoke(["show", "newcomer"], env=layered, streams=TERMINAL).stdout
    assert "the updates layer (`normandie update`)" in " ".join(newcomer.split())


def test_info_says_when_the_layer_was_refreshed_and_from_what(
    invoke: Invoke, layered: dict
) -> None:
    table = " ".join(invoke(["info"], env=layered, streams=TERMINAL).stdout.split())
    assert "Refreshed" in table
    assert "20 Nov 2026, by `normandie update` from: Base Sirene (INSEE)" in table
    rows = invoke(["info", "-f", "tsv"], env=layered).stdout
    assert "refreshed\t2026-11-20; Base Sirene (INSEE)" in rows
    assert "Refreshed" not in invoke(["--no-updates", "info"], env=layered).stdout


def test_validate_lists_conflicts_with_both_sources(invoke: Invoke, layered: dict) -> None:
    checked = invoke(["validate"], env=layered)
    assert checked.exit_code == 0
    assert "with the updates layer" in checked.stderr
    assert "conflict on 'city': kept 'Alpha' (sources: src); the register says" in (
        checked.stderr.replace("\n", " ")
    )
    assert invoke(["validate", "--strict"], env=layered).exit_code == 1


def test_edit_copies_the_curated_record_not_the_register_s_facts(
    invoke: Invoke, layered: dict, tmp_path: Path
) -> None:
    overlay = tmp_path / "overlay.toml"
    env = {**layered, "NORMANDIE_OVERLAY": str(overlay)}
    edited = invoke(["edit", "empty", "--set", "founded=2015", "--source", "src"], env=env)
    assert edited.exit_code == 0, edited.output
    text = overlay.read_text(encoding="utf-8")
    assert "sirene-register" not in text and "EMPTY SAS" not in text
    # ...and the register still fills what the overlay leaves empty.
    shown = json.loads(invoke(["show", "empty", "--json"], env=env).stdout)
    assert (shown["founded"], shown["legal_name"]) == ("2015", "EMPTY SAS")


def test_a_record_of_the_layer_is_corrected_by_adding_one(invoke: Invoke, layered: dict) -> None:
    refused = invoke(["edit", "newcomer", "--set", "founded=2020", "--source", "src"], env=layered)
    assert refused.exit_code == 2
    assert "comes from `normandie update`" in refused.stderr
