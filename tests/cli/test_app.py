"""The app as a whole: global options, data files, help, inert output, every command's formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TODAY, Invoke, WriteDataset, as_json, ids


def test_today_from_the_environment(invoke: Invoke) -> None:
    result = invoke(["events", "--upcoming"], env={"NORMANDIE_TODAY": TODAY})
    assert ids(result.stdout) == ["codeurs-en-seine-2026"]


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


@pytest.mark.parametrize("today", ["20261101", "2026-W47-1", "2026-11-1", "garbage"])
def test_today_must_be_year_month_day(invoke: Invoke, today: str) -> None:
    result = invoke(["--today", today, "cities"])
    assert result.exit_code == 2
    assert "--today takes a date like 2026-11-19" in result.stderr


def test_messages_end_cleanly(invoke: Invoke) -> None:
    column = invoke(["startups", "-c", "ID"])
    assert "unknown column 'ID' (did you mean 'id'?). Valid columns:" in column.stderr
    sort = invoke(["startups", "--sort", "sectors"])
    assert "cannot sort by 'sectors'. Sort keys: name, id, city, founded." in sort.stderr
    sector = invoke(["startups", "--sector", "big dta"])
    assert "unknown sector 'big dta' (did you mean 'big-data'?)." in sector.stderr
