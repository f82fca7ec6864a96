"""Generate data/generated/press.toml: the startups and companies the press places in a commune
(scripts/input/startups-press.csv, startups-press-2.csv, communes-for-known.csv) and the
funding rounds it reports (scripts/input/funding-rounds-press.csv).

A company the data already has (matched on name) is not written again: the script checks that
the hand-kept record has the row's commune and cites the row's source, or has the row's
funding round, and stops otherwise. A company no source calls a start-up is an organisation of
kind "company", not a startup. A commune that says where a company's premises, host or
founders were at a date, rather than where it is based, is marked `city_basis = "premises"`.
A grant is a funding round of kind "grant", which compare does not count as money raised.
Dates a source does not give are left out. Descriptions are ours.

Run: python scripts/import_press.py (after the scripts before it in importing.ORDER)
"""

from __future__ import annotations

import sys
from typing import Any

from importing import (
    Citations,
    Communes,
    clean,
    dataset_tables,
    find_record,
    read_csv,
    slug,
    write_toml,
)

OUTPUT = "press.toml"
STARTUP, COMPANY = "startup", "company"
PREMISES = "premises"

FIRST_TENANT = "One of the first two tenants of La Pépinière, the Hub 4.0 nursery in Louviers."

# What the rows' sources say of each company beyond its name, commune and source: whether
# they call it a start-up, its activity, and our description. A row with no entry, unless the
# company is already in the data, stops the script.
DETAILS: dict[str, dict[str, Any]] = {
    # startups-press.csv
    "Loop Dee Science": {
        "as": STARTUP,
        "founded": "2016",  # "créée en 2016"
        "sectors": ["biotech-pharma"],
        "description": (
            "Molecular-biology start-up of Hérouville-Saint-Clair making rapid virus "
            "detection tests, granted €1.6M by the France Relance 'Résilience' call."
        ),
    },
    "Hipli": {
        "as": STARTUP,
        "founded": "2019",  # "créée ... en 2019" (Europe 1, Initiative à impact)
        "sectors": ["circular-economy"],
        "also": [
            "https://europe1.fr/emissions/initiative-a-impact/hipli-des-colis-reutilisables-pour-le-e-commerce-4250963"
        ],
        "description": (
            "Le Havre company making reusable e-commerce parcels that customers post back, "
            "each usable about a hundred times."
        ),
    },
    "TOWT (TransOceanic Wind Transport)": {
        "as": STARTUP,
        "name": "TOWT",
        # "a créé son activité 100 % basée sur le transport à la voile en 2011". Its SIREN is
        # left out: it comes from an encyclopaedia mirror, not the register.
        "founded": "2011",
        "sectors": ["logistics"],
        "description": (
            "Le Havre shipping company (TransOceanic Wind Transport) carrying goods under "
            "sail since 2011, which ordered six more sail cargo ships in 2024."
        ),
    },
    "Yetic": {
        "as": STARTUP,
        # "founded a year before the article": no year is written, so none is kept.
        "description": "Rouen start-up that sets out to clean up digital advertising.",
    },
    # startups-press-2.csv: placed by CES 2018 and Trophées de l'économie normande reports.
    "PayGreen": {
        "as": STARTUP,
        "sectors": ["software"],
        "description": (
            "Secure online payment platform of Bois-Guillaume, an exhibitor at CES 2018 with "
            "the Normandy delegation."
        ),
    },
    "Tabletech": {
        "as": STARTUP,
        "basis": PREMISES,  # "Les fondateurs ... installés à Evreux"
        "sectors": ["electronics"],
        "description": (
            "Maker of a connected game table whose founders were based in Évreux, an "
            "exhibitor at CES 2018."
        ),
    },
    "Fastpoint": {
        "as": STARTUP,
        "description": (
            "Start-up launched in Cherbourg that supplies film catalogues to business "
            "clients, an exhibitor at CES 2018."
        ),
    },
    "Handytown": {
        "as": STARTUP,
        "basis": PREMISES,  # "l'application créée par quatre jeunes rouennais"
        "sectors": ["tourism"],
        "description": (
            "Mobile guide app to the heritage of Rouen and Deauville, created by four young "
            "people from Rouen and released in April 2017."
        ),
    },
    "Cookrs": {
        "as": STARTUP,
        "basis": PREMISES,  # the nursery it joined at its launch
        "hosted_by": ["seine-creapolis"],
        "tags": ["meal-kits", "delivery"],
        "description": (
            "Start-up delivering ingredients with their recipes, which joined the Créapolis "
            "nursery in Déville-lès-Rouen at its launch."
        ),
    },
    "La Végisserie": {
        "as": COMPANY,  # "l'entreprise", "jeune fabricant": not called a start-up
        "description": (
            "Maker of organic, gluten-free, plant-based pastries in Saint-Arnoult (Calvados), "
            "Création prize of the 2019 Trophées de l'économie normande."
        ),
    },
    "Paul Marius": {
        "as": COMPANY,
        "founded": "2014",  # "fondé en 2014"
        "description": (
            "Rouen leather-goods brand, Développement prize of the 2019 Trophées de "
            "l'économie normande."
        ),
    },
    "Grenouille Rouge": {
        "as": COMPANY,
        "description": (
            "Rouen brand making customisable bags locally from natural fibres, Made in "
            "Normandie prize of the 2019 Trophées de l'économie normande."
        ),
    },
    "Mijuin": {
        "as": COMPANY,  # "la jeune entreprise"
        "description": (
            "Linen clothing workshop of Malaunay working in a short supply chain, Enjeux de "
            "demain prize of the 2023 Trophées de l'économie normande."
        ),
    },
    "Arterya": {
        "as": COMPANY,  # "L'entreprise Arterya"
        "description": (
            "Caen maker of a medical device that makes arterial punctures easier, a nominee "
            "for the 2022 Trophées de l'économie normande."
        ),
    },
    "Neo Xperiences": {
        "as": COMPANY,
        "description": (
            "Designer of immersive games in Carpiquet, a nominee for the 2022 Trophées de "
            "l'économie normande."
        ),
    },
    "Les Savons de Joya": {
        "as": COMPANY,
        "description": (
            "Soap maker of Douvres-la-Délivrande, a nominee for the 2022 Trophées de "
            "l'économie normande."
        ),
    },
    "Incaya": {
        "as": COMPANY,
        "description": (
            "Caen software company whose developers built the online ordering platform of a "
            "2020 face-shield project run by Le Dôme."
        ),
    },
    "Overspeed": {
        "as": COMPANY,
        "description": (
            "Rouen electronics design office that led an open-source robotised manual "
            "ventilator project in 2020."
        ),
    },
    "ABOT": {
        "as": COMPANY,
        "description": (
            "Rouen designer and distributor of professional drones, a founding member of the "
            "Centre d'innovation Drones Normandie in Le Havre."
        ),
    },
    "1min pour 1job": {
        "as": STARTUP,
        "basis": PREMISES,
        "hosted_by": ["la-pepiniere-hub-4-0"],
        "description": FIRST_TENANT,
    },
    "I-Care": {
        "as": STARTUP,
        "basis": PREMISES,
        "hosted_by": ["la-pepiniere-hub-4-0"],
        "description": FIRST_TENANT,
    },
}
# Names the extracts write otherwise than the data (communes-for-known.csv: "Bodycap (Body
# Cap)"): the data's id.
SAME_AS = {"Bodycap (Body Cap)": "bodycap"}
# The INSEE code of a commune a row gives by name only; two Saint-Arnoult exist, and the note
# of the row says which (14557, Calvados).
INSEE_BY_NOTE = "INSEE "

