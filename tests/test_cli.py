"""The commands as a user drives them: exit codes, stdout and stderr, on bundled and tiny data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SEED, TODAY, Invoke

from normandie_cli.export import OutputFormat

WriteDataset = Callable[..., Path]


def ids(stdout: str) -> list[str]:
    """The first column of TSV output, header left out."""
    return [line.split("\t")[0] for line in stdout.splitlines()[1:]]


def as_json(stdout: str) -> list[dict[str, object]]:
    data = json.loads(stdout)
    assert isinstance(data, list)
    return data


# --- startups ----------------------------------------------------------------------------


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


# --- formats -----------------------------------------------------------------------------


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


# --- organisations -------------------------------------------------------------------------


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


# --- events --------------------------------------------------------------------------------


def test_upcoming_and_past_follow_today(invoke: Invoke) -> None:
    upcoming = invoke(["--today", TODAY, "events", "--upcoming"])
    assert ids(upcoming.stdout) == ["codeurs-en-seine-2026"]
    past = invoke(["--today", TODAY, "events", "--past", "--limit", "3"])
    assert ids(past.stdout) == [
        "codeurs-en-seine-2025",
        "codeurs-en-seine-2024",
        "codeurs-en-seine-2023",
    ]


def test_today_from_the_environment(invoke: Invoke) -> None:
    result = invoke(["events", "--upcoming"], env={"NORMANDIE_TODAY": TODAY})
    assert ids(result.stdout) == ["codeurs-en-seine-2026"]


def test_nothing_upcoming_names_the_latest_event(invoke: Invoke) -> None:
    result = invoke(["--today", "2026-11-26", "events", "--upcoming", "-f", "table"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No upcoming event on or after 26 Nov 2026." in result.stderr
    assert "Codeurs en Seine 2026 (19 Nov 2026" in result.stderr


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


# --- cities, show, search, compare ---------------------------------------------------------


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


def test_compare_the_three_scenes(invoke: Invoke) -> None:
    result = invoke(["--today", TODAY, "compare", "--json"])
    assert result.exit_code == 0, result.output
    scenes = {s["scene"]: s for s in as_json(result.stdout)}
    assert list(scenes) == ["caen", "rouen", "le-havre"]
    assert scenes["rouen"]["organizations"] == 1  # Seine Innopolis, in Le Petit-Quevilly
    assert scenes["rouen"]["upcoming_events"] == 1
    assert scenes["caen"]["startups"] == 2
    assert scenes["caen"]["top_sectors"] == ["big-data:1", "e-signature:1"]
    table = invoke(["compare", "caen", "rouen", "-f", "table"])
    assert "Scenes compared" in table.stdout and "Le Havre" not in table.stdout


def test_compare_unknown_city(invoke: Invoke) -> None:
    assert invoke(["compare", "caen", "paris"]).exit_code == 2


# --- export --------------------------------------------------------------------------------


def test_export_csv_to_stdout_has_every_field(invoke: Invoke) -> None:
    result = invoke(["export", "--csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9
    assert {"id", "name", "sources", "hosted_by"} <= set(rows[0])


def test_export_json_of_another_entity(invoke: Invoke) -> None:
    records = as_json(invoke(["export", "--json", "--entity", "events"]).stdout)
    assert any(r["id"] == "codeurs-en-seine-2015" for r in records)


def test_export_writes_a_file_and_keeps_existing_ones(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "startups.csv"
    first = invoke(["export", "--csv", "-o", str(target)])
    assert first.exit_code == 0, first.output
    assert first.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("id,name,")
    target.write_text("mine", encoding="utf-8")
    again = invoke(["export", "--csv", "-o", str(target)])
    assert again.exit_code == 2
    assert "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == "mine"
    forced = invoke(["export", "--json", "-o", str(target), "--force"])
    assert forced.exit_code == 0
    assert as_json(target.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["startups.csv"]  # no temporary left


def test_export_never_overwrites_the_dataset(invoke: Invoke, write_dataset: WriteDataset) -> None:
    path = write_dataset("")
    before = path.read_bytes()
    result = invoke(["--data", str(path), "export", "--csv", "-o", str(path), "--force"])
    assert result.exit_code == 2
    assert path.read_bytes() == before


def test_export_into_a_missing_folder_is_a_file_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["export", "--csv", "-o", str(tmp_path / "nowhere" / "x.csv")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


# --- data files and output hygiene ---------------------------------------------------------


def test_invalid_data_file_is_a_clean_error(invoke: Invoke, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[meta\ntitle = 1\n", encoding="utf-8")
    result = invoke(["--data", str(broken), "startups"])
    assert result.exit_code == 1
    assert "TOML syntax error at line 1" in result.stderr
    assert "Traceback" not in result.output


def test_data_file_from_the_environment(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["startups"], env={"NORMANDIE_DATA": str(tmp_path / "missing.toml")})
    assert result.exit_code == 1
    assert "missing.toml: 1 problem found" in result.stderr
    assert "no such file" in result.stderr


def test_every_problem_in_a_dataset_is_reported(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "bunkr"
name = "Bunkr"
founded = "2014ish"
city = "rouen"
sources = ["src"]
"""
    )
    result = invoke(["--data", str(path), "startups"])
    assert result.exit_code == 1
    assert "startups[0] ('bunkr'): 'founded' is not a valid date" in result.stderr
    assert "'city' refers to 'rouen', which is not in cities" in result.stderr


