"""The ministry's open data (MESR, Opendatasoft Explore API v2.1): the Normandy laureates
of the i-Lab and i-Nov contests, turned into startups by the same mapping as
scripts/import_laureates.py (laureates.py).

Records are asked for page by page (`limit` 100, `offset` below 10,000, as the API allows),
filtered on the region, and only the fields the mapping uses are selected, so the laureates'
personal data (names, e-mails) is never downloaded. The i-Lab field names are those the
ministry's own code and other programs use; the names of its project and application-type
fields are not confirmed by any published record, so they are not asked for, and new i-Lab
awards leave those two fields empty rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from normandie_cli.fetch import Client, FetchError
from normandie_cli.i18n import _
from normandie_cli.laureates import Context, ILabRow, INovRow, build_startups, whole_euros
from normandie_cli.models import Dataset, PartialDate, RecordKind

DEFAULT_URL = "https://data.enseignementsup-recherche.gouv.fr"
RECORDS = "/api/explore/v2.1/catalog/datasets/{dataset}/records"
PAGE = 100
LARGEST_OFFSET = 10_000  # offset + limit must stay below it

ILAB = "fr-esr-laureats-concours-national-i-lab"
INOV = "fr-esr-laureats-concours-i-nov"
_ILAB_FIELDS = (
    "annee_de_concours",
    "ndeg_siren",
    "libelle_entreprise",
    "domaine_technologique",
    "grand_prix",
    "site_web_entreprise",
)
_INOV_FIELDS = (
    "vague",
    "datepublication",
    "thematique",
    "projet",
    "siren",
    "entreprise",
    "subvention",
    "cityid",
)
_YEAR_ONLY_DATE = re.compile(r"(\d{4})-01-01", re.ASCII)
TITLES = {
    ILAB: "Lauréats du concours national i-Lab",
    INOV: "Lauréats du concours d'innovation i-Nov",
}
SOURCE_IDS = {ILAB: "mesr-ilab-opendata", INOV: "mesr-inov-opendata"}


def records(client: Client, dataset: str, where: str, fields: tuple[str, ...]) -> Iterator[Any]:
    """Every record of an Explore v2.1 dataset matching `where`, page by page."""
    path = RECORDS.format(dataset=dataset)
    offset = 0
    while offset + PAGE <= LARGEST_OFFSET:
        params: dict[str, str | int] = {
            "where": where,
            "select": ",".join(fields),
            "limit": PAGE,
            "offset": offset,
        }
        answer = client.get_json(path, params)
        url = client.url(path, params)
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            unexpected = _("{url}: unexpected answer ({what})")
            raise FetchError(unexpected.format(url=url, what=_("no list of results")))
        total = answer.get("total_count")
        if not isinstance(total, int):
            unexpected = _("{url}: unexpected answer ({what})")
            raise FetchError(unexpected.format(url=url, what="total_count"))
        yield from answer["results"]
        offset += PAGE
        if not answer["results"] or offset >= total:
            return


def fetch_laureates(
    client: Client, dataset: Dataset, today: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(sources, startups, notes): the Normandy laureates the dataset does not have yet."""
    ilab = [_ilab_row(r) for r in records(client, ILAB, 'region="Normandie"', _ILAB_FIELDS)]
    inov = [_inov_row(r) for r in records(client, INOV, 'reg_nom="Normandie"', _INOV_FIELDS)]
    context = Context(
        city_of={c.insee: c.id for c in dataset.cities},
        known_sectors={s.id for s in dataset.sectors},
        kept_sirens={s.siren for s in dataset.startups if s.siren},
        taken_ids={r.id for kind in RecordKind for r in dataset.records(kind)},
        ilab_source=SOURCE_IDS[ILAB],
        inov_source=SOURCE_IDS[INOV],
    )
    startups = build_startups(
        [row for row in ilab if row is not None], [row for row in inov if row is not None], context
    )
    notes = [_("open data: {problem}").format(problem=p) for p in context.problems]
    cited = {source for s in startups for source in s["sources"]}
    sources = [source(client, name, today) for name in (ILAB, INOV) if SOURCE_IDS[name] in cited]
    return sources, startups, notes


def source(client: Client, dataset: str, today: date) -> dict[str, str]:
    """The source new laureates cite: the dataset on the portal, as retrieved today."""
    return {
        "id": SOURCE_IDS[dataset],
        "title": TITLES[dataset],
        "publisher": "Ministère de l'Enseignement supérieur et de la Recherche (MESR)",
        "url": f"{client.base_url}/explore/dataset/{dataset}/",
        "date": str(PartialDate.from_date(today)),
        "licence": "Licence Ouverte 2.0",
    }


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip() if isinstance(value, str) else ""


def _ilab_row(record: Any) -> ILabRow | None:
    """An i-Lab record as the mapping's row; None when it is not an object with a year."""
    if not isinstance(record, dict):
        return None
    year = _text(record, "annee_de_concours")
    if not year.isdigit():
        return None
    return ILabRow(
        year=int(year),
        siren=_text(record, "ndeg_siren"),
        name=_text(record, "libelle_entreprise"),
        domain=_text(record, "domaine_technologique"),
        prize=_text(record, "grand_prix"),
        website=_text(record, "site_web_entreprise"),
    )


def _inov_row(record: Any) -> INovRow | None:
    """An i-Nov record as the mapping's row; None when its date is not a 1 January."""
    if not isinstance(record, dict):
        return None
    published = _YEAR_ONLY_DATE.fullmatch(_text(record, "datepublication"))
    if published is None:
        return None
    grant = record.get("subvention")
    try:
        amount = whole_euros(grant if isinstance(grant, int | float | str) else None)
    except ValueError:
        amount = None
    return INovRow(
        wave=_text(record, "vague"),
        year=int(published.group(1)),
        theme=_text(record, "thematique"),
        project=_text(record, "projet"),
        siren=_text(record, "siren"),
        name=_text(record, "entreprise"),
        grant=amount,
        commune=_text(record, "cityid"),
    )
