"""The i-Lab and i-Nov contest laureates as startups: one per company (matched on SIREN),
one award per laureate row. The one mapping both paths use: scripts/import_laureates.py,
which reads the bundled CSV extracts, and `normandie update`, which reads the ministry's
open-data API (opendata.py). Each turns its rows into ILabRow and INovRow first.

A contest's technology domain is a category of the contest, not the company's activity: it
stays in the award's `domain`, and a startup gets sectors only where a source describes its
activity (`Context.sectors`, which the script reads from its input; new laureates of an
update get none). Likewise a readable name (`Context.names`: how the company writes itself,
the contest's spelling kept as `legal_name`) and a place (`Context.places`) come only from
the script's sourced inputs.

Nothing is guessed: an invalid SIREN, a company the rows place in two communes are reported
as problems and the value is left out (the script stops on any problem; the update reports
them and keeps the rest). Long texts of the contests are other people's prose and are never
read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from normandie_cli.frozen import frozen
from normandie_cli.quality import luhn_valid
from normandie_cli.text import fold

# Legal forms left out of ids (names keep them as written).
_LEGAL_FORM = re.compile(r"^(?:SAS|SARL|SA)\s+|\s+(?:S\.A\.S\.|SAS|SARL|S\.A\.|SA)$")
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # "A.R.D." -> "ARD"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?", re.I | re.ASCII
)
_BARE_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]\S*)?", re.I | re.ASCII)


@frozen
class ILabRow:
    """One i-Lab laureate row; empty text where the source gives nothing."""

    year: int
    siren: str
    name: str
    domain: str
    category: str = ""  # "en émergence" / "création-développement"
    prize: str = ""
    project: str = ""
    website: str = ""
    research_unit: str = ""


@frozen
class INovRow:
    """One i-Nov laureate row."""

    wave: str
    year: int
    theme: str
    project: str
    siren: str
    name: str
    grant: int | None = None  # euros
    commune: str = ""  # INSEE code


@dataclass
class Context:
    """What the mapping needs to know of the dataset it adds to, and what it found."""

    city_of: Mapping[str, str]  # INSEE code -> city id
    known_sectors: set[str]
    kept_sirens: set[str]  # companies the dataset already has: left out
    taken_ids: set[str] = field(default_factory=set)  # ids a new startup may not take
    ilab_source: str = "mesr-ilab-laureates"
    inov_source: str = "mesr-inov-laureates"
    find_unit: Callable[[str], str | None] | None = None  # research unit label -> org id
    # SIREN -> (how the company writes its name, the source of that spelling or "").
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # SIREN -> the sectors a source's description of its activity gives.
    sectors: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # SIREN -> what a source says of where it is: city, city_basis, hosted_by, sources.
    places: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # A name in capitals with no readable spelling in `names` is a problem (the script's rule).
    readable_names: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def id_slug(text: str) -> str:
    """An id from a name: lowercase ASCII, accents folded, words joined by hyphens (the
    import scripts' ids too)."""
    folded = fold(text)
    kept = "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "-"))
    # A sign dropped between two words ("Hep ! Espace") leaves one hyphen, not two.
    return "-".join(part for part in kept.split("-") if part)


def valid_siren(siren: str) -> bool:
    """Nine digits passing the Luhn check, as every SIREN does."""
    return re.fullmatch(r"\d{9}", siren, re.ASCII) is not None and luhn_valid(siren)


def readable_id(name: str) -> str:
    """The id a company name gives: its slug, without a legal form or dots in an acronym."""
    text = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), name.strip())
    text = _LEGAL_FORM.sub("", text)
    return id_slug(text)


def website(value: str, notes: list[str]) -> str | None:
    """An http(s) address, with http:// added to a bare domain; None if it is not a web address."""
    value = value.strip()
    if not value:
        return None
    if _URL.fullmatch(value):
        return value
    if _BARE_DOMAIN.fullmatch(value):
        notes.append(f"website {value!r} has no scheme: written as 'http://{value}'")
        return f"http://{value}"
    notes.append(f"website {value!r} is not a web address: left out")
    return None