def test_markup_and_escape_codes_in_data_stay_inert(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "tricky"
name = "[bold]Tricky[/] \\u001b[31mred\\u001b]0;title\\u0007 [/x]"
sources = ["src"]
"""
    )
    table = invoke(["--data", str(path), "startups", "-f", "table"])
    assert table.exit_code == 0, table.output
    assert "[bold]Tricky[/]" in table.stdout
    assert "[/x]" in table.stdout
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout
    assert "␛[31mred" in table.stdout
    tsv = invoke(["--data", str(path), "startups"])
    assert "\x1b" not in tsv.stdout
    exact = as_json(invoke(["--data", str(path), "startups", "--json"]).stdout)
    assert exact[0]["name"] == "[bold]Tricky[/] \x1b[31mred\x1b]0;title\x07 [/x]"


def test_narrow_terminal_lists_records_one_by_one(invoke: Invoke) -> None:
    result = invoke(["startups", "--city", "rouen", "-f", "table"], env={"COLUMNS": "40"})
    assert result.exit_code == 0
    assert all(len(line) <= 40 for line in result.stdout.splitlines())
    assert "Saagie" in result.stdout and "Bunkr" in result.stdout


def test_version(invoke: Invoke) -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("normandie ")


@pytest.mark.parametrize(
    "command",
    [
        "startups",
        "organizations",
        "orgs",
        "events",
        "cities",
        "show",
        "search",
        "compare",
        "export",
    ],
)
def test_every_command_has_help_with_examples(invoke: Invoke, command: str) -> None:
    result = invoke([command, "-h"])
    assert result.exit_code == 0, result.output
    assert "Usage: normandie" in result.stdout
    if command != "orgs":
        assert "Examples" in result.stdout


def test_no_command_shows_help(invoke: Invoke) -> None:
    result = invoke([])
    assert "Usage: normandie" in result.output
    assert "Exit codes" in result.output


def test_reverse_turns_the_past_around(invoke: Invoke) -> None:
    newest_first = ids(invoke(["--today", TODAY, "events", "--past"]).stdout)
    oldest_first = ids(invoke(["--today", TODAY, "events", "--past", "-r"]).stdout)
    assert oldest_first == newest_first[::-1]
    assert oldest_first[0] == "startup-weekend-caen-2013"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["orgs", "--commune", "le petit-quevilly"], ["seine-innopolis"]),
        (["orgs", "--commune", "rouen"], []),
        (["orgs", "--sort", "kind", "-r", "-L", "1"], ["seine-innopolis"]),
        (["orgs", "--search", "french tech"], ["communaute-caen-la-mer", "normandy-french-tech"]),
        (["events", "--commune", "caen", "--search", "weekend"], ["startup-weekend-caen-2013"]),
        (
            ["events", "--city", "caen", "--sort", "name"],
            ["ramene-ta-fraise", "startup-weekend-caen-2013"],
        ),
        (["startups", "--commune", "colombelles"], ["yousign"]),
        (["cities", "-c", "id", "--csv"], None),
    ],
)
def test_filter_and_sort_options(
    invoke: Invoke, args: list[str], expected: list[str] | None
) -> None:
    result = invoke(args)
    assert result.exit_code == 0, result.output
    if expected is not None:
        assert ids(result.stdout) == expected
    else:
        assert result.stdout.splitlines()[:2] == ["id", "caen"]


@pytest.mark.parametrize(
    "args",
    [
        ["show", "saagie", "-f", "tsv"],
        ["show", "saagie", "-f", "csv"],
        ["show", "saagie", "-f", "jsonl"],
        ["search", "rouen", "--csv"],
        ["search", "rouen", "-f", "jsonl"],
        ["compare", "-f", "tsv"],
        ["compare", "--csv"],
        ["export", "-f", "jsonl", "--entity", "cities"],
        ["export", "-f", "tsv", "--entity", "sources"],
    ],
)
def test_machine_formats_of_every_command(invoke: Invoke, args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    if "jsonl" in args:
        assert all(json.loads(line) for line in result.stdout.splitlines())


def test_export_writes_machine_formats_only(invoke: Invoke) -> None:
    result = invoke(["export", "-f", "table"])
    assert result.exit_code == 2
    assert "'table' is not one of" in result.stderr


def test_export_defaults_to_csv_on_a_terminal(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("normandie_cli.cli._stdout_is_terminal", lambda: True)
    assert invoke(["export"]).stdout.startswith("id,name,")


def test_nothing_upcoming_names_the_latest_event_the_filters_match(invoke: Invoke) -> None:
    none_in_evreux = invoke(["--today", TODAY, "events", "--city", "evreux", "--upcoming"])
    assert none_in_evreux.exit_code == 0
    expected = "No upcoming event on or after 1 Nov 2026 for --city evreux."
    assert none_in_evreux.stderr.strip() == expected
    caen = invoke(["--today", TODAY, "events", "--city", "caen", "--upcoming", "--json"])
    assert caen.stdout.strip() == "[]"
    assert "The latest known one is Startup Weekend Caen 2013 (9 Apr 2013" in caen.stderr


def test_export_to_a_file_is_csv_even_from_a_script(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert invoke(["export", "-o", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("id,name,sources,")
    assert invoke(["export"]).stdout.startswith("id,name,sources,")


def test_a_replaced_export_keeps_its_permissions(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert invoke(["export", "-o", str(target), "--force"]).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_text(encoding="utf-8").startswith("id,")


@pytest.mark.parametrize(
    "args",
    [["search", "   "], ["search", "-"], ["startups", "-S", " "], ["events", "--search", "--"]],
)
def test_blank_search_text_is_a_usage_error(invoke: Invoke, args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert "needs at least one letter or digit" in result.stderr


@pytest.mark.parametrize("today", ["20261101", "2026-W47-1", "2026-11-1", "garbage"])
def test_today_must_be_year_month_day(invoke: Invoke, today: str) -> None:
    result = invoke(["--today", today, "cities"])
    assert result.exit_code == 2
    assert "--today takes a date like 2026-11-19" in result.stderr


def test_founding_bounds_in_the_wrong_order(invoke: Invoke) -> None:
    result = invoke(["startups", "--founded-since", "2014", "--founded-until", "2012"])
    assert result.exit_code == 2
    assert "--founded-since 2014 is after --founded-until 2012" in result.stderr


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


def test_compare_lists_each_scene_once(invoke: Invoke) -> None:
    result = invoke(["compare", "rouen", "saint etienne du rouvray", "--json"])
    assert [s["scene"] for s in as_json(result.stdout)] == ["rouen"]


def test_messages_end_cleanly(invoke: Invoke) -> None:
    column = invoke(["startups", "-c", "ID"])
    assert "unknown column 'ID' (did you mean 'id'?). Valid columns:" in column.stderr
    sort = invoke(["startups", "--sort", "sectors"])
    assert "cannot sort by 'sectors'. Sort keys: name, id, city, founded." in sort.stderr
    sector = invoke(["startups", "--sector", "big dta"])
    assert "unknown sector 'big dta' (did you mean 'big-data'?)." in sector.stderr


def test_show_has_no_empty_sources_heading(invoke: Invoke) -> None:
    result = invoke(["show", "big-data", "-f", "table"])
    assert result.exit_code == 0
    assert "Sources" not in result.stdout
    assert "Big data" in result.stdout


# --- provenance and validation -------------------------------------------------------------


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


# --- compare by region and department; exports for other tools ---------------------------


def test_compare_by_region_puts_cityless_records_apart(invoke_bundled: Invoke) -> None:
    result = invoke_bundled(["compare", "--by", "region", "--json"])
    assert result.exit_code == 0, result.output
    scenes = {s["scene"]: s for s in as_json(result.stdout)}
    assert list(scenes) == ["basse-normandie", "haute-normandie", "city-unknown"]
    total = sum(s["startups"] for s in scenes.values())
    assert total == len(as_json(invoke_bundled(["startups", "--json"]).stdout))
    assert scenes["city-unknown"]["startups"] > 0  # i-Lab laureates have no city


def test_compare_by_department(invoke_bundled: Invoke) -> None:
    scenes = as_json(invoke_bundled(["compare", "--by", "department", "--json"]).stdout)
    assert [s["scene"] for s in scenes] == ["14", "27", "50", "61", "76", "city-unknown"]
    refused = invoke_bundled(["compare", "--by", "department", "caen"])
    assert refused.exit_code == 2
    assert "leave out the cities" in refused.stderr


def test_compare_never_passes_a_partial_funding_sum_as_a_total(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "known"
name = "Known"
city = "alpha"
founded = "2024"
sources = ["src"]

[[startups.funding]]
amount = 1000000
date = "2025-01"
sources = ["src"]

[[startups]]
id = "partly-known"
name = "Partly known"
city = "alpha"
founded = "2010"
sources = ["src"]

[[startups.funding]]
amount = 500000
sources = ["src"]

[[startups.funding]]
sources = ["src"]

[[startups]]
id = "in-dollars"
name = "In dollars"
city = "beta"
sources = ["src"]

[[startups.funding]]
amount = 2000000
currency = "USD"
sources = ["src"]
"""
    )
    result = invoke(["--data", str(path), "--today", "2026-11-26", "compare", "alpha", "--json"])
    (scene,) = as_json(result.stdout)
    assert scene["funding_total_eur"] == 1000000  # neither the partial history nor dollars
    assert scene["startups_with_known_funding"] == 1
    assert scene["startups_without_known_funding"] == 2
    assert scene["founded_known"] == 2 and scene["founded_last_5_years"] == 1
    assert scene["median_founded"] == 2017.0
    table = invoke(["--data", str(path), "compare", "alpha", "-f", "table"]).stdout
    assert "1 of 3" in table and "█" in table
    csv_text = invoke(["--data", str(path), "compare", "alpha", "--csv"]).stdout
    assert list(csv.DictReader(io.StringIO(csv_text)))[0]["funding_total_eur"] == "1000000"


