"""`normandie` with no command: the ecosystem at a glance on a terminal, the help in a pipe."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import SEED, TERMINAL, Invoke, WriteDataset

from normandie_cli.dataset import load_dataset
from normandie_cli.summary import overview


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def test_the_overview_shows_counts_scenes_events_and_what_to_try(invoke: Invoke) -> None:
    result = invoke(["--today", "2013-01-01"], streams=TERMINAL)
    assert result.exit_code == 0, result.output
    shown = lines_of(result.stdout)
    assert shown[0] == "Normandie tech ecosystem — version 0.1.0, updated 26 Nov 2026"
    # Counts per scene (with its agglomeration, as `compare` counts) and per kind.
    assert "Caen Caen la Mer 2 1 2" in shown
    assert "Rouen Métropole Rouen Normandie 4 1 10" in shown
    assert "Le Havre Le Havre Seine Métropole 0 0 0" in shown
    assert "All 9 5 18" in shown
    # The next three events after the day taken as today, soonest first.
    start = shown.index("Next events (as of 1 Jan 2013)")
    assert shown[start + 1 : start + 4] == [
        "7 Apr 2013 Startup Weekend Caen 2013 Caen",
        "17 Oct 2013 Codeurs en Seine 2013 Saint-Étienne-du-Rouvray",
        "27 Nov 2014 Codeurs en Seine 2014 Saint-Étienne-du-Rouvray",
    ]
    assert shown[start + 4] == ""
    assert "normandie startups --city rouen the startups of the Rouen scene" in shown
    assert "normandie events --upcoming what is coming up" in shown
    assert "normandie compare Caen, Rouen and Le Havre side by side" in shown
    assert shown[-1] == "Run normandie --help for every command and option."
    assert result.stderr == ""


def test_with_nothing_upcoming_the_overview_names_the_latest_event(invoke: Invoke) -> None:
    result = invoke([], env={"NORMANDIE_TODAY": "2030-01-01"}, streams=TERMINAL)
    assert result.exit_code == 0, result.output
    assert "Next events (as of 1 Jan 2030)" in result.stdout
    assert "None known. The latest: Codeurs en Seine 2026 (19 Nov 2026)." in result.stdout
    assert "(over a year ago)" in result.stdout  # the seed was last updated in 2026


def test_in_a_pipe_no_command_prints_the_help_and_succeeds(invoke: Invoke) -> None:
    result = invoke([])
    assert result.exit_code == 0, result.output
    assert "Usage: normandie" in result.stdout
    assert "Exit codes" in result.stdout
    assert "Next events" not in result.stdout


def test_a_dataset_without_the_three_scenes(invoke: Invoke, write_dataset: WriteDataset) -> None:
    data = write_dataset('\n[[startups]]\nid = "one"\nname = "One"\nsources = ["src"]\n')
    result = invoke(["--data", str(data), "--today", "2026-01-01"], streams=TERMINAL)
    assert result.exit_code == 0, result.output
    shown = lines_of(result.stdout)
    assert "Elsewhere in Normandy 0 0 0" in shown
    assert "City unknown 1 0 0" in shown
    assert not any(line.startswith("Caen") for line in shown)
    assert "None known." in result.stdout


def test_an_unreadable_dataset_is_an_error_not_an_overview(invoke: Invoke, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("not toml", encoding="utf-8")
    result = invoke(["--data", str(broken)], streams=TERMINAL)
    assert result.exit_code == 1
    assert "TOML syntax error" in result.stderr


@pytest.mark.parametrize("today", [date(2013, 1, 1), date(2020, 6, 1), date(2030, 1, 1)])
def test_places_add_up_to_the_totals(today: date) -> None:
    dataset = load_dataset(SEED)
    seen = overview(dataset, today)
    for kind in ("startups", "organizations", "events"):
        assert sum(getattr(p, kind) for p in seen.places) == seen.summary.counts[kind]
    assert len(seen.next_events) <= 3
    assert all(e.last_day is not None and e.last_day >= today for e in seen.next_events)
    assert (seen.latest_event is None) == bool(seen.next_events)
