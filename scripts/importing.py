"""What the import scripts share: reading their CSV input, making ids, writing TOML the same
way every time (so a re-run reproduces the committed files byte for byte)."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import tomli_w

from normandie_cli.laureates import id_slug as slug
from normandie_cli.text import fold

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "scripts" / "input"
GENERATED = ROOT / "data" / "generated"


def read_csv(name: str, delimiter: str = ",") -> Iterator[dict[str, str]]:
    """The rows of one of the input CSVs in scripts/input/ (a BOM, if any, is dropped)."""
    with (INPUT / name).open(encoding="utf-8-sig", newline="") as file:
        yield from csv.DictReader(file, delimiter=delimiter)


def clean(record: Mapping[str, Any]) -> dict[str, Any]:
    """Drop empty values: TOML has no null, and the schema leaves unknown fields out."""
    return {k: v for k, v in record.items() if v not in (None, "", [], ())}


def write_toml(name: str, header: str, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Write data/generated/NAME (or --output DIR/NAME) with a header saying how it was made."""
    parser = argparse.ArgumentParser(description=header.splitlines()[0])
    parser.add_argument("--output", type=Path, default=GENERATED, help="folder to write into")
    folder = parser.parse_args().output
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    body = tomli_w.dumps({k: [clean(r) for r in v] for k, v in tables.items() if v})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(comment + "\n" + body, encoding="utf-8")
    count = sum(len(v) for v in tables.values())
    print(f"wrote {count} records to {folder / name}", file=sys.stderr)


def city_ids_by_insee() -> dict[str, str]:
    """INSEE code -> city id, from the generated communes file (import_communes.py runs first)."""
    import tomllib

    path = GENERATED / "communes.toml"
    if not path.is_file():
        sys.exit(f"{path} is missing: run scripts/import_communes.py first")
    with path.open("rb") as file:
        return {city["insee"]: city["id"] for city in tomllib.load(file)["cities"]}


def rnsr_id(row: Mapping[str, str]) -> str:
    """The organisation id of a research structure of the RNSR extract: 'rnsr-' and its
    national number, which is stable where acronyms and names are not."""
    return f"rnsr-{row['numero_national_de_structure'].lower()}"


def esr_id(row: Mapping[str, str]) -> str:
    """The organisation id of a higher-education establishment of the ESR extract."""
    return slug(row["libellé"])


# The order the import scripts run in. A script may read the hand-kept files and the files of
# the scripts before it, never those after: no two generated files depend on each other, and a
# record already in the data (matched on SIREN or name) is never written twice.
ORDER = (
    "communes.toml",
    "research.toml",
    "laureates.toml",
    "caencamp.toml",
    "codeursenseine.toml",
    "conferences.toml",
    "places.toml",
    "press.toml",
)


def load_toml(path: Path) -> dict[str, Any]:
    import tomllib

    with path.open("rb") as file:
        return tomllib.load(file)


def dataset_tables(before: str) -> dict[str, list[dict[str, Any]]]:
    """The tables of the hand-kept data/*.toml and of the generated files that come before
    `before` in ORDER, put together (a generated file missing stops the script)."""
    paths = sorted((ROOT / "data").glob("*.toml"))
    for name in ORDER[: ORDER.index(before)]:
        if not (GENERATED / name).is_file():
            sys.exit(f"{GENERATED / name} is missing: run the import scripts in order")
        paths.append(GENERATED / name)
    tables: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        for table, records in load_toml(path).items():
            if isinstance(records, list):
                tables.setdefault(table, []).extend(records)
    return tables


def known_names(record: Mapping[str, Any]) -> set[str]:
    """The folded names a record answers to: name, legal name, former names, aliases."""
    names = [record["name"], record.get("legal_name", "")]
    names += [*record.get("former_names", []), *record.get("aliases", [])]
    return {fold(name) for name in names if name}


def find_record(records: Sequence[Mapping[str, Any]], name: str, siren: str = "") -> str | None:
    """The id of the record with this SIREN, else of the one answering to this name; None if
    there is none. Two records answering to the name stop the script: ambiguous."""
    if siren:
        for record in records:
            if record.get("siren") == siren:
                return str(record["id"])
    found = [str(r["id"]) for r in records if fold(name) in known_names(r)]
    if len(found) > 1:
        sys.exit(f"{name!r} matches several records: {found}")
    return found[0] if found else None


class Communes:
    """The communes of data/generated/communes.toml, found by INSEE code or by name."""

    def __init__(self) -> None:
        cities = load_toml(GENERATED / "communes.toml")["cities"]
        self.by_insee = {city["insee"]: city["id"] for city in cities}
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        for city in cities:
            for name in {fold(city["name"]), *(fold(a) for a in city.get("aliases", []))}:
                self.by_name.setdefault(name, []).append((city["id"], city["department"]))

    def insee(self, code: str, where: str) -> str:
        if code not in self.by_insee:
            sys.exit(f"{where}: no commune with INSEE code {code!r}")
        return self.by_insee[code]

    def named(self, name: str, department: str | None, where: str) -> str:
        """The one commune of this name (in this department, when given)."""
        found = [
            city for city, dept in self.by_name.get(fold(name), []) if department in (None, dept)
        ]
        if len(found) != 1:
            sys.exit(f"{where}: {len(found)} communes named {name!r} (department {department})")
        return found[0]


class Citations:
    """Source ids for the URLs the extracts cite: a source already in the data keeps its id;
    any other comes from scripts/input/press-sources.csv and is written with the records."""

    def __init__(self, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        self.known = {source["url"]: source["id"] for source in tables.get("sources", [])}
        self.listed = {row["url"]: row for row in read_csv("press-sources.csv")}
        self.used: dict[str, dict[str, Any]] = {}

    def source_id(self, url: str) -> str:
        """The id the source of this URL has, or will have; it is not yet cited."""
        url = url.strip()
        if url in self.known:
            return self.known[url]
        if url not in self.listed:
            sys.exit(f"no source for {url}: add it to scripts/input/press-sources.csv")
        return self.listed[url]["id"]

    def cite(self, url: str) -> str:
        """The id of the source of this URL, which the records written will cite."""
        source_id = self.source_id(url)
        url = url.strip()
        if url not in self.known:
            row = self.listed[url]
            self.used[url] = {k: row[k] for k in ("id", "title", "publisher", "url", "date")}
        return source_id

    def sources(self) -> list[dict[str, Any]]:
        """The sources cited that the data did not have, in id order."""
        return sorted(self.used.values(), key=lambda source: source["id"])
