"""Tests of the dataset loader and of PartialDate: every problem a data editor can make."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from normandie_cli.dataset import bundled_data_path, load_dataset, read_toml
from normandie_cli.errors import DataError, ExitCode
from normandie_cli.models import (
    Dataset,
    PartialDate,
    RecordKind,
)
from normandie_cli.validation import parse_dataset

# --- A minimal valid dataset that each test changes in one place ---------------------


def valid_data() -> dict[str, Any]:
    """A fresh, minimal, valid dataset as parsed TOML; tests add or break one thing.

    'caen', 'hub' and 'acme' are referred to by other records; 'evreux' and the event
    'meetup' are referred to by nothing.
    """
    return {
        "meta": {
            "title": "Test data",
            "version": "1.0",
            "updated": "2026-01",
            "licence": "CC-BY-4.0",
        },
        "sources": [
            {
                "id": "src",
                "title": "A source",
                "publisher": "A publisher",
                "url": "https://example.org/article",
                "date": "2015-11-19",
            }
        ],
        "departments": [
            {
                "id": "14",
                "name": "Calvados",
                "former_region": "basse-normandie",
                "sources": ["src"],
            },
            {"id": "27", "name": "Eure", "former_region": "haute-normandie", "sources": ["src"]},
        ],
        "organization_kinds": [
            {"id": "incubator", "name_fr": "Incubateur", "name_en": "Incubator"}
        ],
        "agglomerations": [
            {
                "id": "caen-la-mer",
                "name": "Caen la Mer",
                "seat": "caen",
                "members": ["caen"],
                "sources": ["src"],
            }
        ],
        "cities": [
            {
                "id": "caen",
                "name": "Caen",
                "insee": "14118",
                "department": "14",
                "latitude": 49.18,
                "longitude": -0.37,
                "population": 108200,
                "sources": ["src"],
            },
            {
                "id": "evreux",
                "name": "Évreux",
                "insee": "27229",
                "department": "27",
                "latitude": 49.02,
                "longitude": 1.14,
                "population": 47289,
                "aliases": ["Evreux"],
                "sources": ["src"],
            },
        ],
        "sectors": [{"id": "big-data", "name_fr": "Données massives", "name_en": "Big data"}],
        "startups": [
            {
                "id": "acme",
                "name": "Acme",
                "city": "caen",
                "sectors": ["big-data"],
                "tags": ["saas"],
                "founded": "2013",
                "website": "https://acme.example.com",
                "hosted_by": ["hub"],
                "sources": ["src"],
            }
        ],
        "organizations": [
            {
                "id": "hub",
                "name": "The Hub",
                "kind": "incubator",
                "city": "caen",
                "sources": ["src"],
            }
        ],
        "events": [
            {
                "id": "meetup",
                "name": "Meetup",
                "start": "2015-11-19",
                "end": "2015-11-20",
                "city": "caen",
                "organizers": ["hub", "acme"],
                "url": "https://meetup.example.com/2015",
                "sources": ["src"],
            }
        ],
    }


def write(tmp_path: Path, data: dict[str, Any], name: str = "data.toml") -> Path:
    path = tmp_path / name
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, data: dict[str, Any]) -> tuple[str, ...]:
    """The problems load_dataset reports for this data; fails if it loads."""
    path = write(tmp_path, data)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert caught.value.source == str(path)
    return caught.value.problems


def the_problem(problems: tuple[str, ...], where: str, *fragments: str) -> str:
    """The one problem located at `where` that says all of `fragments`."""
    matching = [
        p for p in problems if p.startswith(f"{where}: ") and all(f in p for f in fragments)
    ]
    assert len(matching) == 1, f"expected one problem at {where} saying {fragments}: {problems}"
    return matching[0]


def only_problem(problems: tuple[str, ...], where: str, *fragments: str) -> str:
    """Like the_problem, and it must be the only problem reported."""
    assert len(problems) == 1, problems
    return the_problem(problems, where, *fragments)


# --- The valid base and the bundled data -----------------------------------------------


def test_the_minimal_dataset_loads(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, valid_data()))
    assert dataset.meta.updated == PartialDate(2026, 1)
    assert [c.id for c in dataset.cities] == ["caen", "evreux"]
    assert dataset.startups[0].founded == PartialDate(2013)
    assert dataset.startups[0].sectors == ("big-data",)
    assert dataset.organizations[0].kind == "incubator"
    assert dataset.events[0].start == PartialDate(2015, 11, 19)
    assert dataset.events[0].online is False
    assert dataset.cities[0].agglomeration == "caen-la-mer"
    assert dataset.cities[1].agglomeration is None
    assert [c.former_region for c in dataset.cities] == ["basse-normandie", "haute-normandie"]


def test_records_keep_the_order_of_the_file(tmp_path: Path) -> None:
    data = valid_data()
    data["sectors"] = [
        {"id": name, "name_fr": name, "name_en": name} for name in ("zeta", "alpha", "big-data")
    ]
    dataset = load_dataset(write(tmp_path, data))
    assert [s.id for s in dataset.sectors] == ["zeta", "alpha", "big-data"]


def test_optional_tables_may_be_left_out(tmp_path: Path) -> None:
    data = {"meta": valid_data()["meta"]}
    dataset = load_dataset(write(tmp_path, data))
    assert dataset.startups == () and dataset.cities == () and dataset.events == ()


def test_toml_local_dates_are_accepted(tmp_path: Path) -> None:
    data = valid_data()
    data["events"][0]["start"] = dt.date(2015, 11, 19)
    data["startups"][0]["founded"] = 2013
    dataset = load_dataset(write(tmp_path, data))
    assert dataset.events[0].start == PartialDate(2015, 11, 19)
    assert dataset.startups[0].founded == PartialDate(2013)


def test_bundled_data_path_names_the_shipped_file() -> None:
    path = bundled_data_path()
    assert path.name == "data"
    assert (path / "normandie.toml").is_file()


def test_the_bundled_dataset_loads_by_default() -> None:
    dataset = load_dataset()
    assert {"soyhuce", "saagie", "bunkr"} <= {s.id for s in dataset.startups}
    assert "seine-innopolis" in {o.id for o in dataset.organizations}


def _sourced_records(dataset: Dataset) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (kind.value, record.id, record.sources)
        for kind in RecordKind
        for record in dataset.records(kind)
        if hasattr(record, "sources")
    ]


def test_every_bundled_source_is_cited() -> None:
    dataset = load_dataset()
    cited = {source for _, _, sources in _sourced_records(dataset) for source in sources}
    uncited = [source.id for source in dataset.sources if source.id not in cited]
    assert uncited == []


# --- Reading the file ------------------------------------------------------------------


def read_problems(path: Path) -> tuple[str, ...]:
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert caught.value.source == str(path)
    assert caught.value.exit_code == ExitCode.DATA_ERROR
    return caught.value.problems


def test_read_toml_returns_the_parsed_tables(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('[meta]\ntitle = "T"\n', encoding="utf-8")
    assert read_toml(path) == {"meta": {"title": "T"}}


def test_a_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[meta]\ntitle = "T"\nversion = \n', encoding="utf-8")
    (problem,) = read_problems(path)
    assert problem.startswith("TOML syntax error at line 3, column 11: ")
    assert "Invalid value" in problem


def test_a_key_given_twice_is_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "twice.toml"
    path.write_text('[meta]\ntitle = "a"\ntitle = "b"\n', encoding="utf-8")
    (problem,) = read_problems(path)
    assert problem.startswith("TOML syntax error at line 3, column ")


@pytest.mark.parametrize("content", ["", "\n", "   \n\t\n"])
def test_an_empty_file_is_reported(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.toml"
    path.write_text(content, encoding="utf-8")
    assert read_problems(path) == ("the file is empty",)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    assert read_problems(tmp_path / "nowhere.toml") == ("no such file",)


def test_a_folder_without_toml_files_is_reported(tmp_path: Path) -> None:
    assert read_problems(tmp_path) == ("this folder holds no .toml file",)
    with pytest.raises(DataError) as caught:
        read_toml(tmp_path)
    assert caught.value.problems == ("this is a folder, not a TOML file",)


def test_invalid_utf8_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[meta]\ntitle = "Évreux"\n'.encode("latin-1"))
    (problem,) = read_problems(path)
    assert problem.startswith("line 2: not UTF-8 text")


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + tomli_w.dumps(valid_data()).encode("utf-8"))
    dataset = load_dataset(path)
    assert dataset.meta.title == "Test data"
    assert dataset.cities[1].name == "Évreux"


def test_the_message_names_the_file_and_counts_the_problems(tmp_path: Path) -> None:
    data = valid_data()
    data["events"][0]["start"] = "2015ish"
    data["startups"][0]["founded"] = "soon"
    path = write(tmp_path, data, name="mine.toml")
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}: 2 problems found:"
    assert lines[1:] == [f"  {p}" for p in caught.value.problems]


# --- The shape of the file -------------------------------------------------------------


def test_wrong_top_level_types_are_reported_together() -> None:
    with pytest.raises(DataError) as caught:
        parse_dataset([("", {"meta": 3, "startups": "x"})], "raw.toml")
    assert caught.value.source == "raw.toml"
    assert caught.value.problems == (
        "meta: must be a table: [meta]",
        "startups: must be an array of tables: [[startups]]",
    )


@pytest.mark.parametrize("value", [[1, 2], ["acme"], {"id": "acme"}, 5])
def test_a_record_table_must_be_an_array_of_tables(tmp_path: Path, value: object) -> None:
    data = valid_data()
    data["events"] = value
    problems = problems_of(tmp_path, data)
    only_problem(problems, "events", "must be an array of tables: [[events]]")


def test_missing_meta_is_reported(tmp_path: Path) -> None:
    data = valid_data()
    del data["meta"]
    only_problem(problems_of(tmp_path, data), "meta", "the [meta] table is missing")


def test_an_unknown_table_gets_a_suggestion(tmp_path: Path) -> None:
    data = valid_data()
    data["startup"] = [{"id": "typo", "name": "Typo", "sources": ["src"]}]
    problems = problems_of(tmp_path, data)
    assert problems == ("unknown table 'startup' (did you mean 'startups'?)",)


def test_an_unknown_field_gets_a_suggestion(tmp_path: Path) -> None:
    data = valid_data()
    data["events"][0]["organisers"] = data["events"][0].pop("organizers")
    only_problem(
        problems_of(tmp_path, data),
        "events[0] ('meetup')",
        "unknown field 'organisers' (did you mean 'organizers'?)",
    )


def test_an_unknown_meta_field_is_reported_with_the_missing_one(tmp_path: Path) -> None:
    data = valid_data()
    data["meta"]["license"] = data["meta"].pop("licence")
    problems = problems_of(tmp_path, data)
    the_problem(problems, "meta", "unknown field 'license' (did you mean 'licence'?)")
    the_problem(problems, "meta", "the required field 'licence' is missing")
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("table", "index", "field"),
    [
        ("meta", None, "title"),
        ("meta", None, "updated"),
        ("sources", 0, "url"),
        ("cities", 1, "insee"),
        ("cities", 1, "sources"),
        ("sectors", 0, "name_en"),
        ("startups", 0, "name"),
        ("organizations", 0, "kind"),
        ("events", 0, "name"),
    ],
)
def test_a_missing_required_field_is_reported(
    tmp_path: Path, table: str, index: int | None, field: str
) -> None:
    data = valid_data()
    record = data[table] if index is None else data[table][index]
    del record[field]
    where = table if index is None else f"{table}[{index}] ({record['id']!r})"
    only_problem(problems_of(tmp_path, data), where, f"the required field {field!r} is missing")


def test_a_missing_id_is_located_by_index(tmp_path: Path) -> None:
    data = valid_data()
    del data["events"][0]["id"]
    only_problem(problems_of(tmp_path, data), "events[0]", "the required field 'id' is missing")


# --- Types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "index", "field", "value", "expected"),
    [
        ("startups", 0, "sectors", "big-data", "must be a list of texts, got str 'big-data'"),
        ("startups", 0, "tags", "saas", "must be a list of texts, got str 'saas'"),
        ("events", 0, "sources", "src", "must be a list of texts, got str 'src'"),
        ("startups", 0, "name", 42, "must be text, got int 42"),
        ("events", 0, "name", 1.5, "must be text, got float 1.5"),
        ("startups", 0, "description", ["a"], "must be text, got a list"),
        ("startups", 0, "tags", [1], "must be text, got int 1"),
        ("cities", 1, "population", True, "must be a whole number, got bool True"),
        ("cities", 1, "population", 1.5, "must be a whole number, got float 1.5"),
        ("cities", 1, "population", "47289", "must be a whole number, got str '47289'"),
        ("cities", 1, "latitude", "49.0", "must be a number, got str '49.0'"),
        ("cities", 1, "longitude", False, "must be a number, got bool False"),
        ("events", 0, "online", "yes", "must be true or false, got str 'yes'"),
        ("events", 0, "online", 1, "must be true or false, got int 1"),
        ("startups", 0, "name", "   ", "must not be empty"),
        ("startups", 0, "former_names", [""], "must not be empty (each item is blank)"),
    ],
)
def test_a_wrong_type_is_reported_with_what_was_expected(
    tmp_path: Path, table: str, index: int, field: str, value: object, expected: str
) -> None:
    data = valid_data()
    data[table][index][field] = value
    record_id = data[table][index]["id"]
    only_problem(
        problems_of(tmp_path, data), f"{table}[{index}] ({record_id!r})", f"{field!r} {expected}"
    )


def test_a_negative_population_is_rejected(tmp_path: Path) -> None:
    data = valid_data()
    data["cities"][1]["population"] = -1
    only_problem(
        problems_of(tmp_path, data), "cities[1] ('evreux')", "'population' must not be negative"
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("latitude", 90.5, "'latitude' must be between -90 and 90, got 90.5"),
        ("latitude", -91, "'latitude' must be between -90 and 90, got -91"),
        ("longitude", 180.1, "'longitude' must be between -180 and 180, got 180.1"),
        ("latitude", float("nan"), "'latitude' must be a number"),
        ("longitude", float("inf"), "'longitude' must be a number"),
    ],
)
def test_coordinates_out_of_range_are_rejected(
    tmp_path: Path, field: str, value: float, expected: str
) -> None:
    data = valid_data()
    data["cities"][1][field] = value
    only_problem(problems_of(tmp_path, data), "cities[1] ('evreux')", expected)


@pytest.mark.parametrize(("field", "value"), [("latitude", 90), ("longitude", -180)])
def test_coordinates_at_the_limits_are_accepted(tmp_path: Path, field: str, value: int) -> None:
    data = valid_data()
    data["cities"][1][field] = value
    city = load_dataset(write(tmp_path, data)).cities[1]
    assert getattr(city, field) == float(value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("insee", "1411"),
        ("insee", "ABCDE"),
        ("insee", "\uff11\uff14\uff11\uff11\uff18"),  # full-width digits
    ],
)
def test_insee_and_department_codes_are_checked(tmp_path: Path, field: str, value: str) -> None:
    data = valid_data()
    data["cities"][1][field] = value
    only_problem(problems_of(tmp_path, data), "cities[1] ('evreux')", f"{field!r} must be")


# --- Ids --------------------------------------------------------------------------------


def test_a_duplicate_id_within_a_table_is_reported(tmp_path: Path) -> None:
    data = valid_data()
    data["sectors"].append({"id": "big-data", "name_fr": "Autre", "name_en": "Other"})
    only_problem(
        problems_of(tmp_path, data),
        "sectors[1] ('big-data')",
        "duplicate id 'big-data', already used by sectors[0] ('big-data')",
    )


def test_a_duplicate_id_across_tables_is_reported(tmp_path: Path) -> None:
    data = valid_data()
    data["sectors"].append({"id": "acme", "name_fr": "Acme", "name_en": "Acme"})
    only_problem(
        problems_of(tmp_path, data),
        "startups[0] ('acme')",
        "duplicate id 'acme', already used by sectors[1] ('acme')",
    )


@pytest.mark.parametrize(
    "bad_id", ["Meetup", "meetup-é", "rencontre-été", "meet up", "meet_up", "-meetup", "meet--up"]
)
def test_an_id_must_be_a_slug(tmp_path: Path, bad_id: str) -> None:
    data = valid_data()
    data["events"][0]["id"] = bad_id
    only_problem(
        problems_of(tmp_path, data),
        f"events[0] ({bad_id!r})",
        "'id' must be a slug like 'le-havre'",
        f"got {bad_id!r}",
    )


def test_references_must_be_slugs_too(tmp_path: Path) -> None:
    data = valid_data()
    data["startups"][0]["sectors"] = ["Big Data"]
    only_problem(problems_of(tmp_path, data), "startups[0] ('acme')", "'sectors' must be a slug")


# --- References ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "index", "field", "value", "target", "suggestion"),
    [
        ("startups", 0, "city", "caem", "cities", "caen"),
        ("agglomerations", 0, "members", ["caem"], "cities", "caen"),
        ("cities", 0, "department", "140", "departments", "14"),
        ("organizations", 0, "kind", "incubatr", "organization_kinds", "incubator"),
        ("agglomerations", 0, "seat", "caenn", "cities", "caen"),
        ("startups", 0, "sectors", ["big-dat"], "sectors", "big-data"),
        ("startups", 0, "hosted_by", ["hubb"], "organizations", "hub"),
        ("events", 0, "organizers", ["acm"], "organizations or startups", "acme"),
        ("events", 0, "sources", ["srce"], "sources", "src"),
        ("organizations", 0, "city", "evreu", "cities", "evreux"),
    ],
)
def test_a_dangling_reference_is_reported_with_a_suggestion(
    tmp_path: Path,
    table: str,
    index: int,
    field: str,
    value: str | list[str],
    target: str,
    suggestion: str,
) -> None:
    data = valid_data()
    data[table][index][field] = value
    record_id = data[table][index]["id"]
    wrong = value[0] if isinstance(value, list) else value
    problems = problems_of(tmp_path, data)
    the_problem(
        problems,
        f"{table}[{index}] ({record_id!r})",
        f"{field!r} refers to {wrong!r}, which is not in {target}",
        f"(did you mean {suggestion!r}?)",
    )


def test_a_reference_to_nothing_alike_has_no_suggestion(tmp_path: Path) -> None:
    data = valid_data()
    data["startups"][0]["city"] = "zzzzzz"
    problem = only_problem(
        problems_of(tmp_path, data),
        "startups[0] ('acme')",
        "'city' refers to 'zzzzzz', which is not in cities",
    )
    assert "did you mean" not in problem


def test_an_organizer_may_be_a_startup(tmp_path: Path) -> None:
    data = valid_data()
    data["events"][0]["organizers"] = ["acme"]
    assert load_dataset(write(tmp_path, data)).events[0].organizers == ("acme",)


def test_a_seat_outside_its_agglomeration_is_reported(tmp_path: Path) -> None:
    data = valid_data()
    data["agglomerations"][0]["seat"] = "evreux"
    only_problem(
        problems_of(tmp_path, data),
        "agglomerations[0] ('caen-la-mer')",
        "its seat 'evreux' is not among its members",
    )


def test_a_record_must_cite_at_least_one_source(tmp_path: Path) -> None:
    data = valid_data()
    data["events"][0]["sources"] = []
    only_problem(
        problems_of(tmp_path, data), "events[0] ('meetup')", "'sources' must name at least one"
    )


@pytest.mark.parametrize(
    ("table", "index", "field", "value"),
    [
        ("sources", 0, "url", "javascript:alert(1)"),
        ("cities", 0, "population", True),
        ("organizations", 0, "kind", "incubatr"),
    ],
)
def test_one_broken_record_is_one_problem_not_a_cascade(
    tmp_path: Path, table: str, index: int, field: str, value: object
) -> None:
    # A record rejected for a bad field still exists in the file: the records that refer
    # to it must not be told that it "is not in" its table.
    data = valid_data()
    data[table][index][field] = value
    record_id = data[table][index]["id"]
    problems = problems_of(tmp_path, data)
    assert not [p for p in problems if f"refers to {record_id!r}" in p], problems
    only_problem(problems, f"{table}[{index}] ({record_id!r})", f"{field!r}")


# --- Dates and events --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-13", "month 13 does not exist"),
        ("2015-00", "month 0 does not exist"),
        ("2015-02-30", "2015-02 has no day 30"),
        ("2023-02-29", "2023-02 has no day 29"),
        ("19/11/2015", "'19/11/2015' is not a date like 2015, 2015-11 or 2015-11-19"),
        ("0", "'0' is not a date like"),
        (0, "year 0 is out of range"),
        ("2015ish", "'2015ish' is not a date like"),
        ("15-11-19", "'15-11-19' is not a date like"),
        ("", "'' is not a date like"),
    ],
)
def test_a_malformed_date_is_reported(tmp_path: Path, value: object, expected: str) -> None:
    data = valid_data()
    data["startups"][0]["founded"] = value
    only_problem(
        problems_of(tmp_path, data),
        "startups[0] ('acme')",
        "'founded' is not a valid date: ",
        expected,
    )


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2015, 11, 19, 10, 0),
        dt.datetime(2015, 11, 19, 10, 0, tzinfo=dt.UTC),
    ],
)
def test_a_datetime_is_not_a_date(tmp_path: Path, value: dt.datetime) -> None:
    data = valid_data()
    data["events"][0]["start"] = value
    del data["events"][0]["end"]
    only_problem(
        problems_of(tmp_path, data),
        "events[0] ('meetup')",
        "'start' must be a date, not a date and time: got 2015-11-19T10:00:00",
    )


@pytest.mark.parametrize("value", [True, 2015.5, dt.time(10, 0), [2015]])
def test_a_date_of_another_type_is_rejected(tmp_path: Path, value: object) -> None:
    data = valid_data()
    data["meta"]["updated"] = value
    only_problem(
        problems_of(tmp_path, data), "meta", "'updated' must be a date like '2015', '2015-11'"
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [("2015-11-19", "2015-11-18"), ("2015-11", "2015-10-31"), ("2016", "2015-12")],
)
def test_an_event_ending_before_it_starts_is_reported(tmp_path: Path, start: str, end: str) -> None:
    data = valid_data()
    data["events"][0].update(start=start, end=end)
    only_problem(
        problems_of(tmp_path, data),
        "events[0] ('meetup')",
        f"'end' ({end}) is before 'start' ({start})",
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [("2015-11-19", "2015-11-19"), ("2015-11-19", "2015-11"), ("2015-11", "2015-11-01")],
)
def test_an_end_that_may_overlap_the_start_is_accepted(
    tmp_path: Path, start: str, end: str
) -> None:
    data = valid_data()
    data["events"][0].update(start=start, end=end)
    event = load_dataset(write(tmp_path, data)).events[0]
    assert (str(event.start), str(event.end)) == (start, end)


def test_an_end_without_a_start_is_reported(tmp_path: Path) -> None:
    data = valid_data()
    del data["events"][0]["start"]
    only_problem(
        problems_of(tmp_path, data), "events[0] ('meetup')", "'end' is set but 'start' is not"
    )


# --- Web addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "www.example.com",
        "example.com/page",
        "ftp://example.com/file",
        "https://",
        "https://example.com/a page",
        "http://...",
        "https://example.org/\u001b[2J",
        "https://example.org/\u202eevil",
    ],
)
@pytest.mark.parametrize(
    ("table", "index", "field"), [("sources", 0, "url"), ("startups", 0, "website")]
)
def test_a_url_must_be_a_web_address(
    tmp_path: Path, url: str, table: str, index: int, field: str
) -> None:
    data = valid_data()
    data[table][index][field] = url
    record_id = data[table][index]["id"]
    only_problem(
        problems_of(tmp_path, data),
        f"{table}[{index}] ({record_id!r})",
        f"{field!r} must be a web address starting with http:// or https://, got {url!r}",
    )


@pytest.mark.parametrize("url", ["http://example.com", "https://example.com/a?b=c#d"])
def test_http_and_https_addresses_are_accepted(tmp_path: Path, url: str) -> None:
    data = valid_data()
    data["events"][0]["url"] = url
    assert load_dataset(write(tmp_path, data)).events[0].url == url


def test_an_alias_needs_letters_or_digits(tmp_path: Path) -> None:
    data = valid_data()
    data["cities"][1]["aliases"] = ["Evreux", "-"]
    only_problem(problems_of(tmp_path, data), "cities[1] ('evreux')", "has no letters or digits")


def test_a_list_may_not_repeat_a_value(tmp_path: Path) -> None:
    data = valid_data()
    data["startups"][0]["sectors"] = ["big-data", "big-data"]
    only_problem(
        problems_of(tmp_path, data),
        "startups[0] ('acme')",
        "'sectors' lists 'big-data' more than once",
    )


# --- Everything at once ----------------------------------------------------------------------


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = valid_data()
    data["extra"] = {"x": 1}
    data["meta"]["version"] = 1
    data["cities"][1]["population"] = -5
    data["startups"][0]["city"] = "nowhere"
    data["events"][0]["start"] = "2015-13"
    data["sectors"].append({"id": "big-data", "name_fr": "B", "name_en": "B"})
    problems = problems_of(tmp_path, data)
    assert any(p.startswith("unknown table 'extra'") for p in problems), problems
    the_problem(problems, "meta", "'version' must be text, got int 1")
    the_problem(problems, "cities[1] ('evreux')", "'population' must not be negative")
    the_problem(problems, "startups[0] ('acme')", "'city' refers to 'nowhere'")
    the_problem(problems, "events[0] ('meetup')", "'start' is not a valid date")
    the_problem(problems, "sectors[1] ('big-data')", "duplicate id 'big-data'")
    assert len(problems) == 6


def test_problems_in_several_records_of_one_table_are_all_reported(tmp_path: Path) -> None:
    data = valid_data()
    data["events"] += [
        {"id": f"e{i}", "name": f"E{i}", "start": "2015-02-30", "sources": ["src"]}
        for i in range(1, 4)
    ]
    problems = problems_of(tmp_path, data)
    assert [p.split(":")[0] for p in problems] == [
        "events[1] ('e1')",
        "events[2] ('e2')",
        "events[3] ('e3')",
    ]


def test_several_problems_in_one_record_are_all_reported(tmp_path: Path) -> None:
    data = valid_data()
    data["startups"][0].update(name=3, founded="2015ish", website="acme.fr", colour="red")
    problems = problems_of(tmp_path, data)
    where = "startups[0] ('acme')"
    the_problem(problems, where, "'name' must be text")
    the_problem(problems, where, "'founded' is not a valid date")
    the_problem(problems, where, "'website' must be a web address")
    the_problem(problems, where, "unknown field 'colour'")
    assert len(problems) == 4


# --- PartialDate -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015", PartialDate(2015)),
        ("2015-11", PartialDate(2015, 11)),
        ("2015-11-19", PartialDate(2015, 11, 19)),
        ("0999-01-01", PartialDate(999, 1, 1)),
    ],
)
def test_partial_date_parses_each_precision(text: str, expected: PartialDate) -> None:
    parsed = PartialDate.parse(text)
    assert parsed == expected
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        (PartialDate(2015), dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
        (PartialDate(2015, 4), dt.date(2015, 4, 1), dt.date(2015, 4, 30)),
        (PartialDate(2015, 12), dt.date(2015, 12, 1), dt.date(2015, 12, 31)),
        (PartialDate(2024, 2), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (PartialDate(2023, 2), dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        (PartialDate(2000, 2), dt.date(2000, 2, 1), dt.date(2000, 2, 29)),
        (PartialDate(1900, 2), dt.date(1900, 2, 1), dt.date(1900, 2, 28)),
        (PartialDate(2024, 2, 29), dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (PartialDate(9998), dt.date(9998, 1, 1), dt.date(9998, 12, 31)),
    ],
)
def test_partial_date_first_and_last_day(value: PartialDate, first: dt.date, last: dt.date) -> None:
    assert (value.first_day, value.last_day) == (first, last)


def test_partial_date_from_a_date() -> None:
    assert PartialDate.from_date(dt.date(2016, 2, 29)) == PartialDate(2016, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "2015-13",
        "2015-00",
        "2015-02-30",
        "2023-02-29",
        "2015-04-31",
        "0000",
        "15",
        "20150",
        "2015-1",
        "2015-11-1",
        "2015/11/19",
        "19/11/2015",
        "2015ish",
        "2015-11-19T10:00",
        "",
        "-2015",
    ],
)
def test_partial_date_rejects_invalid_text(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)


@pytest.mark.parametrize("text", ["２０１５", "٢٠١٥-١١"])
def test_partial_date_accepts_only_ascii_digits(text: str) -> None:
    # The error message and the docstring promise 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.
    with pytest.raises(ValueError):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    "args",
    [(0,), (10000,), (2015, 13), (2015, 0), (2015, None, 5), (2015, 2, 29), (2015, 6, 0)],
)
def test_partial_date_rejects_invalid_values(args: tuple[int | None, ...]) -> None:
    with pytest.raises(ValueError):
        PartialDate(*args)  # type: ignore[arg-type]


def test_a_city_in_two_agglomerations_is_reported(tmp_path: Path) -> None:
    data = valid_data()
    data["agglomerations"].append(
        {"id": "other", "name": "Other", "seat": "caen", "members": ["caen"], "sources": ["src"]}
    )
    only_problem(
        problems_of(tmp_path, data),
        "agglomerations[1] ('other')",
        "'caen' is already a member of 'caen-la-mer'",
    )


def test_a_derived_field_cannot_be_written(tmp_path: Path) -> None:
    data = valid_data()
    data["cities"][0]["agglomeration"] = "caen-la-mer"
    only_problem(problems_of(tmp_path, data), "cities[0] ('caen')", "unknown field 'agglomeration'")


def test_nested_awards_are_checked_and_located(tmp_path: Path) -> None:
    data = valid_data()
    data["contests"] = [{"id": "i-lab", "name_fr": "i-Lab", "name_en": "i-Lab"}]
    data["startups"][0]["awards"] = [
        {"contest": "i-lab", "year": 2015, "amount": 1000, "sources": ["src"]},
        {"contest": "i-lub", "year": "2015"},
    ]
    problems = problems_of(tmp_path, data)
    the_problem(problems, "startups[0] ('acme').awards[1]", "'year' must be a whole number")
    data["startups"][0]["awards"][1]["year"] = 2016
    only_problem(
        problems_of(tmp_path, data),
        "startups[0] ('acme').awards[1]",
        "'contest' refers to 'i-lub', which is not in contests (did you mean 'i-lab'?)",
    )


def test_a_dataset_folder_merges_its_files(tmp_path: Path) -> None:
    data = valid_data()
    startups = data.pop("startups")
    events = data.pop("events")
    write(tmp_path, data, name="main.toml")
    (tmp_path / "more").mkdir()
    write(tmp_path / "more", {"startups": startups, "events": events}, name="extra.toml")
    dataset = load_dataset(tmp_path)
    assert [s.id for s in dataset.startups] == ["acme"]
    (tmp_path / "more" / "meta.toml").write_text(
        tomli_w.dumps({"meta": data["meta"]}), encoding="utf-8"
    )
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    assert "[meta] must be in one file only; found in main.toml, more/meta.toml" in str(
        caught.value
    )


def test_a_problem_in_a_folder_names_its_file(tmp_path: Path) -> None:
    data = valid_data()
    data["startups"][0]["founded"] = "2015ish"
    write(tmp_path, data, name="main.toml")
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    assert caught.value.problems[0].startswith("main.toml: startups[0] ('acme'): 'founded'")
