"""`normandie export` as a user drives it: formats, files, refusals."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import SEED, TERMINAL, Invoke, WriteDataset, as_json


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


def test_export_writes_machine_formats_only(invoke: Invoke) -> None:
    result = invoke(["export", "-f", "table"])
    assert result.exit_code == 2
    assert "'table' is not one of" in result.stderr


def test_export_defaults_to_csv_on_a_terminal(invoke: Invoke) -> None:
    assert invoke(["export"], streams=TERMINAL).stdout.startswith("id,name,")


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


def test_export_refuses_what_it_would_silently_ignore(invoke: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "d.db"
    for args, message in (
        (["--sqlite", "-o", str(database), "--city", "rouen"], "leave out the filters"),
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


def spreadsheet(stdout_bytes: bytes, delimiter: str = ",") -> dict[str, dict[str, str]]:
    """A CSV or Excel export as a spreadsheet reads it, rows by id (a BOM is left out)."""
    text = stdout_bytes.decode("utf-8-sig")
    return {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)}


def test_excel_writes_decimals_with_a_comma_whatever_the_language(invoke_bundled: Invoke) -> None:
    english = invoke_bundled(["export", "--excel", "--entity", "cities"])
    cities = spreadsheet(english.stdout_bytes, delimiter=";")
    assert (cities["rouen"]["latitude"], cities["rouen"]["longitude"]) == ("49,44124", "1,09116")
    assert cities["agy"]["longitude"] == "-0,77928"  # a number, not a formula to neutralise
    assert cities["rouen"]["population"] == "114083"
    french = invoke_bundled(["--lang", "fr", "export", "--excel", "--entity", "cities"])
    assert french.stdout_bytes == english.stdout_bytes
    csv_cities = spreadsheet(invoke_bundled(["export", "--csv", "--entity", "cities"]).stdout_bytes)
    assert csv_cities["rouen"]["latitude"] == "49.44124"  # RFC 4180 CSV keeps the point


def test_csv_and_excel_put_names_beside_the_ids_in_the_interface_language(
    invoke: Invoke,
) -> None:
    result = invoke(["export", "--csv"])
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[header.index("city") + 1] == "city_name"
    assert header[header.index("sectors") + 1] == "sector_names"
    startups = spreadsheet(result.stdout_bytes)
    assert (startups["spread"]["city"], startups["spread"]["city_name"]) == (
        "le-petit-quevilly",
        "Le Petit-Quevilly",
    )
    assert startups["spread"]["sector_names"] == "Customer relationship management (CRM)"
    assert startups["saagie"]["hosted_by_names"] == "Seine Innopolis"
    assert startups["makeidea"]["city_name"] == ""  # no city, no name
    french = spreadsheet(invoke(["--lang", "fr", "export", "--excel"]).stdout_bytes, ";")
    assert french["spread"]["sectors"] == "crm"  # ids do not change with the language
    assert french["spread"]["sector_names"] == "Gestion de la relation client (CRM)"
    organizations = spreadsheet(
        invoke(["--lang", "fr", "export", "--csv", "--entity", "organizations"]).stdout_bytes
    )
    assert (organizations["nwx"]["kind"], organizations["nwx"]["kind_name"]) == (
        "network",
        "Réseau",
    )
    events = spreadsheet(invoke(["export", "--csv", "--entity", "events"]).stdout_bytes)
    fraise = events["ramene-ta-fraise"]
    assert fraise["organizers"].split("|")[:2] == ["soyhuce", "yousign"]
    assert fraise["organizer_names"].split("|")[:2] == ["Soyhuce", "Yousign"]
    # Programs join on the ids: TSV and JSON keep the fields of the records alone.
    assert "city_name" not in as_json(invoke(["export", "--json"]).stdout)[0]
    assert "city_name" not in invoke(["export", "-f", "tsv"]).stdout


def test_a_name_in_a_label_column_cannot_run_as_a_formula(
    invoke: Invoke, write_dataset: WriteDataset
) -> None:
    path = write_dataset(
        """
[[organization_kinds]]
id = "incubator"
name_fr = "Incubateur"
name_en = "Incubator"

[[organizations]]
id = "evil-host"
name = "@SUM(A1)"
kind = "incubator"
sources = ["src"]

