"""Summaries of a dataset: scenes compared side by side, the dataset's facts and credits
(`normandie info`), and the overview `normandie` shows alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import (
    Dataset,
    Event,
    FundingKind,
    FundingRound,
    Organization,
    RecordKind,
    Startup,
    Status,
)
from normandie_cli.places import DEFAULT_SCENES, Scene, city_counts, resolve_scene
from normandie_cli.query import (
    EventFilters,
    filter_events,
    is_upcoming,
    latest_event,
)
from normandie_cli.series import Series, recurring_series
from normandie_cli.sorting import sort_records

_R = TypeVar("_R")


@frozen
class SceneSummary:
    """The metrics of one scene in a comparison.

    Funding is money raised: grants are left out. It is summed only over the startups whose
    every other round has a known amount in euros, and says how many those are, so a partial
    sum is never taken for a total.
    """

    scene: Scene
    startups: int
    founded_known: int
    founded_recently: int  # in the last five years: this year and the four before
    median_founded: int | float | None  # a year, or half-way between two
    top_sectors: tuple[tuple[str, int], ...]
    awards: int
    funding_total: int
    funded_known: int  # startups with money raised, every round of it known in euros
    organizations: int
    organizations_by_kind: tuple[tuple[str, int], ...]
    events: int
    events_by_year: tuple[tuple[int, int], ...]
    upcoming_events: int
    closed: int = 0  # startups known to be closed, left out of every startup metric


def _median(years: Sequence[int]) -> int | float | None:
    import statistics

    if not years:
        return None
    median = statistics.median(years)
    return int(median) if median == int(median) else median


def _ranked(counter: Counter[str], top: int | None = None) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top])


def compare_scenes(
    dataset: Dataset, scenes: Sequence[Scene], today: date, top: int = 3
) -> list[SceneSummary]:
    """Side-by-side metrics for each scene; sectors and kinds ranked by count, then by id."""
    summaries = []
    for scene in scenes:

        def inside(record: Startup | Organization | Event, scene: Scene = scene) -> bool:
            if scene.cityless:
                return record.city is None
            return record.city in scene.cities

        located = [s for s in dataset.startups if inside(s)]
        startups = [s for s in located if s.status is not Status.CLOSED]
        organizations = [o for o in dataset.organizations if inside(o)]
        events = [e for e in dataset.events if inside(e)]
        years = [s.founded.year for s in startups if s.founded is not None]
        amounts = [
            sum(r.amount for r in rounds if r.amount is not None)
            for rounds in (_raised(s) for s in startups)
            if rounds and _all_known_in_euros(rounds)
        ]
        event_years = Counter(e.start.year for e in events if e.start is not None)
        summaries.append(
            SceneSummary(
                scene=scene,
                startups=len(startups),
                founded_known=len(years),
                founded_recently=sum(1 for y in years if today.year - 5 < y <= today.year),
                median_founded=_median(years),
                top_sectors=_ranked(Counter(x for s in startups for x in s.sectors), top),
                awards=sum(len(s.awards) for s in startups),
                funding_total=sum(amounts),
                funded_known=len(amounts),
                organizations=len(organizations),
                organizations_by_kind=_ranked(Counter(o.kind for o in organizations)),
                events=len(events),
                events_by_year=tuple(sorted(event_years.items())),
                upcoming_events=sum(1 for e in events if is_upcoming(e, today)),
                closed=len(located) - len(startups),
            )
        )
    return summaries


@frozen
class Attribution:
    """A source reused under a licence, credited as the licence asks (publisher, dataset,
    date of last update)."""

    licence: str
    publisher: str
    title: str
    updated: str | None
    url: str


@frozen
class DatasetSummary:
    title: str
    version: str
    updated: str
    licence: str
    counts: dict[str, int]
    attributions: tuple[Attribution, ...]
    # For each table, for its main fields, how many records have it: gaps are shown.
    coverage: dict[str, dict[str, Known]]
    # The day `normandie update` refreshed the layer read, and the titles of its sources.
    refreshed: str | None = None
    refreshed_from: tuple[str, ...] = ()


# The fields whose coverage `normandie info` reports, by table.
COVERED_FIELDS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.STARTUP: (
        "city",
        "founded",
        "sectors",
        "status",
        "siren",
        "website",
        "funding",
        "awards",
        "description",
    ),
    RecordKind.ORGANIZATION: ("city", "founded", "website", "siren", "description"),
    RecordKind.EVENT: ("start", "city", "venue", "organizers", "url", "description"),
}


def coverage(dataset: Dataset) -> dict[str, dict[str, Known]]:
    """How many records of each table have each of its main fields."""
    found: dict[str, dict[str, Known]] = {}
    for kind, fields in COVERED_FIELDS.items():
        records = dataset.records(kind)
        found[kind.value] = {
            field: Known(sum(1 for r in records if _has(r, field)), len(records))
            for field in fields
        }
    return found


def _has(record: object, field: str) -> bool:
    return getattr(record, field) not in (None, ())


def dataset_summary(dataset: Dataset) -> DatasetSummary:
    """What `normandie info` shows: version, date, counts, and whom to credit."""
    meta = dataset.meta
    kinds = (RecordKind.STARTUP, RecordKind.ORGANIZATION, RecordKind.EVENT, RecordKind.CITY)
    counts = {kind.value: len(dataset.records(kind)) for kind in (*kinds, RecordKind.SOURCE)}
    attributions = tuple(
        Attribution(s.licence, s.publisher, s.title, None if s.date is None else str(s.date), s.url)
        for s in sort_records(dataset.sources, ["id"])
        if s.licence is not None
    )
    layer = dataset.updates
    titles = tuple(s.title for s in dataset.sources if layer and s.id in layer.sources)
    return DatasetSummary(
        meta.title,
        meta.version,
        str(meta.updated),
        meta.licence,
        counts,
        attributions,
        coverage(dataset),
        refreshed=None if layer is None else str(layer.refreshed),
        refreshed_from=titles,
    )


def summary_rows(summary: DatasetSummary) -> list[dict[str, str]]:
    """`normandie info` as field/value rows, for TSV and CSV: nothing of the table is lost."""
    rows = [
        {"field": "title", "value": summary.title},
        {"field": "version", "value": summary.version},
        {"field": "updated", "value": summary.updated},
        {"field": "licence", "value": summary.licence},
    ]
    if summary.refreshed:
        value = "; ".join((summary.refreshed, *summary.refreshed_from))
        rows.append({"field": "refreshed", "value": value})
    rows += [{"field": kind, "value": str(count)} for kind, count in summary.counts.items()]
    for table, fields in summary.coverage.items():
        rows += [
            {"field": f"{table}.{field} known", "value": f"{known.count} of {known.total}"}
            for field, known in fields.items()
        ]
    for item in summary.attributions:
        updated = f", last updated {item.updated}" if item.updated else ""
        value = f"{item.publisher}, {item.title}{updated}, {item.licence}, {item.url}"
        rows.append({"field": "attribution", "value": value})
    return rows


# After a year without an update, the calendar is likely to miss new events.
STALE_AFTER_DAYS = 365


def is_stale(dataset: Dataset, today: date) -> bool:
    return (today - dataset.meta.updated.last_day).days > STALE_AFTER_DAYS


def comparison_rows(summaries: Sequence[SceneSummary]) -> list[dict[str, Any]]:
    """One object per scene, as `compare --format json|csv` writes it: ranked counts as lists
    of objects, the median founding year a whole number unless it falls between two."""
    return [
        {
            "scene": s.scene.id,
            "name": s.scene.name,
            "startups": s.startups,
            "closed_startups": s.closed,
            "founded_known": s.founded_known,
            "founded_last_5_years": s.founded_recently,
            "median_founded": s.median_founded,
            "top_sectors": [{"sector": k, "count": n} for k, n in s.top_sectors],
            "awards": s.awards,
            "funding_total_eur": s.funding_total,
            "startups_with_known_funding": s.funded_known,
            "startups_without_known_funding": s.startups - s.funded_known,
            "organizations": s.organizations,
            "organizations_by_kind": [{"kind": k, "count": n} for k, n in s.organizations_by_kind],
            "events": s.events,
            "events_by_year": [{"year": y, "count": n} for y, n in s.events_by_year],
            "upcoming_events": s.upcoming_events,
        }
        for s in summaries
    ]


@frozen
class Known:
    """For how many records of a table a fact is known: 'city known for 42 of 104'."""

    count: int
    total: int


@frozen
class ComparisonCoverage:
    """What the comparison could count, over the whole dataset: a scene counts only the
    records whose city is known, and a metric only those that have it."""

    startups_city: Known
    founded: Known
    sectors: Known
    awards_city: Known  # awards of startups whose city is known
    funding_known: Known  # startups with money raised whose every round is known in euros
    organizations_city: Known
    events_city: Known
    events_dated: Known


def comparison_coverage(dataset: Dataset) -> ComparisonCoverage:
    startups, organizations, events = dataset.startups, dataset.organizations, dataset.events
    raising = [rounds for rounds in (_raised(s) for s in startups) if rounds]
    return ComparisonCoverage(
        startups_city=_known(startups, lambda s: s.city is not None),
        founded=_known(startups, lambda s: s.founded is not None),
        sectors=_known(startups, lambda s: bool(s.sectors)),
        awards_city=Known(
            sum(len(s.awards) for s in startups if s.city is not None),
            sum(len(s.awards) for s in startups),
        ),
        funding_known=_known(raising, _all_known_in_euros),
        organizations_city=_known(organizations, lambda o: o.city is not None),
        events_city=_known(events, lambda e: e.city is not None),
        events_dated=_known(events, lambda e: e.start is not None),
    )


def _known(records: Sequence[_R], test: Callable[[_R], bool]) -> Known:
    return Known(sum(1 for record in records if test(record)), len(records))


def _raised(startup: Startup) -> list[FundingRound]:
    """The rounds that raised money: grants are given, not raised."""
    return [r for r in startup.funding if r.kind is not FundingKind.GRANT]


def _all_known_in_euros(rounds: Sequence[FundingRound]) -> bool:
    return all(r.amount is not None and r.currency == "EUR" for r in rounds)


# --- The overview ------------------------------------------------------------------------


@frozen
class PlaceCounts:
    """How many records of each kind a place has."""

    name: str
    subtitle: str | None
    startups: int
    organizations: int
    events: int


@frozen
class Overview:
    """What `normandie` alone shows on a terminal: the ecosystem at a glance."""

    summary: DatasetSummary
    today: date
    cities_with_records: int
    places: tuple[PlaceCounts, ...]  # the three scenes, then the rest of Normandy
    next_events: tuple[Event, ...]
    latest_event: Event | None  # named when nothing is upcoming
    series: tuple[Series, ...]  # the recurring series, shown when nothing is upcoming
    stale: bool


OVERVIEW_EVENTS = 3


def overview(dataset: Dataset, today: date, events: int = OVERVIEW_EVENTS) -> Overview:
    """Counts per kind and per scene, and the next few events as of `today`.

    The scenes are Caen, Rouen and Le Havre with their agglomerations, those the dataset
    knows; every other record counts in 'elsewhere' or, without a city, 'city unknown', so
    the places add up to the totals.
    """
    counts = city_counts(dataset)
    known = {c.id for c in dataset.cities}
    scenes = [resolve_scene(dataset, s) for s in DEFAULT_SCENES if s in known]
    covered = frozenset().union(*(scene.cities for scene in scenes))
    places = []
    for name, subtitle, cities in (
        *((s.name, s.subtitle, s.cities) for s in scenes),
        (_("Elsewhere in Normandy"), None, frozenset(known - covered)),
    ):
        totals = {"startups": 0, "organizations": 0, "events": 0}
        for city in cities:
            for table, n in counts[city].items():
                totals[table] += n
        places.append(PlaceCounts(name, subtitle, **totals))
    cityless = [
        sum(1 for r in records if r.city is None)
        for records in (dataset.startups, dataset.organizations, dataset.events)
    ]
    if any(cityless):
        places.append(PlaceCounts(_("City unknown"), None, *cityless))
    upcoming = filter_events(dataset, EventFilters(today=today, upcoming=True))
    return Overview(
        summary=dataset_summary(dataset),
        today=today,
        cities_with_records=sum(1 for c in counts.values() if any(c.values())),
        places=tuple(places),
        next_events=tuple(upcoming[:events]),
        latest_event=None if upcoming else latest_event(dataset.events),
        series=() if upcoming else tuple(recurring_series(dataset.events, today)),
        stale=is_stale(dataset, today),
    )
