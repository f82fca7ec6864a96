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
