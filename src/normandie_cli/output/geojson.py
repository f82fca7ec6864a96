"""GeoJSON (RFC 7946) export: the cities that have records and the organisations, as points."""

from __future__ import annotations

from typing import Any

from normandie_cli.models import Dataset
from normandie_cli.places import city_counts
from normandie_cli.text import escape_controls

JsonObject = dict[str, Any]


def to_geojson(dataset: Dataset) -> str:
    """A FeatureCollection of Point features: every city with startups, organisations or
    events and known coordinates, then every organisation with coordinates of its own.

    Cities come in id order, then organisations in id order, so the same data gives the
    same text. A record without coordinates is left out: a point cannot be guessed.
    """
    import json

    features: list[JsonObject] = []
    counts = city_counts(dataset)
    for city in sorted(dataset.cities, key=lambda c: c.id):
        tally = counts[city.id]
        if not any(tally.values()) or city.latitude is None or city.longitude is None:
            continue
        properties: JsonObject = {
            "kind": "city",
            "id": city.id,
            "name": city.name,
            "insee": city.insee,
            "department": city.department,
            "agglomeration": city.agglomeration,
            "startups": tally["startups"],
            "organizations": tally["organizations"],
            "events": tally["events"],
        }
        features.append(_point(city.id, city.longitude, city.latitude, properties))
    for organization in sorted(dataset.organizations, key=lambda o: o.id):
        if organization.latitude is None or organization.longitude is None:
            continue
        properties = {
            "kind": "organization",
            "id": organization.id,
            "name": organization.name,
            "organization_kind": organization.kind,
            "city": organization.city,
            "website": organization.website,
        }
        features.append(
            _point(organization.id, organization.longitude, organization.latitude, properties)
        )
    collection = {"type": "FeatureCollection", "features": features}
    return escape_controls(json.dumps(collection, ensure_ascii=False, indent=2)) + "\n"


def _point(record_id: str, longitude: float, latitude: float, properties: JsonObject) -> JsonObject:
    # RFC 7946 puts longitude first, the reverse of how people usually say a position.
    return {
        "type": "Feature",
        "id": record_id,
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }
