"""Generate data/generated/conferences.toml: dated conference editions of Normandy from
scripts/input/normandy-conferences.csv (conference-agenda lines of podcast show notes, the
organisers' and press pages), merged with the editions already in the data.

An edition already kept by hand (same series, same year) is not written again: the script
checks that the hand-kept record has the row's date and commune and cites the row's source,
and stops otherwise. A row flagged as a conflict is resolved as its note says, and a hand-kept
record is not asked to cite a source whose date it does not follow.

Run: python scripts/import_conferences.py (after the scripts before it in importing.ORDER)
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from importing import Citations, Communes, dataset_tables, read_csv, write_toml

OUTPUT = "conferences.toml"

# The extract's event label -> series id, edition name ({year}), event kind.
SERIES: dict[str, tuple[str, str, str]] = {
    "Codeurs en Seine": ("codeurs-en-seine", "Codeurs en Seine {year}", "conference"),
    "Fork it! Community (Rouen)": ("fork-it-rouen", "Fork it! Rouen {year}", "conference"),
    "Fork it! - Rouen": ("fork-it-rouen", "Fork it! Rouen {year}", "conference"),
    "Normandie.ai": ("normandie-ai", "Normandie.ai {year}", "conference"),
    "C:\\aen\\Tech": ("caen-tech", "C:\\aen\\Tech {year}", "conference"),
    "NWX Summer Festival": ("nwx-summer-festival", "NWX Summer Festival {year}", "festival"),
    "Choose Rouen (Rouen Normandy Invest annual evening)": (
        "choose-rouen",
        "Choose Rouen {year}",
        "conference",
    ),
    "Foire de Caen - village de l'innovation (start-ups)": (
        "foire-de-caen-innovation-village",
        "Foire de Caen {year}: innovation village",
        "trade-show",
    ),
}

# What a row's page says beyond event, date and commune, by (series, year). Descriptions are
# ours; "also" names more pages cited for the same facts.
DETAILS: dict[tuple[str, int], dict[str, Any]] = {
    ("fork-it-rouen", 2024): {"url": "https://www.forkit.community/"},
    ("fork-it-rouen", 2026): {"url": "https://www.forkit.community/events/2026-france-rouen"},
    ("normandie-ai", 2024): {"url": "https://normandie.ai"},
    ("normandie-ai", 2025): {"url": "https://normandie.ai/"},
    ("caen-tech", 2026): {"url": "https://caen.tech/"},
    ("nwx-summer-festival", 2018): {
        "venue": "Le 106",
        "organizers": ["nwx"],
        "description": (
            "Fourth edition of the NWX digital festival: two days of talks at Le 106 on "
            "artificial intelligence."
        ),
    },
    # The organiser's page says 28 November; La Gazette Normandie says 28 and 29 November and
    # places the evening at INSA Rouen, in Saint-Étienne-du-Rouvray. Both are cited; the day
    # kept is the one both give.
    ("choose-rouen", 2024): {
        "venue": "INSA Rouen Normandie",
        "organizers": ["rouen-normandy-invest"],
        "also": [
            "https://gazettenormandie.fr/article/rouen-normandy-invest-mise-sur-l-intelligence-artificielle"
        ],
        "description": (
            "Annual evening of Rouen Normandy Invest, given over to artificial intelligence "
            "for companies, with some 500 business leaders and the Choose Rouen ambassador "
            "trophies."
        ),
    },
    ("foire-de-caen-innovation-village", 2017): {
        "description": (
            "Innovation village of the 2017 Caen fair, where start-ups of the region showed "
            "their latest work."
        ),
    },
}
CONFLICT = "CONFLICT"


def fail(message: str) -> None:
    sys.exit(f"import_conferences: {message}")


def main() -> None:
    tables = dataset_tables(OUTPUT)
    citations = Citations(tables)
    communes = Communes()
    kept = {
        (event.get("series"), str(event.get("start", ""))[:4]): event
        for event in tables.get("events", [])
    }
    events: list[dict[str, Any]] = []
    merged = []
    for n, row in enumerate(read_csv("normandy-conferences.csv"), start=2):
        if row["event"] not in SERIES:
            fail(f"line {n}: no series for {row['event']!r}: add it to SERIES")
        series, label, kind = SERIES[row["event"]]
        year = int(row["edition"][:4])
        start, end = row["date_start"].strip(), row["date_end"].strip()
        date.fromisoformat(start), date.fromisoformat(end)  # real days, or an error
        city = communes.insee(row["commune_insee"].strip(), f"line {n}")
        hand = kept.get((series, str(year)))
        source = citations.source_id(row["source_url"])
        if hand is not None:
            problems = []
            if str(hand.get("start")) != start:
                problems.append(f"start {hand.get('start')} is not {start}")
            if hand.get("city") != city:
                problems.append(f"city {hand.get('city')} is not {city}")
            conflict = row["note"].startswith(CONFLICT)
            if not conflict and source not in hand["sources"]:
                problems.append(f"it does not cite {source!r}")
            if problems:
                fail(f"line {n}: the data's {hand['id']!r}: " + "; ".join(problems))
            if not conflict:
                citations.cite(row["source_url"])
            merged.append(hand["id"] + (" (conflict resolved as noted)" if conflict else ""))
            continue
        source = citations.cite(row["source_url"])
        details = DETAILS.get((series, year), {})
        events.append(
            {
                "id": f"{series}-{year}",
                "name": label.format(year=year),
                "kind": kind,
                "series": series,
                "start": start,
                "end": end if end != start else None,
                "city": city,
                "venue": details.get("venue"),
                "organizers": details.get("organizers", []),
                "url": details.get("url"),
                "description": details.get("description"),
                "sources": [source, *(citations.cite(url) for url in details.get("also", []))],
            }
        )
    taken = {record["id"] for table in tables.values() for record in table if "id" in record}
    clash = sorted(record["id"] for record in events if record["id"] in taken)
    if clash:
        fail(f"ids already in the data: {clash}")
    print(f"import_conferences: already in the data: {', '.join(merged)}", file=sys.stderr)
    events.sort(key=lambda record: (record["start"], record["id"]))
    write_toml(
        OUTPUT,
        "Dated conference editions of Normandy (agenda lines, organisers' and press pages).\n"
        "Generated by scripts/import_conferences.py from\n"
        "scripts/input/normandy-conferences.csv and scripts/input/press-sources.csv; the editions\n"
        "already kept by hand are checked against it, not written again:\n"
        "do not edit by hand, change the script or its input.",
        {"sources": citations.sources(), "events": events},
    )


if __name__ == "__main__":
    main()
