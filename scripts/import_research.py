"""Generate data/generated/research.toml: the main higher-education establishments of
Normandy (MESR, scripts/input/esr-etablissements-normandie.csv) and the public research
structures of the national register (RNSR, scripts/input/rnsr-structures-recherche-normandie.csv),
placed in the communes of data/generated/communes.toml.

A structure the register names in capitals (`CENTRE DE RECHERCHE EN ECONOMIE APLIQUEE A LA
MONDIALISATION`) gets a readable name from scripts/input/research-names.csv, checked here to
differ from the register's only by case, accents and punctuation unless the table says which
typo it corrects; the register's spelling stays in `legal_name`. The register's
`annee_de_creation` is often the year the structure's current number was issued, renewed with
each contract, so it goes to `rnsr_since`, never to `founded`.

Run: python scripts/import_research.py (after scripts/import_communes.py)
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import urlsplit

from importing import INPUT, city_ids_by_insee, esr_id, read_csv, rnsr_id, write_toml

from normandie_cli.text import fold

NAMES_FILE = "research-names.csv"
ESR_FILE = "esr-etablissements-normandie.csv"
RNSR_FILE = "rnsr-structures-recherche-normandie.csv"
COMMUNES_FILE = "communes-normandie.csv"

ESR_SOURCE = {
    "id": "mesr-esr-etablissements",
    "title": "Principaux établissements d'enseignement supérieur",
    "publisher": "Ministère de l'Enseignement supérieur et de la Recherche (MESR)",
    "url": "https://www.data.gouv.fr/datasets/principaux-etablissements-denseignement-superieur",
    "date": "2025-02-26",
    "licence": "Licence Ouverte 2.0",
}
RNSR_SOURCE = {
    "id": "mesr-rnsr-structures",
    "title": (
        "Structures de recherche publiques actives, Répertoire national des structures de "
        "recherche (RNSR) (snapshot of February 2022)"
    ),
    "publisher": "Ministère de l'Enseignement supérieur et de la Recherche (MESR)",
    "url": "https://www.data.gouv.fr/datasets/structures-de-recherche-publiques-actives-1",
    # The date of the snapshot the extract was taken from (scripts/input/README.md).
    "date": "2022-02-08",
    "licence": "Licence Ouverte 2.0",
}

_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)
_SIREN = re.compile(r"\d{9}", re.ASCII)
_CEDEX = re.compile(r"cedex\d*|\d+", re.ASCII)  # a word of a folded postal name to drop
# Postal abbreviations (La Poste writes "ST ETIENNE", "STE", "MT ST AIGNAN").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mont"}
# Small words a postal name sometimes leaves out ("ST ETIENNE ROUVRAY"); a last resort only.
_PARTICLES = frozenset({"d", "de", "du", "des", "l", "la", "le", "les"})


def warn(message: str) -> None:
    print(f"import_research: {message}", file=sys.stderr)


def text(value: str) -> str:
    """A value as published, with its whitespace tidied (runs of spaces become one)."""
    return " ".join(value.split())


def rows(name: str, required: set[str]) -> list[dict[str, str]]:
    """The rows of an input CSV, whatever its separator: the MESR exports are `;`-separated
    at the source, but a copy may use commas. The header says which."""
    with (INPUT / name).open(encoding="utf-8-sig", newline="") as file:
        header = file.readline()
    for delimiter in (";", ","):
        if required <= {column.strip('"') for column in header.rstrip("\r\n").split(delimiter)}:
            return list(read_csv(name, delimiter=delimiter))
    sys.exit(f"import_research: {name}: no header with the columns {sorted(required)}")


def website(value: str) -> str | None:
    """An http(s) address, or None; a bare 'www.' address gets 'http://'."""
    value = value.strip()
    if value.lower().startswith("www."):
        value = "http://" + value
    parts = urlsplit(value)
    ok = parts.scheme in ("http", "https") and "." in parts.netloc
    return value if ok and value.isprintable() and " " not in value else None


def aliases(name: str, *candidates: str) -> list[str]:
    """The candidates that are given and differ from the name and from each other."""
    seen = {fold(name)}
    found = []
    for candidate in map(text, candidates):
        if candidate and fold(candidate) not in seen:
            seen.add(fold(candidate))
            found.append(candidate)
    return found


def city_of(insee: str, cities: dict[str, str], where: str) -> str:
    if insee not in cities:
        sys.exit(f"import_research: {where}: no city with INSEE code {insee!r} in communes.toml")
    return cities[insee]


# --- Establishments ---------------------------------------------------------------------


def establishments(cities: dict[str, str]) -> tuple[list[dict[str, object]], dict[str, str]]:
    """The ESR organisations, and UAI -> organisation id (for the RNSR parents)."""
    required = {"libellé", "type d'établissement", "uai - identifiant", "Code commune"}
    records = []
    by_uai: dict[str, str] = {}
    for row in rows(ESR_FILE, required):
        org_id = esr_id(row)
        name = text(row["libellé"])
        kind = "university" if row["type d'établissement"].strip() == "Université" else "school"
        latitude = longitude = None
        if row["géolocalisation"].strip():
            latitude, longitude = (float(part) for part in row["géolocalisation"].split(","))
        founded = row["date_creation"].strip()
        if founded and not _DATE.fullmatch(founded):
            sys.exit(f"import_research: {org_id}: date_creation {founded!r} is not a date")
        siren = row["siren"].strip()
        if siren and not _SIREN.fullmatch(siren):
            warn(f"{org_id}: siren {siren!r} is not one 9-digit number: left out")
            siren = ""
        site = row["site internet"].strip()
        if site and website(site) is None:
            warn(f"{org_id}: website {site!r} is not an http(s) address: left out")
        for uai in row["uai - identifiant"].split(";"):
            if uai.strip():
                by_uai[uai.strip().upper()] = org_id
        records.append(
            {
                "id": org_id,
                "name": name,
                "kind": kind,
                "city": city_of(row["Code commune"].strip(), cities, org_id),
                "aliases": aliases(name, row["sigle"], row["nom court"]),
                "founded": founded,
                "website": website(site),
                "latitude": latitude,
                "longitude": longitude,
                "siren": siren,
                "sources": [ESR_SOURCE["id"]],
            }
        )
    return records, by_uai


# --- Research structures ----------------------------------------------------------------


def postal_words(name: str) -> list[str]:
    """A postal commune name as folded words: CEDEX and its number dropped, abbreviations
    expanded ('ST ETIENNE DU ROUVRAY CEDEX' -> saint, etienne, du, rouvray)."""
    words = [w for w in fold(name).split("-") if w and not _CEDEX.fullmatch(w)]
    return [_ABBREVIATIONS.get(w, w) for w in words]


def loose(words: list[str]) -> str:
    return "-".join(w for w in words if w not in _PARTICLES)


class Gazetteer:
    """Postcodes and names of the Normandy communes, to place a postal address."""

    def __init__(self) -> None:
        self.by_postcode: dict[str, set[str]] = defaultdict(set)
        self.by_department: dict[str, set[str]] = defaultdict(set)
        self.names: dict[str, set[str]] = defaultdict(set)  # insee -> folded names
        for row in read_csv(COMMUNES_FILE):
            insee = row["insee_com"]
            self.by_postcode[row["code_postal"]].add(insee)
            self.by_department[row["insee_dep"]].add(insee)
            self.names[insee] |= {fold(row["commune_article"]), fold(row["commune"])}

    def matches(self, pool: set[str], words: list[str], exact: bool) -> set[str]:
        if exact:
            key = "-".join(words)
            return {insee for insee in pool if key in self.names[insee]}
        key = loose(words)
        return {
            insee
            for insee in pool
            if any(loose(name.split("-")) == key for name in self.names[insee])
        }

    def place(self, postcode: str, postal_name: str) -> tuple[str | None, str]:
        """The INSEE code of a postal address, and how it was found (or why not)."""
        words = postal_words(postal_name)
        cedex = any(w.startswith("cedex") for w in fold(postal_name).split("-"))
        candidates = self.by_postcode.get(postcode, set())
        if not cedex and len(candidates) == 1:
            (insee,) = candidates
            if "-".join(words) not in self.names[insee]:
                warn(f"postcode {postcode} is only {insee}, whose name is not {postal_name!r}")
            return insee, "postcode"
        department = self.by_department.get(postcode[:2], set())
        for exact in (True, False):
            for pool in (candidates, department):
                found = self.matches(pool, words, exact)
                if len(found) == 1:
                    return found.pop(), "name" if exact else "name without particles"
                if len(found) > 1:
                    return None, f"name matches {len(found)} communes: {sorted(found)}"
        return None, "no commune of the department has this name"


def readable_names() -> dict[str, str]:
    """RNSR number -> readable name, checked to change only the spelling of the register's."""
    names = {}
    for row in read_csv(NAMES_FILE):
        names[row["rnsr"].strip()] = text(row["name"])
    return names