def whole_euros(value: float | str | None) -> int | None:
    """324000.0 -> 324000: the grant is published as a float but is a whole amount."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    amount = float(value)
    if not amount.is_integer() or amount < 0:
        raise ValueError(f"subvention {value!r} is not a whole number of euros")
    return int(amount)


class _Company:
    """What the laureate rows of one SIREN say."""

    def __init__(self, siren: str) -> None:
        self.siren = siren
        self.names: list[str] = []  # as written, in row order (i-Lab rows first)
        self.websites: set[str] = set()
        self.cities: set[str] = set()
        self.research_units: set[str] = set()
        self.awards: list[dict[str, Any]] = []
        self.sources: set[str] = set()


def _filled(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [], ())}


def build_startups(
    ilab: Iterable[ILabRow], inov: Iterable[INovRow], mapping: Context
) -> list[dict[str, Any]]:
    """The startups the rows make, sorted by id, as TOML tables; problems and notes go to
    `mapping`."""
    companies: dict[str, _Company] = {}
    problems = mapping.problems

    def company(siren: str, where: str) -> _Company | None:
        siren = siren.strip()
        if not valid_siren(siren):
            problems.append(f"{where}: {siren!r} is not a valid SIREN")
            return None
        return companies.setdefault(siren, _Company(siren))

    for n, row in enumerate(ilab, start=2):
        found = company(row.siren, f"ilab line {n}")
        if found is None:
            continue
        found.names.append(row.name.strip())
        found.sources.add(mapping.ilab_source)
        address = website(row.website, mapping.notes)
        if address:
            found.websites.add(address)
        if row.research_unit.strip() and mapping.find_unit is not None:
            unit = mapping.find_unit(row.research_unit.strip())
            if unit:
                found.research_units.add(unit)
        award = {
            "contest": "i-lab",
            "year": row.year,
            "category": row.category.strip(),
            "project": row.project.strip(),
            "domain": row.domain,
            "prize": row.prize.strip(),
            "sources": [mapping.ilab_source],
        }
        found.awards.append(_filled(award))

    for n, inov_row in enumerate(inov, start=2):
        found = company(inov_row.siren, f"inov line {n}")
        if found is None:
            continue
        found.names.append(inov_row.name.strip())
        found.sources.add(mapping.inov_source)
        commune = inov_row.commune.strip()
        if commune and commune not in mapping.city_of:
            problems.append(f"inov line {n}: cityid {commune!r} is not a known commune")
        elif commune:
            found.cities.add(mapping.city_of[commune])
        award = {
            "contest": "i-nov",
            "year": inov_row.year,
            "category": inov_row.wave.strip(),
            "project": inov_row.project.strip(),
            "domain": inov_row.theme,
            "amount": inov_row.grant,
            "sources": [mapping.inov_source],
        }
        found.awards.append(_filled(award))

    for siren, listed in mapping.sectors.items():
        if siren not in companies:
            problems.append(f"sectors are given for {siren}, which is not a laureate")
        if set(listed) - mapping.known_sectors:
            problems.append(f"{siren}: sectors {sorted(listed)} are not all in the vocabulary")
    for found in companies.values():
        if len(found.websites) > 1:
            problems.append(
                f"{found.siren}: the rows give several websites {sorted(found.websites)}"
            )
            found.websites.clear()
        if len(found.cities) > 1:
            problems.append(f"{found.siren}: the i-Nov rows give several communes")
            found.cities.clear()
    return _startups(companies, mapping)


def _startups(companies: Mapping[str, _Company], mapping: Context) -> list[dict[str, Any]]:
    # The contest's spelling: i-Lab's (its rows come first), else i-Nov's latest. The name is
    # how the company writes itself (mapping.names), which may differ only in case,
    # punctuation and a legal form.
    written_names: dict[str, str] = {}
    names: dict[str, str] = {}
    for siren, found in companies.items():
        written = found.names[0] if mapping.ilab_source in found.sources else found.names[-1]
        name, spelled_in = mapping.names.get(siren, (written, ""))
        if readable_id(name) != readable_id(written):
            mapping.problems.append(
                f"{siren}: the name changes more than the spelling of {written!r}"
            )
            name = written
        if (
            mapping.readable_names
            and siren not in mapping.names
            and written == written.upper()
            and siren not in mapping.kept_sirens
        ):
            mapping.problems.append(f"{siren}: {written!r} is in capitals: give its name")
        if spelled_in:
            found.sources.add(spelled_in)
        written_names[siren], names[siren] = written, name
    if set(mapping.names) & mapping.kept_sirens or set(mapping.names) - set(companies):
        mapping.problems.append("a name is given for a company that is not a new laureate")

    # Ids: a readable slug of the contest's spelling, with the SIREN added when two companies
    # share it or the dataset already uses it.
    bases: dict[str, list[str]] = defaultdict(list)
    for siren, written in written_names.items():
        if siren in mapping.kept_sirens:
            mapping.notes.append(f"{written!r} ({siren}) is already in the dataset: left out")
            continue
        bases[readable_id(written)].append(siren)
    startups = []
    for base, sirens in bases.items():
        for siren in sirens:
            startup_id = base
            if len(sirens) > 1 or base in mapping.taken_ids:
                startup_id = f"{base}-{siren}"
                note = f"id {base!r} is shared: {names[siren]!r} ({siren}) gets {startup_id!r}"
                mapping.notes.append(note)
            if not _ID.fullmatch(startup_id):
                mapping.problems.append(f"{siren}: cannot make a valid id from {names[siren]!r}")
                continue
            found = companies[siren]
            place = mapping.places.get(siren, {})
            city = next(iter(found.cities), None)
            if city is not None and place:
                mapping.problems.append(
                    f"{siren}: the i-Nov data gives a commune; a place adds one"
                )
            startup = {
                "id": startup_id,
                "name": names[siren],
                "legal_name": None
                if written_names[siren] == names[siren]
                else written_names[siren],
                "siren": siren,
                "website": next(iter(found.websites), None),
                "city": place.get("city", city),
                "city_basis": place.get("city_basis"),
                "sectors": sorted(mapping.sectors.get(siren, [])),
                "hosted_by": list(place.get("hosted_by", [])),
                "research_units": sorted(found.research_units),
                "sources": sorted(found.sources | set(place.get("sources", []))),
                "awards": sorted(found.awards, key=lambda a: (a["contest"], a["year"])),
            }
            startups.append(_filled(startup))
    startups.sort(key=lambda s: s["id"])
    return startups