[[startups]]
id = "hosted"
name = "Hosted"
city = "beta"
hosted_by = ["evil-host"]
sources = ["src"]
"""
    )
    result = invoke(["--data", str(path), "export", "--excel"])
    assert result.exit_code == 0, result.output
    rows = spreadsheet(result.stdout_bytes, ";")
    assert rows["hosted"]["hosted_by_names"] == "'@SUM(A1)"
    assert rows["hosted"]["city_name"] == "Béta"


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
    assert invoke_bundled(["export", "--sqlite", "-o", str(target)]).exit_code == 0
    with sqlite3.connect(target) as db:
        rows = db.execute(
            "SELECT s.id FROM startups s JOIN agglomeration_members m ON m.city = s.city "
            "WHERE m.agglomeration = 'metropole-rouen-normandie' ORDER BY s.id"
        ).fetchall()
    assert ("saagie",) in rows and ("spread",) in rows
    again = invoke_bundled(["export", "--sqlite", "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.stderr


def test_sqlite_is_a_format_like_the_others_written_with_o(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    monkeypatch.chdir(tmp_path)  # where a flag taken for a file name would be written
    target = tmp_path / "x.db"
    for args in (
        ["--sqlite", "-o", str(target)],
        ["--sqlite", "--force", "-o", str(target)],
        ["-f", "sqlite", "--force", "-o", str(target)],
        ["--format", "sqlite", "--sqlite", "--force", "-o", str(target)],
    ):
        result = invoke(["export", *args])
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout == ""
        assert f"Wrote the dataset to {target}." in result.stderr
        with sqlite3.connect(target) as db:
            assert db.execute("SELECT count(*) FROM startups").fetchone() == (9,)
    assert [p.name for p in tmp_path.iterdir()] == ["x.db"]  # no file named --force


def test_a_database_needs_a_file_and_one_format(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "x.db"
    file_needed = "a SQLite database is a file, not text for the screen or a pipe: give -o FILE"
    for args, message in (
        (["--sqlite"], file_needed),
        (["-f", "sqlite"], file_needed),
        (["--sqlite", "-o", "-"], file_needed),
        (["--sqlite", "--json", "-o", str(target)], "not several (json, sqlite)"),
        (["--sqlite", "--force"], file_needed),
        # The form of earlier versions says what to write instead.
        (["--sqlite", str(target)], "got " + str(target) + ": name the output file with -o"),
    ):
        result = invoke(["export", *args])
        assert result.exit_code == 2, args
        assert message in result.stderr, args
        assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []
    french = invoke(["--lang", "fr", "export", "--sqlite"])
    assert french.exit_code == 2
    assert "une base SQLite est un fichier" in french.stderr


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


def test_datasette_metadata_goes_with_the_database(invoke_bundled: Invoke, tmp_path: Path) -> None:
    import sqlite3

    database, metadata = tmp_path / "normandie.db", tmp_path / "metadata.json"
    args = ["export", "--sqlite", "-o", str(database), "--datasette-metadata", str(metadata)]
    result = invoke_bundled(args)
    assert result.exit_code == 0, result.output
    assert f"datasette {database} -m {metadata}" in result.stderr
    described = json.loads(metadata.read_text(encoding="utf-8"))
    with sqlite3.connect(database) as db:
        title, licence = db.execute("SELECT title, licence FROM meta").fetchone()
        (sources,) = db.execute("SELECT count(*) FROM sources").fetchone()
    assert (described["title"], described["license"]) == (title, licence)
    assert described["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert described["source"].startswith(f"{sources} sources")
    # The credits the open data's licences ask for, as `info` gives them.
    assert "Open data reused, with its licence: " in described["description"]
    assert "Licence Ouverte 2.0" in described["description"]
    tables = described["databases"]["normandie"]["tables"]  # Datasette names it by the file
    assert tables["sectors"]["label_column"] == "name_en"
    assert "startups_fts" in tables["startups"]["description"]
    french = invoke_bundled(["--lang", "fr", *args, "--force"])
    assert french.exit_code == 0, french.output
    described = json.loads(metadata.read_text(encoding="utf-8"))
    assert described["databases"]["normandie"]["tables"]["organization_kinds"] == {
        "label_column": "name_fr"
    }
    assert "Données ouvertes réutilisées" in described["description"]


def test_datasette_metadata_on_the_screen(invoke: Invoke, tmp_path: Path) -> None:
    database = tmp_path / "x.db"
    result = invoke(["export", "--sqlite", "-o", str(database), "--datasette-metadata", "-"])
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)["databases"]) == ["x"]
    assert database.exists()


def test_datasette_metadata_refusals_write_nothing(invoke: Invoke, tmp_path: Path) -> None:
    database, metadata = tmp_path / "x.db", tmp_path / "metadata.json"
    metadata.write_text("mine", encoding="utf-8")
    for args, message in (
        (["-o", str(database), "--datasette-metadata", str(metadata)], "add --force"),
        (["--datasette-metadata", str(metadata)], "give -o FILE"),
        (["-o", str(database), "--datasette-metadata", str(database)], "cannot be the same file"),
    ):
        result = invoke(["export", "--sqlite", *args])
        assert result.exit_code == 2, args
        assert message in result.stderr, args
        assert not database.exists()
    alone = invoke(["export", "--json", "--datasette-metadata", str(tmp_path / "m.json")])
    assert alone.exit_code == 2
    assert "--datasette-metadata describes a SQLite database: add --sqlite" in alone.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metadata.json"]
    assert metadata.read_text(encoding="utf-8") == "mine"


def calendar_of(stdout_bytes: bytes) -> tuple[str, dict[str, tuple[date, date]]]:
    """A calendar's name and its events' first and last days, by id, as a program reads them."""
    import icalendar

    calendar = icalendar.Calendar.from_ical(stdout_bytes)
    days = {
        str(e["UID"]).removesuffix("@normandie"): (
            e.decoded("DTSTART"),
            e.decoded("DTEND") - timedelta(days=1),  # all-day events end the day after
        )
        for e in calendar.walk("VEVENT")
    }
    return str(calendar["X-WR-CALNAME"]), days


def test_a_calendar_of_upcoming_events_only(invoke_bundled: Invoke) -> None:
    today = date(2026, 6, 1)
    result = invoke_bundled(["--today", today.isoformat(), "export", "--ics", "--upcoming"])
    assert result.exit_code == 0, result.output
    name, days = calendar_of(result.stdout_bytes)
    assert name == "Normandie tech ecosystem: events (--upcoming)"
    assert days and all(last >= today for _, last in days.values())
    everything = calendar_of(invoke_bundled(["export", "--ics"]).stdout_bytes)[1]
    assert set(days) == {id_ for id_, (_, last) in everything.items() if last >= today}
    past = calendar_of(
        invoke_bundled(["--today", today.isoformat(), "export", "--ics", "--past"]).stdout_bytes
    )[1]
    assert set(past) == set(everything) - set(days)


def test_a_calendar_between_two_days(invoke_bundled: Invoke) -> None:
    args = ["export", "--ics", "--city", "caen", "--since", "2015-01-01", "--until", "2015-12-31"]
    result = invoke_bundled(args)
    assert result.exit_code == 0, result.output
    name, days = calendar_of(result.stdout_bytes)
    assert name == (
        "Normandie tech ecosystem: events (--since 2015-01-01 --until 2015-12-31 --city caen)"
    )
    # The same file in French: a calendar is never translated.
    assert invoke_bundled(["--lang", "fr", *args]).stdout_bytes == result.stdout_bytes
    assert days
    for first, last in days.values():
        assert last >= date(2015, 1, 1) and first <= date(2015, 12, 31)
    csv_ids = {
        r["id"]
        for r in csv.DictReader(
            io.StringIO(invoke_bundled([*args[:1], "--entity", "events", *args[2:]]).stdout)
        )
    }
    assert set(days) <= csv_ids  # the same filters choose the same events in every format


def test_event_filters_are_refused_where_they_do_not_apply(invoke: Invoke) -> None:
    for args, message in (
        (["--csv", "--since", "2020-01-01"], "--since applies to events only"),
        (["--toml", "--upcoming"], "--toml exports the whole dataset: leave out the filters"),
        (["--ics", "--upcoming", "--past"], "--upcoming and --past exclude each other"),
        (["--ics", "--since", "2015-13-01"], "--since takes a date like"),
        (["--ics", "--since", "2016-01-01", "--until", "2015-01-01"], "is after --until"),
    ):
        result = invoke(["export", *args])
        assert result.exit_code == 2, args
        assert message in result.stderr, args
        assert result.stdout == ""


# --- Departments and regions: the listings' options, read by the same code ------------------


def departments_of_cities(invoke: Invoke) -> dict[str, tuple[str, str]]:
    """Each city's department and former region, as the export itself tells them."""
    cities = as_json(invoke(["export", "--json", "--entity", "cities"]).stdout)
    return {c["id"]: (c["department"], c["former_region"]) for c in cities}


