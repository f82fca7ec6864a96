"""The parts of the SQLite export made for reading rather than joining: full-text indexes on
names and descriptions, and views that show names beside the ids.

Full text: each searched table has an FTS5 table `<table>_fts` declared with
content="<table>", the external-content form Datasette detects to offer its search box on
the table's page, and that sqlite3 searches directly:

    SELECT s.id, s.name FROM startups s
    WHERE s.rowid IN (SELECT rowid FROM startups_fts WHERE startups_fts MATCH 'saagie');

The indexes are filled once, when the file is written: the database is a snapshot. After
changing a searched table by hand, `INSERT INTO startups_fts (startups_fts) VALUES ('rebuild')`
brings its index up to date.

Views: `startups_labelled`, `organizations_labelled` and `events_labelled` are their table's
columns followed by names: `city_name`; the sector names of a startup, and the kind name of
an organisation or an event, in French and in English (`sector_names_fr`,
`sector_names_en`, `kind_name_fr`, `kind_name_en`); an event's `organizer_names`. Lists of
names are in the order of the link table's `position`, joined with "; " like a funding
round's investors.
"""

from __future__ import annotations

# The columns each searched table indexes: its names and its description.
SEARCHED: dict[str, tuple[str, ...]] = {
    "startups": ("name", "legal_name", "description"),
    "organizations": ("name", "legal_name", "description"),
    "events": ("name", "description"),
}

# A list of names in one cell, as the export joins a funding round's investors.
_NAME_SEPARATOR = "; "
_LANGUAGES = ("fr", "en")


def search_statements() -> tuple[str, ...]:
    """The FTS5 tables, created and filled from their content tables (run after the rows are
    inserted). The default tokenizer, unicode61, ignores case and accents: 'evreux' finds
    'Évreux'."""
    statements: list[str] = []
    for table, columns in SEARCHED.items():
        # content="…" in double quotes: the spelling Datasette's detection looks for.
        statements.append(
            f'CREATE VIRTUAL TABLE {table}_fts USING fts5({", ".join(columns)}, content="{table}")'
        )
        statements.append(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
    return tuple(statements)


def view_statements() -> tuple[str, ...]:
    """The CREATE VIEW statements of the labelled views."""
    city = "LEFT JOIN cities c ON c.id = r.city"
    sectors = [
        _names(
            f"sector_names_{lang}",
            f"SELECT t.name_{lang} AS name FROM startup_sectors l"
            " JOIN sectors t ON t.id = l.sector WHERE l.startup = r.id ORDER BY l.position",
        )
        for lang in _LANGUAGES
    ]
    organizers = _names(
        "organizer_names",
        "SELECT coalesce(o.name, s.name) AS name FROM event_organizers l"
        " LEFT JOIN organizations o ON o.id = l.organizer"
        " LEFT JOIN startups s ON s.id = l.organizer"
        " WHERE l.event = r.id ORDER BY l.position",
    )
    return (
        _view("startups", ["c.name AS city_name", *sectors], [city]),
        _view(
            "organizations",
            ["c.name AS city_name", *_kind_names()],
            [city, "LEFT JOIN organization_kinds k ON k.id = r.kind"],
        ),
        _view(
            "events",
            ["c.name AS city_name", *_kind_names(), organizers],
            [city, "LEFT JOIN event_kinds k ON k.id = r.kind"],
        ),
    )


def _kind_names() -> list[str]:
    return [f"k.name_{lang} AS kind_name_{lang}" for lang in _LANGUAGES]


def _names(column: str, select: str) -> str:
    """A column of names joined in their order. group_concat takes the rows in the order of
    its ordered subquery (SQLite does not flatten an ordered subquery into an aggregate);
    the ORDER BY inside group_concat itself would need SQLite 3.44, too new for many."""
    return f"(SELECT group_concat(name, '{_NAME_SEPARATOR}') FROM ({select})) AS {column}"


def _view(table: str, columns: list[str], joins: list[str]) -> str:
    return (
        f"CREATE VIEW {table}_labelled AS SELECT r.*, {', '.join(columns)}"
        f" FROM {table} r {' '.join(joins)}"
    )
