"""Generate data/generated/caencamp.toml: the CaenCamp collective and its 70 dated meetups
(talks, lightning talks, Coding CaenCamp, coding dojos, CaenCamp DevOps), from the extract of
the CaenCamp/new-website repository in scripts/input/caencamp-events.csv.

Run: python scripts/import_caencamp.py
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from importing import read_csv, slug, write_toml

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

# The venue slugs the site's gatsby-config.js names (same commit). The other slugs
# (campus-2, imie) have no label in the repository, so their venue stays unknown; the
# "online" slug is not a venue.
VENUES = {
    "dome": "Le Dôme",
    "forum-digital": "Forum Digital",
    "hey": "Hey! coworking",
    # Not labelled in gatsby-config.js, but the page of that edition (content/ccd/
    # premiere-edition.md) says "chez Normandie Incubation, 17 rue Claude Bloch à Caen".
    "normandie-incubation": "Normandie Incubation",
}

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


def event(row: Mapping[str, str], places: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    kind, series, label = SERIES[row["series"]]
    edition = int(row["edition"])
    name = label.format(edition=edition)
    title = row["title"].strip()
    if title and title != f"Édition {edition}":  # the DevOps page's title only repeats this
        name += f": {title}"
    place = row["place"]
    if not place and row["series"] == "lightnings" and row["meetup_id"]:
        place = places.get((row["edition"], row["meetup_id"]), "")
    online = place == "online"
    record: dict[str, Any] = {
        "id": f"caencamp-{row['series']}-{edition:02d}",
        "name": name,
        "kind": kind,
        "series": series,
        "start": start_of(row),
        # Every known place is in Caen; an empty one may have been online.
        "city": "caen" if place and not online else None,
        "venue": VENUES.get(place),
        "online": online or None,
        "organizers": [ORGANIZER],
        "sources": [SOURCE_ID],
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
    events = [event(row, places) for row in rows]
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
        f"(CaenCamp/new-website at commit {COMMIT}):\n"
        "do not edit by hand, change the script or its input.",
        {"sources": [SOURCE], "organizations": [ORGANIZATION], "events": events},
    )


if __name__ == "__main__":
    main()
