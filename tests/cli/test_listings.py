"""The listings as a user drives them: startups, organizations, events, cities, sources."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import TODAY, Invoke, WriteDataset, as_json, ids

from normandie_cli.output.formats import OutputFormat


def test_startups_in_rouen_cover_the_agglomeration_as_tsv_when_piped(invoke: Invoke) -> None:
    result = invoke(["startups", "--city", "rouen"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "id\tname\tcity\tsectors\tfounded"
    assert ids(result.stdout) == ["bunkr", "saagie", "spread", "topovideo"]
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize(
    ("typed", "city"),
    [
        ("le havre", "le-havre"),
        ("Le-Havre", "le-havre"),
        ("LE HAVRE", "le-havre"),
        ("le_havre", "le-havre"),
        ("evreux", "evreux"),
        ("ÉVREUX", "evreux"),
        ("cherbourg", "cherbourg-en-cotentin"),
        ("Cherbourg-Octeville", "cherbourg-en-cotentin"),
        ("le petit quevilly", "rouen"),
        ("Métropole Rouen Normandie", "rouen"),
    ],
)
def test_city_names_ignore_case_accents_and_separators(
    invoke: Invoke, typed: str, city: str
) -> None:
    result = invoke(["compare", typed, "--json"])
    assert result.exit_code == 0, result.output
    assert [scene["scene"] for scene in as_json(result.stdout)] == [city]


def test_city_covers_its_agglomeration_and_commune_narrows(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "in-beta"
name = "In Beta"
city = "beta"
sources = ["src"]
"""
    )
    by_city = invoke(["--data", str(path), "startups", "--city", "alpha"])
    by_commune = invoke(["--data", str(path), "startups", "--commune", "alpha"])
    by_agglomeration = invoke(["--data", str(path), "startups", "--city", "Agglo"])
    assert ids(by_city.stdout) == ["in-beta"]
    assert ids(by_agglomeration.stdout) == ["in-beta"]
    assert ids(by_commune.stdout) == []
    assert by_commune.exit_code == 0


