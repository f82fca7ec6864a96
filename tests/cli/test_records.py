"""show, search, info and validate as a user drives them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Invoke, WriteDataset, as_json, ids


def test_show_lists_fields_and_sources(invoke: Invoke) -> None:
    result = invoke(["show", "saagie", "-f", "table"])
    assert result.exit_code == 0, result.output
    assert "Creative Data" in result.stdout
    assert "Sources" in result.stdout
    assert "maddyness.com" in result.stdout


def test_show_as_json_is_one_object(invoke: Invoke) -> None:
    record = json.loads(invoke(["show", "le havre", "--json"]).stdout)
    assert record["table"] == "cities"
    assert record["insee"] == "76351"


def test_show_unknown_id_suggests(invoke: Invoke) -> None:
    result = invoke(["show", "saagi"])
    assert result.exit_code == 2
    assert "did you mean 'saagie'" in result.stderr


def test_search_groups_by_kind(invoke: Invoke) -> None:
    records = as_json(invoke(["search", "innopolis", "--json"]).stdout)
    kinds = {r["table"] for r in records}
    assert {"organizations", "startups"} <= kinds
    table = invoke(["search", "innopolis", "-f", "table"])
    assert "Organisations (1)" in table.stdout
    none = invoke(["search", "zzzz"])
    assert none.exit_code == 0
    assert ids(none.stdout) == []


def test_search_finds_records_by_their_city(invoke: Invoke) -> None:
    records = as_json(invoke(["search", "colombelles", "--json"]).stdout)
    assert [(r["table"], r["id"]) for r in records] == [
        ("startups", "yousign"),
        ("cities", "colombelles"),
    ]


def test_search_with_no_match_says_so(invoke: Invoke) -> None:
    result = invoke(["search", "zzzz"])
    assert result.exit_code == 0
    assert result.stdout == "table\tid\tname\n"
    assert "Nothing matches 'zzzz'." in result.stderr


def test_show_has_no_empty_sources_heading(invoke: Invoke) -> None:
    result = invoke(["show", "big-data", "-f", "table"])
    assert result.exit_code == 0
    assert "Sources" not in result.stdout
    assert "Big data" in result.stdout


def test_sources_count_the_records_citing_them(invoke_bundled: Invoke) -> None:
    records = as_json(invoke_bundled(["sources", "--json"]).stdout)
    by_id = {r["id"]: r for r in records}
    assert by_id["maddyness-2015-11-19"]["cited_by"] >= 15
    assert by_id["mesr-ilab-laureates"]["licence"] == "Licence Ouverte 2.0"
    assert all(r["cited_by"] > 0 for r in records)
    table = invoke_bundled(["sources", "-f", "table"])
    assert "Maddyness" in table.stdout


def test_info_shows_version_counts_and_attributions(invoke_bundled: Invoke) -> None:
    summary = json.loads(invoke_bundled(["info", "--json"]).stdout)
    assert summary["version"] and summary["updated"]
    counts = summary["counts"]
    assert counts["startups"] + counts["organizations"] + counts["events"] >= 300
    credited = {a["title"] for a in summary["attributions"]}
    assert "Lauréats du concours national i-Lab" in credited
    table = invoke_bundled(["info", "-f", "table"]).stdout
    assert "Open data reused, with its licence" in table
    assert "Licence Ouverte 2.0" in table


def test_show_prints_awards_and_sources(invoke_bundled: Invoke) -> None:
    result = invoke_bundled(["show", "yousign", "-f", "table"])
    assert "i-Lab contest 2012, en émergence" in result.stdout
    assert "Sources" in result.stdout and "data.gouv.fr" in result.stdout
    as_tsv = invoke_bundled(["show", "yousign"]).stdout
    assert "Award(" not in as_tsv and '"contest":"i-lab"' in as_tsv


def test_the_bundled_data_passes_strict_validation(invoke_bundled: Invoke) -> None:
    result = invoke_bundled(["validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert "valid (" in result.stderr and "warning" not in result.stderr


def test_validate_lists_problems_and_warnings(
    invoke: Invoke, write_dataset: WriteDataset, tmp_path: Path
) -> None:
    warned = write_dataset(
        """
[[sources]]
id = "unused"
title = "Nobody cites me"
publisher = "Tests"
url = "https://example.org/unused"

[[startups]]
id = "future"
name = "Future"
founded = "2099"
siren = "123456789"
sources = ["src"]

[[startups]]
id = "future-bis"
name = "FUTURE"
sources = ["src"]
""",
        name="warned.toml",
    )
    relaxed = invoke(["validate", str(warned)])
    assert relaxed.exit_code == 0
    for fragment in (
        "sources ('unused'): no record cites it",
        "startups ('future'): founded 2099, after today",
        "SIREN 123456789 fails its checksum",
        "'future', 'future-bis' have names that differ only by case",
    ):
        assert fragment in relaxed.stderr
    assert invoke(["validate", "--strict", str(warned)]).exit_code == 1
    broken = tmp_path / "broken.toml"
    broken.write_text("[meta]\ntitle = 1\n", encoding="utf-8")
    both = invoke(["validate", str(broken), str(write_dataset(""))])
    assert both.exit_code == 1
    assert "'title' must be text" in both.stderr
    assert "data.toml: valid" in both.stderr


def test_validate_warns_when_one_place_is_put_in_two_communes(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[organization_kinds]]
id = "coworking"
name_fr = "Espace de coworking"
name_en = "Coworking space"

[[organizations]]
id = "hub"
name = "Le Hub"
kind = "coworking"
city = "alpha"
sources = ["src"]

[[events]]
id = "meetup-1"
name = "Meetup 1"
city = "beta"
venue = "Le HUB"
sources = ["src"]

[[events]]
id = "meetup-2"
name = "Meetup 2"
city = "alpha"
city_basis = "inferred"
venue = "Salle verte"
sources = ["src"]

[[events]]
id = "meetup-3"
name = "Meetup 3"
city = "beta"
venue = "Salle Verte"
sources = ["src"]
"""
    )
    result = invoke(["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "place 'Le Hub' is put in Alpha (hub); Béta (meetup-1)" in result.stderr
    assert "place 'Salle verte' is put in Alpha (meetup-2); Béta (meetup-3)" in result.stderr
    assert invoke(["validate", "--strict", str(path)]).exit_code == 1


def test_city_basis_needs_a_city(invoke: Invoke, write_dataset: WriteDataset) -> None:
    path = write_dataset(
        """
[[startups]]
id = "nowhere"
name = "Nowhere"
city_basis = "premises"
sources = ["src"]
"""
    )
    result = invoke(["validate", str(path)])
    assert result.exit_code == 1
    assert "'city_basis' says how the city is known, but 'city' is not set" in result.stderr
