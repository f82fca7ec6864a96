"""Data-quality checks beyond validity: what `normandie validate` warns about.

The loader refuses what is wrong; these are signs that something may be: a source nobody
cites, a founding year still to come, two records that look like one, a SIREN whose
checksum fails, one place put in two communes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from normandie_cli.i18n import _
from normandie_cli.models import Dataset, Event, Organization, Record, RecordKind, Startup
from normandie_cli.text import fold


def luhn_valid(number: str) -> bool:
    """The checksum French SIREN numbers carry (the Luhn algorithm)."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def cited_sources(dataset: Dataset) -> dict[str, int]:
    """How many records cite each source (awards and funding rounds count for their record)."""
    return {source: len(records) for source, records in citing_records(dataset).items()}


def citing_records(dataset: Dataset) -> dict[str, list[tuple[RecordKind, Record]]]:
    """The records that cite each source, in the dataset's order (a record citing it in an
    award or a funding round cites it)."""
    citing: dict[str, list[tuple[RecordKind, Record]]] = {s.id: [] for s in dataset.sources}
    for kind in RecordKind:
        for record in dataset.records(kind):
            cited = set(getattr(record, "sources", ()))
            for item in (*getattr(record, "awards", ()), *getattr(record, "funding", ())):
                cited.update(item.sources)
            for source in cited:
                citing[source].append((kind, record))
    return citing


def place_warnings(dataset: Dataset) -> list[str]:
    """A place is in one commune: warn when events that give the same venue, or an event's
    venue and the organisation of that name (a nursery, a coworking, a science centre…), are
    put in different communes. Names are compared folded, so 'Le Dôme' is 'le dome'."""
    city_names = {city.id: city.name for city in dataset.cities}
    spelled: dict[str, str] = {}
    placed: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    named = [(o.id, o.city, (o.name, *o.aliases)) for o in dataset.organizations]
    named += [(e.id, e.city, (e.venue,) if e.venue else ()) for e in dataset.events]
    for record_id, city, names in named:
        if city is None:
            continue
        for key, name in {fold(name): name for name in names}.items():
            spelled.setdefault(key, name)
            placed[key][city].append(record_id)
    warnings = []
    for place, cities in placed.items():
        if len(cities) < 2:
            continue
        parts = []
        for city, ids in sorted(cities.items()):
            shown = ", ".join(ids[:3])
            if len(ids) > 3:
                shown += " " + _("and {count} more").format(count=len(ids) - 3)
            parts.append(f"{city_names.get(city, city)} ({shown})")
        split = _("place {name!r} is put in {communes}: one place is in one commune")
        warnings.append(split.format(name=spelled[place], communes="; ".join(parts)))
    return warnings


def quality_warnings(dataset: Dataset, today: date) -> list[str]:
    """Every warning about a valid dataset, each naming the record concerned."""
    warnings = [
        _("sources ({id!r}): no record cites it").format(id=source)
        for source, count in cited_sources(dataset).items()
        if count == 0
    ]
    dated: list[Startup | Organization] = [*dataset.startups, *dataset.organizations]
    for record in dated:
        where = f"{'startups' if isinstance(record, Startup) else 'organizations'} ({record.id!r})"
        if record.founded is not None and record.founded.first_day > today:
            founded = _("{where}: founded {date}, after today")
            warnings.append(founded.format(where=where, date=record.founded))
        if record.siren is not None and not luhn_valid(record.siren):
            checksum = _("{where}: SIREN {siren} fails its checksum")
            warnings.append(checksum.format(where=where, siren=record.siren))
    for conflict in dataset.updates.conflicts if dataset.updates else ():
        disagree = _(
            "startups ({id!r}): conflict on {field!r}: kept {kept!r} (sources: {sources}); the"
            " register says {register!r} ({source}, checked {checked})"
        )
        warnings.append(
            disagree.format(
                id=conflict.record,
                field=conflict.field,
                kept=conflict.kept,
                sources=", ".join(conflict.kept_sources),
                register=conflict.register,
                source=conflict.source,
                checked=conflict.checked,
            )
        )
    named: tuple[tuple[str, Sequence[Startup | Organization | Event]], ...] = (
        ("startups", dataset.startups),
        ("organizations", dataset.organizations),
        ("events", dataset.events),
    )
    for table, records in named:
        by_name: dict[str, list[str]] = defaultdict(list)
        for item in records:
            by_name[fold(item.name)].append(item.id)
        twice = _(
            "{table}: {ids} have names that differ only by case, accents or punctuation: the"
            " same record twice?"
        )
        warnings += [
            twice.format(table=table, ids=", ".join(map(repr, ids)))
            for ids in by_name.values()
            if len(ids) > 1
        ]
    return warnings + place_warnings(dataset)
