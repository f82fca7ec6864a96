"""Tests of the GeoJSON export: a valid RFC 7946 collection that a map draws in Normandy."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from normandie_cli.dataset import load_dataset
from normandie_cli.models import (
    City,
    Dataset,
    Department,
    Event,
    FormerRegion,
    Meta,
    Organization,
    PartialDate,
    Source,
    Startup,
    Term,
)
from normandie_cli.output.geojson import to_geojson
from normandie_cli.places import city_counts

CITY_PROPERTIES = {
    "kind",
    "id",
    "name",
    "insee",
    "department",
    "agglomeration",
    "startups",
    "organizations",
    "events",
}
ORGANIZATION_PROPERTIES = {"kind", "id", "name", "organization_kind", "city", "website"}


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def collection(bundled: Dataset) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(to_geojson(bundled))
    return parsed


def features_of(collection: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["kind"] == kind]


# --- The bundled data ----------------------------------------------------------------


def test_it_is_a_feature_collection_of_points_inside_normandy(
    collection: dict[str, Any],
) -> None:
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        coordinates = feature["geometry"]["coordinates"]
        assert len(coordinates) == 2
        assert all(isinstance(c, float) for c in coordinates)
        longitude, latitude = coordinates
        # Normandy's rough bounds: swapped coordinates would land in the Indian Ocean.
        assert -2 <= longitude <= 2, feature["id"]
        assert 48 <= latitude <= 51, feature["id"]


def test_cities_come_first_in_id_order_then_organisations_in_id_order(
    collection: dict[str, Any],
) -> None:
    kinds = [f["properties"]["kind"] for f in collection["features"]]
    assert kinds == sorted(kinds)  # "city" < "organization"
    for kind in ("city", "organization"):
        ids = [f["id"] for f in features_of(collection, kind)]
        assert ids == sorted(ids)
        assert len(set(ids)) == len(ids)


def test_every_city_with_records_and_no_other_is_a_feature(
    bundled: Dataset, collection: dict[str, Any]
) -> None:
    counts = city_counts(bundled)
    with_records = {
        c.id for c in bundled.cities if any(counts[c.id].values()) and c.latitude is not None
    }
    cities = features_of(collection, "city")
    assert {f["id"] for f in cities} == with_records
    assert all(any(counts[f["id"]].values()) for f in cities)
    assert len(cities) < len(bundled.cities)


def test_city_counts_match_the_query(bundled: Dataset, collection: dict[str, Any]) -> None:
    counts = city_counts(bundled)
    for feature in features_of(collection, "city"):
        properties = feature["properties"]
        assert {k: properties[k] for k in ("startups", "organizations", "events")} == (
            counts[feature["id"]]
        )


def test_city_properties(bundled: Dataset, collection: dict[str, Any]) -> None:
    by_id = {f["id"]: f for f in features_of(collection, "city")}
    counts = city_counts(bundled)["rouen"]
    assert by_id["rouen"]["properties"] == {
        "kind": "city",
        "id": "rouen",
        "name": "Rouen",
        "insee": "76540",
        "department": "76",
        "agglomeration": "metropole-rouen-normandie",
        **counts,
    }
    assert by_id["honfleur"]["properties"]["agglomeration"] is None
    assert by_id["saint-etienne-du-rouvray"]["properties"]["name"] == "Saint-Étienne-du-Rouvray"
    for feature in by_id.values():
        assert set(feature["properties"]) == CITY_PROPERTIES


def test_coordinates_are_longitude_then_latitude(
    bundled: Dataset, collection: dict[str, Any]
) -> None:
    places = {c.id: (c.longitude, c.latitude) for c in bundled.cities}
    places.update({o.id: (o.longitude, o.latitude) for o in bundled.organizations})
    for feature in collection["features"]:
        assert tuple(feature["geometry"]["coordinates"]) == places[feature["id"]]
    caen = next(f for f in collection["features"] if f["id"] == "caen")
    assert caen["geometry"]["coordinates"][0] < 0  # Caen is west of Greenwich


def test_every_organisation_with_coordinates_and_no_other_is_a_feature(
    bundled: Dataset, collection: dict[str, Any]
) -> None:
    located = {o.id: o for o in bundled.organizations if o.latitude is not None}
    organizations = features_of(collection, "organization")
    assert {f["id"] for f in organizations} == set(located)
    for feature in organizations:
        record = located[feature["id"]]
        assert feature["properties"] == {
            "kind": "organization",
            "id": record.id,
            "name": record.name,
            "organization_kind": record.kind,
            "city": record.city,
            "website": record.website,
        }
        assert set(feature["properties"]) == ORGANIZATION_PROPERTIES


def test_the_text_is_the_same_on_every_run_and_keeps_accents(bundled: Dataset) -> None:
    text = to_geojson(bundled)
    assert text == to_geojson(bundled)
    assert text.endswith("}\n")
    assert "Évreux" in text and "\\u00c9" not in text


# --- Handmade data ---------------------------------------------------------------------


def small_dataset() -> Dataset:
    """Cities with and without records and coordinates; organisations with and without."""
    src = ("src",)
    return Dataset(
        meta=Meta(title="Test", version="1", updated=PartialDate(2026), licence="CC0"),
        sources=(Source("src", "A source", "Tests", "https://example.org/"),),
        sectors=(),
        organization_kinds=(Term("hub", "Tiers-lieu", "Hub"),),
        event_kinds=(),
        contests=(),
        departments=(Department("14", "Calvados", FormerRegion.BASSE_NORMANDIE, src),),
        agglomerations=(),
        cities=(
            City("zeta", "Zêta", "14003", "14", src, 49.1, -0.3),
            City("alpha", "Alpha", "14001", "14", src, 49.2, -0.4),
            City("empty", "Empty", "14004", "14", src, 49.3, -0.5),
            City("unplaced", "Unplaced", "14005", "14", src),
        ),
        startups=(Startup("acme", "Acme", src, city="zeta"),),
        organizations=(
            Organization("hub", "Hub", "hub", src, city="unplaced", latitude=49.0, longitude=-0.2),
            Organization("bare", "Bare", "hub", src, city="alpha"),
            Organization("afloat", "Afloat", "hub", src, latitude=49.5, longitude=0.1),
        ),
        events=(Event("meetup", "Meetup", src, city="alpha"),),
    )


def test_a_small_dataset_gives_exactly_the_expected_features() -> None:
    collection = json.loads(to_geojson(small_dataset()))
    assert [(f["id"], f["geometry"]["coordinates"]) for f in collection["features"]] == [
        ("alpha", [-0.4, 49.2]),
        ("zeta", [-0.3, 49.1]),
        ("afloat", [0.1, 49.5]),
        ("hub", [-0.2, 49.0]),
    ]
    alpha, zeta, afloat, hub = (f["properties"] for f in collection["features"])
    # 'bare' has no coordinates: it counts for Alpha, but has no point of its own.
    assert (alpha["startups"], alpha["organizations"], alpha["events"]) == (0, 1, 1)
    assert zeta["name"] == "Zêta"
    assert afloat["city"] is None and afloat["website"] is None
    assert hub["city"] == "unplaced"  # a city without coordinates still names its organisation


def test_a_dataset_without_places_gives_an_empty_collection() -> None:
    bare = dataclasses.replace(small_dataset(), organizations=(), startups=(), events=())
    assert json.loads(to_geojson(bare)) == {"type": "FeatureCollection", "features": []}
