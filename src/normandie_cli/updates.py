"""The updates layer: what `normandie update` fetched from the company register and the
ministry's open data, kept as TOML under $XDG_DATA_HOME/normandie/updates/ and merged into
the dataset when it is read: bundled data <- updates <- your overlay.

The layer holds the register's facts as it states them (`[[register]]`, one entry per SIREN,
each with the day it was checked) and the contest laureates the dataset did not have
(`[[startups]]`), with its own `[[sources]]`. Merging keeps curated facts: a field the
dataset leaves empty is filled from the register, and the record then cites the register; a
field the register states otherwise keeps the curated value and becomes a Conflict, which
`normandie validate` lists with both sources. A layer never breaks the dataset it amends: a
laureate whose id or SIREN the dataset already has, or that refers to something the dataset
does not know, is left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from normandie_cli.errors import DataError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _
from normandie_cli.models import (
    City,
    Conflict,
    Dataset,
    FieldOrigin,
    PartialDate,
    Startup,
    Status,
    UpdatesInfo,
)
from normandie_cli.schema import Problems, build_record

# The source every register fact cites; its date is the day of the refresh.
REGISTER_SOURCE = "sirene-register"
# The tables a layer may hold; [[sources]] and [[startups]] are read as dataset tables.
_TABLES = ("refresh", "register", "sources", "startups")
# The fields of a laureate that refer to other records, and the tables they may name.
_LAUREATE_REFERENCES = ("city", "sectors", "hosted_by", "research_units", "sources")


def combine(bundled: Mapping[str, Any], user: Mapping[str, Any] | None) -> dict[str, Any]:
    """The bundled register layer with the user's over it: the user's answer for a SIREN,
    refresh and laureates win; sources are put together, the user's first."""
    if not user:
        return dict(bundled)
    combined = dict(user)
    theirs = {e.get("siren") for e in user.get("register", []) if isinstance(e, dict)}
    combined["register"] = [
        *user.get("register", []),
        *(e for e in bundled.get("register", []) if e.get("siren") not in theirs),
    ]
    ids = {s.get("id") for s in user.get("sources", []) if isinstance(s, dict)}
    combined["sources"] = [
        *user.get("sources", []),
        *(s for s in bundled.get("sources", []) if s.get("id") not in ids),
    ]
    return combined


class Only(StrEnum):
    """Which of the two sources a run of `normandie update` asks."""

    REGISTER = "register"
    OPENDATA = "opendata"


class Outcome(StrEnum):
    """What the register answered about one SIREN."""

    FOUND = "found"
    UNKNOWN = "unknown"  # no company has this SIREN
    # Its owner asked INSEE not to publish it: nothing of it is kept, whatever the API shows.
    NON_DIFFUSIBLE = "non-diffusible"


@frozen
class RegisterEntry:
    """What the company register states about one SIREN, checked on one day."""

    siren: str
    checked: PartialDate
    outcome: Outcome = Outcome.FOUND
    legal_name: str | None = None
    commune: str | None = None  # the INSEE code of the head office's commune
    commune_name: str | None = None  # as the register writes it ("LE HAVRE")
    created: PartialDate | None = None
    status: Status | None = None  # active or closed
    closed: PartialDate | None = None
    activity: str | None = None
    headcount: str | None = None
    headcount_year: int | None = None


@frozen
class Refresh:
    """When the layer was made, and from where."""

    date: PartialDate
    register_url: str | None = None
    opendata_url: str | None = None


@frozen
class Layer:
    """A layer as read: its refresh, its register entries, and its dataset tables."""

    name: str
    refresh: Refresh
    entries: tuple[RegisterEntry, ...]
    tables: Mapping[str, Any]  # [[sources]] and [[startups]], checked with the dataset

    def entry(self, siren: str) -> RegisterEntry | None:
        return next((e for e in self.entries if e.siren == siren), None)