def check_spelling(org_id: str, register: str, readable: str, correction: str) -> None:
    """A readable name may differ from the register's by case, accents and punctuation only,
    unless a correction of a typo is stated."""
    if fold(register) != fold(readable) and not correction:
        sys.exit(
            f"import_research: {org_id}: {readable!r} is more than a respelling of "
            f"{register!r}: state the typo it corrects in {NAMES_FILE}"
        )


def structures(
    cities: dict[str, str], by_uai: dict[str, str]
) -> Iterator[tuple[dict[str, object], str]]:
    """The RNSR organisations, each with how its city was found."""
    required = {"numero_national_de_structure", "libelle", "code_postal", "uai_des_tutelles"}
    gazetteer = Gazetteer()
    readable = readable_names()
    corrections = {row["rnsr"]: row["correction"].strip() for row in read_csv(NAMES_FILE)}
    numbers = set()
    for row in rows(RNSR_FILE, required):
        org_id = rnsr_id(row)
        number = row["numero_national_de_structure"].strip()
        numbers.add(number)
        register = text(row["libelle"])
        name = readable.get(number, register)
        check_spelling(org_id, register, name, corrections.get(number, ""))
        year = row["annee_de_creation"].strip()
        if year and not _YEAR.fullmatch(year):
            sys.exit(f"import_research: {org_id}: annee_de_creation {year!r} is not a year")
        site = row["site_web"].strip()
        if site and website(site) is None:
            warn(f"{org_id}: site_web {site!r} is not an http(s) address: left out")
        postcode, postal_name = row["code_postal"].strip(), row["commune"].strip()
        insee, how = gazetteer.place(postcode, postal_name)
        if insee is None:
            warn(f"{org_id}: no city for {postcode} {postal_name!r}: {how}")
        parents: list[str] = []
        for uai in row["uai_des_tutelles"].split(";"):
            parent = by_uai.get(uai.strip().upper())
            if parent is not None and parent not in parents:
                parents.append(parent)
        record = {
            "id": org_id,
            "name": name,
            "legal_name": register if register != name else None,
            "kind": "research-unit",
            "city": city_of(insee, cities, org_id) if insee else None,
            "aliases": aliases(name, row["sigle"]),
            "website": website(site),
            "rnsr": number,
            "rnsr_since": int(year) if year else None,
            "parents": parents,
            "sources": [RNSR_SOURCE["id"]],
        }
        yield record, how
    unused = sorted(set(readable) - numbers)
    if unused:
        sys.exit(f"import_research: {NAMES_FILE} names structures not in the register: {unused}")