def test_unknown_city_is_a_usage_error_with_a_suggestion(invoke: Invoke) -> None:
    result = invoke(["startups", "--city", "rouenn"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown city 'rouenn'" in result.stderr
    assert "did you mean 'Rouen'" in result.stderr
    assert "Traceback" not in result.output


def test_a_city_outside_normandy_is_an_error(invoke: Invoke) -> None:
    result = invoke(["startups", "--city", "paris"])
    assert result.exit_code == 2
    assert "normandie cities" in result.stderr


def test_repeated_filters_or_within_and_across(invoke: Invoke) -> None:
    both = invoke(["startups", "--city", "caen", "--city", "rouen"])
    assert set(ids(both.stdout)) == {"bunkr", "saagie", "soyhuce", "spread", "topovideo", "yousign"}
    narrowed = invoke(["startups", "--city", "caen", "--city", "rouen", "--sector", "big-data"])
    assert ids(narrowed.stdout) == ["saagie", "soyhuce"]


def test_sector_by_id_or_name(invoke: Invoke) -> None:
    by_id = invoke(["startups", "--sector", "big-data"])
    by_name = invoke(["startups", "--sector", "BIG DATA"])
    assert ids(by_id.stdout) == ids(by_name.stdout) == ["saagie", "soyhuce"]


@pytest.mark.parametrize("option", ["--sector", "--tag"])
def test_unknown_sector_or_tag_lists_the_known_ones(invoke: Invoke, option: str) -> None:
    result = invoke(["startups", option, "fintech"])
    assert result.exit_code == 2
    assert f"unknown {option[2:]} 'fintech'" in result.stderr
    assert "Known" in result.stderr


def test_tag_filter(invoke: Invoke) -> None:
    assert ids(invoke(["startups", "--tag", "smart-city"]).stdout) == ["soyhuce"]


def test_founding_year_bounds_leave_out_unknown_years(invoke: Invoke) -> None:
    assert ids(invoke(["startups", "--founded-since", "2013"]).stdout) == ["saagie"]
    assert ids(invoke(["startups", "--founded-until", "2013"]).stdout) == ["saagie"]
    result = invoke(["startups", "--founded-until", "2012"])
    assert result.exit_code == 0
    assert ids(result.stdout) == []
    assert "No startups match --founded-until 2012." in result.stderr


def test_search_finds_former_names_ignoring_accents(invoke: Invoke) -> None:
    assert ids(invoke(["startups", "-S", "creative data"]).stdout) == ["saagie"]
    hosts = ids(invoke(["startups", "--search", "RAMENE TA FRAISE"]).stdout)
    assert hosts == ["la-coding-school", "makeidea", "soyhuce", "y-communication", "yousign"]


def test_sort_reverse_and_limit(invoke: Invoke) -> None:
    names = ids(invoke(["startups", "--sort", "name"]).stdout)
    assert names == sorted(names)
    reverse = ids(invoke(["startups", "--sort", "name", "-r"]).stdout)
    assert reverse == names[::-1]
    assert ids(invoke(["startups", "-L", "2"]).stdout) == names[:2]
    founded = ids(invoke(["startups", "--sort", "founded"]).stdout)
    assert founded[0] == "saagie"  # the only known year; unknown years go last


def test_sort_by_unknown_field_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke(["startups", "--sort", "nmae"])
    assert result.exit_code == 2
    assert "did you mean 'name'" in result.stderr


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_limit_must_be_a_positive_number(invoke: Invoke, limit: str) -> None:
    assert invoke(["startups", "--limit", limit]).exit_code == 2


def test_json_has_every_field_real_utf8_and_iso_dates(invoke: Invoke) -> None:
    result = invoke(["startups", "--json"])
    assert result.exit_code == 0, result.output
    records = as_json(result.stdout)
    saagie = next(r for r in records if r["id"] == "saagie")
    assert saagie["founded"] == "2013"
    assert saagie["former_names"] == ["Creative Data"]
    assert set(saagie) >= {"id", "name", "city", "sectors", "tags", "sources", "description"}
    cities = invoke(["cities", "--all", "--format", "json"]).stdout
    assert "Évreux" in cities and "\\u00c9" not in cities


def test_every_format_prints_the_same_records(invoke: Invoke) -> None:
    expected = ids(invoke(["startups", "--city", "caen", "-f", "tsv"]).stdout)
    for fmt in OutputFormat:
        result = invoke(["startups", "--city", "caen", "--format", fmt.value])
        assert result.exit_code == 0, (fmt, result.output)
        for record_id in expected:
            assert record_id in result.stdout or fmt is OutputFormat.TABLE
        if fmt is OutputFormat.TABLE:
            assert "Soyhuce" in result.stdout and "Yousign" in result.stdout


def test_csv_is_rfc4180_with_lists_joined(invoke: Invoke) -> None:
    result = invoke(["startups", "--csv", "-c", "id,tags"])
    assert result.stdout_bytes.startswith(b"id,tags\r\n")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "tags"]
    assert ["saagie", "predictive-analytics|french-tech-120"] in rows


def test_jsonl_is_one_object_per_line(invoke: Invoke) -> None:
    lines = invoke(["organizations", "-f", "jsonl"]).stdout.splitlines()
    assert len(lines) == len(as_json(invoke(["organizations", "--json"]).stdout))
    assert all(json.loads(line)["id"] for line in lines)


def test_columns_pick_and_order_fields(invoke: Invoke) -> None:
    result = invoke(["startups", "-c", "name,id", "--commune", "rouen"])
    assert result.stdout.splitlines() == ["name\tid", "Bunkr\tbunkr", "Saagie\tsaagie"]
    as_objects = as_json(invoke(["startups", "-c", "name", "--json"]).stdout)
    assert all(list(r) == ["name"] for r in as_objects)


def test_unknown_column_lists_the_valid_ones(invoke: Invoke) -> None:
    result = invoke(["startups", "-c", "id,nme"])
    assert result.exit_code == 2
    assert "unknown column 'nme'" in result.stderr
    assert "Valid columns: id, name" in result.stderr


def test_two_formats_at_once_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke(["startups", "--json", "--csv"])
    assert result.exit_code == 2
    assert "choose one output format" in result.stderr


def test_unknown_format_is_a_usage_error(invoke: Invoke) -> None:
    assert invoke(["startups", "--format", "xml"]).exit_code == 2


def test_empty_result_is_success(invoke: Invoke) -> None:
    result = invoke(["startups", "--city", "evreux", "--json"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"
    table = invoke(["startups", "--city", "evreux", "-f", "table"])
    assert table.stdout == ""
    assert "No startups match --city evreux." in table.stderr


def test_orgs_is_an_alias_of_organizations(invoke: Invoke) -> None:
    full = invoke(["organizations", "--city", "rouen"])
    short = invoke(["orgs", "--city", "rouen"])
    assert full.stdout == short.stdout
    assert ids(full.stdout) == ["seine-innopolis"]


def test_organizations_by_kind(invoke: Invoke) -> None:
    result = invoke(["organizations", "--kind", "network"])
    assert set(ids(result.stdout)) == {"nwx", "normandy-french-tech"}
    bad = invoke(["organizations", "--kind", "netwrk"])
    assert bad.exit_code == 2
    assert "did you mean 'network'" in bad.stderr


def test_organizations_search_finds_aliases(invoke: Invoke) -> None:
    assert ids(invoke(["orgs", "-S", "nwx"]).stdout) == ["nwx"]


def test_upcoming_and_past_follow_today(invoke: Invoke) -> None:
    upcoming = invoke(["--today", TODAY, "events", "--upcoming"])
    assert ids(upcoming.stdout) == ["codeurs-en-seine-2026"]
    past = invoke(["--today", TODAY, "events", "--past", "--limit", "3"])
    assert ids(past.stdout) == [
        "codeurs-en-seine-2025",
        "codeurs-en-seine-2024",
        "codeurs-en-seine-2023",
    ]


def test_nothing_upcoming_lists_the_recurring_series_and_their_last_editions(
    invoke: Invoke,
) -> None:
    result = invoke(["--today", "2026-11-26", "events", "--upcoming", "-f", "table"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "No upcoming event on or after 26 Nov 2026.",
        "Recurring events, by their editions in the data:",
        "  Codeurs en Seine — yearly since 2013, usually in November; last on 19 Nov 2026; no"
        " date announced for 2027.",
    ]


def test_with_no_series_nothing_upcoming_names_the_latest_event(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    data = write_dataset(
        '\n[[events]]\nid = "one-off"\nname = "One-off"\nstart = "2025-03-02"\nsources = ["src"]\n'
    )
    result = invoke(["--data", str(data), "--today", "2026-01-01", "events", "--upcoming"])
    assert result.stderr.strip() == (
        "No upcoming event on or after 1 Jan 2026. The latest known one is One-off"
        " (2 Mar 2025, id one-off)."
    )


def test_partial_dates_count_as_upcoming_until_their_last_day(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[events]]
id = "this-month"
name = "Some day this month"
start = "2026-11"
sources = ["src"]

[[events]]
id = "last-month"
name = "Some day last month"
start = "2026-10"
sources = ["src"]

[[events]]
id = "this-year"
name = "Some day this year"
start = "2026"
sources = ["src"]

[[events]]
id = "undated"
name = "No date known"
sources = ["src"]
"""
    )
    base = ["--data", str(path), "--today", "2026-11-26", "events"]
    assert ids(invoke([*base, "--upcoming"]).stdout) == ["this-year", "this-month"]
    assert ids(invoke([*base, "--past"]).stdout) == ["last-month"]
    in_range = invoke([*base, "--since", "2026-11-20", "--until", "2026-11-20"])
    assert ids(in_range.stdout) == ["this-year", "this-month"]
    assert "undated" in ids(invoke(base).stdout)


def test_since_and_until_are_inclusive_whole_days(invoke: Invoke) -> None:
    result = invoke(["events", "--since", "2015-11-26", "--until", "2015-11-26"])
    assert ids(result.stdout) == ["codeurs-en-seine-2015"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--upcoming", "--past"], "exclude each other"),
        (["events", "--since", "2020-01-02", "--until", "2020-01-01"], "is after --until"),
        (["events", "--since", "19/11/2015"], "--since takes a date like"),
        (["events", "--until", "2015-13-01"], "--until takes a date like"),
        (["--today", "tomorrow", "events", "--upcoming"], "--today takes a date like"),
        (["events", "--organizer", "nobody"], "unknown organizer 'nobody'"),
    ],
)
def test_bad_event_options_are_usage_errors(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_events_by_organizer_id_or_alias(invoke: Invoke) -> None:
    by_alias = ids(invoke(["events", "--organizer", "NWX"]).stdout)
    assert "codeurs-en-seine-2015" in by_alias
    assert ids(invoke(["events", "--organizer", "soyhuce"]).stdout) == ["ramene-ta-fraise"]


def test_cities_with_counts(invoke: Invoke) -> None:
    records = as_json(invoke(["cities", "--all", "--json"]).stdout)
    by_id = {r["id"]: r for r in records}
    assert by_id["rouen"]["startups"] == 2
    assert by_id["le-petit-quevilly"]["organizations"] == 1
    assert [r["name"] for r in records][:4] == [
        "Caen",
        "Cherbourg-en-Cotentin",
        "Colombelles",
        "Évreux",
    ]


def test_reverse_turns_the_past_around(invoke: Invoke) -> None:
    newest_first = ids(invoke(["--today", TODAY, "events", "--past"]).stdout)
    oldest_first = ids(invoke(["--today", TODAY, "events", "--past", "-r"]).stdout)
    assert oldest_first == newest_first[::-1]
    assert oldest_first[0] == "startup-weekend-caen-2013"


def test_nothing_upcoming_names_the_latest_event_the_filters_match(invoke: Invoke) -> None:
    none_in_evreux = invoke(["--today", TODAY, "events", "--city", "evreux", "--upcoming"])
    assert none_in_evreux.exit_code == 0
    expected = "No upcoming event on or after 1 Nov 2026 for --city evreux.\n"
    assert none_in_evreux.stderr.startswith(expected)
    caen = invoke(["--today", TODAY, "events", "--city", "caen", "--upcoming", "--json"])
    assert caen.stdout.strip() == "[]"
    assert "The latest known one is Startup Weekend Caen 2013 (9 Apr 2013" in caen.stderr


@pytest.mark.parametrize(
    "args",
    [["search", "   "], ["search", "-"], ["startups", "-S", " "], ["events", "--search", "--"]],
)
def test_blank_search_text_is_a_usage_error(invoke: Invoke, args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert "needs at least one letter or digit" in result.stderr


def test_founding_bounds_in_the_wrong_order(invoke: Invoke) -> None:
    result = invoke(["startups", "--founded-since", "2014", "--founded-until", "2012"])
    assert result.exit_code == 2
    assert "--founded-since 2014 is after --founded-until 2012" in result.stderr


def test_cities_lists_communes_with_records_and_all_on_request(invoke_bundled: Invoke) -> None:
    with_records = as_json(invoke_bundled(["cities", "--json"]).stdout)
    everything = as_json(invoke_bundled(["cities", "--all", "--json"]).stdout)
    assert len(everything) == 2650
    assert 0 < len(with_records) < 100
    assert all(c["startups"] + c["organizations"] + c["events"] > 0 for c in with_records)
    bayeux = next(c for c in everything if c["id"] == "bayeux")
    assert bayeux["former_region"] == "basse-normandie"
    assert bayeux["population_year"] == 2021


def test_every_commune_is_a_known_city(invoke_bundled: Invoke) -> None:
    assert invoke_bundled(["startups", "--city", "bayeux"]).exit_code == 0
    assert invoke_bundled(["startups", "--city", "paris"]).exit_code == 2
    shared = invoke_bundled(["startups", "--city", "Bénouville"])
    assert shared.exit_code == 2
    assert "names several communes: benouville-14" in shared.stderr
    assert invoke_bundled(["startups", "--city", "benouville-76"]).exit_code == 0


def test_old_data_warns_that_the_calendar_may_be_incomplete(invoke_bundled: Invoke) -> None:
    fresh = invoke_bundled(["--today", "2026-12-01", "events", "--upcoming"])
    assert "may be incomplete" not in fresh.stderr
    stale = invoke_bundled(["--today", "2030-01-01", "events", "--upcoming"])
    assert "the calendar may be incomplete" in stale.stderr


def test_vocabulary_labels_work_in_both_languages(invoke_bundled: Invoke) -> None:
    french = ids(invoke_bundled(["orgs", "--kind", "Université"]).stdout)
    english = ids(invoke_bundled(["orgs", "--kind", "university"]).stdout)
    assert french == english and len(french) == 3
    assert ids(invoke_bundled(["startups", "--sector", "Santé"]).stdout)


def test_search_finds_the_legal_name(invoke: Invoke, write_dataset: WriteDataset) -> None:
    path = write_dataset(
        """
[[organization_kinds]]
id = "lab"
name_fr = "Laboratoire"
name_en = "Lab"

[[startups]]
id = "acme"
name = "Acme"
legal_name = "ACME ENGINEERING SAS"
sources = ["src"]

[[organizations]]
id = "lab-x"
name = "Centre de recherche en économie appliquée"
legal_name = "CENTRE DE RECHERCHE EN ECONOMIE APLIQUEE"
kind = "lab"
sources = ["src"]
"""
    )
    assert ids(invoke(["--data", str(path), "startups", "-S", "engineering"]).stdout) == ["acme"]
    assert ids(invoke(["--data", str(path), "orgs", "-S", "apliquee"]).stdout) == ["lab-x"]
    found = invoke(["--data", str(path), "search", "acme engineering"])
    assert found.exit_code == 0 and "acme" in found.stdout


def test_a_listing_by_city_says_how_many_have_no_known_city(invoke: Invoke) -> None:
    by_city = invoke(["startups", "--city", "rouen"])
    hint = "3 startups have no known city: `normandie startups --city unknown` lists them."
    assert by_city.stderr.strip() == hint
    assert "no known city" not in invoke(["startups"]).stderr
    unknown = invoke(["startups", "--city", "unknown"])
    assert ids(unknown.stdout) == ["la-coding-school", "makeidea", "y-communication"]
    assert unknown.stderr == ""
