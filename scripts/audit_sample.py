"""Draw the audit sample of data/AUDIT.md: facts of the bundled data picked at random with a
fixed seed, each with the sources its record cites, as a Markdown table to check by hand.

A fact is one sourced value of a startup, an organisation or an event: a commune, a date, a
website, a SIREN, a sector, a host, a parent, an organiser, a funding round, an award. Names,
ids, kinds and our own descriptions are not facts to check against a source here, nor are the
2,650 communes of the gazetteer (one file, checked by its import). The same seed on the same
data always draws the same facts.

Run: python scripts/audit_sample.py [--seed N] [--size N] [--data FOLDER]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

from normandie_cli.dataset import load_dataset
from normandie_cli.models import Dataset, Event, Organization, Startup

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261203
SIZE = 20

# The fields that hold facts, by record type; list fields give one fact per item.
FIELDS = {
    Startup: ("city", "founded", "website", "siren", "sectors", "hosted_by", "research_units"),
    Organization: ("city", "founded", "website", "siren", "rnsr", "rnsr_since", "parents"),
    Event: ("start", "end", "city", "venue", "online", "url", "organizers"),
}

Fact = tuple[str, str, str, tuple[str, ...]]  # record id, field, value, source ids


def facts(dataset: Dataset) -> Iterator[Fact]:
    """Every fact of the startups, organisations and events, in a stable order."""
    records: list[Startup | Organization | Event] = [
        *dataset.startups,
        *dataset.organizations,
        *dataset.events,
    ]
    for record in sorted(records, key=lambda r: r.id):
        for field in FIELDS[type(record)]:
            value = getattr(record, field)
            if value is None or value == () or (field == "online" and not value):
                continue
            for item in value if isinstance(value, tuple) else (value,):
                yield record.id, field, str(item), record.sources
        if isinstance(record, Startup):
            for award in record.awards:
                text = f"{award.contest} {award.year}" + (
                    f", {award.category}" if award.category else ""
                )
                yield record.id, "awards", text, award.sources
            for round_ in record.funding:
                text = "amount unknown" if round_.amount is None else f"{round_.amount:,} €"
                if round_.date is not None:
                    text += f", {round_.date}"
                if round_.kind is not None:
                    text += f", {round_.kind}"
                yield record.id, "funding", text, round_.sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data folder")
    arguments = parser.parse_args()
    dataset = load_dataset(arguments.data)
    urls = {source.id: source.url for source in dataset.sources}
    every = list(facts(dataset))
    sample = random.Random(arguments.seed).sample(every, arguments.size)
    print(f"{len(every)} facts; seed {arguments.seed}; {arguments.size} drawn\n")
    print("| # | record | field | value | sources |")
    print("|---|---|---|---|---|")
    for number, (record, field, value, sources) in enumerate(sample, start=1):
        cited = "<br>".join(f"`{s}` {urls[s]}" for s in sources)
        print(f"| {number} | `{record}` | {field} | {value} | {cited} |")


if __name__ == "__main__":
    main()
