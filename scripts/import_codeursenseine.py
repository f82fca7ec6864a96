"""Generate data/generated/codeursenseine.toml: the Codeurs en Seine community and its dated
evening meetups, 2016-2026, from the extract of the organisers' site repository in
scripts/input/codeursenseine-meetups.csv.

Each meetup is at its venue's own commune, as the extract gives it: a venue named without its
town (`Zone01`) takes the commune other rows give the same venue with an address, and the
record says so (`city_basis = "inferred"`); an online meetup has no commune; a venue whose
text names a town it is not in ("Campus CESI du Madrillet, Rouen": the Madrillet campus is in
Saint-Étienne-du-Rouvray) keeps no commune. Speakers' names are not kept.

Run: python scripts/import_codeursenseine.py (after scripts/import_communes.py)
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from importing import Communes, read_csv, write_toml

COMMIT = "3699c023ae88c1e0437ec9799e4aa98fb02321fb"
REPOSITORY = "https://github.com/CodeursEnSeine/codeursenseine.com"
SOURCE_ID = "codeursenseine-meetups"
SOURCE = {
    "id": SOURCE_ID,
    "title": "Codeurs en Seine website sources: the meetup pages (content/meetups)",
    "publisher": "Codeurs en Seine (GitHub)",
    "url": f"{REPOSITORY}/tree/{COMMIT}/content/meetups",
    "licence": "MIT (repository licence)",
}
# The extract's commit has this page as a draft (published: false); a later commit publishes
# it, date, time and place unchanged, and the event cites that version.
PUBLISHED_LATER = {
    "2026-06-09-meetup.mdx": "9accd9aad16c7e69eb912bc5f5fbabd28b03f8a5",
}
ORGANIZER = "codeurs-en-seine"
ORGANIZATION = {
    "id": ORGANIZER,
    "name": "Codeurs en Seine",
    "kind": "community",
    "website": "https://www.codeursenseine.com",
    "description": (
        "Volunteer developer community of the Rouen area behind the free Codeurs en Seine "
        "conference, which also holds evening meetups, in person and online."
    ),
    "sources": [SOURCE_ID, "ces-site-config"],
}
SERIES = "codeurs-en-seine-meetups"
KIND = "meetup"

# The venue each published location names, as one name for one place (the address and the
# town are in the extract, not in the name). A location not listed stops the script.
VENUES = {
    "À Seine Innopolis, 72 Rue de la République, Le Petit Quevilly": "Seine Innopolis",
    "Seine Innopolis, 72 Rue de la République, 76140 Le Petit-Quevilly": "Seine Innopolis",
    "Hall 24": "Hall 24",
    "Hall 24, 24 Rue Pavée, 76100 Rouen": "Hall 24",
    "Au Hall 24, 24 Rue Pavée, 76100 Rouen": "Hall 24",
    "Le Village by CA Rouen Vallée de Seine": "Village by CA Rouen Vallée de Seine",
    "Le Village By Ca Rouen Vallée De Seine, 107 All. François Mitterrand, 76100 Rouen": (
        "Village by CA Rouen Vallée de Seine"
    ),
    "VillageByCA": "Village by CA Rouen Vallée de Seine",
    "SQLI Rouen, 45 Av. Général Leclerc, Le Grand-Quevilly": "SQLI Rouen",
    "UFR Sciences et Techniques Av. de l'Université, 76800 Saint-Étienne-du-Rouvray": (
        "UFR Sciences et Techniques"
    ),
    "Zone01": "Zone01",
    "Zone01 Rouen, 24 Pl. Saint-Marc, Rouen": "Zone01",
    "CESI": "CESI",
    "Campus CESI du Madrillet, Rouen": "Campus CESI du Madrillet",
}
ONLINE = "online"
INFERRED = "inferred"
# Speakers' names were taken out of the titles by the extract, leaving this mark.
_REMOVED = re.compile(r"\s*\[speaker names removed\]\s*")


def fail(message: str) -> None:
    sys.exit(f"import_codeursenseine: {message}")


def title_of(row: dict[str, str]) -> str:
    title = " ".join(_REMOVED.sub(" ", row["title"]).split())
    if not title:
        fail(f"{row['source_url']}: no title")
    return title


def event(row: dict[str, str], communes: Communes) -> dict[str, Any]:
    page = PurePosixPath(row["source_url"]).name
    day = row["date"].strip()
    date.fromisoformat(day)  # raises on anything that is not a real day
    online = row["commune_name"].strip() == ONLINE
    venue = None if online else VENUES.get(row["location_as_published"].strip())
    if not online and venue is None:
        fail(f"{page}: no venue name for {row['location_as_published']!r}: add it to VENUES")
    code = row["commune_insee"].strip()
    city = communes.insee(code, page) if code else None
    sources = [SOURCE_ID]
    if row["published"].strip() != "true":
        if page not in PUBLISHED_LATER:
            fail(f"{page} is a draft in the extract: leave it out or cite its publication")
        sources.append(f"codeursenseine-{PurePosixPath(page).stem}")
    return {
        "id": "",
        "name": f"Codeurs en Seine meetup: {title_of(row)}",
        "kind": KIND,
        "series": SERIES,
        "start": day,
        "city": city,
        "city_basis": INFERRED if row["commune_note"].startswith(INFERRED) else None,
        "venue": venue,
        "online": online or None,
        "organizers": [ORGANIZER],
        "url": row["register_link"].strip(),
        "sources": sources,
        "_page": page,
    }


def later_sources() -> list[dict[str, Any]]:
    return [
        {
            "id": f"codeursenseine-{PurePosixPath(page).stem}",
            "title": f"Codeurs en Seine website sources: the meetup page {page}, once published",
            "publisher": "Codeurs en Seine (GitHub)",
            "url": f"{REPOSITORY}/blob/{commit}/content/meetups/{page}",
            "licence": "MIT (repository licence)",
        }
        for page, commit in sorted(PUBLISHED_LATER.items())
    ]


def main() -> None:
    communes = Communes()
    events = [event(row, communes) for row in read_csv("codeursenseine-meetups.csv")]
    # One id per evening; two meetups of one evening (two talks) are numbered in the order
    # of their page's file name.
    events.sort(key=lambda record: (record["start"], record["_page"]))
    per_day = Counter(record["start"] for record in events)
    seen: Counter[str] = Counter()
    for record in events:
        day = record["start"]
        seen[day] += 1
        record["id"] = f"{SERIES.removesuffix('s')}-{day}"
        if per_day[day] > 1:
            record["id"] += f"-{seen[day]}"
        del record["_page"]
    if len({record["id"] for record in events}) != len(events):
        fail("event ids are not unique")
    inferred = sum(1 for record in events if record["city_basis"])
    online = sum(1 for record in events if record["online"])
    print(
        f"import_codeursenseine: {len(events)} meetups, {online} online, "
        f"{inferred} with an inferred commune",
        file=sys.stderr,
    )
    write_toml(
        "codeursenseine.toml",
        "The Codeurs en Seine developer community of the Rouen area and its meetups, 2016-2026.\n"
        "Generated by scripts/import_codeursenseine.py from\n"
        f"scripts/input/codeursenseine-meetups.csv (CodeursEnSeine/codeursenseine.com at\n"
        f"commit {COMMIT}): do not edit by hand, change the script or its input.",
        {
            "sources": [SOURCE, *later_sources()],
            "organizations": [ORGANIZATION],
            "events": events,
        },
    )


if __name__ == "__main__":
    main()