def main() -> None:
    cities = city_ids_by_insee()
    schools, by_uai = establishments(cities)
    labs = list(structures(cities, by_uai))
    methods: dict[str, int] = defaultdict(int)
    for _, how in labs:
        methods[how] += 1
    organizations = sorted([*schools, *(record for record, _ in labs)], key=lambda r: r["id"])
    ids = [record["id"] for record in organizations]
    if len(set(ids)) != len(ids):
        sys.exit("import_research: two organisations have the same id")
    warn(
        f"{len(schools)} establishments, {len(labs)} research structures; cities found by "
        + ", ".join(f"{how}: {count}" for how, count in sorted(methods.items()))
    )
    write_toml(
        "research.toml",
        "Higher-education establishments and public research structures of Normandy.\n"
        "Generated by scripts/import_research.py from\n"
        "scripts/input/esr-etablissements-normandie.csv (MESR) and\n"
        "scripts/input/rnsr-structures-recherche-normandie.csv (MESR, RNSR), with cities from\n"
        "data/generated/communes.toml and scripts/input/communes-normandie.csv:\n"
        "do not edit by hand, change the script or its input.",
        {"sources": [ESR_SOURCE, RNSR_SOURCE], "organizations": organizations},
    )


if __name__ == "__main__":
    main()
