"""Pure questions asked of a dataset: resolve what people type, filter, sort, search, compare."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from normandie_cli.errors import UsageError
from normandie_cli.i18n import _
from normandie_cli.models import (
    RECORD_TYPES,
    City,
    Dataset,
    Event,
    FormerRegion,
    FundingKind,
    Organization,
    PartialDate,
    Record,
    RecordKind,
    Source,
    Startup,
    Term,
)
from normandie_cli.text import did_you_mean, fold, french_sort_key

_T = TypeVar("_T", bound=Record)

DEFAULT_SCENES = ("caen", "rouen", "le-havre")

# The columns listings show unless --columns says otherwise; the id comes first so that
# `normandie startups | cut -f1` gives ids.
DEFAULT_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.STARTUP: ("id", "name", "city", "sectors", "founded"),
    RecordKind.ORGANIZATION: ("id", "name", "kind", "city"),
    RecordKind.EVENT: ("id", "name", "start", "end", "city"),
    RecordKind.CITY: (
        "id",
        "name",
        "department",
        "agglomeration",
        "startups",
        "organizations",
        "events",
    ),
    RecordKind.SOURCE: ("id", "publisher", "date", "cited_by", "title"),
    RecordKind.AGGLOMERATION: ("id", "name", "seat"),
    RecordKind.SECTOR: ("id", "name_fr", "name_en"),
}

# A terminal is narrower than a spreadsheet: cities are found by name, so no id column.
TABLE_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.CITY: ("name", "department", "agglomeration", "startups", "organizations", "events"),
}

SORT_FIELDS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.STARTUP: ("name", "id", "city", "founded"),
    RecordKind.ORGANIZATION: ("name", "id", "kind", "city", "founded"),
    RecordKind.EVENT: ("start", "name", "id", "city"),
}


# --- What people type ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scene:
    """A place as people talk about it: a city's whole agglomeration, or one commune."""

    id: str
    name: str
    cities: frozenset[str]
    subtitle: str | None = None  # what the scene is: its agglomeration, or its departments
    cityless: bool = False  # stands for the records whose city is unknown


def resolve_scene(dataset: Dataset, text: str) -> Scene:
    """'rouen', 'Rouen' or 'le petit-quevilly' -> the Rouen agglomeration's communes.

    An agglomeration's own name works too. A commune outside any agglomeration is a scene
    of its own. Raises UsageError with suggestions when nothing matches.
    """
    key = fold(text)
    for agglomeration in dataset.agglomerations:
        if key in (fold(agglomeration.id), fold(agglomeration.name)):
            return _agglomeration_scene(dataset, agglomeration.id)
    city = resolve_commune(dataset, text)
    if city.agglomeration is None:
        return Scene(city.id, city.name, frozenset({city.id}))
    return _agglomeration_scene(dataset, city.agglomeration)


def _agglomeration_scene(dataset: Dataset, agglomeration_id: str) -> Scene:
    agglomeration = next(a for a in dataset.agglomerations if a.id == agglomeration_id)
    seat = next(c for c in dataset.cities if c.id == agglomeration.seat)
    return Scene(seat.id, seat.name, frozenset(agglomeration.members), agglomeration.name)


class CompareBy(StrEnum):
    """What `compare` puts side by side."""

    CITY = "city"
    REGION = "region"
    DEPARTMENT = "department"


REGION_NAMES = {
    FormerRegion.BASSE_NORMANDIE: "Basse-Normandie",
    FormerRegion.HAUTE_NORMANDIE: "Haute-Normandie",
}


def _cityless() -> Scene:
    """The scene of the records whose city is unknown (named in the chosen language)."""
    return Scene("city-unknown", _("City unknown"), frozenset(), _("records with no city"), True)


def region_scenes(dataset: Dataset) -> list[Scene]:
    """The two former regions (the 2016 merger), then the records whose city is unknown."""
    scenes = []
    for region, name in REGION_NAMES.items():
        departments = [d for d in dataset.departments if d.former_region is region]
        cities = frozenset(c.id for c in dataset.cities if c.former_region is region)
        subtitle = ", ".join(d.name for d in departments)
        scenes.append(Scene(region.value, name, cities, subtitle))
    return [*scenes, _cityless()]


