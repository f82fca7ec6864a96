"""to_sqlite: the dataset as a SQLite database whose keys hold, written all or nothing."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES

from normandie_cli.dataset import load_dataset
from normandie_cli.errors import NormandieError
from normandie_cli.files import write_file
from normandie_cli.models import RECORD_TYPES, Dataset, RecordKind
from normandie_cli.output import sqlite as export_sqlite
from normandie_cli.output.sqlite import schema_statements, to_sqlite
from normandie_cli.output.sqlite_views import SEARCHED, search_statements, view_statements

EVERY_FIELD = FIXTURES / "every_field.toml"
BUNDLED = load_dataset()
ROUEN = "metropole-rouen-normandie"


def write_sqlite(dataset: Dataset, path: Path) -> None:
    """As `normandie export --sqlite` writes it: built in memory, then the one write path."""
    write_file(path, to_sqlite(dataset), force=True)


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """The bundled dataset as a database, built once for the module."""
    path = tmp_path_factory.mktemp("sqlite") / "normandie.db"
    write_sqlite(BUNDLED, path)
    connection = connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def every_field_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = tmp_path_factory.mktemp("sqlite") / "every_field.db"
    write_sqlite(load_dataset(EVERY_FIELD), path)
    connection = connect(path)
    yield connection
    connection.close()


def count(db: sqlite3.Connection, table: str) -> int:
    (number,) = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    assert isinstance(number, int)
    return number


def tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows]


# --- the layout ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(RecordKind), ids=str)
def test_each_kind_has_its_table_with_every_record(
    db: sqlite3.Connection, kind: RecordKind
) -> None:
    assert count(db, kind.value) == len(BUNDLED.records(kind))
    ids = {row[0] for row in db.execute(f"SELECT id FROM {kind.value}")}
    assert ids == {record.id for record in BUNDLED.records(kind)}


def is_search_index(table: str) -> bool:
    """An FTS5 table or one of the tables FTS5 keeps its index in (`startups_fts_data`…)."""
    return any(table == f"{t}_fts" or table.startswith(f"{t}_fts_") for t in SEARCHED)


def test_the_tables_are_the_documented_ones(db: sqlite3.Connection) -> None:
    links = {
        "agglomeration_members", "city_aliases", "startup_sectors", "startup_tags",
        "startup_hosts", "startup_research_units", "startup_former_names",
        "organization_aliases", "organization_parents", "event_organizers", "record_sources",
        "awards", "award_sources", "funding_rounds", "funding_round_sources", "meta",
    }  # fmt: skip
    ordinary = [table for table in tables(db) if not is_search_index(table)]
    assert set(ordinary) == {kind.value for kind in RecordKind} | links
    searches = {"startups_fts", "organizations_fts", "events_fts"}
    assert {table for table in tables(db) if table.endswith("_fts")} == searches
    views = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == {"startups_labelled", "organizations_labelled", "events_labelled"}
    for table in [*ordinary, *searches, *views]:
        assert f"`{table}`" in (export_sqlite.__doc__ or ""), f"{table} is not documented"


def test_lists_and_nested_entries_have_one_row_per_item(db: sqlite3.Connection) -> None:
    startups, organizations, events = BUNDLED.startups, BUNDLED.organizations, BUNDLED.events
    expected = {
        "meta": 1,
        "agglomeration_members": sum(len(a.members) for a in BUNDLED.agglomerations),
        "city_aliases": sum(len(c.aliases) for c in BUNDLED.cities),
        "startup_sectors": sum(len(s.sectors) for s in startups),
        "startup_tags": sum(len(s.tags) for s in startups),
        "startup_hosts": sum(len(s.hosted_by) for s in startups),
        "startup_research_units": sum(len(s.research_units) for s in startups),
        "startup_former_names": sum(len(s.former_names) for s in startups),
        "organization_aliases": sum(len(o.aliases) for o in organizations),
        "organization_parents": sum(len(o.parents) for o in organizations),
        "event_organizers": sum(len(e.organizers) for e in events),
        "awards": sum(len(s.awards) for s in startups),
        "award_sources": sum(len(a.sources) for s in startups for a in s.awards),
        "funding_rounds": sum(len(s.funding) for s in startups),
        "funding_round_sources": sum(len(f.sources) for s in startups for f in s.funding),
        "record_sources": sum(
            len(getattr(r, "sources", ())) for kind in RecordKind for r in BUNDLED.records(kind)
        ),
    }
    assert {table: count(db, table) for table in expected} == expected


def test_every_foreign_key_holds_and_the_file_is_sound(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.mark.parametrize(
    ("table", "column", "parent"),
    [
        ("startups", "city", "cities"),
        ("organizations", "city", "cities"),
        ("organizations", "kind", "organization_kinds"),
        ("events", "city", "cities"),
        ("events", "kind", "event_kinds"),
        ("cities", "department", "departments"),
        ("cities", "agglomeration", "agglomerations"),
        ("agglomerations", "seat", "cities"),
        ("startup_sectors", "startup", "startups"),
        ("startup_sectors", "sector", "sectors"),
        ("startup_hosts", "organization", "organizations"),
        ("startup_research_units", "organization", "organizations"),
        ("organization_parents", "parent", "organizations"),
        ("agglomeration_members", "agglomeration", "agglomerations"),
        ("agglomeration_members", "city", "cities"),
        ("event_organizers", "event", "events"),
        ("record_sources", "source", "sources"),
        ("awards", "startup", "startups"),
        ("awards", "contest", "contests"),
        ("award_sources", "award", "awards"),
        ("funding_rounds", "startup", "startups"),
        ("funding_round_sources", "source", "sources"),
    ],
)
def test_references_are_declared_foreign_keys(
    db: sqlite3.Connection, table: str, column: str, parent: str
) -> None:
    keys = {(row[3], row[2], row[4]) for row in db.execute(f"PRAGMA foreign_key_list({table})")}
    assert (column, parent, "id") in keys


def test_a_broken_reference_is_refused_by_the_database(db: sqlite3.Connection) -> None:
    # The keys are deferred: checked when the transaction commits.
    db.execute("INSERT INTO startup_sectors VALUES ('saagie', 'no-such-sector', 9)")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.commit()
    db.rollback()
    assert count(db, "startup_sectors") == sum(len(s.sectors) for s in BUNDLED.startups)


def test_every_scalar_field_is_a_column_of_its_table(db: sqlite3.Connection) -> None:
    for kind, cls in RECORD_TYPES.items():
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({kind.value})")}
        scalars = {
            name
            for name in cls.__dataclass_fields__
            if not isinstance(getattr(BUNDLED.records(kind)[0], name), tuple)
        }
        assert columns == scalars, kind


def test_every_column_is_filled_from_a_dataset_that_sets_every_field(
    every_field_db: sqlite3.Connection,
) -> None:
    db = every_field_db
    for table in tables(db):
        for row in db.execute(f"PRAGMA table_info({table})").fetchall():
            column = row[1]
            (filled,) = db.execute(
                f'SELECT COUNT(*) FROM {table} WHERE "{column}" IS NOT NULL'
            ).fetchone()
            assert filled, f"{table}.{column} is never set"


def test_the_schema_statements_are_what_the_file_holds(db: sqlite3.Connection) -> None:
    stored = {
        sql
        for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        if name.endswith("_fts") or not is_search_index(name)
    }
    created = [s for s in (*search_statements(), *view_statements()) if s.startswith("CREATE")]
    assert stored == {*schema_statements(), *created}


# --- for reading: full-text search and names ----------------------------------------------


def search(db: sqlite3.Connection, table: str, words: str) -> list[str]:
    """The ids a full-text search finds, as Datasette's search box asks for them."""
    rows = db.execute(
        f"SELECT id FROM {table} WHERE rowid IN"
        f" (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?) ORDER BY id",
        (words,),
    )
    return [row[0] for row in rows]


