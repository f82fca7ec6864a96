"""The records of the dataset, as frozen typed values; no I/O here."""

from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import field
from datetime import date
from enum import Enum, StrEnum
from typing import Any

from normandie_cli.frozen import frozen
from normandie_cli.i18n import _

_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
# The last year a date may have: a calendar entry ends the day after its last day, and the
# day after 9999-12-31 does not exist, so every date a dataset holds can go in every export.
LAST_YEAR = 9998


@frozen
class PartialDate:
    """A date known to the year, the month or the day, as sources often give only part."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= LAST_YEAR:
            raise ValueError(_("year {year} is out of range").format(year=self.year))
        if self.day is not None and self.month is None:
            raise ValueError(_("a day needs a month"))
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(_("month {month} does not exist").format(month=self.month))
        if self.day is not None and self.month is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                no_day = _("{year:04d}-{month:02d} has no day {day}")
                raise ValueError(no_day.format(year=self.year, month=self.month, day=self.day))

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; raise ValueError on anything else."""
        match = _PARTIAL_DATE.fullmatch(text.strip())
        if match is None:
            raise ValueError(
                _("{text!r} is not a date like 2015, 2015-11 or 2015-11-19").format(text=text)
            )
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        return cls(year, month, day)

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def first_day(self) -> date:
        """The earliest day this date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        """The latest day this date can mean."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


class Status(StrEnum):
    """What is known of a startup's fate."""

    ACTIVE = "active"
    ACQUIRED = "acquired"
    CLOSED = "closed"


class CityBasis(StrEnum):
    """How a record's commune is known when its source does not simply state it; a record
    without one has a commune its source names as where it is."""

    # The source names the venue but not its town: the commune is the one other records give
    # the same venue.
    INFERRED = "inferred"
    # A source places the company there at a date (its premises, its host, its founders); its
    # registered office may be elsewhere.
    PREMISES = "premises"


class FundingKind(StrEnum):
    """What a funding round is, when its source says: only equity and loans are money raised
    from investors; a grant is public money given, and compare does not add it in."""

    EQUITY = "equity"
    LOAN = "loan"
    GRANT = "grant"


class FormerRegion(StrEnum):
    """The two regions that merged into Normandie on 1 January 2016."""

    BASSE_NORMANDIE = "basse-normandie"
    HAUTE_NORMANDIE = "haute-normandie"


def derived(**kwargs: object) -> Any:
    """A field the loader computes from other records; it is never written in the TOML."""
    return field(default=None, metadata={"derived": True}, **kwargs)  # type: ignore[call-overload]


class RecordKind(StrEnum):
    """The tables of the dataset whose records have ids; the value is the table name."""

    SOURCE = "sources"
    SECTOR = "sectors"
    ORGANIZATION_KIND = "organization_kinds"
    EVENT_KIND = "event_kinds"
    CONTEST = "contests"
    DEPARTMENT = "departments"
    AGGLOMERATION = "agglomerations"
    CITY = "cities"
    STARTUP = "startups"
    ORGANIZATION = "organizations"
    EVENT = "events"


@frozen
class Meta:
    title: str
    version: str
    updated: PartialDate
    licence: str


@frozen
class Source:
    id: str
    title: str
    publisher: str
    url: str
    date: PartialDate | None = None
    licence: str | None = None  # for open data: the reuse licence, e.g. "Licence Ouverte 2.0"
    title_fr: str | None = None  # the original French title, when `title` is our English


@frozen
class Term:
    """A word of one of the data's vocabularies (sectors, kinds, contests), in both languages."""

    id: str
    name_fr: str
    name_en: str


@frozen
class Department:
    """A département; its id is its code ('14')."""

    id: str
    name: str
    former_region: FormerRegion
    sources: tuple[str, ...]


@frozen
class Agglomeration:
    """An intercommunal body (Caen la Mer, Métropole Rouen Normandie…): a city's scene."""

    id: str
    name: str
    seat: str
    members: tuple[str, ...]
    sources: tuple[str, ...]


@frozen
class City:
    """A commune."""

    id: str
    name: str
    insee: str
    department: str
    sources: tuple[str, ...]
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    population_year: int | None = None
    aliases: tuple[str, ...] = ()
    agglomeration: str | None = derived()
    former_region: FormerRegion | None = derived()


@frozen
class Award:
    """A contest won, in one year; a grant is an award with an amount, not a funding round."""

    contest: str
    year: int
    category: str | None = None
    project: str | None = None
    domain: str | None = None  # the contest's own label for the technology domain
    prize: str | None = None
    amount: int | None = None  # euros
    sources: tuple[str, ...] = ()


@frozen
class FundingRound:
    sources: tuple[str, ...]
    amount: int | None = None
    currency: str = "EUR"
    date: PartialDate | None = None
    investors: tuple[str, ...] = ()
    kind: FundingKind | None = None  # None: the source does not say


# The fields that hold lists of tables ([[startups.awards]]…) rather than plain values.
NESTED_FIELDS = ("awards", "funding")
# Whole numbers that are years (an award's, a census's): in the range PartialDate accepts,
# and never grouped by thousands as other numbers are shown.
YEAR_FIELDS = frozenset({"year", "population_year", "rnsr_since", "headcount_year"})
# Texts a record may carry in French as well as in English: the field of the French. People
# reading French see it in place of the English; machine formats carry both, untranslated.
FRENCH_FIELDS = {"description": "description_fr", "title": "title_fr"}