# funding-rounds-press.csv: the round's kind, as its source words it, and what is kept of its
# investors (names, not headcounts).
ROUNDS: dict[tuple[str, int], dict[str, Any]] = {
    ("Hipli", 5000000): {},  # "Elle vient de lever 5 millions d'euros": kind not stated
    # "près de 3 000 particuliers qui ont ... investi 100 € sous forme de prêt"
    ("TOWT", 4500000): {"kind": "loan", "investors": ["Lita.co (about 3,000 individuals)"]},
    # Equity and a citizen fundraising together: no one kind. Announced in an article of
    # 10 May 2024, so the month is kept.
    ("TOWT", 25000000): {
        "date": "2024-05",
        "investors": [
            "Bpifrance",
            "CIC",
            "Caisse des Dépôts et Consignations",
            "LITA.co (about 2,000 individuals)",
        ],
    },
    ("Loop Dee Science", 1624000): {
        "kind": "grant",
        "investors": ["Ministère de l'Industrie (France Relance)"],
    },
    ("Robocath", 900000): {},  # kept by hand in data/normandie.toml
}


def fail(message: str) -> None:
    sys.exit(f"import_press: {message}")


def insee_of(row: dict[str, str], communes: Communes, where: str) -> str | None:
    """The city of a row: its INSEE code, else the one its note starts with, else its
    commune's name when only one commune of Normandy has it."""
    code = row.get("commune_insee", "").strip()
    note = row.get("note", "").strip()
    if not code and note.startswith(INSEE_BY_NOTE):
        code = note.removeprefix(INSEE_BY_NOTE).split(maxsplit=1)[0].rstrip(".")
    if code:
        return communes.insee(code, where)
    name = (row.get("commune_name") or row.get("commune") or "").strip()
    return communes.named(name, None, where) if name else None


def check_kept(hand: dict[str, Any], city: str | None, source: str, where: str) -> None:
    problems = []
    if city is not None and hand.get("city") != city:
        problems.append(f"city {hand.get('city')} is not {city}")
    if source not in hand.get("sources", []):
        problems.append(f"it does not cite {source!r}")
    if problems:
        fail(f"{where}: the data's {hand['id']!r}: " + "; ".join(problems))