def test_full_text_search_finds_names_and_descriptions(db: sqlite3.Connection) -> None:
    assert search(db, "startups", "saagie") == ["saagie"]
    # A word of a description, typed without its accent and in another case.
    found = search(db, "startups", "EVREUX")
    assert {"tabletech", "watiz"} <= set(found)
    descriptions = {s.id: f"{s.name} {s.description}" for s in BUNDLED.startups}
    assert all("Évreux" in descriptions[id_] for id_ in found)
    assert search(db, "organizations", "incubateur") != []
    assert "codeurs-en-seine-2015" in search(db, "events", "codeurs seine")
    assert search(db, "startups", "nosuchwordanywhere") == []


@pytest.mark.parametrize("table", sorted(SEARCHED))
def test_datasette_finds_each_search_index(db: sqlite3.Connection, table: str) -> None:
    # The query Datasette runs to find a table's index (datasette/utils, detect_fts_sql):
    # an FTS virtual table declared with content="<table>".
    (name,) = db.execute(
        "SELECT name FROM sqlite_master WHERE rootpage = 0 AND sql LIKE ? ",
        (f'%VIRTUAL TABLE%USING FTS%content="{table}"%',),
    ).fetchone()
    assert name == f"{table}_fts"
    # The index holds every row of its table, as they are.
    db.execute(f"INSERT INTO {name} ({name}, rank) VALUES ('integrity-check', 1)")


