"""Generate data/generated/laureates.toml: the Normandy companies that won the national i-Lab
contest (scripts/input/ilab-laureates-normandie.csv) or the i-Nov innovation contest
(scripts/input/inov-laureates-normandie.csv), one startup per company (matched on SIREN), with
one award per laureate row.

Also read, only to resolve references:
- data/generated/communes.toml, to turn an i-Nov commune INSEE code into a city id (i-Lab
  records the region only, so i-Lab companies get no city);
- scripts/input/rnsr-structures-recherche-normandie.csv, to turn an i-Lab
  `linked_research_unit` into the id of its RNSR organisation (importing.rnsr_id); those
  records are written by scripts/import_research.py;
- data/vocabulary.toml, to check that every sector id used exists;
- data/normandie.toml, to leave out the companies kept there by hand (matched on SIREN).

Long texts (`projetresume`, `moto`, `entrepriseresume`) are other people's prose: they are
never copied, so no startup gets a description here. Any label, code or value the script does
not know how to map stops it with an error rather than being guessed.

Run: python scripts/import_laureates.py
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from importing import ROOT, city_ids_by_insee, clean, read_csv, rnsr_id, slug, write_toml

from normandie_cli.quality import luhn_valid
from normandie_cli.text import strip_accents

OUTPUT = "laureates.toml"

ILAB = {
    "id": "mesr-ilab-laureates",
    "title": "Lauréats du concours national i-Lab",
    "publisher": "Ministère de l'Enseignement supérieur et de la Recherche (MESR)",
    "url": (
        "https://www.data.gouv.fr/datasets/laureats-i-lab-concours-national-daide-a-la-creation"
        "-dentreprises-de-technologies-innovantes-1"
    ),
    "licence": "Licence Ouverte 2.0",
}
# The extract comes from a third-party dump of the MESR API (chobrien99-svg/Navigator,
# data/inov_laureates.json); the dataset cited is the publisher's, at its last modification.
INOV = {
    "id": "mesr-inov-laureates",
    "title": "Lauréats du concours d'innovation i-Nov",
    "publisher": "Ministère de l'Enseignement supérieur et de la Recherche (MESR)",
    "url": "https://www.data.gouv.fr/datasets/laureats-du-concours-dinnovation-i-nov",
    "date": "2025-11-23",
    "licence": "Licence Ouverte 2.0",
}

# The contests' own technology-domain labels (which changed over the years) -> sector ids.
ILAB_SECTORS = {
    "Électronique, Signal & Télécommunications": "electronics",
    "Informatique, logiciel & TIC": "software",
    "Numérique, technologies logicielles & communication": "software",
    "Services informatiques et autres": "software",
    "Chimie et matériaux": "chemistry-materials",
    "Chimie & Sciences des matériaux": "chemistry-materials",
    "Matériaux, mécanique & procédés industriels": "chemistry-materials",
    "Pharmacie, Sciences du vivant & Biotechnologies": "biotech-pharma",
    "Biotechnologies et pharmacie": "biotech-pharma",
    "Pharmacie & biotechnologies": "biotech-pharma",
    "Génie des procédés": "process-engineering",
    "Mécanique & Travail des métaux": "mechanical-engineering",
    "Technologies médicales": "medtech",
}
INOV_SECTORS = {
    "Numérique Deep Tech": "software",
    "Mobilité durable et intelligente": "mobility",
    "Transports, mobilités, villes et bâtiments durables": "mobility",
    "Eau et biodiversité": "energy-environment",
    "Energies, ressources et milieux naturels": "energy-environment",
    "Economie circulaire": "circular-economy",
}
INOV_HEALTH_PREFIX = "Santé"  # "Santé", "Santé - Diagnostic, dépistage et …": all health

# Names the sources write in capitals or inconsistently, where the spelling is certain. Only
# the case may change: main() checks that each folds to what the source wrote.
NAMES = {
    "851734236": "FinX",  # i-Nov writes "Finx" (wave 7) and "FinX" (wave 13 and its texts)
    "878185735": "Tellux",  # i-Nov writes "TELLUX"; its own company text spells "Tellux"
    "794513986": "Yousign",  # i-Lab writes "YOUSIGN"; data/normandie.toml spells "Yousign"
}

# Legal forms left out of ids (names keep them as written).
_LEGAL_FORM = re.compile(r"^(?:SAS|SARL|SA)\s+|\s+(?:S\.A\.S\.|SAS|SARL|S\.A\.|SA)$")
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # "A.R.D." -> "ARD"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?", re.I | re.ASCII
)
_BARE_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]\S*)?", re.I | re.ASCII)
_YEAR_ONLY_DATE = re.compile(r"(\d{4})-01-01", re.ASCII)


def fail(message: str) -> NoReturn:
    sys.exit(f"import_laureates: {message}")


def note(message: str) -> None:
    print(message, file=sys.stderr)


def valid_siren(siren: str) -> bool:
    """Nine digits passing the Luhn check, as every SIREN does."""
    return re.fullmatch(r"\d{9}", siren, re.ASCII) is not None and luhn_valid(siren)


def readable_id(name: str) -> str:
    """The id a company name gives: its slug, without a legal form or dots in an acronym."""
    text = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), name.strip())
    text = _LEGAL_FORM.sub("", text)
    return slug(text)


def website(value: str) -> str | None:
    """An http(s) address, with http:// added to a bare domain; None if it is not a web address."""
    value = value.strip()
    if not value:
        return None
    if _URL.fullmatch(value):
        return value
    if _BARE_DOMAIN.fullmatch(value):
        note(f"website {value!r} has no scheme: written as 'http://{value}'")
        return f"http://{value}"
    note(f"website {value!r} is not a web address: left out")
    return None


