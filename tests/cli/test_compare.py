"""`normandie compare` as a user drives it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import TERMINAL, TODAY, Invoke, WriteDataset, as_json
from rich.cells import cell_len


def test_compare_the_three_scenes(invoke: Invoke) -> None:
    result = invoke(["--today", TODAY, "compare", "--json"])
    assert result.exit_code == 0, result.output
    scenes = {s["scene"]: s for s in as_json(result.stdout)}
    assert list(scenes) == ["caen", "rouen", "le-havre"]
    assert scenes["rouen"]["organizations"] == 1  # Seine Innopolis, in Le Petit-Quevilly
    assert scenes["rouen"]["upcoming_events"] == 1
    assert scenes["caen"]["startups"] == 2
    assert scenes["caen"]["top_sectors"] == [
        {"sector": "big-data", "count": 1},
        {"sector": "e-signature", "count": 1},
    ]
    table = invoke(["compare", "caen", "rouen", "-f", "table"])
    assert "Scenes compared" in table.stdout and "Le Havre" not in table.stdout


def test_compare_unknown_city(invoke: Invoke) -> None:
    assert invoke(["compare", "caen", "paris"]).exit_code == 2


def test_compare_lists_each_scene_once(invoke: Invoke) -> None:
    result = invoke(["compare", "rouen", "saint etienne du rouvray", "--json"])
    assert [s["scene"] for s in as_json(result.stdout)] == ["rouen"]


def test_compare_by_region_puts_cityless_records_apart(invoke_bundled: Invoke) -> None:
    result = invoke_bundled(["compare", "--by", "region", "--json"])
    assert result.exit_code == 0, result.output
    scenes = {s["scene"]: s for s in as_json(result.stdout)}
    assert list(scenes) == ["basse-normandie", "haute-normandie", "city-unknown"]
    total = sum(s["startups"] for s in scenes.values())
    assert total == len(as_json(invoke_bundled(["startups", "--json"]).stdout))
    assert scenes["city-unknown"]["startups"] > 0  # i-Lab laureates have no city


def test_compare_by_department(invoke_bundled: Invoke) -> None:
    scenes = as_json(invoke_bundled(["compare", "--by", "department", "--json"]).stdout)
    assert [s["scene"] for s in scenes] == ["14", "27", "50", "61", "76", "city-unknown"]
    refused = invoke_bundled(["compare", "--by", "department", "caen"])
    assert refused.exit_code == 2
    assert "leave out the cities" in refused.stderr


def test_compare_never_passes_a_partial_funding_sum_as_a_total(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "known"
name = "Known"
city = "alpha"
founded = "2024"
sources = ["src"]

[[startups.funding]]
amount = 1000000
date = "2025-01"
sources = ["src"]

[[startups]]
id = "partly-known"
name = "Partly known"
city = "alpha"
founded = "2010"
sources = ["src"]

[[startups.funding]]
amount = 500000
sources = ["src"]

[[startups.funding]]
sources = ["src"]

[[startups]]
id = "in-dollars"
name = "In dollars"
city = "beta"
sources = ["src"]

[[startups.funding]]
amount = 2000000
currency = "USD"
sources = ["src"]
"""
    )
    result = invoke(["--data", str(path), "--today", "2026-11-26", "compare", "alpha", "--json"])
    (scene,) = as_json(result.stdout)
    assert scene["funding_total_eur"] == 1000000  # neither the partial history nor dollars
    assert scene["startups_with_known_funding"] == 1
    assert scene["startups_without_known_funding"] == 2
    assert scene["founded_known"] == 2 and scene["founded_last_5_years"] == 1
    assert scene["median_founded"] == 2017.0
    table = invoke(["--data", str(path), "compare", "alpha", "-f", "table"]).stdout
    assert "1 of 3" in table and "█" in table
    csv_text = invoke(["--data", str(path), "compare", "alpha", "--csv"]).stdout
    (row,) = csv.DictReader(io.StringIO(csv_text))
    assert row["funding_total_eur"] == "1000000"
    # A year, as JSON and the table write it, not 2017.0.
    assert row["median_founded"] == "2017"


def test_compare_does_not_count_a_grant_as_money_raised(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "granted"
name = "Granted"
city = "alpha"
sources = ["src"]

[[startups.funding]]
amount = 1624000
kind = "grant"
sources = ["src"]

[[startups]]
id = "both"
name = "Both"
city = "alpha"
sources = ["src"]

[[startups.funding]]
amount = 900000
kind = "equity"
sources = ["src"]

[[startups.funding]]
amount = 800000
kind = "grant"
sources = ["src"]

[[startups.funding]]
amount = 100000
kind = "loan"
sources = ["src"]
"""
    )
    result = invoke(["--data", str(path), "compare", "alpha", "--json"])
    assert result.exit_code == 0, result.output
    (scene,) = as_json(result.stdout)
    assert scene["funding_total_eur"] == 1000000  # equity and loans, never the grants
    assert scene["startups_with_known_funding"] == 1


def test_a_median_between_two_years_keeps_its_half(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    founded = "".join(
        f'\n[[startups]]\nid = "s{year}"\nname = "S{year}"\ncity = "alpha"\n'
        f'founded = "{year}"\nsources = ["src"]\n'
        for year in (2019, 2020)
    )
    path = write_dataset(founded)
    (row,) = csv.DictReader(
        io.StringIO(invoke(["--data", str(path), "compare", "alpha", "--csv"]).stdout)
    )
    assert row["median_founded"] == "2019.5"
    (scene,) = as_json(invoke(["--data", str(path), "compare", "alpha", "--json"]).stdout)
    assert scene["median_founded"] == 2019.5


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("en", ["founded in the last 5 years", "median founding year", "startups with amounts",
                "city known for 160 of 196", "date known for 192 of 196"]),
        ("fr", ["créées ces 5 dernières années", "année de création médiane",
                "startups aux montants connus", "ville connue pour 160 sur 196"]),
    ],
)  # fmt: skip
def test_compare_labels_fit_a_100_column_terminal(
    invoke_bundled: Invoke, lang: str, labels: list[str]
) -> None:
    result = invoke_bundled(["--lang", lang, "compare"], env={"COLUMNS": "100"}, streams=TERMINAL)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 100
    for label in labels:  # each whole on its line, at the start of the label column
        assert any(re.match(rf"\s+{re.escape(label)}\s", line) for line in lines), label