@pytest.mark.parametrize("department", ["76", "Seine-Maritime", "seine maritime"])
def test_export_by_department_is_the_listing_by_department(
    invoke_bundled: Invoke, department: str
) -> None:
    result = invoke_bundled(["export", "--department", department])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    where = departments_of_cities(invoke_bundled)
    assert rows and all(where[r["city"]][0] == "76" for r in rows)
    assert all(r["city_name"] for r in rows)
    listed = as_json(invoke_bundled(["startups", "--department", "76", "--json"]).stdout)
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in listed)
    everything = as_json(invoke_bundled(["export", "--json"]).stdout)
    assert len(rows) < len(everything)


def test_export_by_region_narrows_every_kind_it_applies_to(invoke_bundled: Invoke) -> None:
    where = departments_of_cities(invoke_bundled)
    for entity in ("startups", "organizations", "events", "cities"):
        args = ["export", "--json", "--entity", entity, "--region", "Basse-Normandie"]
        result = invoke_bundled(args)
        assert result.exit_code == 0, result.output
        records = as_json(result.stdout)
        assert records, entity
        city_of = (lambda r: r["id"]) if entity == "cities" else (lambda r: r["city"])
        assert all(where[city_of(r)][1] == "basse-normandie" for r in records), entity
    both = invoke_bundled(["export", "--json", "--region", "basse-normandie", "--department", "76"])
    assert both.exit_code == 0 and as_json(both.stdout) == []


