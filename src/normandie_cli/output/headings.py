"""The heading of every field, in tables and in `show`: words only, no terminal here."""

from __future__ import annotations

from normandie_cli.i18n import N_, _

# The column headings of every field; a test checks that each field has one.
_HEADERS = {
    "id": N_("Id"),
    "title": N_("Title"),
    "title_fr": N_("Title fr"),
    "publisher": N_("Publisher"),
    "url": N_("Url"),
    "date": N_("Date"),
    "licence": N_("Licence"),
    "cited_by": N_("Cited by"),
    "name_fr": N_("Name fr"),
    "name_en": N_("Name en"),
    "name": N_("Name"),
    "former_region": N_("Former region"),
    "sources": N_("Sources"),
    "seat": N_("Seat"),
    "members": N_("Members"),
    "insee": N_("Insee"),
    "department": N_("Dept."),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "population": N_("Population"),
    "population_year": N_("Population year"),
    "aliases": N_("Aliases"),
    "agglomeration": N_("Agglomeration"),
    "startups": N_("Startups"),
    "organizations": N_("Orgs"),
    "events": N_("Events"),
    "city": N_("City"),
    "city_basis": N_("City basis"),
    "sectors": N_("Sectors"),
    "tags": N_("Tags"),
    "founded": N_("Founded"),
    "status": N_("Status"),
    "website": N_("Website"),
    "siren": N_("Siren"),
    "hosted_by": N_("Hosted by"),
    "research_units": N_("Research units"),
    "former_names": N_("Former names"),
    "awards": N_("Awards"),
    "funding": N_("Funding"),
    "description": N_("Description"),
    "description_fr": N_("Description fr"),
    "kind": N_("Kind"),
    "rnsr": N_("Rnsr"),
    "rnsr_since": N_("Rnsr since"),
    "parents": N_("Parents"),
    "series": N_("Series"),
    "start": N_("Start"),
    "end": N_("End"),
    "venue": N_("Venue"),
    "online": N_("Online"),
    "organizers": N_("Organizers"),
    "legal_name": N_("Legal name"),
    "activity": N_("Activity"),
    "headcount": N_("Headcount"),
    "headcount_year": N_("Headcount year"),
    "closed": N_("Closed"),
}


def field_heading(field: str) -> str:
    return _(_HEADERS[field])
