"""Generate data/generated/caencamp.toml: the CaenCamp collective and its 70 dated meetups
(talks, lightning talks, Coding CaenCamp, coding dojos, CaenCamp DevOps), from the extract of
the CaenCamp/new-website repository in scripts/input/caencamp-events.csv, each at its venue's
own commune: scripts/input/caencamp-venues.csv gives the address of every venue slug, as the
organisers' API repository (CaenCamp/api-caencamp) lists them.

Run: python scripts/import_caencamp.py (after scripts/import_communes.py)
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from importing import city_ids_by_insee, read_csv, slug, write_toml

COMMIT = "401836601bd2f350fa9a355f05c14a56d717df34"
SOURCE_ID = "caencamp-new-website"
SOURCE = {
    "id": SOURCE_ID,
    "title": (
        "CaenCamp website sources (talks, lightning talks, Coding CaenCamp, dojos, CaenCamp DevOps)"
    ),
    "publisher": "CaenCamp",
    "url": f"https://github.com/CaenCamp/new-website/tree/{COMMIT}",
    "date": "2021-11-18",
    # The repository's MIT licence file comes from its site template; no separate licence
    # covers the content (see scripts/input/README.md).
    "licence": "MIT (repository licence)",
}
PLACES_COMMIT = "5fb5d3ee2ca2f7e662236b04c9c52d589c30008d"
PLACES_SOURCE_ID = "caencamp-api-places"
PLACES_SOURCE = {
    "id": PLACES_SOURCE_ID,
    "title": "CaenCamp API fixtures: the meetup venues with their addresses (Place objects)",
    "publisher": "CaenCamp",
    "url": (
        f"https://github.com/CaenCamp/api-caencamp/blob/{PLACES_COMMIT}/"
        "src/DataFixtures/AppFixtures.php"
    ),
}
ORGANIZER = "caencamp"
ORGANIZATION = {
    "id": ORGANIZER,
    "name": "CaenCamp",
    "kind": "community",
    "city": "caen",
    # The repository README: "Cette initiative existe depuis 2012".
    "founded": "2012",
    "description": (
        "Volunteer collective, started in 2012, that organises meetups in Caen by and for "
        "developers: talks, lightning talks, coding dojos and Coding CaenCamp evenings."
    ),
    "sources": [SOURCE_ID],
}

# What each series of the site (the CSV `series`, also the id part) is: event kind, series slug
# and how an edition is named.
SERIES: dict[str, tuple[str, str, str]] = {
    "talks": ("meetup", "caencamp", "CaenCamp #{edition}"),
    "lightnings": ("lightning-talks", "caencamp", "CaenCamp #{edition} lightning talk"),
    "ccc": ("workshop", "coding-caencamp", "Coding CaenCamp #{edition}"),
    "dojos": ("coding-dojo", "caencamp-dojo", "CaenCamp Coding Dojo #{edition}"),
    "ccd": ("meetup", "caencamp-devops", "CaenCamp DevOps #{edition}"),
}

# A venue is a place, not a town: each slug's name and commune come from
# scripts/input/caencamp-venues.csv (the API repository's Place objects, with their
# addresses). A slug not in it (campus-2) keeps no venue and no commune, and "online" is no
# venue at all.
ONLINE = "online"


def venues() -> dict[str, tuple[str, str]]:
    """Venue slug -> (venue name, city id), checked against the gazetteer."""
    city_of = city_ids_by_insee()
    found = {}
    for row in read_csv("caencamp-venues.csv"):
        if row["commune_insee"] not in city_of:
            raise SystemExit(f"caencamp-venues.csv: no commune {row['commune_insee']!r}")
        found[row["slug"]] = (row["venue"], city_of[row["commune_insee"]])
    return found


# Where a page of the same repository contradicts or completes its own front matter. The
# `date` of the early talk pages (2012-2014) is the day the announcement was posted, not the
# day of the meetup: their text gives the meetup's day (always a Thursday). Keyed by
# source_path; each value replaces the field computed from the CSV row.
CORRECTIONS: dict[str, dict[str, Any]] = {
    "content/talks/2012-10-09-caencamp-5.md": {"start": "2012-10-18"},  # "le jeudi 18 octobre"
    "content/talks/2012-11-12-introduction-au-developpement-par-les-tests.md": {
        "start": "2012-11-15"  # "Le CaenCamp #6 aura lieu le jeudi 15 novembre"
    },
    "content/talks/2012-12-06-git-pratique.md": {"start": "2012-12-20"},  # "le jeudi 20 décembre"
    "content/talks/2013-01-11-caencamp-8.md": {"start": "2013-01-31"},  # "jeudi 31 janvier"
    "content/talks/2013-02-15-caencamp-9-git-submodules.md": {
        "start": "2013-02-28"  # "Rendez-vous jeudi 28 février"
    },
    "content/talks/2013-03-08-caencamp-10-programmation-binome.md": {
        "start": "2013-03-28"  # "Rendez-vous jeudi 28 mars"
    },
    "content/talks/2013-04-11-caencamp-11-vagrant.md": {"start": "2013-04-25"},  # "jeudi 25 avril"
    "content/talks/2013-05-17-caencamp-12-backbonejs.md": {"start": "2013-05-30"},  # "jeudi 30 mai"
    # Posted on Monday 24 June: "C'est Jeudi" ... "Bonne semaine et à jeudi !" (no day given).
    "content/talks/2013-06-24-caencamp-13-rails-angular.md": {"start": "2013-06"},
    # Posted on Friday 25 October: "C'est Jeudi" ... "Bonne semaine et à jeudi !" (no day given).
    "content/talks/2013-10-25-caencamp-14-tour-d-horizon-et-deploiements.md": {"start": "2013-10"},
    "content/talks/2013-11-15-caencamp-15-et-dojo.md": {"start": "2013-11-21"},  # "Jeudi 21/11"
    "content/talks/2014-04-23-caencamp-20.md": {"start": "2014-04-24"},  # "le 24 avril"
    # No place in the front matter, but the text says "Ce sera où ? Sur Discord".
    "content/ccc/10-discord.md": {"online": True},
    "content/ccc/11-usine.md": {"online": True},
}


def start_of(row: Mapping[str, str]) -> str:
    """The day of the row's `date` ('YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'), checked."""
    day = row["date"][:10]
    date.fromisoformat(day)  # raises on anything that is not a real day
    return day