def test_compare_does_not_count_a_grant_as_money_raised(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "granted"
name = "Granted"
city = "alpha"
sources = ["src"]

[[startups.funding]]
amount = 1624000
kind = "grant"
sources = ["src"]

[[startups]]
id = "both"
name = "Both"
city = "alpha"
sources = ["src"]

[[startups.funding]]
amount = 900000
kind = "equity"
sources = ["src"]

[[startups.funding]]
amount = 800000
kind = "grant"
sources = ["src"]

[[startups.funding]]
amount = 100000
kind = "loan"
sources = ["src"]
"""
    )
    result = invoke(["--data", str(path), "compare", "alpha", "--json"])
    assert result.exit_code == 0, result.output
    (scene,) = as_json(result.stdout)
    assert scene["funding_total_eur"] == 1000000  # equity and loans, never the grants
    assert scene["startups_with_known_funding"] == 1


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


def test_export_refuses_what_it_would_silently_ignore(invoke: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "d.db"
    for args, message in (
        (["--sqlite", str(database), "--city", "rouen"], "leave out the filters"),
        (["--sqlite", str(database), "-o", str(tmp_path / "b.db")], "not also -o"),
        (["--sqlite", "-"], "a SQLite database is a file"),
        (["--ics", "--sector", "big-data"], "--sector and --kind do not apply"),
    ):
        result = invoke(["export", *args])
        assert result.exit_code == 2, args
        assert message in result.stderr
    assert not database.exists()


def test_an_empty_calendar_is_not_written(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "none.ics"
    result = invoke(["export", "--ics", "--commune", "evreux", "-o", str(target)])
    assert result.exit_code == 0
    assert "No event with a known day matches: nothing was written." in result.stderr
    assert not target.exists()


def test_export_refuses_a_new_file_inside_the_dataset_folder(
    invoke: Invoke, tmp_path: Path
) -> None:
    folder = tmp_path / "mydata"
    folder.mkdir()
    (folder / "seed.toml").write_bytes(SEED.read_bytes())
    result = invoke(["--data", str(folder), "export", "-o", str(folder / "new.csv")])
    assert result.exit_code == 2
    assert "part of the dataset being read" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["seed.toml"]


def test_excel_export_has_a_bom_and_semicolons(invoke: Invoke) -> None:
    result = invoke(["export", "--excel", "--entity", "cities"])
    assert result.stdout_bytes.startswith("\ufeffid;name;".encode())
    assert "Évreux" in result.stdout


def test_csv_cells_that_look_like_formulas_are_neutralised(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[startups]]
id = "evil"
name = "=HYPERLINK(\\"http://x\\")"
description = "@SUM(A1)"
sources = ["src"]
"""
    )
    rows = list(csv.DictReader(io.StringIO(invoke(["--data", str(path), "export"]).stdout)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["description"] == "'@SUM(A1)"


def test_export_filters_and_stdout_dash(invoke_bundled: Invoke) -> None:
    rouen = list(
        csv.DictReader(io.StringIO(invoke_bundled(["export", "--city", "rouen", "-o", "-"]).stdout))
    )
    assert {r["id"] for r in rouen} >= {"saagie", "bunkr"}
    assert all(r["city"] for r in rouen)
    health = invoke_bundled(["export", "--json", "--sector", "health"]).stdout
    assert all("health" in r["sectors"] for r in as_json(health))
    wrong = invoke_bundled(["export", "--entity", "sources", "--city", "rouen"])
    assert wrong.exit_code == 2


def test_toml_export_loads_back_identical(invoke_bundled: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "all.toml"
    assert invoke_bundled(["export", "--toml", "-o", str(target)]).exit_code == 0
    again = tmp_path / "again.toml"
    result = invoke_bundled(["--data", str(target), "export", "--toml", "-o", str(again)])
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == target.read_bytes()
    original = invoke_bundled(["export", "--json", "--entity", "events"]).stdout
    reloaded = invoke_bundled(["--data", str(target), "export", "--json", "--entity", "events"])
    assert reloaded.stdout == original


def test_sqlite_export_answers_a_join(invoke_bundled: Invoke, tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "normandie.db"
    assert invoke_bundled(["export", "--sqlite", str(target)]).exit_code == 0
    with sqlite3.connect(target) as db:
        rows = db.execute(
            "SELECT s.id FROM startups s JOIN agglomeration_members m ON m.city = s.city "
            "WHERE m.agglomeration = 'metropole-rouen-normandie' ORDER BY s.id"
        ).fetchall()
    assert ("saagie",) in rows and ("spread",) in rows
    again = invoke_bundled(["export", "--sqlite", str(target)])
    assert again.exit_code == 2 and "--force" in again.stderr
    screen = invoke_bundled(["export", "-f", "sqlite"])
    assert screen.exit_code == 2 and "give --sqlite FILE" in screen.stderr


def test_ics_export_reads_back_and_notes_partial_dates(invoke_bundled: Invoke) -> None:
    import icalendar

    result = invoke_bundled(["export", "--ics", "--city", "rouen"])
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert "codeurs-en-seine-2015@normandie" in uids
    assert "Note: " in result.stderr


def test_geojson_export_is_a_feature_collection(invoke_bundled: Invoke) -> None:
    data = json.loads(invoke_bundled(["export", "--geojson"]).stdout)
    assert data["type"] == "FeatureCollection"
    rouen = next(f for f in data["features"] if f["properties"]["id"] == "rouen")
    assert rouen["geometry"]["coordinates"] == [1.09116, 49.44124]


def test_export_refuses_two_formats_and_filters_on_whole_dataset_formats(
    invoke: Invoke,
) -> None:
    assert invoke(["export", "--csv", "--ics"]).exit_code == 2
    refused = invoke(["export", "--toml", "--city", "caen"])
    assert refused.exit_code == 2 and "leave out the filters" in refused.stderr
