"""Write synthetic, valid normandie datasets of 1,000, 10,000 and 100,000 startups.

Each dataset is one TOML file that holds a copy of the bundled vocabulary (sectors, kinds,
contests, departments), the whole communes gazetteer (2,650 cities) and the three
agglomerations, plus generated records: N startups, N/10 organisations, N/10 events and
N/20 sources. The same seed always writes the same bytes, so runs on different days or
machines read identical files. Every file passes `normandie --data FILE validate` with no
warning: every source is cited, founding dates are in the past, names are unique and the
SIRENs pass their checksum.

    python benchmarks/generate.py                     # /tmp/normandie-bench/startups-*.toml
    python benchmarks/generate.py --sizes 1000 --output /tmp/x --seed 7

Only the standard library is used, so any Python 3.11+ can run it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DEFAULT_OUTPUT = Path("/tmp/normandie-bench")
DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_SEED = 20261126

# Syllables for made-up company names: pronounceable, ASCII, never a real company by design.
# fmt: off
SYLLABLES = (
    "ba", "be", "bi", "bo", "da", "de", "di", "do", "ka", "ke", "ki", "ko", "la", "le", "li",
    "lo", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "pa", "pe", "pi", "po", "ra", "re",
    "ri", "ro", "sa", "se", "si", "so", "ta", "te", "ti", "to", "va", "ve", "vi", "vo", "za",
    "ze", "zi", "zo", "tek", "lab", "net", "bot", "flux", "dat", "cod", "sys", "nov", "gen",
)
TAGS = (
    "saas", "b2b", "b2c", "marketplace", "deeptech", "iot", "open-source", "french-tech-120",
    "export", "greentech", "healthtech", "edtech", "fintech", "proptech", "agritech",
    "robotics", "drones", "blockchain", "quantum", "cloud", "mobile-app", "e-commerce",
    "nautical", "hydrogen",
)
WORDS = (
    "software", "platform", "service", "data", "sensor", "network", "design", "studio",
    "analytics", "energy", "water", "mobility", "health", "robot", "tool", "cloud", "security",
    "logistics", "port", "farm", "learning", "map",
)
# fmt: on
INVESTORS = (
    "Normandie Participations",
    "Bpifrance",
    "Go Capital",
    "Business angels",
    "Crédit Agricole Normandie",
    "Caisse d'Épargne Normandie",
)
VENUES = ("Forum Digital", "Seine Innopolis", "Le Dôme", "Hangar 107", "Campus 2", "Le Moulin")
# Where records are: most in the three scenes, as in the real data; the rest anywhere.
SCENE_SHARE = 0.7
NO_CITY_SHARE = 0.08


def toml_value(value: Any) -> str:
    """One TOML value; JSON's string escapes are valid TOML basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def toml_tables(name: str, records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """An array of tables, `[[name]]` per record, as the bundled files are written."""
    for record in records:
        yield f"\n[[{name}]]\n"
        for key, value in record.items():
            yield f"{key} = {toml_value(value)}\n"


def luhn_siren(rng: random.Random) -> str:
    """A 9-digit SIREN whose Luhn checksum holds (validate warns about ones that fail)."""
    digits = [rng.randrange(10) for _ in range(8)]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        # The check digit will take position 0, so these start at position 1 (doubled).
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def made_up_name(rng: random.Random, index: int) -> str:
    """A company-like name, unique through its number (validate warns about near-twins)."""
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return f"{word.capitalize()} {rng.choice(WORDS).capitalize()} {index}"


def partial_date(rng: random.Random, first_year: int, last_year: int) -> str:
    year = rng.randint(first_year, last_year)
    precision = rng.random()
    if precision < 0.5:
        return f"{year}"
    month = rng.randint(1, 12)
    if precision < 0.8:
        return f"{year}-{month:02d}"
    # Day 27 at most, so that an event ending the next day is a real date.
    return f"{year}-{month:02d}-{rng.randint(1, 27):02d}"


