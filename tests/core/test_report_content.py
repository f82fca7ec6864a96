"""What the report shows, worked out from a dataset: narrowed by the filters, placed on the
map, laid on a timeline, with what is unknown counted and every source of the page kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import SEED, WriteDataset

from normandie_cli.dataset import load_dataset
from normandie_cli.errors import UsageError
from normandie_cli.models import RecordKind
from normandie_cli.places import CompareBy
from normandie_cli.query import Filters, for_kind
from normandie_cli.report_content import (
    MERGER_YEAR,
    Fact,
    Lane,
    ReportContent,
    narrowed,
    recurring_series,
    report_content,
)

DATASET = load_dataset(SEED)
TODAY = date(2026, 11, 1)
NO_FILTER = Filters()


def content(
    filters: Filters = NO_FILTER, by: CompareBy = CompareBy.CITY, today: date = TODAY
) -> ReportContent:
    return report_content(DATASET, filters, by, today)


def test_each_kind_keeps_only_the_filters_that_concern_it() -> None:
    given = Filters(city=("rouen",), sector=("big data",), kind=("incubator",), since="2015-01-01")
    startups = for_kind(given, RecordKind.STARTUP)
    assert (startups.city, startups.sector, startups.kind, startups.since) == (
        ("rouen",),
        ("big data",),
        (),
        None,
    )
    events = for_kind(given, RecordKind.EVENT)
    assert (events.city, events.sector, events.kind, events.since) == (
        ("rouen",),
        (),
        (),
        "2015-01-01",
    )


def test_a_sector_narrows_the_startups_and_leaves_the_other_kinds() -> None:
    shown = narrowed(DATASET, Filters(sector=("big data",)), TODAY)
    assert 0 < len(shown.startups) < len(DATASET.startups)
    assert all("big-data" in s.sectors for s in shown.startups)
    assert shown.organizations == DATASET.organizations
    assert {e.id for e in shown.events} == {e.id for e in DATASET.events}  # by date


def test_a_place_narrows_every_kind_and_the_vocabularies_stay() -> None:
    shown = narrowed(DATASET, Filters(city=("rouen",)), TODAY)
    rouen = next(a for a in DATASET.agglomerations if a.seat == "rouen").members
    for records in (shown.startups, shown.organizations, shown.events):
        assert all(r.city in rouen for r in records)
    assert shown.cities == DATASET.cities and shown.sources == DATASET.sources


def test_unknown_values_are_usage_errors_as_in_the_listings() -> None:
    with pytest.raises(UsageError, match="unknown city"):
        content(Filters(city=("paris",)))
    with pytest.raises(UsageError, match="--since"):
        content(Filters(since="2015-13-01"))


def test_by_city_the_scenes_are_the_cities_given_else_the_three() -> None:
    assert [s.scene.id for s in content().scenes] == ["caen", "rouen", "le-havre"]
    assert [s.scene.id for s in content(Filters(city=("rouen",))).scenes] == ["rouen"]
    by_region = content(by=CompareBy.REGION)
    assert by_region.scenes[-1].scene.cityless  # records whose city is unknown


def test_places_are_communes_with_records_and_coordinates_most_first() -> None:
    places = content().places
    totals = [p.total for p in places]
    assert totals == sorted(totals, reverse=True) and all(totals)
    assert all(p.city.latitude is not None for p in places)
    on_map = sum(p.startups for p in places)
    known = next(
        k for k in content().coverage if (k.kind, k.fact) == (RecordKind.STARTUP, Fact.ON_MAP)
    )
    assert on_map == known.known


def test_outlines_hold_the_listed_members_with_coordinates() -> None:
    outlines = {o.agglomeration.id: o for o in content().outlines}
    assert set(outlines) == {a.id for a in DATASET.agglomerations}
    located = {(c.longitude, c.latitude) for c in DATASET.cities}
    assert all(set(o.points) <= located for o in outlines.values())


def test_the_timeline_counts_every_dated_thing_once_and_names_the_merger_sources() -> None:
    line = content().timeline
    assert line.first <= MERGER_YEAR <= line.last
    years = dict(line.years)
    undated = dict(line.undated)
    earlier = dict(line.earlier)
    events = sum(n for _, n in years[Lane.EVENTS]) + undated[Lane.EVENTS] + earlier[Lane.EVENTS]
    assert events == len(DATASET.events)
    startups = years[Lane.STARTUPS]
    assert sum(n for _, n in startups) + undated[Lane.STARTUPS] == len(DATASET.startups)
    departments = {s for d in DATASET.departments for s in d.sources}
    assert line.merger_sources and set(line.merger_sources) <= departments


def test_a_very_old_founding_is_counted_as_earlier_not_stretching_the_span(
    write_dataset: WriteDataset,
) -> None:
    path = write_dataset(
        '\n[[organizations]]\nid = "old"\nname = "Old"\nkind = "school"\nfounded = "1432"\n'
        'sources = ["src"]\n\n[[organization_kinds]]\nid = "school"\nname_fr = "École"\n'
        'name_en = "School"\n\n[[events]]\nid = "e"\nname = "E"\nstart = "2020"\n'
        'sources = ["src"]\n'
    )
    dataset = load_dataset(path)
    shown = report_content(dataset, Filters(), CompareBy.CITY, TODAY)
    assert shown.timeline.first > 1432
    assert dict(shown.timeline.earlier)[Lane.ORGANIZATIONS] == 1


def test_upcoming_events_or_else_the_recurring_series() -> None:
    before = content(today=date(2026, 11, 1))
    assert [e.id for e in before.upcoming] == ["codeurs-en-seine-2026"]
    assert before.series == ()
    after = content(today=date(2027, 1, 1))
    assert after.upcoming == ()
    series = {s.id: s for s in after.series}
    assert series["codeurs-en-seine"].latest.id == "codeurs-en-seine-2026"
    assert all(s.editions >= 2 for s in after.series)


def test_a_series_names_its_latest_dated_edition_and_guesses_no_next_date() -> None:
    events = [e for e in DATASET.events if e.series == "startup-weekend-rouen"]
    (series,) = recurring_series(events)
    assert series.editions == len(events) == 2
    assert series.latest.start is not None and series.latest.start.year == 2020


def test_coverage_counts_what_is_known_of_each_kind() -> None:
    known = {(k.kind, k.fact): k for k in content().coverage}
    city = known[(RecordKind.STARTUP, Fact.CITY)]
    assert city.total == len(DATASET.startups)
    assert city.known == sum(1 for s in DATASET.startups if s.city)
    dated = known[(RecordKind.EVENT, Fact.DATE)]
    assert dated.known == sum(1 for e in DATASET.events if e.start) < dated.total


def test_the_sources_are_those_of_what_the_page_shows(write_dataset: WriteDataset) -> None:
    cited = {c.source.id: c.cited_by for c in content().sources}
    for startup in DATASET.startups:
        assert set(startup.sources) <= set(cited)
    rouen = {c.source.id for c in content(Filters(city=("rouen",))).sources}
    assert rouen < set(cited)  # Caen's records and their sources are not on Rouen's page
    path: Path = write_dataset(
        '\n[[sources]]\nid = "unused"\ntitle = "U"\npublisher = "P"\nurl = "https://example.org/u"\n'
    )
    dataset = load_dataset(path)
    page = report_content(dataset, Filters(), CompareBy.CITY, TODAY)
    assert "unused" not in {c.source.id for c in page.sources}
    assert {c.source.id for c in page.sources} == {"src"}  # the communes and departments


def test_a_dataset_without_the_three_cities_compares_what_it_has(
    write_dataset: WriteDataset,
) -> None:
    dataset = load_dataset(write_dataset(""))
    page = report_content(dataset, Filters(), CompareBy.CITY, TODAY)
    assert [s.scene.name for s in page.scenes] == ["Alpha"]  # its one agglomeration's seat
    assert page.by is CompareBy.CITY


def test_by_region_or_department_a_city_narrows_the_records_of_the_fixed_groups() -> None:
    page = content(Filters(city=("rouen",)), by=CompareBy.REGION)
    assert [s.scene.id for s in page.scenes][:2] == ["basse-normandie", "haute-normandie"]
    assert page.scenes[0].startups == 0  # Rouen is in Haute-Normandie
    assert page.scenes[1].startups == len(page.dataset.startups)