def main() -> None:
    tables = dataset_tables(OUTPUT)
    citations = Citations(tables)
    communes = Communes()
    kept = {r["id"]: r for t in ("startups", "organizations") for r in tables.get(t, [])}
    known = [*tables.get("startups", []), *tables.get("organizations", [])]
    rows = [
        *(
            (f"startups-press.csv line {n}", r["company_name"], r["source_url"], r)
            for n, r in enumerate(read_csv("startups-press.csv"), start=2)
        ),
        *(
            (f"startups-press-2.csv line {n}", r["name"], r["source_url"], r)
            for n, r in enumerate(read_csv("startups-press-2.csv"), start=2)
        ),
        *(
            (f"communes-for-known.csv line {n}", r["company"], r["url"], r)
            for n, r in enumerate(read_csv("communes-for-known.csv"), start=2)
        ),
    ]
    startups: list[dict[str, Any]] = []
    companies: list[dict[str, Any]] = []
    by_name: dict[str, dict[str, Any]] = {}
    merged = []
    for where, name, url, row in rows:
        name = name.strip()
        details = DETAILS.get(name, {})
        city = insee_of(row, communes, where)
        already = SAME_AS.get(name) or find_record(known, details.get("name", name))
        if already is not None:
            source = citations.source_id(url)
            check_kept(kept[already], city, source, where)
            citations.cite(url)
            merged.append(f"{name} = {already}")
            by_name[name] = kept[already]
            continue
        if not details:
            fail(f"{where}: no DETAILS for {name!r}")
        record_name = details.get("name", name)
        sources = [citations.cite(url), *(citations.cite(u) for u in details.get("also", []))]
        record: dict[str, Any] = {
            "id": slug(record_name),
            "name": record_name,
            "city": city,
            "city_basis": details.get("basis") if city else None,
            "founded": details.get("founded"),
            "description": details["description"],
            "sources": sources,
        }
        if details["as"] == STARTUP:
            record |= {
                "sectors": details.get("sectors", []),
                "tags": details.get("tags", []),
                "hosted_by": details.get("hosted_by", []),
            }
            startups.append(record)
        else:
            record["kind"] = "company"
            companies.append(record)
        by_name[name] = record
    unused = set(DETAILS) - {name.strip() for _, name, _, _ in rows}
    if unused:
        fail(f"DETAILS for companies that are in no row: {sorted(unused)}")

    # Funding rounds: on the new startups here, or checked on the records kept by hand.
    for n, row in enumerate(read_csv("funding-rounds-press.csv"), start=2):
        name, amount = row["company_name"].strip(), int(row["amount_eur"])
        if (name, amount) not in ROUNDS:
            fail(f"funding line {n}: no ROUNDS entry for {name} {amount}")
        target = next(
            (r for key, r in by_name.items() if key == name or r.get("name") == name), None
        )
        if target is None:
            found = find_record(known, name)
            target = kept[found] if found else None
        if target is None:
            fail(f"funding line {n}: no record for {name!r}")
        source = citations.source_id(row["source_url"])
        if target["id"] in kept:
            rounds = target.get("funding", [])
            if not any(r.get("amount") == amount and source in r["sources"] for r in rounds):
                fail(
                    f"funding line {n}: {target['id']!r} has no round of {amount} citing {source!r}"
                )
            citations.cite(row["source_url"])
            merged.append(f"{name} round {amount} = {target['id']}")
            continue
        extra = ROUNDS[(name, amount)]
        # The record cites every page that says something of it, its rounds' included.
        if citations.cite(row["source_url"]) not in target["sources"]:
            target["sources"].append(citations.cite(row["source_url"]))
        target.setdefault("funding", []).append(
            clean(
                {
                    "amount": amount,
                    "currency": "EUR",
                    "date": extra.get("date"),
                    "investors": extra.get("investors", []),
                    "kind": extra.get("kind"),
                    "sources": [citations.cite(row["source_url"])],
                }
            )
        )

    taken = {record["id"] for table in tables.values() for record in table if "id" in record}
    ids = [record["id"] for record in (*startups, *companies)]
    if len(set(ids)) != len(ids) or taken & set(ids):
        fail(f"ids not unique: {sorted(taken & set(ids))}")
    print(
        f"import_press: {len(startups)} startups, {len(companies)} companies; "
        f"already in the data: {', '.join(merged)}",
        file=sys.stderr,
    )
    write_toml(
        OUTPUT,
        "Startups and companies the press places in Normandy, and the funding rounds it reports.\n"
        "Generated by scripts/import_press.py from scripts/input/startups-press.csv,\n"
        "startups-press-2.csv, communes-for-known.csv, funding-rounds-press.csv and\n"
        "press-sources.csv: do not edit by hand, change the script or its input.",
        {
            "sources": citations.sources(),
            "startups": sorted(startups, key=lambda r: r["id"]),
            "organizations": sorted(companies, key=lambda r: r["id"]),
        },
    )


if __name__ == "__main__":
    main()
