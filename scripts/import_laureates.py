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

And, to make the records say what the sources mean:
- scripts/input/company-names.csv: how each company writes its name, where the contests write
  it in capitals (the contest's spelling is kept as `legal_name`);
- scripts/input/laureate-sectors.csv: a company's sectors, only where a source describes its
  activity (its i-Lab project title, its i-Nov pitch). The contest's own technology domain is
  a category of the contest, not the company's activity: it stays in the award's `domain`;
- scripts/input/ilab-siren-communes.csv: communes and hosts for some laureates, from the
  i-Nov data and the press; a press row says where a company was at a date, so its commune is
  marked `city_basis = "premises"`.

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

# Where ilab-siren-communes.csv places a company, what the record takes from it. Seine
# Biopolis's commune is not named by its sources (data/normandie.toml leaves it out): the three
# companies the press places only through the nursery get it as their host, not Rouen.
ULTEO_BLOG = {
    "id": "ordinatous-ulteo",
    "title": "Ulteo (a blog post on the Calvados software company and its virtual desktop)",
    "publisher": "Ordinatous (blog)",
    "url": "http://ordinatous.com/blog/ulteo/",
}
SIREN_PLACES: dict[str, dict[str, Any]] = {
    # HEWEL and Lys Therapeutics: the i-Nov commune, already read from the i-Nov extract.
    "830690764": {},
    "895069904": {},
    # Yousign is kept by hand in data/normandie.toml, which marks its commune there.
    "794513986": {},
    # "basé à Hérouville Saint Claire", with a development centre in Colombelles (a blog).
    "493912299": {"sources": [ULTEO_BLOG["id"]]},
    # One of the first two companies of Normandie Incubation's Cherbourg-Octeville antenna (2013).
    "788731974": {
        "hosted_by": ["normandie-incubation"],
        "sources": ["cuc-eco-normandie-incubation"],
    },
    # Among the start-ups of the Seine Biopolis nursery (2013).
    "791092737": {
        "city": None,
        "hosted_by": ["seine-biopolis"],
        "sources": ["crea-region-seine-biopolis-2013"],
    },
    "528304959": {
        "city": None,
        "hosted_by": ["seine-biopolis"],
        "sources": ["tendanceouest-48988"],
    },
    "522784446": {
        "city": None,
        "hosted_by": ["seine-biopolis"],
        "sources": ["tendanceouest-48988"],
    },
}
_OFFICIAL = "official open data"  # a source_type of ilab-siren-communes.csv: the i-Nov data

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
        self.research_units: set[str] = set()
        self.awards: list[dict[str, Any]] = []
        self.sources: set[str] = set()


def company_names() -> dict[str, tuple[str, str]]:
    """SIREN -> (readable name, source id of its spelling or '')."""
    return {
        row["siren"]: (row["name"].strip(), row["source"].strip())
        for row in read_csv("company-names.csv")
    }


def described_sectors() -> dict[str, list[str]]:
    """SIREN -> the sectors a source's description of its activity gives."""
    return {
        row["siren"]: sorted(row["sectors"].split(";")) for row in read_csv("laureate-sectors.csv")
    }


def placed(city_of: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """SIREN -> the fields ilab-siren-communes.csv adds to that company's record."""
    rows = {row["siren"]: row for row in read_csv("ilab-siren-communes.csv")}
    if set(rows) != set(SIREN_PLACES):
        fail("ilab-siren-communes.csv and SIREN_PLACES do not list the same SIRENs")
    fields: dict[str, dict[str, Any]] = {}
    for siren, row in rows.items():
        how = SIREN_PLACES[siren]
        if row["commune_insee"] not in city_of:
            fail(f"ilab-siren-communes.csv: {siren}: no commune {row['commune_insee']!r}")
        if not how:
            continue
        added = {"city": city_of[row["commune_insee"]], **how}
        if row["source_type"] != _OFFICIAL and added["city"] is not None:
            added["city_basis"] = "premises"
        fields[siren] = added
    return fields


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
    sectors = described_sectors()
    for siren, listed in sectors.items():
        if siren not in companies:
            fail(f"laureate-sectors.csv: {siren} is not a laureate")
        if set(listed) - known_sectors:
            fail(f"{siren}: sectors {listed} are not all in data/vocabulary.toml")
    for found in companies.values():
        if len(found.websites) > 1:
            fail(f"{found.siren}: the rows give several websites {sorted(found.websites)}")
        if len(found.cities) > 1:
            fail(f"{found.siren}: the i-Nov rows give several communes {sorted(found.cities)}")

    # The contest's spelling: i-Lab's (its rows come first), else i-Nov's latest. The name is
    # how the company writes itself (company-names.csv), which may differ only in case,
    # punctuation and a legal form; a name in capitals with no row there stops the script.
    hand_kept = hand_kept_sirens()
    readable = company_names()
    written_names: dict[str, str] = {}
    names: dict[str, str] = {}
    for siren, found in companies.items():
        written = found.names[0] if ILAB["id"] in found.sources else found.names[-1]
        name, spelled_in = readable.get(siren, (written, ""))
        if readable_id(name) != readable_id(written):
            fail(f"{siren}: company-names.csv changes more than the spelling of {written!r}")
        if siren not in readable and written == written.upper() and siren not in hand_kept:
            fail(f"{siren}: {written!r} is in capitals: give its name in company-names.csv")
        if spelled_in:
            found.sources.add(spelled_in)
        written_names[siren], names[siren] = written, name
    if set(readable) - set(companies) or set(readable) & hand_kept:
        fail("company-names.csv names a company that is not a generated laureate")

    # Ids: a readable slug of the contest's spelling, with the SIREN added when two companies
    # share it.
    bases: dict[str, list[str]] = defaultdict(list)
    for siren, written in written_names.items():
        if siren in hand_kept:
            note(f"{written!r} ({siren}) is kept by hand in data/normandie.toml: left out")
            continue
        bases[readable_id(written)].append(siren)
    places = placed(city_of)
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
            place = places.get(siren, {})
            city = next(iter(found.cities), None)
            if city is not None and place:
                fail(f"{siren}: the i-Nov data gives a commune; ilab-siren-communes.csv adds one")
            startups.append(
                {
                    "id": startup_id,
                    "name": names[siren],
                    "legal_name": written_names[siren]
                    if written_names[siren] != names[siren]
                    else None,
                    "siren": siren,
                    "website": next(iter(found.websites), None),
                    "city": place.get("city", city),
                    "city_basis": place.get("city_basis"),
                    "sectors": sectors.get(siren, []),
                    "hosted_by": place.get("hosted_by", []),
                    "research_units": sorted(found.research_units),
                    "sources": sorted(found.sources | set(place.get("sources", []))),
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
        "scripts/input/rnsr-structures-recherche-normandie.csv), with names, sectors and places\n"
        "from scripts/input/company-names.csv, laureate-sectors.csv and ilab-siren-communes.csv:\n"
        "do not edit by hand, change the script or its input.",
        {"sources": [ILAB, INOV, ULTEO_BLOG], "startups": startups},
    )


if __name__ == "__main__":
    main()
