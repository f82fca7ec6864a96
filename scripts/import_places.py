"""Generate data/generated/places.toml: coworkings, nurseries, tiers-lieux and other places
of Normandy named by the press and the Région (scripts/input/organisations-press.csv), and the
fab labs of the fablabs.io directory in early 2017 (scripts/input/fablabs-2017.csv).

Communes are joined on the gazetteer by name (the extracts give no INSEE code; each name used
here is one commune of Normandy, or the script stops). A place already in the data (matched on
its name or aliases) is not written again: the hand-kept record must cite the row's source. A
place announced but not confirmed open is left out. A fab lab is "listed in 2017", never said
to be open. Descriptions are ours.

Run: python scripts/import_places.py (after the scripts before it in importing.ORDER)
"""

from __future__ import annotations

import sys
from typing import Any

from importing import Citations, Communes, dataset_tables, find_record, read_csv, slug, write_toml

OUTPUT = "places.toml"

# The extracts' kinds -> organisation kinds; "other" is decided row by row (KIND below).
KINDS = {
    "coworking": "coworking",
    "pepiniere": "business-nursery",
    "technopole": "technopole",
    "fablab": "fablab",
    "tiers-lieu": "tiers-lieu",
}

# Rows left out, with why.
LEFT_OUT = {
    "Hôtel d'entreprises du Clos Allard": (
        "announced (to open 'en septembre prochain'), not confirmed open"
    ),
    "Le BiDOule": "a project ('rien n'est décidé'), not a place yet",
}
# Rows that are a record already in the data under another spelling.
SAME_AS = {"LH3D fab lab": "lh3d-fablab"}

# What each row's source says beyond name, kind and commune: our description, and the fields
# it states. A row with no entry stops the script.
DETAILS: dict[str, dict[str, Any]] = {
    "Hey Coworking": {
        # "a vu le jour en novembre 2017"
        "founded": "2017-11",
        "description": "Coworking space in the centre of Caen, opposite the Rives de l'Orne.",
    },
    "MoHo": {
        # The source calls it a place of work and a "collider", not a coworking or tiers-lieu.
        "kind": "technopole",
        "description": (
            "Workplace of 7,500 m² near Caen station, with over 500 workstations, hosting "
            "start-ups and independents."
        ),
    },
    "La Maison bleue": {
        "founded": "2013",
        "description": "The first coworking space to open in Rouen, in the pedestrian centre.",
    },
    "Now Coworking Rouen": {
        "description": (
            "Coworking space of 1,200 m² in Rouen, of a network that has since opened in other "
            "French cities."
        ),
    },
    "L'usine": {
        "description": (
            "Coworking space of the Rouen area that also offers business domiciliation, "
            "training and parcel reception."
        ),
    },
    "Le 139": {
        # "Opened April" in an article of August 2018.
        "founded": "2018-04",
        "description": (
            "Free coworking space on the cours de la République in Le Havre, near the "
            "university, set up by the social landlord Logéo Seine Estuaire."
        ),
    },
    "Fab Lab de l'Université du Havre": {
        # The source does not name it: the name says what it is.
        "name": "Fab lab de l'université du Havre",
        "parents": ["universite-le-havre-normandie"],
        "description": "The university's own fab lab, open mainly to its teachers and students.",
    },
    "La Filature (Louviers)": {
        "name": "La Filature",
        # "ouvre, en 2017, la Filature". Its area is left out: 1,700 m² here, 10,700 m² on the
        # Région's page.
        "founded": "2017",
        "description": "Coworking and networking space opened at the Hub 4.0 site in Louviers.",
    },
    "La Pépinière (Hub 4.0)": {
        "name": "La Pépinière",
        # Inaugurated "en février", of a year the page implies only: no date kept.
        "description": (
            "Digital business nursery of the Agglomération Seine-Eure at the Hub 4.0 site in "
            "Louviers."
        ),
    },
    "Hub 4.0": {
        "kind": "technopole",
        "description": (
            "Conversion of the 13-hectare former Cinram industrial site in the heart of "
            "Louviers, home of La Pépinière and La Filature."
        ),
    },
    "Bio-pépinière de Miserey": {
        "description": (
            "Bio-nursery for plant-health companies in Miserey which, with the Évreux air base "
            "site, hosted about ten start-ups in 2017."
        ),
    },
    "Norlanda": {
        "description": "Business nursery of the Caen la Mer area for nautical companies.",
    },
    "Technopôle du Madrillet": {
        # The park straddles Saint-Étienne-du-Rouvray and Petit-Couronne; the first is kept.
        "description": (
            "Science and technology park straddling Saint-Étienne-du-Rouvray and "
            "Petit-Couronne, with laboratories, companies, start-ups and engineering schools."
        ),
    },
    "Centre d'innovation technologique (CIT) de Cherbourg-Octeville": {
        "kind": "technopole",
        "id": "cit-cherbourg-octeville",
        "name": "Centre d'innovation technologique de Cherbourg-Octeville",
        "aliases": ["CIT"],
        "description": (
            "Technology innovation centre in Cherbourg-Octeville where Normandie Incubation "
            "opened its Cherbourg antenna in January 2013."
        ),
    },
    "Le Zéphyr": {
        # "créé à Coutances en janvier 2020" (Région); Tendance Ouest says it opened in March
        # 2021: the creation is kept, as the Région's page states it.
        "founded": "2020-01",
        "description": (
            "Coworking space in Coutances created by the cooperative Les 7 Vents, labelled "
            "Tiers-Lieux Normandie in 2021."
        ),
    },
    "Les 7 Vents": {
        "kind": "company",
        "description": (
            "Cooperative (SCIC) of Coutances that created Le Zéphyr coworking space and means "
            "to make Le BiDOule a tiers-lieu."
        ),
    },
    "Hep ! Espace partagé": {
        "founded": "2020-09",
        "description": "Shared workspace in Bréhal, opened in September 2020.",
    },
    "La Filature des Possibles": {
        # "Inaugurée en mai 2023"
        "founded": "2023-05",
        "description": (
            "Hybrid tiers-lieu in the remains of the former Orival spinning mill in Lisieux, "
            "with private offices, an open space and a fab lab."
        ),
    },
    # fablabs-2017.csv: a directory listing of early 2017, not a statement that a lab is open.
    "Goldorhack": {
        "description": "Fab lab of Granville, listed in the fablabs.io directory in 2017."
    },
    "FabLab 276 Val-de-Reuil": {
        "description": "Fab lab of Val-de-Reuil, listed in the fablabs.io directory in 2017.",
    },
    "FabLab caen": {
        "name": "FabLab Caen",
        "description": (
            "Fab lab listed in the fablabs.io directory in 2017 at the esplanade Stéphane "
            "Hessel in Caen, Le Dôme's address."
        ),
    },
    "Manche Lab": {
        "description": "Small fab lab of Saint-Lô, listed in the fablabs.io directory in 2017.",
    },
    "FabLab du CESI Rouen": {
        "description": (
            "Fab lab of the CESI school's Rouen centre in Mont-Saint-Aignan, listed in the "
            "fablabs.io directory in 2017."
        ),
    },
}