class Generator:
    """Builds one dataset of `startups` startups from the bundled vocabulary and gazetteer."""

    def __init__(self, startups: int, seed: int) -> None:
        self.size = startups
        self.rng = random.Random(f"{seed}:{startups}")
        with (DATA / "vocabulary.toml").open("rb") as file:
            self.vocabulary = tomllib.load(file)
        with (DATA / "generated" / "communes.toml").open("rb") as file:
            self.gazetteer = tomllib.load(file)
        with (DATA / "normandie.toml").open("rb") as file:
            bundled = tomllib.load(file)
        self.meta = bundled["meta"]
        self.agglomerations = bundled["agglomerations"]
        self.source_ids = [f"bench-source-{i:06d}" for i in range(max(20, startups // 20))]
        self.organization_ids = [f"bench-org-{i:06d}" for i in range(max(10, startups // 10))]
        self.event_count = max(10, startups // 10)
        self.sector_ids = [t["id"] for t in self.vocabulary["sectors"]]
        self.organization_kinds = [t["id"] for t in self.vocabulary["organization_kinds"]]
        self.event_kinds = [t["id"] for t in self.vocabulary["event_kinds"]]
        self.contests = [t["id"] for t in self.vocabulary["contests"]]
        self.city_ids = [c["id"] for c in self.gazetteer["cities"]]
        self.scene_ids = [city for a in self.agglomerations for city in a["members"]]
        # Seats weigh more: Rouen, Caen and Le Havre hold most of their scene's records.
        self.scene_ids += [a["seat"] for a in self.agglomerations] * len(self.scene_ids)

    def cities(self) -> Iterator[dict[str, Any]]:
        """The gazetteer; a few communes also cite a source of normandie.toml, which this file
        does not copy, so those citations point at a synthetic source instead."""
        known = {s["id"] for s in self.gazetteer["sources"]}
        for city in self.gazetteer["cities"]:
            cited = [s if s in known else self.source_ids[0] for s in city["sources"]]
            yield {**city, "sources": list(dict.fromkeys(cited))}

    def city(self) -> str | None:
        draw = self.rng.random()
        if draw < NO_CITY_SHARE:
            return None
        if draw < NO_CITY_SHARE + SCENE_SHARE:
            return self.rng.choice(self.scene_ids)
        return self.rng.choice(self.city_ids)

    def cite(self) -> list[str]:
        return self.rng.sample(self.source_ids, self.rng.choice((1, 1, 1, 2, 3)))

    def sources(self) -> Iterator[dict[str, Any]]:
        yield from self.vocabulary["sources"]
        yield from self.gazetteer["sources"]
        for index, source_id in enumerate(self.source_ids):
            source = {
                "id": source_id,
                "title": f"Synthetic benchmark source {index}",
                "publisher": self.rng.choice(
                    ("Maddyness", "Tendance Ouest", "76actu", "Ouest-France")
                ),
                "url": f"https://example.org/normandie-bench/{index}",
            }
            if self.rng.random() < 0.7:
                source["date"] = partial_date(self.rng, 2010, 2026)
            yield source

    def organizations(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for index, org_id in enumerate(self.organization_ids):
            org: dict[str, Any] = {
                "id": org_id,
                "name": made_up_name(rng, index),
                "kind": rng.choice(self.organization_kinds),
            }
            city = self.city()
            if city is not None:
                org["city"] = city
            if rng.random() < 0.2:
                org["aliases"] = [f"ORG{index}"]
            if rng.random() < 0.6:
                org["founded"] = partial_date(rng, 1960, 2024)
            if rng.random() < 0.7:
                org["website"] = f"https://org{index}.example.org/"
            if rng.random() < 0.3:
                org["latitude"] = round(rng.uniform(48.2, 50.0), 5)
                org["longitude"] = round(rng.uniform(-1.9, 1.8), 5)
            if index > 0 and rng.random() < 0.1:
                org["parents"] = [self.organization_ids[rng.randrange(index)]]
            org["description"] = f"Synthetic {org['kind'].replace('-', ' ')} for benchmarks."
            org["sources"] = self.cite()
            yield org

    def startups(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for index in range(self.size):
            startup_id = f"bench-startup-{index:06d}"
            startup: dict[str, Any] = {"id": startup_id, "name": made_up_name(rng, index)}
            city = self.city()
            if city is not None:
                startup["city"] = city
            startup["sectors"] = rng.sample(self.sector_ids, rng.choice((1, 1, 2)))
            if rng.random() < 0.4:
                startup["tags"] = rng.sample(TAGS, rng.randint(1, 3))
            if rng.random() < 0.6:
                startup["founded"] = partial_date(rng, 1990, 2025)
            if rng.random() < 0.2:
                startup["status"] = rng.choice(("active", "active", "acquired", "closed"))
            if rng.random() < 0.5:
                startup["website"] = f"https://startup{index}.example.org/"
            if rng.random() < 0.3:
                startup["siren"] = luhn_siren(rng)
            if rng.random() < 0.15:
                startup["hosted_by"] = [rng.choice(self.organization_ids)]
            if rng.random() < 0.05:
                startup["former_names"] = [f"Old name {index}"]
            if rng.random() < 0.1:
                startup["awards"] = [
                    {
                        "contest": rng.choice(self.contests),
                        "year": rng.randint(2000, 2025),
                        "amount": rng.randrange(10_000, 500_000, 1_000),
                        "sources": self.cite(),
                    }
                ]
            if rng.random() < 0.1:
                startup["funding"] = [
                    {
                        "amount": rng.randrange(50_000, 5_000_000, 10_000),
                        "date": partial_date(rng, 2010, 2025),
                        "investors": rng.sample(INVESTORS, rng.randint(1, 2)),
                        "sources": self.cite(),
                    }
                ]
            startup["description"] = (
                f"Synthetic startup working on {rng.choice(WORDS)} and {rng.choice(WORDS)}."
            )
            startup["sources"] = self.cite()
            yield startup

    def events(self, startup_ids: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for index in range(self.event_count):
            event: dict[str, Any] = {
                "id": f"bench-event-{index:06d}",
                "name": f"Benchmark meetup {index}",
                "kind": rng.choice(self.event_kinds),
            }
            if rng.random() < 0.3:
                event["series"] = f"bench-series-{index % 50}"
            if rng.random() < 0.9:
                start = partial_date(rng, 2010, 2027)
                event["start"] = start
                if len(start) == 10 and rng.random() < 0.2:
                    event["end"] = f"{start[:8]}{int(start[8:]) + 1:02d}"
            city = self.city()
            if city is not None:
                event["city"] = city
                if rng.random() < 0.5:
                    event["venue"] = rng.choice(VENUES)
            elif rng.random() < 0.5:
                event["online"] = True
            if rng.random() < 0.8:
                organizers = [rng.choice(self.organization_ids)]
                if rng.random() < 0.3:
                    organizers.append(f"bench-startup-{rng.randrange(startup_ids):06d}")
                event["organizers"] = organizers
            if rng.random() < 0.5:
                event["url"] = f"https://events.example.org/{index}"
            event["sources"] = self.cite()
            yield event

    def chunks(self) -> Iterator[str]:
        yield (
            f"# Synthetic normandie dataset for benchmarks: {self.size} startups.\n"
            "# Written by benchmarks/generate.py; every record is made up.\n"
        )
        yield "\n[meta]\n"
        meta = {**self.meta, "title": f"Synthetic benchmark dataset ({self.size} startups)"}
        yield from (f"{key} = {toml_value(value)}\n" for key, value in meta.items())
        yield from toml_tables("sources", self.sources())
        for table in ("departments", "sectors", "organization_kinds", "event_kinds", "contests"):
            yield from toml_tables(table, self.vocabulary[table])
        agglomerations = [{**a, "sources": [self.source_ids[0]]} for a in self.agglomerations]
        yield from toml_tables("agglomerations", agglomerations)
        yield from toml_tables("cities", self.cities())
        yield from toml_tables("organizations", self.organizations())
        yield from toml_tables("startups", self.startups())
        yield from toml_tables("events", self.events(self.size))


def generate(size: int, output: Path, seed: int = DEFAULT_SEED) -> Path:
    """Write startups-SIZE.toml into `output` (created if needed) and return its path."""
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"startups-{size}.toml"
    temporary = path.with_suffix(".toml.tmp")
    with temporary.open("w", encoding="utf-8", newline="\n") as file:
        file.writelines(Generator(size, seed).chunks())
    temporary.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help=f"folder (default {DEFAULT_OUTPUT})"
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        metavar="N",
        help="numbers of startups (default 1000 10000 100000)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    for size in args.sizes:
        if size < 1:
            parser.error(f"a size must be at least 1, got {size}")
        path = generate(size, args.output, args.seed)
        print(f"{path}\t{path.stat().st_size:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