def test_the_labelled_views_name_cities_sectors_kinds_and_organisers(
    db: sqlite3.Connection,
) -> None:
    sectors = {t.id: t for t in BUNDLED.sectors}
    several = [s for s in BUNDLED.startups if len(s.sectors) > 1]
    assert several
    for startup in several:
        row = db.execute(
            "SELECT city_name, sector_names_fr, sector_names_en FROM startups_labelled"
            " WHERE id = ?",
            (startup.id,),
        ).fetchone()
        assert row[1] == "; ".join(sectors[s].name_fr for s in startup.sectors)
        assert row[2] == "; ".join(sectors[s].name_en for s in startup.sectors)
    assert count(db, "startups_labelled") == len(BUNDLED.startups)
    assert db.execute(
        "SELECT city, city_name FROM startups_labelled WHERE id = 'saagie'"
    ).fetchone() == ("rouen", "Rouen")
    assert db.execute(
        "SELECT kind, kind_name_fr, kind_name_en FROM organizations_labelled WHERE id = 'nwx'"
    ).fetchone() == ("network", "Réseau", "Network")
    fraise = next(e for e in BUNDLED.events if e.id == "ramene-ta-fraise")
    names = {
        **{o.id: o.name for o in BUNDLED.organizations},
        **{s.id: s.name for s in BUNDLED.startups},
    }
    (organizers,) = db.execute(
        "SELECT organizer_names FROM events_labelled WHERE id = 'ramene-ta-fraise'"
    ).fetchone()
    assert organizers == "; ".join(names[o] for o in fraise.organizers)
    assert count(db, "events_labelled") == len(BUNDLED.events)
    assert count(db, "organizations_labelled") == len(BUNDLED.organizations)


# --- values and queries ----------------------------------------------------------------------


def test_the_startups_of_the_rouen_agglomeration(db: sqlite3.Connection) -> None:
    rows = db.execute(
        """
        SELECT s.id FROM startups s
        JOIN cities c ON c.id = s.city
        JOIN agglomeration_members m ON m.city = c.id
        WHERE m.agglomeration = ? ORDER BY s.id
        """,
        (ROUEN,),
    ).fetchall()
    agglomeration_of = {c.id: c.agglomeration for c in BUNDLED.cities}
    expected = sorted(s.id for s in BUNDLED.startups if agglomeration_of.get(s.city or "") == ROUEN)
    assert [row[0] for row in rows] == expected
    assert "saagie" in expected  # Rouen itself
    # The derived column says the same.
    derived = db.execute(
        "SELECT s.id FROM startups s JOIN cities c ON c.id = s.city"
        " WHERE c.agglomeration = ? ORDER BY s.id",
        (ROUEN,),
    ).fetchall()
    assert derived == rows


def test_the_sources_of_saagie(db: sqlite3.Connection) -> None:
    rows = db.execute(
        """
        SELECT src.id, src.publisher FROM record_sources r
        JOIN sources src ON src.id = r.source
        WHERE r.record_table = 'startups' AND r.record_id = 'saagie' ORDER BY r.position
        """
    ).fetchall()
    saagie = next(s for s in BUNDLED.startups if s.id == "saagie")
    publishers = {s.id: s.publisher for s in BUNDLED.sources}
    assert rows == [(source, publishers[source]) for source in saagie.sources]
    assert ("maddyness-2015-11-19", "Maddyness") in rows


def test_the_sectors_of_a_startup_through_the_link_table(db: sqlite3.Connection) -> None:
    rows = db.execute(
        """
        SELECT sec.id, sec.name_en FROM startup_sectors l JOIN sectors sec ON sec.id = l.sector
        WHERE l.startup = 'saagie' ORDER BY l.position
        """
    ).fetchall()
    assert [row[0] for row in rows] == ["big-data"]
    assert rows[0][1]


def test_values_are_stored_in_their_documented_form(every_field_db: sqlite3.Connection) -> None:
    db = every_field_db
    assert db.execute(
        "SELECT founded, status, typeof(founded), name, description FROM startups WHERE id = 'acme'"
    ).fetchone() == (
        "2015-11-19",
        "acquired",
        "text",
        "Acme 'n' Co",
        "Line one\nline two\twith a tab, «guillemets» and an emoji 🚀.",
    )
    assert db.execute('SELECT id, online, "end" FROM events ORDER BY id').fetchall() == [
        ("camp-2025", 0, None),
        ("camp-2026", 1, "2026-11-20"),
    ]
    assert db.execute(
        "SELECT typeof(latitude), typeof(population), population, agglomeration, former_region"
        " FROM cities WHERE id = 'caen'"
    ).fetchone() == ("real", "integer", 108200, "caen-la-mer", "basse-normandie")
    assert db.execute("SELECT date FROM sources ORDER BY id").fetchall() == [
        ("2024",),
        ("2025-03",),
    ]
    assert db.execute("SELECT * FROM meta").fetchone() == (
        "Every field",
        "1.0",
        "2026-01-15",
        "CC0-1.0",
    )


