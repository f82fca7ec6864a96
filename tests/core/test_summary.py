"""What compare, info and the overview count, and how much of it the data knows."""

from __future__ import annotations

from datetime import date

from conftest import SEED

from normandie_cli.dataset import load_dataset
from normandie_cli.places import CompareBy, compared_scenes
from normandie_cli.summary import (
    Known,
    compare_scenes,
    comparison_coverage,
    comparison_rows,
    coverage,
)

DATASET = load_dataset(SEED)


def test_coverage_counts_the_records_that_have_each_field() -> None:
    found = coverage(DATASET)["startups"]
    assert found["city"] == Known(6, 9)
    assert found["founded"] == Known(1, 9)
    assert found["sectors"].total == 9


def test_the_comparison_coverage_is_over_the_whole_dataset() -> None:
    known = comparison_coverage(DATASET)
    assert known.startups_city == Known(6, 9)
    assert known.events_dated.total == len(DATASET.events)


def test_machine_rows_hold_objects_and_a_whole_median_year() -> None:
    scenes = compared_scenes(DATASET, CompareBy.CITY, ["rouen"])
    (row,) = comparison_rows(compare_scenes(DATASET, scenes, date(2026, 11, 1)))
    assert row["median_founded"] == 2013 and isinstance(row["median_founded"], int)
    assert row["top_sectors"][0] == {"sector": "big-data", "count": 1}
    assert all(set(item) == {"year", "count"} for item in row["events_by_year"])