def read_layer(name: str, raw: Mapping[str, Any]) -> Layer:
    """A layer from its parsed TOML; raises DataError saying how to start again."""
    problems = Problems()
    for key in raw:
        if key not in _TABLES:
            problems.add(name, _("unknown table {name!r}").format(name=key))
    refresh = None
    if not isinstance(raw.get("refresh"), dict):
        problems.add(name, _("the [refresh] table is missing"))
    else:
        refresh = build_record(Refresh, raw["refresh"], f"{name}: refresh", problems)[0]
    entries: list[RegisterEntry] = []
    table = raw.get("register", [])
    if not isinstance(table, list) or not all(isinstance(item, dict) for item in table):
        problems.add(name, _("must be an array of tables: [[{table}]]").format(table="register"))
    else:
        first: dict[str, int] = {}
        for index, item in enumerate(table):
            where = f"{name}: register[{index}]"
            entry = build_record(RegisterEntry, item, where, problems)[0]
            if entry is None:
                continue
            if entry.siren in first:
                twice = _("SIREN {siren} has an entry already, register[{index}]")
                problems.add(where, twice.format(siren=entry.siren, index=first[entry.siren]))
                continue
            first[entry.siren] = index
            entries.append(entry)
    if problems.items or refresh is None:
        hint = _("this file is written by `normandie update`: run it again, or remove it with")
        raise DataError(name, [*problems.items, f"{hint} `normandie update --clear`"])
    tables = {key: raw[key] for key in ("sources", "startups") if key in raw}
    return Layer(name, refresh, tuple(entries), tables)


def read_layer_file(path: Path) -> Layer | None:
    """A layer file if there is one that can be read; none when missing or damaged (a new
    run replaces it whole)."""
    from normandie_cli.dataset import exists, read_toml

    try:
        return read_layer(str(path), read_toml(path, own=True)) if exists(path) else None
    except DataError:
        return None


def layer_part(
    layer: Layer, parts: Sequence[tuple[str, Mapping[str, Any]]]
) -> tuple[str, dict[str, Any]]:
    """The layer's records as one more file of the dataset: its sources, and the laureates
    the dataset does not already have (by id or SIREN) whose references it knows."""
    known: set[str] = set()
    sirens: set[str] = set()
    for _name, tables in parts:
        for rows in tables.values():
            for row in rows if isinstance(rows, list) else ():
                if isinstance(row, dict) and isinstance(row.get("id"), str):
                    known.add(row["id"])
                    if isinstance(row.get("siren"), str):
                        sirens.add(row["siren"])
    sources = [s for s in layer.tables.get("sources", []) if isinstance(s, dict)]
    known |= {s["id"] for s in sources if isinstance(s.get("id"), str)}
    startups = [
        row
        for row in layer.tables.get("startups", [])
        if isinstance(row, dict)
        and row.get("id") not in known
        and row.get("siren") not in sirens
        and all(ref in known for ref in _references(row))
    ]
    return layer.name, {"sources": sources, "startups": startups}


def _references(row: Mapping[str, Any]) -> Iterator[Any]:
    for field in _LAUREATE_REFERENCES:
        value = row.get(field)
        yield from value if isinstance(value, list) else ([] if value is None else [value])
    for award in row.get("awards", []) if isinstance(row.get("awards"), list) else []:
        if isinstance(award, dict):
            yield award.get("contest")
            yield from award.get("sources", [])


def apply_layer(dataset: Dataset, layer: Layer, part: Mapping[str, Any]) -> Dataset:
    """The dataset with the register's facts merged into its startups (see the module's
    docstring for the rules), the layer's uncited sources left out, and what it did noted
    in `dataset.updates`; `part` is what layer_part joined to the dataset."""
    found = {e.siren: e for e in layer.entries if e.outcome is Outcome.FOUND}
    # A SIREN two records hold is one company the dataset has twice, or a mistake: which of
    # them the register's facts are about cannot be told, so they fill neither
    # (refresh.outcome_notes says so).
    for siren in shared_sirens(dataset):
        found.pop(siren, None)
    cities = {c.insee: c for c in dataset.cities}
    startups: list[Startup] = []
    filled: list[FieldOrigin] = []
    conflicts: list[Conflict] = []
    for startup in dataset.startups:
        entry = found.get(startup.siren) if startup.siren else None
        if entry is None:
            startups.append(startup)
            continue
        completed, origins, disagreements = merge_startup(startup, entry, cities)
        startups.append(completed)
        filled += origins
        conflicts += disagreements
    from normandie_cli.quality import cited_sources

    merged = dataclasses.replace(dataset, startups=tuple(startups))
    layer_sources = {s.get("id") for s in layer.tables.get("sources", []) if isinstance(s, dict)}
    cited = {source for source, count in cited_sources(merged).items() if count}
    sources = tuple(s for s in dataset.sources if s.id not in layer_sources or s.id in cited)
    added = {row["id"] for row in part.get("startups", [])}
    info = UpdatesInfo(
        path=layer.name,
        refreshed=layer.refresh.date,
        sources=tuple(s.id for s in sources if s.id in layer_sources),
        filled=tuple(filled),
        conflicts=tuple(conflicts),
        added=tuple(s.id for s in startups if s.id in added),
    )
    return dataclasses.replace(merged, sources=sources, updates=info)