def shared_places(rows: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    """The place of each talk evening, by (edition, meetup.com event id).

    A lightning-talk page has no place of its own, but it shares its edition and its meetup.com
    event with the talk of the same evening: one event listing, one venue."""
    return {
        (row["edition"], row["meetup_id"]): row["place"]
        for row in rows
        if row["series"] == "talks" and row["meetup_id"] and row["place"]
    }


def event(
    row: Mapping[str, str],
    places: Mapping[tuple[str, str], str],
    known: Mapping[str, tuple[str, str]],
) -> dict[str, Any]:
    kind, series, label = SERIES[row["series"]]
    edition = int(row["edition"])
    name = label.format(edition=edition)
    title = row["title"].strip()
    if title and title != f"Édition {edition}":  # the DevOps page's title only repeats this
        name += f": {title}"
    place = row["place"]
    if not place and row["series"] == "lightnings" and row["meetup_id"]:
        place = places.get((row["edition"], row["meetup_id"]), "")
    online = place == ONLINE
    venue, city = known.get(place, (None, None))
    record: dict[str, Any] = {
        "id": f"caencamp-{row['series']}-{edition:02d}",
        "name": name,
        "kind": kind,
        "series": series,
        "start": start_of(row),
        "city": city,
        "venue": venue,
        "online": online or None,
        "organizers": [ORGANIZER],
        "sources": [SOURCE_ID, PLACES_SOURCE_ID] if venue else [SOURCE_ID],
    }
    record.update(CORRECTIONS.get(row["source_path"], {}))
    if record["online"]:
        record["city"] = None
    return record


def main() -> None:
    rows = list(read_csv("caencamp-events.csv"))
    paths = Counter(row["source_path"] for row in rows)
    unknown = sorted(set(CORRECTIONS) - set(paths))
    if unknown or max(paths.values()) > 1:
        raise SystemExit(f"source_path not unique, or corrections for absent rows: {unknown}")
    places = shared_places(rows)
    known = venues()
    unplaced = sorted({row["place"] for row in rows} - set(known) - {ONLINE, ""})
    print(f"import_caencamp: no address for venue slugs {unplaced}: no commune", file=sys.stderr)
    events = [event(row, places, known) for row in rows]
    # Two rows of one series and edition would share an id: both then take their page's file
    # name as well, which the repository keeps unique.
    ids = Counter(record["id"] for record in events)
    for record, row in zip(events, rows, strict=True):
        if ids[record["id"]] > 1:
            record["id"] += "-" + slug(PurePosixPath(row["source_path"]).stem)
    if len({record["id"] for record in events}) != len(events):
        raise SystemExit("event ids are still not unique")
    events.sort(key=lambda record: (record["start"], record["id"]))
    write_toml(
        "caencamp.toml",
        "The CaenCamp developer collective of Caen and its meetups, 2012-2021.\n"
        "Generated by scripts/import_caencamp.py from scripts/input/caencamp-events.csv\n"
        f"(CaenCamp/new-website at commit {COMMIT}) and scripts/input/caencamp-venues.csv\n"
        f"(CaenCamp/api-caencamp at commit {PLACES_COMMIT}):\n"
        "do not edit by hand, change the script or its input.",
        {
            "sources": [SOURCE, PLACES_SOURCE],
            "organizations": [ORGANIZATION],
            "events": events,
        },
    )


if __name__ == "__main__":
    main()