def fail(message: str) -> None:
    sys.exit(f"import_places: {message}")


def coordinate(value: str) -> float | None:
    return round(float(value), 6) if value.strip() else None


def main() -> None:
    tables = dataset_tables(OUTPUT)
    citations = Citations(tables)
    communes = Communes()
    known = tables.get("organizations", [])
    rows = [*read_csv("organisations-press.csv"), *read_csv("fablabs-2017.csv")]
    places: list[dict[str, Any]] = []
    merged, left_out = [], []
    for row in rows:
        name = row["name"].strip()
        if name in LEFT_OUT:
            left_out.append(f"{name} ({LEFT_OUT[name]})")
            continue
        source = citations.source_id(row["source_url"])
        already = SAME_AS.get(name) or find_record(known, DETAILS.get(name, {}).get("name", name))
        if already is not None:
            hand = next(record for record in known if record["id"] == already)
            if source not in hand["sources"]:
                fail(f"{name!r} is {already!r} in the data, which does not cite {source!r}")
            citations.cite(row["source_url"])
            merged.append(f"{name} = {already}")
            continue
        if name not in DETAILS:
            fail(f"no DETAILS for {name!r}: describe it, or leave it out with a reason")
        details = DETAILS[name]
        kind = details.get("kind") or KINDS.get(row["kind"])
        if kind is None:
            fail(f"{name!r}: no organisation kind for {row['kind']!r}")
        commune = row["commune_name"].strip()
        city = communes.named(commune, None, name) if commune else None
        record_name = details.get("name", name)
        places.append(
            {
                "id": details.get("id", slug(name)),
                "name": record_name,
                "kind": kind,
                "city": city,
                "aliases": details.get("aliases", []),
                "founded": details.get("founded"),
                "website": row["website"].strip(),
                "latitude": coordinate(row["latitude"]),
                "longitude": coordinate(row["longitude"]),
                "parents": details.get("parents", []),
                "description": details["description"],
                "sources": [citations.cite(row["source_url"])],
            }
        )
    unused = set(DETAILS) - {row["name"].strip() for row in rows}
    if unused:
        fail(f"DETAILS for rows that are not in the extracts: {sorted(unused)}")
    taken = {record["id"] for table in tables.values() for record in table if "id" in record}
    ids = [record["id"] for record in places]
    if len(set(ids)) != len(ids) or taken & set(ids):
        fail(f"ids not unique: {sorted(set(ids) & taken)}")
    print(
        f"import_places: {len(places)} places; already in the data: {', '.join(merged)}; "
        f"left out: {'; '.join(left_out)}",
        file=sys.stderr,
    )
    places.sort(key=lambda record: record["id"])
    write_toml(
        OUTPUT,
        "Coworkings, nurseries, tiers-lieux, technology sites and fab labs of Normandy.\n"
        "Generated by scripts/import_places.py from scripts/input/organisations-press.csv,\n"
        "scripts/input/fablabs-2017.csv and scripts/input/press-sources.csv:\n"
        "do not edit by hand, change the script or its input.",
        {"sources": citations.sources(), "organizations": places},
    )


if __name__ == "__main__":
    main()