def ilab_sector(label: str) -> str:
    if label not in ILAB_SECTORS:
        fail(f"i-Lab technology_domain {label!r} is not mapped to a sector: add it to ILAB_SECTORS")
    return ILAB_SECTORS[label]


def inov_sector(label: str) -> str:
    if label == INOV_HEALTH_PREFIX or label.startswith(INOV_HEALTH_PREFIX + " "):
        return "health"
    if label not in INOV_SECTORS:
        fail(f"i-Nov thematique {label!r} is not mapped to a sector: add it to INOV_SECTORS")
    return INOV_SECTORS[label]


def whole_euros(value: str) -> int | None:
    """'324000.0' -> 324000; the grant is published as a float but is a whole amount."""
    if not value.strip():
        return None
    amount = float(value)
    if not amount.is_integer() or amount < 0:
        fail(f"subvention {value!r} is not a whole number of euros")
    return int(amount)


def loose(text: str) -> str:
    """Case- and accent-insensitive form of a label (nothing else is ignored)."""
    return strip_accents(unicodedata.normalize("NFC", text)).casefold()


class ResearchUnits:
    """Finds the RNSR structure an i-Lab `linked_research_unit` names: an exact match on
    `libelle` first, then a case- and accent-insensitive one only if the exact one finds none."""

    def __init__(self, rows: Iterable[Mapping[str, str]]) -> None:
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.loose: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            self.exact[row["libelle"]].append(rnsr_id(row))
            self.loose[loose(row["libelle"])].append(rnsr_id(row))
        self.log: dict[str, str] = {}

    def find(self, label: str) -> str | None:
        for rule, found in (
            ("exact", self.exact.get(label, [])),
            ("case- and accent-insensitive", self.loose.get(loose(label), [])),
        ):
            if len(found) > 1:
                fail(f"linked_research_unit {label!r} matches several RNSR rows: {found}")
            if found:
                self.log[label] = f"{found[0]} ({rule})"
                return found[0]
        self.log[label] = "no RNSR structure: left out"
        return None


def sector_ids() -> set[str]:
    with (ROOT / "data" / "vocabulary.toml").open("rb") as file:
        return {sector["id"] for sector in tomllib.load(file)["sectors"]}


def hand_kept_sirens() -> set[str]:
    """The SIRENs of the startups kept by hand in data/normandie.toml: those records win, and
    carry their contest awards themselves."""
    with (ROOT / "data" / "normandie.toml").open("rb") as file:
        startups = tomllib.load(file).get("startups", [])
    return {s["siren"] for s in startups if "siren" in s}


class Company:
    """What the laureate rows of one SIREN say."""

    def __init__(self, siren: str) -> None:
        self.siren = siren
        self.names: list[str] = []  # as written, in row order (i-Lab rows first)
        self.websites: set[str] = set()
        self.cities: set[str] = set()
        self.sectors: set[str] = set()
        self.research_units: set[str] = set()
        self.awards: list[dict[str, Any]] = []
        self.sources: set[str] = set()


