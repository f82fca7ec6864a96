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
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any, TypeVar

from normandie_cli.fetch import Client, FetchError, reading, unexpected
from normandie_cli.i18n import _
from normandie_cli.laureates import Context, ILabRow, INovRow, build_startups, whole_euros
from normandie_cli.models import Dataset, PartialDate, RecordKind, Startup
from normandie_cli.schema import Problems, build_record

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
_YEAR_ONLY_DATE = re.compile(r"([0-9]{4})-01-01", re.ASCII)
_YEAR = re.compile(r"[0-9]{1,4}", re.ASCII)
TITLES = {
    ILAB: "Lauréats du concours national i-Lab",
    INOV: "Lauréats du concours d'innovation i-Nov",
}
SOURCE_IDS = {ILAB: "mesr-ilab-opendata", INOV: "mesr-inov-opendata"}


def records(client: Client, dataset: str, where: str, fields: tuple[str, ...]) -> Iterator[Any]:
    """Every record of an Explore v2.1 dataset matching `where`, page by page; FetchError
    for a page of more records than asked for or a count of records that changes."""
    path = RECORDS.format(dataset=dataset)
    offset = 0
    counted: int | None = None
    while offset + PAGE <= LARGEST_OFFSET:
        params: dict[str, str | int] = {
            "where": where,
            "select": ",".join(fields),
            "limit": PAGE,
            "offset": offset,
        }
        results, total = client.get_json(path, params, _page)
        if counted is not None and total != counted:
            changed = _("total_count changed from {before} to {after} between pages")
            raise unexpected(client.url(path, params), changed.format(before=counted, after=total))
        counted = total
        yield from results
        offset += PAGE
        if not results or offset >= total:
            return


def _page(answer: Any, url: str) -> tuple[list[Any], int]:
    """(results, total_count) of one page, as the API sends them."""
    if not isinstance(answer, dict) or type(answer.get("results")) is not list:
        raise unexpected(url, _("no list of results"))
    total = answer.get("total_count")
    if type(total) is not int or total < 0:
        raise unexpected(url, "total_count")
    if len(answer["results"]) > PAGE:
        more = _("{count} results where {limit} was asked for")
        raise unexpected(url, more.format(count=len(answer["results"]), limit=PAGE))
    return answer["results"], total


def fetch_laureates(
    client: Client, dataset: Dataset, today: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(sources, startups, notes): the Normandy laureates the dataset does not have yet, each
    checked as a record of the dataset; one that is not is left out with a note."""
    notes: list[str] = []
    found = records(client, ILAB, 'region="Normandie"', _ILAB_FIELDS)
    ilab = _rows(found, _ilab_row, "i-Lab", notes)
    found = records(client, INOV, 'reg_nom="Normandie"', _INOV_FIELDS)
    inov = _rows(found, _inov_row, "i-Nov", notes)
    context = Context(
        city_of={c.insee: c.id for c in dataset.cities},
        known_sectors={s.id for s in dataset.sectors},
        kept_sirens={s.siren for s in dataset.startups if s.siren},
        taken_ids={r.id for kind in RecordKind for r in dataset.records(kind)},
        ilab_source=SOURCE_IDS[ILAB],
        inov_source=SOURCE_IDS[INOV],
    )
    startups = _checked(build_startups(ilab, inov, context), notes)
    notes += [_("open data: {problem}").format(problem=p) for p in context.problems]
    cited = {source for s in startups for source in s["sources"]}
    sources = [source(client, name, today) for name in (ILAB, INOV) if SOURCE_IDS[name] in cited]
    return sources, startups, notes


_Row = TypeVar("_Row", ILabRow, INovRow)


def _rows(
    found: Iterable[Any], row: Callable[[Any, str], _Row], contest: str, notes: list[str]
) -> list[_Row]:
    """The records as the mapping's rows, each read on its own: one that cannot be read is a
    note and left out; one repeated (a page sent twice) is one award, not two."""
    rows: dict[_Row, None] = {}
    for number, record in enumerate(found, start=1):
        where = _("open data: {contest} record {number}").format(contest=contest, number=number)
        try:
            with reading(where):
                rows[row(record, where)] = None
        except FetchError as problem:
            notes.append(_("{problem}: left out").format(problem=problem))
    return list(rows)


def _checked(startups: list[dict[str, Any]], notes: list[str]) -> list[dict[str, Any]]:
    """The laureates the dataset's own rules accept, each on its own (schema.build_record);
    the others are left out, with a note naming them."""
    kept = []
    for startup in startups:
        problems = Problems()
        where = _("open data: laureate {name!r} (SIREN {siren})").format(
            name=startup.get("name"), siren=startup.get("siren")
        )
        build_record(Startup, startup, where, problems)
        if problems.items:
            notes.append(_("{problem}: left out").format(problem=problems.items[0]))
        else:
            kept.append(startup)
    return kept


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
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return value.strip() if isinstance(value, str) else ""


def _ilab_row(record: Any, where: str) -> ILabRow:
    """An i-Lab record as the mapping's row; FetchError when it is not an object with a year."""
    if not isinstance(record, dict):
        raise unexpected(where, _("not an object"))
    year = _text(record, "annee_de_concours")
    if not _YEAR.fullmatch(year):
        not_year = _("'annee_de_concours' is not a year: {value!r}")
        raise unexpected(where, not_year.format(value=year))
    return ILabRow(
        year=int(year),
        siren=_text(record, "ndeg_siren"),
        name=_text(record, "libelle_entreprise"),
        domain=_text(record, "domaine_technologique"),
        prize=_text(record, "grand_prix"),
        website=_text(record, "site_web_entreprise"),
    )


def _inov_row(record: Any, where: str) -> INovRow:
    """An i-Nov record as the mapping's row; FetchError when its date is not a 1 January."""
    if not isinstance(record, dict):
        raise unexpected(where, _("not an object"))
    day = _text(record, "datepublication")
    published = _YEAR_ONLY_DATE.fullmatch(day)
    if published is None:
        not_year = _("'datepublication' is not a 1 January: {value!r}")
        raise unexpected(where, not_year.format(value=day))
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
