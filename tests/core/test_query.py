"""query.select and its parts, called directly: the one query behind listings and exports."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SEED

from normandie_cli.dataset import load_dataset
from normandie_cli.errors import UsageError
from normandie_cli.models import RecordKind
from normandie_cli.places import CompareBy, compared_scenes
from normandie_cli.query import (
    Filters,
    find_record,
    search_all,
    select,
    select_events,
)
from normandie_cli.sorting import sort_records

DATASET = load_dataset(SEED)
TODAY = date(2026, 11, 1)


def ids(records: object) -> list[str]:
    return [record.id for record in records]  # type: ignore[attr-defined]


def test_no_filter_keeps_every_record_in_the_datasets_order() -> None:
    assert ids(select(DATASET, RecordKind.STARTUP, Filters(), TODAY)) == ids(DATASET.startups)


def test_a_city_is_its_whole_agglomeration_and_a_commune_only_itself() -> None:
    rouen = select(DATASET, RecordKind.STARTUP, Filters(city=("Rouen",)), TODAY, ["name"])
    assert ids(rouen) == ["bunkr", "saagie", "spread", "topovideo"]
    commune = select(DATASET, RecordKind.STARTUP, Filters(commune=("rouen",)), TODAY, ["name"])
    assert ids(commune) == ["bunkr", "saagie"]


def test_values_of_one_filter_or_and_filters_and() -> None:
    either = Filters(city=("caen", "rouen"), sector=("big data",))
    assert ids(select(DATASET, RecordKind.STARTUP, either, TODAY, ["name"])) == [
        "saagie",
        "soyhuce",
    ]


def test_organisations_by_kind_label() -> None:
    found = select(DATASET, RecordKind.ORGANIZATION, Filters(kind=("Network",)), TODAY)
    assert ids(found) == ["nwx", "normandy-french-tech"]


def test_events_come_by_date_past_ones_most_recent_first() -> None:
    past = select_events(DATASET, Filters(past=True, city=("rouen",)), TODAY)
    assert ids(past)[:2] == ["codeurs-en-seine-2025", "codeurs-en-seine-2024"]
    upcoming = select(DATASET, RecordKind.EVENT, Filters(upcoming=True), TODAY)
    assert ids(upcoming) == ["codeurs-en-seine-2026"]


def test_partial_dates_in_event_bounds() -> None:
    found = select_events(DATASET, Filters(since="2021-06-01", until="2021-12-31"), TODAY)
    assert ids(found) == ["codeurs-en-seine-2021"]  # dated only "2021"


@pytest.mark.parametrize(
    ("kind", "filters", "message"),
    [
        (RecordKind.ORGANIZATION, Filters(sector=("crm",)), "--sector applies to"),
        (RecordKind.STARTUP, Filters(kind=("network",)), "--kind applies to"),
        (RecordKind.SOURCE, Filters(city=("caen",)), "--city, --commune, --department and"),
        (RecordKind.ORGANIZATION, Filters(tag=("saas",)), "--tag applies to startups only"),
        (RecordKind.STARTUP, Filters(upcoming=True), "--upcoming applies to events only"),
        (RecordKind.SOURCE, Filters(department=("76",)), "--department and --region apply"),
        (RecordKind.STARTUP, Filters(department=("paris",)), "unknown department 'paris'"),
        (RecordKind.STARTUP, Filters(region=("bretagne",)), "unknown region 'bretagne'"),
        (RecordKind.STARTUP, Filters(city=("paris",)), "unknown city 'paris'"),
        (RecordKind.STARTUP, Filters(sector=("fintek",)), "unknown sector 'fintek'"),
        (RecordKind.EVENT, Filters(since="2026-13"), "--since takes a date like"),
        (RecordKind.EVENT, Filters(until="26"), "--until takes a date like"),
        (RecordKind.EVENT, Filters(upcoming=True, past=True), "exclude each other"),
    ],
)
def test_a_filter_that_cannot_apply_or_names_nothing_is_refused(
    kind: RecordKind, filters: Filters, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        select(DATASET, kind, filters, TODAY)


def test_an_unknown_sort_field_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(UsageError, match="Sort keys: name, id, city, founded"):
        select(DATASET, RecordKind.STARTUP, Filters(), TODAY, ["size"])


def test_filters_describe_themselves_as_typed_in_a_stable_order() -> None:
    filters = Filters(search="data", city=("rouen", "Caen"), upcoming=True, founded_since=2010)
    assert (
        filters.describe()
        == "--upcoming --city rouen --city Caen --founded-since 2010 --search data"
    )
    assert Filters().describe() == ""


def test_sorting_puts_unknown_values_last_either_way() -> None:
    by_founding = sort_records(DATASET.startups, ["founded"])
    assert by_founding[0].id == "saagie"
    assert ids(sort_records(DATASET.startups, ["founded"], reverse=True))[0] == "saagie"


def test_find_record_folds_what_is_typed_and_suggests() -> None:
    assert find_record(DATASET, "Le Petit-Quevilly")[0] is RecordKind.CITY
    with pytest.raises(UsageError, match="did you mean 'saagie'"):
        find_record(DATASET, "sagie")


def test_search_groups_every_kind_in_name_order() -> None:
    found = search_all(DATASET, "innopolis")
    kinds = [RecordKind.STARTUP, RecordKind.ORGANIZATION, RecordKind.EVENT, RecordKind.CITY]
    assert list(found) == [kind for kind in kinds if kind in found]
    assert ids(found[RecordKind.ORGANIZATION]) == ["seine-innopolis"]
    for records in found.values():
        assert ids(records) == ids(sort_records(records, ["name"]))


def test_compared_scenes_are_each_named_once_or_fixed_groups() -> None:
    scenes = compared_scenes(DATASET, CompareBy.CITY, ["rouen", "le petit-quevilly", "caen"])
    assert [scene.id for scene in scenes] == ["rouen", "caen"]
    regions = compared_scenes(DATASET, CompareBy.REGION, [])
    assert [scene.id for scene in regions][-1] == "city-unknown"
    with pytest.raises(UsageError, match="leave out the cities"):
        compared_scenes(DATASET, CompareBy.DEPARTMENT, ["caen"])


def test_unknown_as_a_city_keeps_the_records_whose_city_is_not_known() -> None:
    for word in ("unknown", "Inconnue"):
        found = select(DATASET, RecordKind.STARTUP, Filters(city=(word,)), TODAY)
        assert found and all(s.city is None for s in found)  # type: ignore[union-attr]
    both = select(DATASET, RecordKind.STARTUP, Filters(city=("unknown", "caen")), TODAY)
    assert {s.city for s in both} == {None, "caen", "colombelles"}  # type: ignore[union-attr]