def main() -> None:
    city_of = city_ids_by_insee()
    units = ResearchUnits(read_csv("rnsr-structures-recherche-normandie.csv"))
    companies: dict[str, Company] = {}

    def company(siren: str, where: str) -> Company:
        siren = siren.strip()
        if not valid_siren(siren):
            fail(f"{where}: {siren!r} is not a valid SIREN")
        return companies.setdefault(siren, Company(siren))

    for n, row in enumerate(read_csv("ilab-laureates-normandie.csv"), start=2):
        found = company(row["siren"], f"ilab line {n}")
        found.names.append(row["company_name"].strip())
        found.sources.add(ILAB["id"])
        found.sectors.add(ilab_sector(row["technology_domain"]))
        address = website(row["website"])
        if address:
            found.websites.add(address)
        if row["linked_research_unit"].strip():
            unit = units.find(row["linked_research_unit"].strip())
            if unit:
                found.research_units.add(unit)
        found.awards.append(
            clean(
                {
                    "contest": "i-lab",
                    "year": int(row["year"]),
                    "category": row["application_type"].strip(),
                    "project": row["project_title"].strip(),
                    "domain": row["technology_domain"],
                    "prize": row["grand_prix"].strip(),
                    "sources": [ILAB["id"]],
                }
            )
        )

    for n, row in enumerate(read_csv("inov-laureates-normandie.csv"), start=2):
        if row["reg_nom"] != "Normandie":
            fail(f"inov line {n}: region {row['reg_nom']!r} is not Normandie")
        date = _YEAR_ONLY_DATE.fullmatch(row["datepublication"].strip())
        if date is None:
            fail(f"inov line {n}: datepublication {row['datepublication']!r} is not YYYY-01-01")
        found = company(row["siren"], f"inov line {n}")
        found.names.append(row["entreprise"].strip())
        found.sources.add(INOV["id"])
        found.sectors.add(inov_sector(row["thematique"]))
        if row["cityid"].strip():
            if row["cityid"].strip() not in city_of:
                fail(f"inov line {n}: cityid {row['cityid']!r} is not a commune of communes.toml")
            found.cities.add(city_of[row["cityid"].strip()])
        found.awards.append(
            clean(
                {
                    "contest": "i-nov",
                    "year": int(date.group(1)),
                    "category": row["vague"].strip(),
                    "project": row["projet"].strip(),
                    "domain": row["thematique"],
                    "amount": whole_euros(row["subvention"]),
                    "sources": [INOV["id"]],
                }
            )
        )

    known_sectors = sector_ids()
    for found in companies.values():
        unknown = found.sectors - known_sectors
        if unknown:
            fail(f"{found.siren}: sectors {sorted(unknown)} are not in data/vocabulary.toml")
        if len(found.websites) > 1:
            fail(f"{found.siren}: the rows give several websites {sorted(found.websites)}")
        if len(found.cities) > 1:
            fail(f"{found.siren}: the i-Nov rows give several communes {sorted(found.cities)}")

    # The name: i-Lab's (its rows come first), else i-Nov's latest, unless NAMES fixes its case.
    names: dict[str, str] = {}
    for siren, found in companies.items():
        written = found.names[0] if ILAB["id"] in found.sources else found.names[-1]
        name = NAMES.get(siren, written)
        if slug(name) != slug(written):
            fail(f"{siren}: NAMES changes more than the case of {written!r}")
        names[siren] = name

    # Ids: a readable slug of the name, with the SIREN added when two companies share it.
    hand_kept = hand_kept_sirens()
    bases: dict[str, list[str]] = defaultdict(list)
    for siren, name in names.items():
        if siren in hand_kept:
            note(f"{name!r} ({siren}) is kept by hand in data/normandie.toml: left out")
            continue
        bases[readable_id(name)].append(siren)
    startups = []
    for base, sirens in bases.items():
        for siren in sirens:
            startup_id = base
            if len(sirens) > 1:
                startup_id = f"{base}-{siren}"
                note(f"id {base!r} is shared: {names[siren]!r} ({siren}) gets {startup_id!r}")
            if not _ID.fullmatch(startup_id):
                fail(f"{siren}: cannot make a free, valid id from {names[siren]!r}")
            found = companies[siren]
            startups.append(
                {
                    "id": startup_id,
                    "name": names[siren],
                    "siren": siren,
                    "website": next(iter(found.websites), None),
                    "city": next(iter(found.cities), None),
                    "sectors": sorted(found.sectors),
                    "research_units": sorted(found.research_units),
                    "sources": sorted(found.sources),
                    "awards": sorted(found.awards, key=lambda a: (a["contest"], a["year"])),
                }
            )
    startups.sort(key=lambda s: s["id"])

    for label, outcome in sorted(units.log.items()):
        note(f"research unit {label!r}: {outcome}")
    write_toml(
        OUTPUT,
        "Normandy laureates of the national i-Lab and i-Nov contests: one startup per company\n"
        "(matched on SIREN) with one award per laureate row.\n"
        "Generated by scripts/import_laureates.py from scripts/input/ilab-laureates-normandie.csv\n"
        "and scripts/input/inov-laureates-normandie.csv (cities through\n"
        "data/generated/communes.toml, research units through\n"
        "scripts/input/rnsr-structures-recherche-normandie.csv): do not edit by hand, change the\n"
        "script or its input.",
        {"sources": [ILAB, INOV], "startups": startups},
    )


if __name__ == "__main__":
    main()