def department_scenes(dataset: Dataset) -> list[Scene]:
    """Each department, then the records whose city is unknown."""
    scenes = [
        Scene(
            d.id,
            d.name,
            frozenset(c.id for c in dataset.cities if c.department == d.id),
            REGION_NAMES[d.former_region],
        )
        for d in sort_records(dataset.departments, ["id"])
    ]
    return [*scenes, _cityless()]


def resolve_commune(dataset: Dataset, text: str) -> City:
    """One commune by id, name or alias, ignoring case, accents and separators.

    An id wins over a name and a name over an alias; a name shared by several communes
    (there are Bénouvilles in Calvados and in Seine-Maritime) asks which one is meant.
    """
    key = fold(text)
    for names_of in (
        lambda c: (c.id,),
        lambda c: (c.name,),
        lambda c: c.aliases,
    ):
        found = [c for c in dataset.cities if key in {fold(n) for n in names_of(c)}]
        if len(found) == 1:
            return found[0]
        if found:
            choices = ", ".join(f"{c.id} ({c.name}, {c.department})" for c in found)
            raise UsageError(
                _("{text!r} names several communes: {choices}. Give the id.").format(
                    text=text, choices=choices
                )
            )
    names = [name for city in dataset.cities for name in (city.name, *city.aliases)]
    raise UsageError(
        _(
            "unknown city {text!r}{suggestion}. Run `normandie cities --all` to see the known"
            " cities."
        ).format(text=text, suggestion=did_you_mean(text, names))
    )


def resolve_term(unknown: str, terms: Sequence[Term], text: str) -> str:
    """A vocabulary id from an id or a French/English label, as people type it; `unknown` is
    the message for a word that is none of them."""
    key = fold(text)
    for term in terms:
        if key in (term.id, fold(term.name_fr), fold(term.name_en)):
            return term.id
    names = [n for t in terms for n in (t.id, t.name_fr, t.name_en)]
    raise UsageError(
        unknown.format(
            text=text,
            suggestion=did_you_mean(text, names),
            known=", ".join(sorted(t.id for t in terms)),
        )
    )


def _resolve_terms(unknown: str, terms: Sequence[Term], texts: Iterable[str]) -> frozenset[str]:
    return frozenset(resolve_term(unknown, terms, text) for text in texts)


def resolve_sectors(dataset: Dataset, texts: Iterable[str]) -> frozenset[str]:
    unknown = _("unknown sector {text!r}{suggestion}. Known sectors: {known}.")
    return _resolve_terms(unknown, dataset.sectors, texts)


def resolve_kinds(dataset: Dataset, texts: Iterable[str]) -> frozenset[str]:
    unknown = _("unknown kind {text!r}{suggestion}. Known kinds: {known}.")
    return _resolve_terms(unknown, dataset.organization_kinds, texts)


def resolve_tags(dataset: Dataset, texts: Iterable[str]) -> frozenset[str]:
    known = sorted({tag for startup in dataset.startups for tag in startup.tags})
    unknown = _("unknown tag {text!r}{suggestion}. Known tags: {known}.")
    return frozenset(_resolve_choice(unknown, texts, known))


def resolve_organizers(dataset: Dataset, texts: Iterable[str]) -> frozenset[str]:
    """Organiser ids (organisations or startups) from ids, names or aliases."""
    candidates: list[tuple[str, tuple[str, ...]]] = [
        (o.id, (o.id, o.name, *o.aliases)) for o in dataset.organizations
    ]
    candidates += [(s.id, (s.id, s.name, *s.former_names)) for s in dataset.startups]
    resolved = set()
    for text in texts:
        key = fold(text)
        match = next((i for i, names in candidates if key in {fold(n) for n in names}), None)
        if match is None:
            names = [name for _, names in candidates for name in names[1:]]
            raise UsageError(
                _("unknown organizer {text!r}{suggestion}.").format(
                    text=text, suggestion=did_you_mean(text, names)
                )
            )
        resolved.add(match)
    return frozenset(resolved)