def test_awards_and_funding_rounds_keep_their_order_and_sources(
    every_field_db: sqlite3.Connection,
) -> None:
    db = every_field_db
    assert db.execute(
        "SELECT a.position, c.name_en, a.year, a.amount, group_concat(s.source)"
        " FROM awards a JOIN contests c ON c.id = a.contest"
        " LEFT JOIN award_sources s ON s.award = a.id"
        " WHERE a.startup = 'acme' GROUP BY a.id ORDER BY a.position"
    ).fetchall() == [
        (0, "i-Lab contest", 2019, 450000, "other"),
        (1, "i-Lab contest", 2017, None, None),
    ]
    assert db.execute(
        "SELECT f.amount, f.currency, f.date, f.investors, s.source"
        " FROM funding_rounds f JOIN funding_round_sources s ON s.funding_round = f.id"
        " ORDER BY f.position"
    ).fetchall() == [
        (1500000, "USD", "2018-06", "Fund A; Angel B", "src"),
        (None, "EUR", None, None, "other"),
    ]


def test_an_organizer_is_an_organization_or_a_startup(db: sqlite3.Connection) -> None:
    orphans = db.execute(
        """
        SELECT o.organizer FROM event_organizers o
        LEFT JOIN organizations org ON org.id = o.organizer
        LEFT JOIN startups s ON s.id = o.organizer
        WHERE (org.id IS NULL) = (s.id IS NULL)
        """
    ).fetchall()
    assert orphans == []


def test_every_record_source_names_an_existing_record(db: sqlite3.Connection) -> None:
    for kind in RecordKind:
        (missing,) = db.execute(
            f"""
            SELECT COUNT(*) FROM record_sources r LEFT JOIN {kind.value} t ON t.id = r.record_id
            WHERE r.record_table = ? AND t.id IS NULL
            """,
            (kind.value,),
        ).fetchone()
        assert missing == 0, kind


# --- writing all or nothing ------------------------------------------------------------------


def small() -> Dataset:
    return load_dataset(EVERY_FIELD)


def test_an_existing_file_is_replaced_and_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "out.db"
    path.write_bytes(b"not a database")
    os.chmod(path, 0o640)
    write_sqlite(small(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    with sqlite3.connect(path) as connection:
        assert count(connection, "startups") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.db"]


def test_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    old = os.umask(0o022)
    try:
        write_sqlite(small(), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_missing_folder_is_an_error_that_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "out.db"
    with pytest.raises(NormandieError, match="does not exist"):
        write_sqlite(small(), path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_is_an_error_that_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "out.db").mkdir()
    with pytest.raises(NormandieError, match="is a folder"):
        write_sqlite(small(), tmp_path / "out.db")
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


@pytest.mark.parametrize(
    "error",
    [sqlite3.OperationalError("database or disk is full"), KeyboardInterrupt()],
    ids=["sqlite-error", "interrupt"],
)
def test_a_failed_build_leaves_the_existing_file_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    path = tmp_path / "out.db"
    write_sqlite(small(), path)
    before = path.read_bytes()

    def fail(connection: sqlite3.Connection, dataset: Dataset) -> None:
        connection.execute("CREATE TABLE half_done (x)")
        raise error

    monkeypatch.setattr(export_sqlite, "_build", fail)
    expected = KeyboardInterrupt if isinstance(error, KeyboardInterrupt) else NormandieError
    with pytest.raises(expected):
        write_sqlite(BUNDLED, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


def test_a_failed_rename_leaves_the_existing_file_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.db"
    path.write_bytes(b"precious")

    def refuse(source: object, target: object, **folders: int) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(NormandieError, match="Permission denied; nothing was changed"):
        write_sqlite(small(), path)
    assert path.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


def test_a_broken_key_is_reported_before_anything_is_replaced(tmp_path: Path) -> None:
    import dataclasses

    dataset = small()
    orphan = dataclasses.replace(dataset.startups[1], city="atlantis")
    broken = dataclasses.replace(dataset, startups=(dataset.startups[0], orphan))
    path = tmp_path / "out.db"
    path.write_bytes(b"precious")
    with pytest.raises(NormandieError, match="foreign key"):
        write_sqlite(broken, path)
    assert path.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]
