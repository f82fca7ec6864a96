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

The mapping itself is normandie_cli.laureates, which `normandie update` uses too on the
ministry's open-data API: this script reads the CSV extracts into its rows, and gives it the
names, sectors and places above. Long texts (`projetresume`, `moto`, `entrepriseresume`) are
other people's prose: they are never copied, so no startup gets a description here. Any
label, code or value the mapping does not know stops the script with an error rather than
being guessed.

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

from importing import ROOT, city_ids_by_insee, read_csv, rnsr_id, write_toml

from normandie_cli.laureates import Context, ILabRow, INovRow, build_startups, whole_euros
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

_YEAR_ONLY_DATE = re.compile(r"(\d{4})-01-01", re.ASCII)


def fail(message: str) -> NoReturn:
    sys.exit(f"import_laureates: {message}")


def note(message: str) -> None:
    print(message, file=sys.stderr)


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


def ilab_rows() -> Iterable[ILabRow]:
    for row in read_csv("ilab-laureates-normandie.csv"):
        yield ILabRow(
            year=int(row["year"]),
            siren=row["siren"],
            name=row["company_name"],
            domain=row["technology_domain"],
            category=row["application_type"],
            prize=row["grand_prix"],
            project=row["project_title"],
            website=row["website"],
            research_unit=row["linked_research_unit"],
        )


def inov_rows() -> Iterable[INovRow]:
    for n, row in enumerate(read_csv("inov-laureates-normandie.csv"), start=2):
        if row["reg_nom"] != "Normandie":
            fail(f"inov line {n}: region {row['reg_nom']!r} is not Normandie")
        date = _YEAR_ONLY_DATE.fullmatch(row["datepublication"].strip())
        if date is None:
            fail(f"inov line {n}: datepublication {row['datepublication']!r} is not YYYY-01-01")
        try:
            grant = whole_euros(row["subvention"])
        except ValueError as error:
            fail(str(error))
        yield INovRow(
            wave=row["vague"],
            year=int(date.group(1)),
            theme=row["thematique"],
            project=row["projet"],
            siren=row["siren"],
            name=row["entreprise"],
            grant=grant,
            commune=row["cityid"],
        )


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
    context = Context(
        city_of=city_of,
        known_sectors=sector_ids(),
        kept_sirens=hand_kept_sirens(),
        ilab_source=ILAB["id"],
        inov_source=INOV["id"],
        find_unit=units.find,
        names=company_names(),
        sectors=described_sectors(),
        places=placed(city_of),
        readable_names=True,
    )
    startups = build_startups(list(ilab_rows()), list(inov_rows()), context)
    if context.problems:
        fail(context.problems[0])
    for message in context.notes:
        note(message)
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