def _resolve_choice(unknown: str, texts: Iterable[str], known: Sequence[str]) -> list[str]:
    by_key = {fold(k): k for k in known}
    resolved = []
    for text in texts:
        match = by_key.get(fold(text))
        if match is None:
            raise UsageError(
                unknown.format(
                    text=text, suggestion=did_you_mean(text, known), known=", ".join(known)
                )
            )
        resolved.append(match)
    return resolved


def union_of_scenes(dataset: Dataset, texts: Sequence[str]) -> frozenset[str] | None:
    """The city ids that --city values cover (OR within the flag); None when not given."""
    if not texts:
        return None
    return frozenset().union(*(resolve_scene(dataset, t).cities for t in texts))


def communes(dataset: Dataset, texts: Sequence[str]) -> frozenset[str] | None:
    """The city ids that --commune values name; None when not given."""
    if not texts:
        return None
    return frozenset(resolve_commune(dataset, t).id for t in texts)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date_option(text: str, option: str) -> date:
    """A whole day written YYYY-MM-DD, as --since, --until and --today take it."""
    try:
        if not _ISO_DAY.fullmatch(text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            _("{option} takes a date like 2026-11-19 (year-month-day), got {text!r}").format(
                option=option, text=text
            )
        ) from None


# --- Filters -----------------------------------------------------------------------------


def _in_places(city: str | None, *places: frozenset[str] | None) -> bool:
    """AND across --city and --commune; each set is already an OR of its values."""
    return all(p is None or city in p for p in places)


def _located_in(places: frozenset[str], record: Startup | Organization | Event) -> bool:
    return record.city in places


def _check_search(text: str | None) -> None:
    if text is not None and not fold(text):
        raise UsageError(_("the search text needs at least one letter or digit"))


def _matches_text(needle: str | None, haystack: Iterable[str | None]) -> bool:
    if not needle:
        return True
    key = fold(needle)
    return any(key in fold(text) for text in haystack if text)


@dataclass(frozen=True, slots=True)
class StartupFilters:
    cities: frozenset[str] | None = None
    communes: frozenset[str] | None = None
    sectors: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    founded_since: int | None = None
    founded_until: int | None = None
    search: str | None = None

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
    kept: Sequence[Startup] = dataset.startups
    for test in tests:
        kept = [s for s in kept if test(s)]
    return list(kept)


