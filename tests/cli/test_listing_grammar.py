"""One grammar for every listing: global options anywhere, partial dates, departments and
regions, the same output options on cities, sources and search, `show` and `open`, tables
that never cut an id, a pager for tall tables, help that flows to the terminal's width."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from conftest import SEED, TERMINAL, Invoke, ids
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from normandie_cli.cli.app import global_options_first
from normandie_cli.cli.context import Environment
from normandie_cli.errors import ExitCode

OK, USAGE = ExitCode.OK, ExitCode.USAGE_ERROR

# --- Global options before or after the command -----------------------------------------

GLOBALS = {"--today": True, "--lang": True, "--no-cache": False, "--data": True}


def test_global_options_after_the_command_are_taken(invoke: Invoke) -> None:
    after = invoke(["events", "--upcoming", "--today", "2015-11-01", "-L", "1"])
    before = invoke(["--today", "2015-11-01", "events", "--upcoming", "-L", "1"])
    assert after.exit_code == OK, after.output
    assert ids(after.stdout) == ids(before.stdout) == ["codeurs-en-seine-2015"]


def test_the_language_and_the_data_may_follow_the_command(invoke: Invoke) -> None:
    result = invoke(["startups", "--lang", "fr", "--data", str(SEED), "-f", "table"])
    assert result.exit_code == OK, result.output
    assert "Ville" in result.stdout and "Création" in result.stdout


def test_what_follows_a_double_dash_is_left_alone() -> None:
    args = ["search", "--", "--today"]
    assert global_options_first(args, GLOBALS) == args


@given(
    st.lists(
        st.sampled_from(["--today", "2026-01-01", "--no-cache", "--lang=fr", "-L", "3", "x"]),
        max_size=8,
    )
)
def test_moving_global_options_keeps_every_word_and_the_others_order(rest: list[str]) -> None:
    args = ["events", *rest]
    moved = global_options_first(args, GLOBALS)
    assert sorted(moved) == sorted(args)
    command = moved.index("events")
    front, after = moved[:command], moved[command + 1 :]
    words = iter(front)  # global options, each with its value when it takes one
    for word in words:
        assert word.split("=")[0] in GLOBALS, front
        if GLOBALS[word.split("=")[0]] and "=" not in word:
            assert next(words, None) is not None, front
    assert is_subsequence(after, rest)
    assert is_subsequence(front, rest)


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(word in remaining for word in part)


# --- Partial dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until"), [("2016", "2016"), ("2016-11", "2016-11"), ("2016-11-24", "2016-11-26")]
)
def test_since_and_until_take_a_year_a_month_or_a_day(
    invoke: Invoke, since: str, until: str
) -> None:
    result = invoke(["events", "--since", since, "--until", until])
    assert result.exit_code == OK, result.output
    assert ids(result.stdout) == ["codeurs-en-seine-2016"]


def test_a_date_that_is_not_one_says_which_forms_work(invoke: Invoke) -> None:
    result = invoke(["events", "--since", "2016-13"])
    assert result.exit_code == USAGE
    assert "--since takes a date like 2026, 2026-11 or 2026-11-19, got '2016-13'" in (result.stderr)


# --- Departments and regions ----------------------------------------------------------------


@pytest.mark.parametrize("department", ["76", "Seine-Maritime", "seine maritime"])
def test_a_department_by_number_or_name(invoke: Invoke, department: str) -> None:
    result = invoke(["startups", "--department", department])
    assert result.exit_code == OK, result.output
    assert ids(result.stdout) == ["bunkr", "saagie", "spread", "topovideo"]


def test_a_region_and_a_department_must_both_match(invoke: Invoke) -> None:
    region = invoke(["startups", "--region", "basse-normandie"])
    assert ids(region.stdout) == ["soyhuce", "yousign"]
    both = invoke(["startups", "--region", "Basse-Normandie", "--department", "76"])
    assert both.exit_code == OK and ids(both.stdout) == []


def test_every_listing_and_the_report_take_places(invoke: Invoke, tmp_path: Path) -> None:
    for args in (
        ["organizations", "--department", "14"],
        ["events", "--region", "haute-normandie"],
        ["cities", "--department", "14"],
    ):
        result = invoke(args)
        assert result.exit_code == OK, (args, result.output)
        assert ids(result.stdout), args
    report = invoke(["report", "--department", "76", "-o", str(tmp_path / "r.html")])
    assert report.exit_code == OK, report.output


@pytest.mark.parametrize(
    ("city", "says"),
    [("76", "'76' is a department: use --department 76"),
     ("calvados", "'calvados' is a department: use --department calvados"),
     ("haute-normandie", "is a former region: use --region haute-normandie")],
)  # fmt: skip
def test_a_department_or_region_given_as_a_city_says_which_option(
    invoke: Invoke, city: str, says: str
) -> None:
    result = invoke(["startups", "--city", city])
    assert result.exit_code == USAGE
    assert says in result.stderr


def test_an_unknown_department_lists_the_known_ones(invoke: Invoke) -> None:
    result = invoke(["startups", "--department", "calvdos"])
    assert result.exit_code == USAGE
    assert "did you mean 'Calvados'?" in result.stderr
    assert "14 (Calvados), 27 (Eure), 50 (Manche)" in result.stderr


# --- The same options on cities, sources and search -----------------------------------------


def test_cities_sort_limit_and_search(invoke: Invoke) -> None:
    result = invoke(["cities", "--sort", "name", "-r", "-L", "2"])
    assert ids(result.stdout) == ["saint-etienne-du-rouvray", "rouen"]
    assert "Showing 2 of 5" not in result.stderr  # a pipe: rows, no table note
    found = invoke(["cities", "-S", "quevilly", "--json"])
    assert [c["id"] for c in json.loads(found.stdout)] == ["le-petit-quevilly"]


def test_sources_search_and_sort(invoke: Invoke) -> None:
    result = invoke(["sources", "-S", "maddyness", "-c", "id"])
    assert result.exit_code == OK, result.output
    assert ids(result.stdout) == ["maddyness-2015-11-19"]
    reverse = invoke(["sources", "--sort", "id", "-r", "-L", "1", "-c", "id"])
    every = invoke(["sources", "--sort", "id", "-c", "id"])
    assert ids(reverse.stdout) == ids(every.stdout)[-1:]


def test_search_in_one_kind_with_a_limit_and_columns(invoke: Invoke) -> None:
    result = invoke(["search", "rouen", "--entity", "events", "-L", "2", "-c", "id,start"])
    assert result.exit_code == OK, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "table\tid\tstart"
    assert len(lines) == 3 and all(line.startswith("events\t") for line in lines[1:])


def test_search_columns_are_checked_against_the_kinds_searched(invoke: Invoke) -> None:
    result = invoke(["search", "rouen", "-c", "id,nme"])
    assert result.exit_code == USAGE
    assert "unknown column 'nme' (did you mean 'name'?)" in result.stderr


def test_jsonl_works_on_every_listing(invoke: Invoke) -> None:
    for command in (["startups"], ["orgs"], ["events"], ["cities"], ["sources"]):
        result = invoke([*command, "-f", "jsonl"])
        assert result.exit_code == OK, (command, result.output)
        assert all(json.loads(line)["id"] for line in result.stdout.splitlines())


# --- show and open ------------------------------------------------------------------------


def test_show_in_a_pipe_is_a_field_and_its_value_per_line(invoke: Invoke) -> None:
    result = invoke(["show", "saagie"])
    lines = result.stdout.splitlines()
    assert lines[:3] == ["field\tvalue", "table\tstartups", "id\tsaagie"]
    assert "city\trouen" in lines


def test_show_of_a_source_lists_what_cites_it(invoke: Invoke) -> None:
    table = invoke(["show", "maddyness-2015-11-19", "-f", "table"], streams=TERMINAL)
    assert "Cited by (" in table.stdout
    assert re.search(r"Startup: Saagie\s+saagie", table.stdout)
    data = json.loads(invoke(["show", "maddyness-2015-11-19", "--json"]).stdout)
    assert "saagie" in data["citing"] and data["cited_by"] == len(data["citing"])


def test_open_in_a_pipe_prints_the_address(invoke: Invoke) -> None:
    result = invoke(["open", "maddyness-2015-11-19"])
    assert result.exit_code == OK, result.output
    assert result.stdout.startswith("https://") and result.stdout.count("\n") == 1


def test_open_on_a_terminal_opens_the_browser(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    result = invoke(["open", "maddyness-2015-11-19"], streams=TERMINAL)
    assert result.exit_code == OK, result.output
    assert opened and opened[0].startswith("https://") and "Opened" in result.stderr


def test_open_without_a_website_says_where_to_look(invoke: Invoke) -> None:
    result = invoke(["open", "rouen"])
    assert result.exit_code == USAGE
    assert "rouen has no website in the data: `normandie show rouen`" in result.stderr


# --- Tables that never cut an id ---------------------------------------------------------


# Below 60 columns an id may be longer than the screen is wide.
@settings(max_examples=12)
@given(st.integers(min_value=60, max_value=160))
def test_no_id_is_ever_cut_in_a_table(width: int) -> None:
    from typer.testing import CliRunner

    from normandie_cli.cli.app import app

    env = {"NORMANDIE_DATA": str(SEED), "COLUMNS": str(width), "NO_COLOR": "1"}
    for command in (["events"], ["startups", "-c", "id,name,website,sources"], ["sources"]):
        result = CliRunner().invoke(app, [*command, "-f", "table"], env=env, obj=TERMINAL)
        assert result.exit_code == OK, result.output
        words = set(re.split(r"[\s,]+", result.stdout))
        listed = CliRunner().invoke(app, [*command, "-f", "tsv", "-c", "id"], env=env).stdout
        assert set(ids(listed)) <= words, width
        assert max(cell_len(line) for line in result.stdout.splitlines()) <= width


# --- The pager ------------------------------------------------------------------------------

PAGER = f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').write(sys.stdin.read())\""


def test_a_table_taller_than_the_terminal_goes_through_the_pager(
    invoke: Invoke, tmp_path: Path
) -> None:
    paged = tmp_path / "paged.txt"
    streams = Environment(stdout_terminal=True, pager=f"{PAGER} {paged}")
    result = invoke(["events", "-f", "table"], env={"LINES": "10"}, streams=streams)
    assert result.exit_code == OK, result.output
    assert "codeurs-en-seine-2015" in paged.read_text(encoding="utf-8")
    assert "codeurs-en-seine-2015" not in result.stdout


def test_a_short_table_and_no_pager_print_straight(invoke: Invoke, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    streams = Environment(stdout_terminal=True, pager=f"{PAGER} {paged}")
    short = invoke(["events", "-f", "table", "-L", "1"], env={"LINES": "40"}, streams=streams)
    assert "Events (1)" in short.stdout and not paged.exists()
    off = invoke(["--no-pager", "events", "-f", "table"], env={"LINES": "10"}, streams=streams)
    assert "codeurs-en-seine-2015" in off.stdout and not paged.exists()


def test_a_pager_that_cannot_start_leaves_the_table_on_the_screen(invoke: Invoke) -> None:
    streams = Environment(stdout_terminal=True, pager="no-such-pager-anywhere")
    result = invoke(["events", "-f", "table"], env={"LINES": "10"}, streams=streams)
    assert result.exit_code == OK and "codeurs-en-seine-2015" in result.stdout


# --- Help that flows to the terminal's width ------------------------------------------------


def test_help_paragraphs_flow_to_the_width(invoke: Invoke) -> None:
    wide = invoke(["compare", "--help"], env={"COLUMNS": "200"}).stdout
    assert re.search(r"whose city is unknown get a column of their own; by city, a city", wide)
    narrow = invoke(["compare", "--help"], env={"COLUMNS": "60"}).stdout
    assert max(cell_len(line) for line in narrow.splitlines()) <= 60
