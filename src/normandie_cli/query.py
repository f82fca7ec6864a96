"""Pure questions asked of a dataset: resolve what people type, select, filter, sort, search."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from normandie_cli.errors import UsageError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import (
    Dataset,
    Event,
    Organization,
    Record,
    RecordKind,
    Startup,
    Status,
)
from normandie_cli.places import Places, communes, departments, regions, union_of_scenes
from normandie_cli.resolve import (
    parse_period_option,
    resolve_kinds,
    resolve_organizers,
    resolve_sectors,
    resolve_tags,
)
from normandie_cli.sorting import check_sort_fields, sort_records
from normandie_cli.text import did_you_mean, fold

# --- Filters -----------------------------------------------------------------------------


def _in_places(city: str | None, *places: Places | None) -> bool:
    """AND across --city and --commune; each set is already an OR of its values."""
    return all(p is None or city in p for p in places)


def _located_in(places: Places, record: Startup | Organization | Event) -> bool:
    return record.city in places


def _check_search(text: str | None) -> None:
    if text is not None and not fold(text):
        raise UsageError(_("the search text needs at least one letter or digit"))


def _matches_text(needle: str | None, haystack: Iterable[str | None]) -> bool:
    if not needle:
        return True
    key = fold(needle)
    return any(key in fold(text) for text in haystack if text)


class StatusChoice(StrEnum):
    """Which startups a listing shows by what is known of their fate."""

    ACTIVE = "active"  # every one not known to be closed: unknown, active or acquired
    CLOSED = "closed"
    ALL = "all"


@frozen
class StartupFilters:
    cities: Places | None = None
    communes: Places | None = None
    sectors: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    founded_since: int | None = None
    founded_until: int | None = None
    search: str | None = None
    status: StatusChoice = StatusChoice.ALL

    def __post_init__(self) -> None:
        _check_search(self.search)
        since, until = self.founded_since, self.founded_until
        if since is not None and until is not None and since > until:
            raise UsageError(
                _("--founded-since {since} is after --founded-until {until}").format(
                    since=since, until=until
                )
            )


def filter_startups(dataset: Dataset, filters: StartupFilters) -> list[Startup]:
    """Startups matching every given filter; any value of a repeated filter will do.

    A founding-year bound leaves out startups whose founding year is unknown.
    """
    sector_names = {s.id: (s.name_fr, s.name_en) for s in dataset.sectors}
    city_names = {c.id: c.name for c in dataset.cities}
    since, until = filters.founded_since, filters.founded_until

    def text_of(s: Startup) -> list[str | None]:
        names = [n for sector in s.sectors for n in sector_names[sector]]
        return [
            s.name,
            s.legal_name,
            *s.former_names,
            s.description,
            s.description_fr,
            *s.tags,
            *names,
            city_names.get(s.city or ""),
        ]

    # Only the filters given are applied, each a pass over what the previous ones kept: on
    # 100,000 startups, checking the unused ones cost more than the filtering itself.
    tests: list[Callable[[Startup], bool]] = []
    for places in (filters.cities, filters.communes):
        if places is not None:
            tests.append(functools.partial(_located_in, places))
    if filters.sectors:
        tests.append(lambda s: not filters.sectors.isdisjoint(s.sectors))
    if filters.tags:
        tests.append(lambda s: not filters.tags.isdisjoint(s.tags))
    if since is not None:
        tests.append(lambda s: s.founded is not None and s.founded.year >= since)
    if until is not None:
        tests.append(lambda s: s.founded is not None and s.founded.year <= until)
    if filters.search:
        tests.append(lambda s: _matches_text(filters.search, text_of(s)))
    if filters.status is not StatusChoice.ALL:
        closed = filters.status is StatusChoice.CLOSED
        tests.append(lambda s: (s.status is Status.CLOSED) is closed)
    kept: Sequence[Startup] = dataset.startups
    for test in tests:
        kept = [s for s in kept if test(s)]
    return list(kept)


@frozen
class OrganizationFilters:
    cities: Places | None = None
    communes: Places | None = None
    kinds: frozenset[str] = frozenset()
    search: str | None = None

    def __post_init__(self) -> None:
        _check_search(self.search)


def filter_organizations(dataset: Dataset, filters: OrganizationFilters) -> list[Organization]:
    city_names = {c.id: c.name for c in dataset.cities}

    def keep(o: Organization) -> bool:
        if not _in_places(o.city, filters.cities, filters.communes):
            return False
        if filters.kinds and o.kind not in filters.kinds:
            return False
        return _matches_text(
            filters.search,
            [
                o.name,
                o.legal_name,
                *o.aliases,
                o.description,
                o.description_fr,
                o.kind,
                city_names.get(o.city or ""),
            ],
        )

    return [o for o in dataset.organizations if keep(o)]


@frozen
class EventFilters:
    """Date bounds are whole days, inclusive; an event counts when any day it may fall on
    is inside them (an event dated only '2026-11' is in range for --since 2026-11-20)."""

    today: date
    upcoming: bool = False
    past: bool = False
    since: date | None = None
    until: date | None = None
    cities: Places | None = None
    communes: Places | None = None
    organizers: frozenset[str] = frozenset()
    search: str | None = None

    def __post_init__(self) -> None:
        _check_search(self.search)
        if self.upcoming and self.past:
            raise UsageError(_("--upcoming and --past exclude each other: choose one"))
        if self.since and self.until and self.since > self.until:
            raise UsageError(
                _("--since {since} is after --until {until}").format(
                    since=self.since, until=self.until
                )
            )


def is_upcoming(event: Event, today: date) -> bool:
    """Not known to be over: its last possible day is today or later."""
    last = event.last_day
    return last is not None and last >= today


def is_past(event: Event, today: date) -> bool:
    """Known to be over: even its last possible day is before today."""
    last = event.last_day
    return last is not None and last < today


def filter_events(
    dataset: Dataset, filters: EventFilters, order: Sequence[str] = (), reverse: bool = False
) -> list[Event]:
    """Events matching the filters; date filters leave out events with no known date.

    Unless `order` names sort fields, events come in date order, past ones most recent
    first; `reverse` turns whichever order around.
    """

    city_names = {c.id: c.name for c in dataset.cities}

    def keep(e: Event) -> bool:
        if filters.upcoming and not is_upcoming(e, filters.today):
            return False
        if filters.past and not is_past(e, filters.today):
            return False
        if filters.since or filters.until:
            if e.start is None or e.last_day is None:
                return False
            if filters.since and e.last_day < filters.since:
                return False
            if filters.until and e.start.first_day > filters.until:
                return False
        if not _in_places(e.city, filters.cities, filters.communes):
            return False
        if filters.organizers and not filters.organizers.intersection(e.organizers):
            return False
        return _matches_text(
            filters.search,
            [
                e.name,
                e.venue,
                e.description,
                e.description_fr,
                e.series,
                city_names.get(e.city or ""),
            ],
        )

    newest_first = filters.past and not order
    kept = [e for e in dataset.events if keep(e)]
    return sort_records(kept, list(order) or ["start"], reverse=newest_first != reverse)


def latest_event(events: Iterable[Event]) -> Event | None:
    """The dated event that ends last, to name when nothing is upcoming."""
    dated = [e for e in events if e.last_day is not None]
    return max(dated, key=lambda e: (e.last_day, e.id)) if dated else None


# --- The one query behind every listing and export ----------------------------------


@frozen
class Filters:
    """A listing's or an export's filters as typed (names, not ids), in the order they are
    described; `select` resolves them against the dataset. A field named `founded_since` is
    the option `--founded-since`."""

    upcoming: bool = False
    past: bool = False
    since: str | None = None
    until: str | None = None
    city: tuple[str, ...] = ()
    commune: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    organizer: tuple[str, ...] = ()
    founded_since: int | None = None
    founded_until: int | None = None
    search: str | None = None
    status: StatusChoice | None = None  # None: listings leave out closed companies

    def describe(self) -> str:
        """'--city rouen --sector fintech': the filters that were given, as typed."""
        parts: list[str] = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value in (None, False, ()):
                continue
            flag = "--" + field.name.replace("_", "-")
            values = value if isinstance(value, tuple) else (value,)
            parts += [flag if value is True else f"{flag} {item}" for item in values]
        return " ".join(parts)


# The kind of record each other filter applies to (see _check_filters).
_ONLY_FOR: dict[str, RecordKind] = {
    "tag": RecordKind.STARTUP,
    "founded_since": RecordKind.STARTUP,
    "founded_until": RecordKind.STARTUP,
    "status": RecordKind.STARTUP,
    "organizer": RecordKind.EVENT,
    "upcoming": RecordKind.EVENT,
    "past": RecordKind.EVENT,
    "since": RecordKind.EVENT,
    "until": RecordKind.EVENT,
}
_LOCATED = (RecordKind.STARTUP, RecordKind.ORGANIZATION, RecordKind.EVENT)


def select(
    dataset: Dataset,
    kind: RecordKind,
    filters: Filters,
    today: date,
    order: Sequence[str] = (),
    reverse: bool = False,
) -> Sequence[Record]:
    """The records of one kind that the filters keep, sorted by `order` (by default in the
    dataset's order, events by date): the one query of every listing and export.

    Raises UsageError for a value that names nothing, or a filter that does not apply to
    this kind of record."""
    if kind is RecordKind.EVENT:
        return select_events(dataset, filters, today, order, reverse)
    _check_filters(kind, filters)
    cities = places_of(dataset, filters)
    in_communes = communes(dataset, filters.commune)
    if kind is RecordKind.STARTUP:
        startups = StartupFilters(
            cities=cities,
            communes=in_communes,
            sectors=resolve_sectors(dataset, filters.sector),
            tags=resolve_tags(dataset, filters.tag),
            founded_since=filters.founded_since,
            founded_until=filters.founded_until,
            search=filters.search,
            status=filters.status or StatusChoice.ACTIVE,
        )
        return sort_records(
            filter_startups(dataset, startups), check_sort_fields(kind, order), reverse
        )
    if kind is RecordKind.ORGANIZATION:
        organizations = OrganizationFilters(
            cities=cities,
            communes=in_communes,
            kinds=resolve_kinds(dataset, filters.kind),
            search=filters.search,
        )
        return sort_records(
            filter_organizations(dataset, organizations), check_sort_fields(kind, order), reverse
        )
    if kind is RecordKind.CITY:
        found: Sequence[Record] = [
            c
            for c in dataset.cities
            if _in_places(c.id, cities, in_communes)
            and _matches_text(filters.search, [c.name, *c.aliases])
        ]
    elif kind is RecordKind.SOURCE:
        found = [
            s
            for s in dataset.sources
            if _matches_text(filters.search, [s.id, s.title, s.title_fr, s.publisher, s.url])
        ]
    else:
        found = dataset.records(kind)
    return sort_records(found, check_sort_fields(kind, order), reverse)


def select_events(
    dataset: Dataset,
    filters: Filters,
    today: date,
    order: Sequence[str] = (),
    reverse: bool = False,
) -> list[Event]:
    """`select` for events, typed as events."""
    _check_filters(RecordKind.EVENT, filters)
    events = EventFilters(
        today=today,
        upcoming=filters.upcoming,
        past=filters.past,
        since=None
        if filters.since is None
        else parse_period_option(filters.since, "--since").first_day,
        until=None
        if filters.until is None
        else parse_period_option(filters.until, "--until").last_day,
        cities=places_of(dataset, filters),
        communes=communes(dataset, filters.commune),
        organizers=resolve_organizers(dataset, filters.organizer),
        search=filters.search,
    )
    return filter_events(dataset, events, check_sort_fields(RecordKind.EVENT, order), reverse)


def places_of(dataset: Dataset, filters: Filters) -> Places | None:
    """The cities --city, --department and --region keep: each a union of its values, and
    all of those given at once (--commune is checked apart); None when none is given."""
    given = [
        found
        for found in (
            union_of_scenes(dataset, filters.city),
            departments(dataset, filters.department),
            regions(dataset, filters.region),
        )
        if found is not None
    ]
    return frozenset.intersection(*given) if given else None


def for_kind(filters: Filters, kind: RecordKind) -> Filters:
    """The filters that apply to this kind of record, without the others: a page of every
    kind (`report`) narrows each kind by what concerns it. Place filters apply to all."""
    only = {**_ONLY_FOR, "sector": RecordKind.STARTUP, "kind": RecordKind.ORGANIZATION}
    other: dict[str, Any] = {
        field.name: field.default
        for field in dataclasses.fields(filters)
        if only.get(field.name, kind) is not kind
    }
    return dataclasses.replace(filters, **other)


def _check_filters(kind: RecordKind, filters: Filters) -> None:
    if filters.sector and kind is not RecordKind.STARTUP:
        raise UsageError(_("--sector applies to --entity startups"))
    if filters.kind and kind is not RecordKind.ORGANIZATION:
        raise UsageError(_("--kind applies to --entity organizations"))
    if (filters.city or filters.commune or filters.department or filters.region) and (
        kind not in (*_LOCATED, RecordKind.CITY)
    ):
        located = _(
            "--city, --commune, --department and --region apply to startups, organizations,"
            " events and cities"
        )
        raise UsageError(located)
    for name, only in _ONLY_FOR.items():
        if getattr(filters, name) not in (None, False, ()) and kind is not only:
            refused = _("--{option} applies to {table} only")
            raise UsageError(refused.format(option=name.replace("_", "-"), table=only.value))
    _check_search(filters.search)


# --- Finding -----------------------------------------------------------------------------


def find_record(dataset: Dataset, record_id: str) -> tuple[RecordKind, Record]:
    """A record of any kind by id; the typed id is folded, so 'Le Havre' finds 'le-havre'."""
    key = fold(record_id)
    for kind in RecordKind:
        for record in dataset.records(kind):
            if record.id == key:
                return kind, record
    for retired in dataset.retired:
        if retired.record.id == key:
            from normandie_cli.overlay import retired_note

            raise UsageError(retired_note(retired.retirement))
    all_ids = [r.id for kind in RecordKind for r in dataset.records(kind)]
    raise UsageError(
        _(
            "no record has the id {id!r}{suggestion}. Try `normandie search TEXT` to find one."
        ).format(id=record_id, suggestion=did_you_mean(record_id, all_ids))
    )


def search_all(dataset: Dataset, text: str) -> dict[RecordKind, list[Record]]:
    """Records of every kind whose text (names, descriptions, city…) contains the text,
    grouped by kind, each group in name order."""
    _check_search(text)
    startups = filter_startups(dataset, StartupFilters(search=text))
    organizations = filter_organizations(dataset, OrganizationFilters(search=text))
    # No date filter is set, so the day taken as today plays no part.
    events = filter_events(dataset, EventFilters(today=date.min, search=text))
    cities = [c for c in dataset.cities if _matches_text(text, [c.name, *c.aliases])]
    found: dict[RecordKind, list[Any]] = {
        RecordKind.STARTUP: startups,
        RecordKind.ORGANIZATION: organizations,
        RecordKind.EVENT: events,
        RecordKind.CITY: cities,
    }
    return {kind: sort_records(records, ["name"]) for kind, records in found.items() if records}