@dataclass(frozen=True, slots=True)
class OrganizationFilters:
    cities: frozenset[str] | None = None
    communes: frozenset[str] | None = None
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
                o.kind,
                city_names.get(o.city or ""),
            ],
        )

    return [o for o in dataset.organizations if keep(o)]


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Date bounds are whole days, inclusive; an event counts when any day it may fall on
    is inside them (an event dated only '2026-11' is in range for --since 2026-11-20)."""

    today: date
    upcoming: bool = False
    past: bool = False
    since: date | None = None
    until: date | None = None
    cities: frozenset[str] | None = None
    communes: frozenset[str] | None = None
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
            [e.name, e.venue, e.description, e.series, city_names.get(e.city or "")],
        )

    newest_first = filters.past and not order
    kept = [e for e in dataset.events if keep(e)]
    return sort_records(kept, list(order) or ["start"], reverse=newest_first != reverse)


def latest_event(events: Iterable[Event]) -> Event | None:
    """The dated event that ends last, to name when nothing is upcoming."""
    dated = [e for e in events if e.last_day is not None]
    return max(dated, key=lambda e: (e.last_day, e.id)) if dated else None


# --- Sorting and columns ---------------------------------------------------------------


def _sort_value(record: Record, field: str) -> Any:
    value = getattr(record, field)
    if isinstance(value, str):
        return french_sort_key(value)
    if isinstance(value, PartialDate):
        return (value.first_day, value.last_day)
    return value


def sort_records(records: Iterable[_T], fields: Sequence[str], reverse: bool = False) -> list[_T]:
    """Sort by each field in turn (French order for text); unknown values always go last."""
    result = list(records)
    for field in reversed(fields):
        known = [r for r in result if getattr(r, field) is not None]
        unknown = [r for r in result if getattr(r, field) is None]
        known.sort(key=lambda r: _sort_value(r, field), reverse=reverse)
        result = known + unknown
    return result


def check_sort_fields(kind: RecordKind, fields: Sequence[str]) -> list[str]:
    """The --sort fields, checked against what this kind of record can be sorted by."""
    valid = SORT_FIELDS[kind]
    for field in fields:
        if field not in valid:
            raise UsageError(
                _("cannot sort by {field!r}{suggestion}. Sort keys: {keys}.").format(
                    field=field, suggestion=did_you_mean(field, valid), keys=", ".join(valid)
                )
            )
    return list(fields)


def field_names(kind: RecordKind) -> tuple[str, ...]:
    """Every field a record of this kind has in machine output, in schema order."""
    fields = tuple(f.name for f in dataclasses.fields(RECORD_TYPES[kind]))
    return fields + _COUNTED.get(kind, ())


def parse_columns(kind: RecordKind, text: str | None) -> tuple[str, ...] | None:
    """'name,city' -> ('name', 'city'); an unknown name is a UsageError listing the valid ones."""
    if text is None:
        return None
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    valid = field_names(kind)
    for name in wanted:
        if name not in valid:
            raise UsageError(
                _("unknown column {name!r}{suggestion}. Valid columns: {columns}.").format(
                    name=name, suggestion=did_you_mean(name, valid), columns=", ".join(valid)
                )
            )
    if not wanted:
        raise UsageError(
            _("--columns needs at least one column. Valid columns: {columns}.").format(
                columns=", ".join(valid)
            )
        )
    return tuple(wanted)


# Counts listed with the fields: a city's records, a source's citing records.
_COUNTED: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.CITY: ("startups", "organizations", "events"),
    RecordKind.SOURCE: ("cited_by",),
}


def record_rows(records: Sequence[Record], dataset: Dataset) -> list[dict[str, Any]]:
    """Every field of each record, by name, as model values, with the counts that belong to
    its kind (a city's records, a source's citations), each count worked out once."""
    counts: dict[str, Mapping[str, int]] = {}
    if any(isinstance(r, City) for r in records):
        counts.update(city_counts(dataset))
    if any(isinstance(r, Source) for r in records):
        from normandie_cli.quality import cited_sources

        counts.update({s: {"cited_by": n} for s, n in cited_sources(dataset).items()})
    rows = []
    for record in records:
        values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
        if isinstance(record, City | Source):
            values.update(counts[record.id])
        rows.append(values)
    return rows


# --- Summaries -----------------------------------------------------------------------------


def city_counts(dataset: Dataset) -> dict[str, dict[str, int]]:
    """For each city id: how many startups, organisations and events it has."""
    counts = {c.id: {"startups": 0, "organizations": 0, "events": 0} for c in dataset.cities}
    tables: tuple[tuple[str, Sequence[Startup | Organization | Event]], ...] = (
        ("startups", dataset.startups),
        ("organizations", dataset.organizations),
        ("events", dataset.events),
    )
    for name, records in tables:
        for record in records:
            if record.city is not None:
                counts[record.city][name] += 1
    return counts


def find_record(dataset: Dataset, record_id: str) -> tuple[RecordKind, Record]:
    """A record of any kind by id; the typed id is folded, so 'Le Havre' finds 'le-havre'."""
    key = fold(record_id)
    for kind in RecordKind:
        for record in dataset.records(kind):
            if record.id == key:
                return kind, record
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


@dataclass(frozen=True, slots=True)
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
    median_founded: float | None
    top_sectors: tuple[tuple[str, int], ...]
    awards: int
    funding_total: int
    funded_known: int  # startups with money raised, every round of it known in euros
    organizations: int
    organizations_by_kind: tuple[tuple[str, int], ...]
    events: int
    events_by_year: tuple[tuple[int, int], ...]
    upcoming_events: int


def _ranked(counter: Counter[str], top: int | None = None) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top])


def compare_scenes(
    dataset: Dataset, scenes: Sequence[Scene], today: date, top: int = 3
) -> list[SceneSummary]:
    """Side-by-side metrics for each scene; sectors and kinds ranked by count, then by id."""
    import statistics

    summaries = []
    for scene in scenes:

        def inside(record: Startup | Organization | Event, scene: Scene = scene) -> bool:
            if scene.cityless:
                return record.city is None
            return record.city in scene.cities

        startups = [s for s in dataset.startups if inside(s)]
        organizations = [o for o in dataset.organizations if inside(o)]
        events = [e for e in dataset.events if inside(e)]
        years = [s.founded.year for s in startups if s.founded is not None]
        raised = [[r for r in s.funding if r.kind is not FundingKind.GRANT] for s in startups]
        amounts = [
            sum(r.amount for r in rounds if r.amount is not None)
            for rounds in raised
            if rounds and all(r.amount is not None and r.currency == "EUR" for r in rounds)
        ]
        event_years = Counter(e.start.year for e in events if e.start is not None)
        summaries.append(
            SceneSummary(
                scene=scene,
                startups=len(startups),
                founded_known=len(years),
                founded_recently=sum(1 for y in years if today.year - 5 < y <= today.year),
                median_founded=float(statistics.median(years)) if years else None,
                top_sectors=_ranked(Counter(x for s in startups for x in s.sectors), top),
                awards=sum(len(s.awards) for s in startups),
                funding_total=sum(amounts),
                funded_known=len(amounts),
                organizations=len(organizations),
                organizations_by_kind=_ranked(Counter(o.kind for o in organizations)),
                events=len(events),
                events_by_year=tuple(sorted(event_years.items())),
                upcoming_events=sum(1 for e in events if is_upcoming(e, today)),
            )
        )
    return summaries


@dataclass(frozen=True, slots=True)
class Attribution:
    """A source reused under a licence, credited as the licence asks (publisher, dataset,
    date of last update)."""

    licence: str
    publisher: str
    title: str
    updated: str | None
    url: str


@dataclass(frozen=True, slots=True)
class DatasetSummary:
    title: str
    version: str
    updated: str
    licence: str
    counts: dict[str, int]
    attributions: tuple[Attribution, ...]


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
    return DatasetSummary(
        meta.title, meta.version, str(meta.updated), meta.licence, counts, attributions
    )


def summary_rows(summary: DatasetSummary) -> list[dict[str, str]]:
    """`normandie info` as field/value rows, for TSV and CSV: nothing of the table is lost."""
    rows = [
        {"field": "title", "value": summary.title},
        {"field": "version", "value": summary.version},
        {"field": "updated", "value": summary.updated},
        {"field": "licence", "value": summary.licence},
    ]
    rows += [{"field": kind, "value": str(count)} for kind, count in summary.counts.items()]
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
    """One flat object per scene, as `compare --format json|csv` writes it."""
    return [
        {
            "scene": s.scene.id,
            "name": s.scene.name,
            "startups": s.startups,
            "founded_known": s.founded_known,
            "founded_last_5_years": s.founded_recently,
            "median_founded": s.median_founded,
            "top_sectors": [f"{sector}:{count}" for sector, count in s.top_sectors],
            "awards": s.awards,
            "funding_total_eur": s.funding_total,
            "startups_with_known_funding": s.funded_known,
            "startups_without_known_funding": s.startups - s.funded_known,
            "organizations": s.organizations,
            "organizations_by_kind": [f"{kind}:{n}" for kind, n in s.organizations_by_kind],
            "events": s.events,
            "events_by_year": [f"{year}:{n}" for year, n in s.events_by_year],
            "upcoming_events": s.upcoming_events,
        }
        for s in summaries
    ]


# --- The overview ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceCounts:
    """How many records of each kind a place has."""

    name: str
    subtitle: str | None
    startups: int
    organizations: int
    events: int


@dataclass(frozen=True, slots=True)
class Overview:
    """What `normandie` alone shows on a terminal: the ecosystem at a glance."""

    summary: DatasetSummary
    today: date
    cities_with_records: int
    places: tuple[PlaceCounts, ...]  # the three scenes, then the rest of Normandy
    next_events: tuple[Event, ...]
    latest_event: Event | None  # named when nothing is upcoming
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
        stale=is_stale(dataset, today),
    )