def test_a_calendar_of_a_region_over_partial_dates(invoke_bundled: Invoke) -> None:
    args = ["--since", "2019-03", "--until", "2019", "--region", "haute-normandie"]
    result = invoke_bundled(["export", "--ics", *args])
    assert result.exit_code == 0, result.output
    name, days = calendar_of(result.stdout_bytes)
    assert name == (
        "Normandie tech ecosystem: events (--since 2019-03 --until 2019 --region haute-normandie)"
    )
    assert days
    for first, last in days.values():
        assert last >= date(2019, 3, 1) and first <= date(2019, 12, 31)
    listed = as_json(invoke_bundled(["events", *args, "--json"]).stdout)
    # The calendar holds the listing's events whose day is known (a month alone is noted).
    assert set(days) == {e["id"] for e in listed if len(e["start"]) == len("2019-03-19")}


def test_place_filters_are_refused_where_they_do_not_apply(invoke: Invoke) -> None:
    for args, message in (
        (["--department", "99"], "unknown department '99'"),
        (["--region", "bretagne"], "unknown"),
        (["--entity", "sources", "--department", "14"], "apply to startups, organizations"),
        (["--toml", "--region", "basse-normandie"], "--toml exports the whole dataset"),
        (["--city", "76"], "use --department 76"),
    ):
        result = invoke(["export", *args])
        assert result.exit_code == 2, args
        assert message in result.stderr, (args, result.stderr)
        assert result.stdout == ""


@pytest.mark.subprocess
def test_export_help_offers_the_place_and_date_filters_in_french(tmp_path: Path) -> None:
    # Help is translated when the command starts: a process of its own, as a user runs it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("NORMANDIE_")}
    done = subprocess.run(
        [sys.executable, "-m", "normandie_cli", "--lang", "fr", "export", "--help"],
        env={**env, "COLUMNS": "200"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for line in (
        "--department DEPARTMENT Un département : son numéro ou son nom (76, seine-maritime).",
        "--region REGION Une ancienne région : basse-normandie ou haute-normandie.",
        "--since DATE Les événements à partir de ce jour, ce mois ou cette année",
        "--upcoming",
    ):
        assert line in " ".join(done.stdout.replace("│", " ").split()), line