def shared_sirens(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """The SIRENs more than one startup holds, with their ids in the dataset's order."""
    holders: dict[str, list[str]] = {}
    for startup in dataset.startups:
        if startup.siren:
            holders.setdefault(startup.siren, []).append(startup.id)
    return {siren: tuple(ids) for siren, ids in holders.items() if len(ids) > 1}


def merge_startup(
    startup: Startup, entry: RegisterEntry, cities: Mapping[str, City]
) -> tuple[Startup, list[FieldOrigin], list[Conflict]]:
    """One startup with the register's facts: empty fields filled, disagreements kept as
    conflicts. A head office outside the dataset's communes fills nothing."""
    city = cities.get(entry.commune) if entry.commune else None
    where = f"{entry.commune_name or '?'} ({entry.commune})" if entry.commune else None
    facts: dict[str, tuple[Any, str | None]] = {
        "city": (city.id if city else None, where),
        "founded": (entry.created, None),
        "status": (entry.status, None),
        "closed": (entry.closed, None),
        "legal_name": (entry.legal_name, None),
        "activity": (entry.activity, None),
        "headcount": (entry.headcount, None),
    }
    changes: dict[str, Any] = {}
    origins: list[FieldOrigin] = []
    conflicts: list[Conflict] = []
    for field, (value, shown) in facts.items():
        current = getattr(startup, field)
        if value is None and not (field == "city" and current is not None and shown):
            continue
        if current is None:
            changes[field] = value
            origins.append(FieldOrigin(startup.id, field, REGISTER_SOURCE, entry.checked))
        elif not _agrees(field, current, value):
            kept = city_name(current, cities) if field == "city" else str(current)
            conflicts.append(
                Conflict(
                    record=startup.id,
                    field=field,
                    kept=kept,
                    kept_sources=startup.sources,
                    register=shown or str(value),
                    source=REGISTER_SOURCE,
                    checked=entry.checked,
                )
            )
    band = changes.get("headcount", startup.headcount)
    if entry.headcount_year is not None and band == entry.headcount and not startup.headcount_year:
        changes["headcount_year"] = entry.headcount_year
        origins.append(FieldOrigin(startup.id, "headcount_year", REGISTER_SOURCE, entry.checked))
    if not changes:
        return startup, origins, conflicts
    sources = tuple(dict.fromkeys((*startup.sources, REGISTER_SOURCE)))
    return dataclasses.replace(startup, **changes, sources=sources), origins, conflicts


def city_name(city_id: str, cities: Mapping[str, City]) -> str:
    """A city's name from its id, for a message."""
    return next((c.name for c in cities.values() if c.id == city_id), city_id)


def _agrees(field: str, curated: Any, register: Any) -> bool:
    """Whether the register's value says the same as the curated one. A founding date the
    register gives to the day agrees with the year or month a source gave; a company bought
    may live on or be wound up, so 'acquired' agrees with either state."""
    if register is None:  # a head office outside the dataset's communes
        return False
    if isinstance(curated, PartialDate) and isinstance(register, PartialDate):
        return curated.first_day <= register.first_day <= curated.last_day
    if field == "status" and Status.ACQUIRED in (curated, register):
        return True
    return bool(curated == register)
