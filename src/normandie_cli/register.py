"""The company register: what API Recherche d'entreprises (DINUM, serving INSEE's base
Sirene under Licence Ouverte) states about one SIREN, as a RegisterEntry.

The shapes read here are the service's own (repository annuaire-entreprises-data-gouv-fr/
search-api: `GET /search?q=<9 digits>` is a direct SIREN lookup that answers 200 with no
result for an unknown SIREN). Only the base fields and the head office are asked for
(`minimal=true&include=siege`): nothing about people is ever downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from normandie_cli.fetch import Client, FetchError, unexpected
from normandie_cli.i18n import _
from normandie_cli.models import PartialDate, Status, record_fields
from normandie_cli.schema import Problems, build_record
from normandie_cli.updates import Outcome, RegisterEntry

DEFAULT_URL = "https://recherche-entreprises.api.gouv.fr"
SEARCH = "/search"
PER_PAGE = 1  # results asked for: a SIREN is one company
# What the service writes in place of a value its owner asked INSEE not to publish.
MASKED = "[NON-DIFFUSIBLE]"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NAF = re.compile(r"\d{2}\.\d{2}[A-Z]", re.ASCII)
_BAND = re.compile(r"NN|\d{2}", re.ASCII)
_INSEE = re.compile(r"\d[\dAB]\d{3}", re.ASCII)
_YEAR = re.compile(r"[0-9]{1,4}", re.ASCII)
_STATES = {"A": Status.ACTIVE, "C": Status.CLOSED}


def query(siren: str) -> dict[str, str | int]:
    return {"q": siren, "minimal": "true", "include": "siege", "per_page": PER_PAGE}


def lookup(client: Client, siren: str, today: date) -> RegisterEntry:
    """What the register states about `siren` today; raises FetchError."""
    return client.get_json(
        SEARCH, query(siren), lambda answer, url: read_answer(answer, siren, today, url)
    )


def read_answer(answer: Any, siren: str, today: date, url: str) -> RegisterEntry:
    """A /search answer as a RegisterEntry, checked as the layer's entries are; FetchError for
    a shape the service never sends or a value the dataset would refuse."""
    checked = PartialDate.from_date(today)
    if not isinstance(answer, dict) or type(answer.get("results")) is not list:
        raise unexpected(url, _("no list of results"))
    results = [r for r in answer["results"] if isinstance(r, dict)]
    if len(results) != len(answer["results"]):
        raise unexpected(url, _("a result is not an object"))
    # More than asked for is no answer to trust: which of two contradictory companies is it?
    if len(results) > PER_PAGE:
        more = _("{count} results where {limit} was asked for")
        raise unexpected(url, more.format(count=len(results), limit=PER_PAGE))
    if not results:
        return RegisterEntry(siren, checked, Outcome.UNKNOWN)
    result = next((r for r in results if r.get("siren") == siren), None)
    if result is None:
        raise unexpected(url, _("no result has the SIREN {siren}").format(siren=siren))
    if result.get("statut_diffusion") == "P":
        return RegisterEntry(siren, checked, Outcome.NON_DIFFUSIBLE)
    siege = result.get("siege")
    if siege is not None and not isinstance(siege, dict):
        raise unexpected(url, _("'siege' is not an object"))
    entry = _entry(result, siege or {}, siren, today, url)
    problems = Problems()
    build_record(RegisterEntry, record_fields(entry), url, problems)
    if problems.items:
        raise FetchError(problems.items[0])
    return entry


def _entry(
    result: Mapping[str, Any], head_office: Mapping[str, Any], siren: str, today: date, url: str
) -> RegisterEntry:
    """The entry a result states; FetchError for a day that does not exist or is to come
    (a company is not created, closed or counted after the day it is asked about)."""
    state = _text(result, "etat_administratif")
    band_year = _matching(result, "annee_tranche_effectif_salarie", _YEAR)
    if band_year is not None and int(band_year) > today.year:
        to_come = _("{key!r} is a year still to come: {value!r}")
        raise unexpected(url, to_come.format(key="annee_tranche_effectif_salarie", value=band_year))
    return RegisterEntry(
        siren=siren,
        checked=PartialDate.from_date(today),
        legal_name=_text(result, "nom_raison_sociale") or _text(result, "nom_complet"),
        commune=_matching(head_office, "commune", _INSEE),
        commune_name=_text(head_office, "libelle_commune"),
        created=_day(result, "date_creation", today, url),
        status=_STATES.get(state or ""),
        closed=_day(result, "date_fermeture", today, url) if state == "C" else None,
        activity=_matching(result, "activite_principale", _NAF),
        headcount=_matching(result, "tranche_effectif_salarie", _BAND),
        headcount_year=None if band_year is None else int(band_year),
    )


def _text(values: Mapping[str, Any], key: str) -> str | None:
    """A text value, None when absent, null, blank or masked."""
    value = values.get(key)
    if not isinstance(value, str) or not value.strip() or value.strip() == MASKED:
        return None
    return value.strip()


def _matching(values: Mapping[str, Any], key: str, pattern: re.Pattern[str]) -> str | None:
    value = _text(values, key)
    return value if value is not None and pattern.fullmatch(value) else None


def _day(values: Mapping[str, Any], key: str, today: date, url: str) -> PartialDate | None:
    """A day the register states, None when it states none; FetchError for one that does
    not exist (2020-02-30) or is still to come."""
    value = _text(values, key)
    if value is None:
        return None
    try:
        day = PartialDate.parse(value) if _DAY.fullmatch(value) else None
    except ValueError:  # a day that does not exist
        day = None
    if day is None:
        not_day = _("{key!r} is not a day: {value!r}")
        raise unexpected(url, not_day.format(key=key, value=value[:40]))
    if day.first_day > today:
        to_come = _("{key!r} is a day still to come: {value!r}")
        raise unexpected(url, to_come.format(key=key, value=value))
    return day
