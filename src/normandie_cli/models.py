"""The records of the dataset, as frozen typed values; no I/O here."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day, as sources often give only part."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None and self.month is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"{self.year:04d}-{self.month:02d} has no day {self.day}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; raise ValueError on anything else."""
        match = _PARTIAL_DATE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a date like 2015, 2015-11 or 2015-11-19")
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


class OrganizationKind(StrEnum):
    """The closed list of what an organisation can be."""

    INCUBATOR = "incubator"
    ACCELERATOR = "accelerator"
    TECHNOPOLE = "technopole"
    NETWORK = "network"
    PUBLIC_BODY = "public-body"
    COWORKING = "coworking"
    SCHOOL = "school"
    RESEARCH = "research"
    FUND = "fund"
    COMMUNITY = "community"
    PROGRAMME = "programme"


class RecordKind(StrEnum):
    """The tables of the dataset whose records have ids; the value is the table name."""

    SOURCE = "sources"
    AGGLOMERATION = "agglomerations"
    CITY = "cities"
    SECTOR = "sectors"
    STARTUP = "startups"
    ORGANIZATION = "organizations"
    EVENT = "events"


@dataclass(frozen=True, slots=True)
class Meta:
    title: str
    version: str
    updated: PartialDate
    licence: str


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    date: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class Agglomeration:
    """An intercommunal body (Caen la Mer, Métropole Rouen Normandie…): a city's scene."""

    id: str
    name: str
    seat: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class City:
    """A commune."""

    id: str
    name: str
    insee: str
    department: str
    sources: tuple[str, ...]
    agglomeration: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sector:
    id: str
    name_fr: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Startup:
    id: str
    name: str
    sources: tuple[str, ...]
    city: str | None = None
    sectors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    founded: PartialDate | None = None
    website: str | None = None
    hosted_by: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Organization:
    id: str
    name: str
    kind: OrganizationKind
    sources: tuple[str, ...]
    city: str | None = None
    aliases: tuple[str, ...] = ()
    founded: PartialDate | None = None
    website: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    name: str
    sources: tuple[str, ...]
    series: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    city: str | None = None
    venue: str | None = None
    online: bool = False
    organizers: tuple[str, ...] = ()
    url: str | None = None
    description: str | None = None

    @property
    def last_day(self) -> date | None:
        """The latest day the event can still be running, if its date is known."""
        last = self.end or self.start
        return None if last is None else last.last_day


Record = Source | Agglomeration | City | Sector | Startup | Organization | Event


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything loaded and validated: references between records are known to resolve."""

    meta: Meta
    sources: tuple[Source, ...]
    agglomerations: tuple[Agglomeration, ...]
    cities: tuple[City, ...]
    sectors: tuple[Sector, ...]
    startups: tuple[Startup, ...]
    organizations: tuple[Organization, ...]
    events: tuple[Event, ...]

    def records(self, kind: RecordKind) -> tuple[Record, ...]:
        table: tuple[Record, ...] = getattr(self, kind.value)
        return table


RECORD_TYPES: dict[RecordKind, type[Record]] = {
    RecordKind.SOURCE: Source,
    RecordKind.AGGLOMERATION: Agglomeration,
    RecordKind.CITY: City,
    RecordKind.SECTOR: Sector,
    RecordKind.STARTUP: Startup,
    RecordKind.ORGANIZATION: Organization,
    RecordKind.EVENT: Event,
}
