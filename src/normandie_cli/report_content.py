"""What `normandie report` shows, as typed values: the scenes compared, the records placed on
their communes, the timeline, the events to come, what the data does not know, and every
source the page cites. No HTML here: output/report.py draws it."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from normandie_cli.frozen import frozen
from normandie_cli.i18n import localized
from normandie_cli.models import (
    Agglomeration,
    City,
    Dataset,
    Event,
    FormerRegion,
    Meta,
    Organization,
    RecordKind,
    Source,
    Startup,
)
from normandie_cli.places import DEFAULT_SCENES, CompareBy, Scene, compared_scenes
from normandie_cli.query import (
    EventFilters,
    Filters,
    filter_events,
    for_kind,
    select,
    select_events,
)
from normandie_cli.summary import SceneSummary, compare_scenes
from normandie_cli.text import french_sort_key

# The year Basse- and Haute-Normandie became one region: the question the tool grew from.
MERGER_YEAR = 2016
# The timeline spans at most this many years; anything older is counted as "earlier".
TIMELINE_YEARS = 50
# Upcoming events listed on the page, soonest first; the rest are counted.
UPCOMING_SHOWN = 12


@frozen
class Place:
    """A commune with records on the page and coordinates to put them on."""

    city: City
    startups: int
    organizations: int
    events: int

    @property
    def total(self) -> int:
        return self.startups + self.organizations + self.events


@frozen
class Outline:
    """An agglomeration and the (longitude, latitude) of the member communes the data
    lists with coordinates: the shape drawn around them is only as complete as that list."""

    agglomeration: Agglomeration
    points: tuple[tuple[float, float], ...]


class Fact(StrEnum):
    """The facts whose coverage the page reports ("city known for 26 of 93 startups")."""

    CITY = "city"
    ON_MAP = "on-map"
    FOUNDED = "founded"
    SECTORS = "sectors"
    FUNDING = "funding"
    DATE = "date"
    VENUE = "venue"


@frozen
class Known:
    """How many of the records of one kind on the page state a fact."""

    kind: RecordKind
    fact: Fact
    known: int
    total: int


class Lane(StrEnum):
    """The rows of the timeline."""

    STARTUPS = "startups"
    ORGANIZATIONS = "organizations"
    AWARDS = "awards"
    EVENTS = "events"


@frozen
class Timeline:
    """Per lane, how many things happened each year from `first` to `last`; `earlier`
    counts what is older than `first`, `undated` what has no known year."""

    first: int
    last: int
    years: tuple[tuple[Lane, tuple[tuple[int, int], ...]], ...]
    earlier: tuple[tuple[Lane, int], ...]
    undated: tuple[tuple[Lane, int], ...]
    merger_sources: tuple[str, ...]  # what states the 2016 merger: the departments' sources


@frozen
class Series:
    """A recurring event: its editions on the page and the latest dated one."""

    id: str
    editions: int
    latest: Event


@frozen
class CitedSource:
    source: Source
    cited_by: int  # records on the page that cite it


@frozen
class ReportContent:
    """Everything the report shows; `dataset` holds only the records the filters keep."""

    meta: Meta
    today: date
    filters: str  # as typed: '--city rouen --since 2015-01-01'
    by: CompareBy
    dataset: Dataset
    scenes: tuple[SceneSummary, ...]
    communes: tuple[City, ...]  # every commune with coordinates: the region's shape
    places: tuple[Place, ...]
    outlines: tuple[Outline, ...]
    timeline: Timeline
    upcoming: tuple[Event, ...]
    more_upcoming: int  # upcoming events not listed
    series: tuple[Series, ...]  # the recurring series, for when no event is upcoming
    coverage: tuple[Known, ...]
    sources: tuple[CitedSource, ...]


def narrowed(dataset: Dataset, filters: Filters, today: date) -> Dataset:
    """The dataset with its startups, organisations and events narrowed, each kind by the
    filters that apply to it (a --sector narrows the startups, not the organisations)."""
    startups = select(dataset, RecordKind.STARTUP, for_kind(filters, RecordKind.STARTUP), today)
    organizations = select(
        dataset, RecordKind.ORGANIZATION, for_kind(filters, RecordKind.ORGANIZATION), today
    )
    events = select_events(dataset, for_kind(filters, RecordKind.EVENT), today)
    return dataclasses.replace(
        dataset,
        startups=tuple(s for s in startups if isinstance(s, Startup)),
        organizations=tuple(o for o in organizations if isinstance(o, Organization)),
        events=tuple(events),
    )


def report_scenes(
    dataset: Dataset, by: CompareBy, cities: Sequence[str]
) -> tuple[CompareBy, list[Scene]]:
    """The scenes side by side, and how they are drawn: as `compare` has them, but a
    dataset that knows none of Caen, Rouen and Le Havre (another region's) compares its
    own agglomerations, or else its departments, rather than failing."""
    if by is not CompareBy.CITY or cities:
        return by, compared_scenes(dataset, by, cities)
    known = {c.id for c in dataset.cities}
    defaults = [s for s in DEFAULT_SCENES if s in known] or [a.seat for a in dataset.agglomerations]
    if defaults:
        return by, compared_scenes(dataset, by, defaults)
    return CompareBy.DEPARTMENT, compared_scenes(dataset, CompareBy.DEPARTMENT, ())


def report_content(dataset: Dataset, filters: Filters, by: CompareBy, today: date) -> ReportContent:
    """What the report shows of `dataset` under `filters`, scenes compared `by`; by city,
    the scenes are the --city values given."""
    by, scenes = report_scenes(dataset, by, filters.city if by is CompareBy.CITY else ())
    shown = narrowed(dataset, filters, today)
    communes = tuple(
        c for c in dataset.cities if c.latitude is not None and c.longitude is not None
    )
    upcoming = filter_events(shown, EventFilters(today=today, upcoming=True))
    return ReportContent(
        meta=dataset.meta,
        today=today,
        filters=filters.describe(),
        by=by,
        dataset=shown,
        scenes=tuple(compare_scenes(shown, scenes, today)),
        communes=communes,
        places=places(shown),
        outlines=outlines(dataset),
        timeline=timeline(shown),
        upcoming=tuple(upcoming[:UPCOMING_SHOWN]),
        more_upcoming=max(0, len(upcoming) - UPCOMING_SHOWN),
        series=() if upcoming else recurring_series(shown.events),
        coverage=coverage(shown),
        sources=cited_on_page(shown, communes),
    )


def places(dataset: Dataset) -> tuple[Place, ...]:
    """The communes that have records and coordinates, most records first, then by name."""
    counts: dict[str, Counter[RecordKind]] = {}
    for kind in (RecordKind.STARTUP, RecordKind.ORGANIZATION, RecordKind.EVENT):
        for record in dataset.records(kind):
            city = getattr(record, "city", None)
            if city is not None:
                counts.setdefault(city, Counter())[kind] += 1
    found = [
        Place(
            city,
            counts[city.id][RecordKind.STARTUP],
            counts[city.id][RecordKind.ORGANIZATION],
            counts[city.id][RecordKind.EVENT],
        )
        for city in dataset.cities
        if city.id in counts and city.latitude is not None and city.longitude is not None
    ]
    return tuple(sorted(found, key=lambda p: (-p.total, p.city.name, p.city.id)))


def outlines(dataset: Dataset) -> tuple[Outline, ...]:
    """Each agglomeration with the coordinates of its listed member communes."""
    where = {
        c.id: (c.longitude, c.latitude)
        for c in dataset.cities
        if c.latitude is not None and c.longitude is not None
    }
    return tuple(
        Outline(a, tuple(where[m] for m in a.members if m in where)) for a in dataset.agglomerations
    )


def timeline(dataset: Dataset) -> Timeline:
    """Foundings, awards and events per year, and the sources of the 2016 merger.

    The span runs from the earliest year of a startup, an award or an event (organisations
    are often far older: a university's founding would squeeze the rest) to the latest year
    of anything, and at most TIMELINE_YEARS long; older things are counted as earlier."""
    dated: dict[Lane, list[int]] = {
        Lane.STARTUPS: [s.founded.year for s in dataset.startups if s.founded is not None],
        Lane.ORGANIZATIONS: [o.founded.year for o in dataset.organizations if o.founded],
        Lane.AWARDS: [a.year for s in dataset.startups for a in s.awards],
        Lane.EVENTS: [e.start.year for e in dataset.events if e.start is not None],
    }
    undated = {
        Lane.STARTUPS: len(dataset.startups) - len(dated[Lane.STARTUPS]),
        Lane.ORGANIZATIONS: len(dataset.organizations) - len(dated[Lane.ORGANIZATIONS]),
        Lane.AWARDS: 0,  # an award always has its year
        Lane.EVENTS: len(dataset.events) - len(dated[Lane.EVENTS]),
    }
    every_year = [year for years in dated.values() for year in years]
    last = max([*every_year, MERGER_YEAR])
    recent = [y for lane in (Lane.STARTUPS, Lane.AWARDS, Lane.EVENTS) for y in dated[lane]]
    first = max(min([*recent, MERGER_YEAR - 1]), last - TIMELINE_YEARS + 1)
    years = tuple(
        (lane, tuple(sorted(Counter(y for y in found if y >= first).items())))
        for lane, found in dated.items()
    )
    earlier = tuple((lane, sum(1 for y in found if y < first)) for lane, found in dated.items())
    merger_sources = tuple(
        dict.fromkeys(
            source
            for department in dataset.departments
            if department.former_region in FormerRegion
            for source in department.sources
        )
    )
    return Timeline(first, last, years, earlier, tuple(undated.items()), merger_sources)


def recurring_series(events: Sequence[Event]) -> tuple[Series, ...]:
    """The series with two editions or more, the most recently held first; each with its
    latest dated edition. No next date is guessed from the past ones."""
    editions: dict[str, list[Event]] = {}
    for event in events:
        if event.series is not None:
            editions.setdefault(event.series, []).append(event)
    found = []
    for series, members in editions.items():
        dated = [e for e in members if e.last_day is not None]
        if len(members) < 2 or not dated:
            continue
        latest = max(dated, key=lambda e: (e.last_day, e.id))
        found.append(Series(series, len(members), latest))
    found.sort(key=lambda s: (s.latest.last_day, s.id), reverse=True)
    return tuple(found)


def coverage(dataset: Dataset) -> tuple[Known, ...]:
    """For each kind of record on the page, how many state each fact the page uses."""
    located = {c.id for c in dataset.cities if c.latitude is not None and c.longitude is not None}

    def funded(startup: Startup) -> bool:
        # As `compare` sums it: every round with a known amount in euros.
        rounds = startup.funding
        return bool(rounds) and all(r.amount is not None and r.currency == "EUR" for r in rounds)

    checks: tuple[tuple[RecordKind, Fact, Callable[[Any], bool]], ...] = (
        (RecordKind.STARTUP, Fact.CITY, lambda r: r.city is not None),
        (RecordKind.STARTUP, Fact.ON_MAP, lambda r: r.city in located),
        (RecordKind.STARTUP, Fact.FOUNDED, lambda r: r.founded is not None),
        (RecordKind.STARTUP, Fact.SECTORS, lambda r: bool(r.sectors)),
        (RecordKind.STARTUP, Fact.FUNDING, funded),
        (RecordKind.ORGANIZATION, Fact.CITY, lambda r: r.city is not None),
        (RecordKind.ORGANIZATION, Fact.ON_MAP, lambda r: r.city in located),
        (RecordKind.ORGANIZATION, Fact.FOUNDED, lambda r: r.founded is not None),
        (RecordKind.EVENT, Fact.DATE, lambda r: r.start is not None),
        (RecordKind.EVENT, Fact.CITY, lambda r: r.city is not None),
        (RecordKind.EVENT, Fact.ON_MAP, lambda r: r.city in located),
        (RecordKind.EVENT, Fact.VENUE, lambda r: r.venue is not None),
    )
    return tuple(
        Known(
            kind, fact, sum(1 for r in dataset.records(kind) if test(r)), len(dataset.records(kind))
        )
        for kind, fact, test in checks
    )


def cited_on_page(dataset: Dataset, communes: Sequence[City]) -> tuple[CitedSource, ...]:
    """The sources of what the page shows, with how many of its records cite each: the
    records listed, the communes drawn or named, the agglomerations outlined and the
    departments (the scenes and the merger); by publisher, then title (as it is shown)."""
    located: list[Startup | Organization | Event] = [
        *dataset.startups,
        *dataset.organizations,
        *dataset.events,
    ]
    drawn = {c.id for c in communes} | {r.city for r in located if r.city is not None}
    cities = tuple(c for c in dataset.cities if c.id in drawn)
    counts: Counter[str] = Counter()
    records: list[object] = [
        *dataset.startups,
        *dataset.organizations,
        *dataset.events,
        *cities,
        *dataset.agglomerations,
        *dataset.departments,
    ]
    for record in records:
        cited = set(getattr(record, "sources", ()))
        for item in (*getattr(record, "awards", ()), *getattr(record, "funding", ())):
            cited.update(item.sources)
        counts.update(cited)
    found = [CitedSource(s, counts[s.id]) for s in dataset.sources if counts[s.id]]
    found.sort(
        key=lambda c: (
            french_sort_key(c.source.publisher),
            french_sort_key(localized(c.source.title_fr, c.source.title)),
        )
    )
    return tuple(found)