@frozen
class Startup:
    id: str
    name: str
    sources: tuple[str, ...]
    legal_name: str | None = None  # as the company register writes it, when `name` differs
    city: str | None = None
    city_basis: CityBasis | None = None
    sectors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    founded: PartialDate | None = None
    status: Status | None = None
    website: str | None = None
    siren: str | None = None
    hosted_by: tuple[str, ...] = ()
    research_units: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    awards: tuple[Award, ...] = ()
    funding: tuple[FundingRound, ...] = ()
    description: str | None = None
    description_fr: str | None = None  # the same description in French
    # What the company register states (see updates.py), or a source that says the same.
    activity: str | None = None  # NAF rév. 2 code of the main activity, e.g. "62.01Z"
    headcount: str | None = None  # INSEE headcount band code, e.g. "11" (10 to 19 employees)
    headcount_year: int | None = None  # the year that band is for
    closed: PartialDate | None = None  # the day the company ceased, when it has


@frozen
class Organization:
    id: str
    name: str
    kind: str
    sources: tuple[str, ...]
    legal_name: str | None = None  # as a register (Sirene, RNSR) writes it, when `name` differs
    city: str | None = None
    city_basis: CityBasis | None = None
    aliases: tuple[str, ...] = ()
    founded: PartialDate | None = None
    website: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    siren: str | None = None
    rnsr: str | None = None
    # The year the research register gives the structure: often when its current number was
    # issued (renewed with each contract), not when the lab was founded.
    rnsr_since: int | None = None
    parents: tuple[str, ...] = ()
    description: str | None = None
    description_fr: str | None = None  # the same description in French


@frozen
class Event:
    id: str
    name: str
    sources: tuple[str, ...]
    kind: str | None = None
    series: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    city: str | None = None
    city_basis: CityBasis | None = None
    venue: str | None = None
    online: bool = False
    organizers: tuple[str, ...] = ()
    url: str | None = None
    description: str | None = None
    description_fr: str | None = None  # the same description in French

    @property
    def last_day(self) -> date | None:
        """The latest day the event can still be running, if its date is known."""
        last = self.end or self.start
        return None if last is None else last.last_day


@frozen
class Retirement:
    """An overlay's statement that a record is no longer true (a startup closed, an event
    cancelled): the record is hidden, and the reason and its sources kept."""

    id: str
    reason: str
    sources: tuple[str, ...]
    # The day `normandie retire` wrote it (none in an entry written by hand).
    retired_on: PartialDate | None = None


Record = Source | Term | Department | Agglomeration | City | Startup | Organization | Event


@frozen
class Retired:
    """A record an overlay hides, as the dataset has it, and the overlay's word on why. The
    sources of both stay cited: they state what was true until then, and why it no longer
    is (quality.cited_sources)."""

    record: Record
    retirement: Retirement


@frozen
class FieldOrigin:
    """A field of a record that the updates layer filled: from which source, checked when."""

    record: str
    field: str
    source: str
    checked: PartialDate


@frozen
class Conflict:
    """A field the register states otherwise than the curated record: the curated value is
    kept, and `normandie validate` lists both, each with its sources."""

    record: str
    field: str
    kept: str
    kept_sources: tuple[str, ...]
    register: str
    source: str
    checked: PartialDate


@frozen
class UpdatesInfo:
    """What the updates layer (`normandie update`) brought to a dataset."""

    path: str
    refreshed: PartialDate
    sources: tuple[str, ...]  # the ids of the layer's own sources
    filled: tuple[FieldOrigin, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    added: tuple[str, ...] = ()  # ids of the startups the layer adds (new laureates)


@frozen
class Dataset:
    """Everything loaded and validated: references between records are known to resolve."""

    meta: Meta
    sources: tuple[Source, ...]
    sectors: tuple[Term, ...]
    organization_kinds: tuple[Term, ...]
    event_kinds: tuple[Term, ...]
    contests: tuple[Term, ...]
    departments: tuple[Department, ...]
    agglomerations: tuple[Agglomeration, ...]
    cities: tuple[City, ...]
    startups: tuple[Startup, ...]
    organizations: tuple[Organization, ...]
    events: tuple[Event, ...]
    updates: UpdatesInfo | None = None  # None when read without an updates layer
    retired: tuple[Retired, ...] = ()  # what the overlay hides

    def records(self, kind: RecordKind) -> tuple[Record, ...]:
        table: tuple[Record, ...] = getattr(self, kind.value)
        return table


RECORD_TYPES: dict[RecordKind, type[Record]] = {
    RecordKind.SOURCE: Source,
    RecordKind.SECTOR: Term,
    RecordKind.ORGANIZATION_KIND: Term,
    RecordKind.EVENT_KIND: Term,
    RecordKind.CONTEST: Term,
    RecordKind.DEPARTMENT: Department,
    RecordKind.AGGLOMERATION: Agglomeration,
    RecordKind.CITY: City,
    RecordKind.STARTUP: Startup,
    RecordKind.ORGANIZATION: Organization,
    RecordKind.EVENT: Event,
}


def plain(value: object, *, written: bool = False) -> Any:
    """A model value as plain data (text, numbers, lists, dicts), the one form every format
    starts from: partial dates as ISO text, enums as their value, tuples as lists, records
    and nested entries as dicts. `written` gives the form the TOML holds (record_fields)."""
    if isinstance(value, PartialDate):
        # Text, not a TOML date: a partial date ("2015-11") has no TOML form.
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [plain(item, written=written) for item in value]
    if isinstance(value, dict):
        return {key: plain(item, written=written) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if written:
            return record_fields(value)
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def record_fields(record: object) -> dict[str, Any]:
    """A record's fields as the TOML writes them, in the model's order: derived fields,
    unknown values and empty lists are left out (TOML has no null, and the schema reads an
    absent field as "not known")."""
    assert dataclasses.is_dataclass(record) and not isinstance(record, type)
    return {
        f.name: plain(value, written=True)
        for f in dataclasses.fields(record)
        if not f.metadata.get("derived") and (value := getattr(record, f.name)) not in (None, ())
    }
