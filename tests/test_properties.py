"""Properties that hold for any input: text folding, inert display, dates, filters, exports."""

from __future__ import annotations

import calendar
import csv
import dataclasses
import datetime as dt
import io
import json
import sqlite3
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w
from conftest import MINIMAL_DATASET, SEED, STABLE_ENV
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from strategies import BASE, organizations, slugs, startups
from typer.testing import CliRunner

from normandie_cli import models, query, sorting, text
from normandie_cli.cli.app import app
from normandie_cli.columns import DEFAULT_COLUMNS, field_names, record_rows
from normandie_cli.dataset import load_dataset, parse_toml
from normandie_cli.errors import DataError, ExitCode, UsageError
from normandie_cli.models import (
    LAST_YEAR,
    RECORD_TYPES,
    Award,
    Dataset,
    Event,
    FundingRound,
    Meta,
    Organization,
    PartialDate,
    Record,
    RecordKind,
    Startup,
)
from normandie_cli.output import delimited
from normandie_cli.output import json as json_output
from normandie_cli.output.sqlite import to_sqlite
from normandie_cli.validation import parse_dataset

# The number of examples comes from the Hypothesis profile (conftest.py): "dev" by default,
# "ci" when CI=true; both keep the whole suite fast on two cores.
PROPERTY = settings(deadline=None)

DATASET = load_dataset()

# --- text.fold --------------------------------------------------------------------------

SEPARATORS = " -_'’.,/\t"
# A French letter and the letter a reader takes it for once accents are ignored.
ACCENTED = {
    "à": "a", "â": "a", "ä": "a", "ç": "c", "é": "e", "è": "e", "ê": "e", "ë": "e",
    "î": "i", "ï": "i", "ô": "o", "ö": "o", "ù": "u", "û": "u", "ü": "u", "ÿ": "y",
    "À": "A", "Â": "A", "Ç": "C", "É": "E", "È": "E", "Ê": "E", "Î": "I", "Ô": "O",
    "Û": "U", "Ÿ": "Y",
}  # fmt: skip
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + "".join(ACCENTED)

words = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=8), min_size=1, max_size=5)
separator_runs = st.text(alphabet=SEPARATORS, min_size=1, max_size=3)


@PROPERTY
@given(st.text())
def test_fold_is_idempotent(value: str) -> None:
    folded = text.fold(value)
    assert text.fold(folded) == folded


@PROPERTY
@given(st.text())
def test_fold_leaves_no_separator_at_either_end_or_doubled(value: str) -> None:
    folded = text.fold(value)
    assert not folded.startswith("-") and not folded.endswith("-")
    assert "--" not in folded
    assert not any(char in folded for char in SEPARATORS if char != "-")


def test_fold_matches_the_names_people_type() -> None:
    assert text.fold("Le Havre") == text.fold("le-havre") == text.fold("LE_HAVRE") == "le-havre"
    assert text.fold("Saint-Étienne-du-Rouvray") == text.fold("saint etienne du rouvray")


@PROPERTY
@given(words, st.lists(separator_runs, min_size=6, max_size=6))
def test_fold_ignores_separators(parts: list[str], seps: list[str]) -> None:
    joined = seps[0] + "".join(part + sep for part, sep in zip(parts, seps[1:], strict=False))
    assert text.fold(joined) == text.fold("-".join(parts))


@PROPERTY
@given(words.map(" ".join))
def test_fold_ignores_case(value: str) -> None:
    assert text.fold(value.upper()) == text.fold(value) == text.fold(value.lower())
    assert text.fold(value.swapcase()) == text.fold(value)


@PROPERTY
@given(words.map("-".join))
def test_fold_ignores_accents(value: str) -> None:
    plain = "".join(ACCENTED.get(char, char) for char in value)
    assert text.fold(value) == text.fold(plain)
    assert text.fold(value).isascii()


# --- text.inert -------------------------------------------------------------------------

# Explicit bidirectional formatting (embeddings, overrides, isolates and their ends).
BIDI_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
DANGEROUS = (
    [chr(c) for c in range(0x20)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x200E, 0x2070) if unicodedata.bidirectional(chr(c)) in BIDI_CONTROLS]
    + list(ZERO_WIDTH)
)
hostile_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(DANGEROUS)), max_size=40
)
printable_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")),
        st.just(" "),
    ),
    max_size=40,
)


def is_terminal_control(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code < 0xA0
        or unicodedata.bidirectional(char) in BIDI_CONTROLS
        or char in ZERO_WIDTH
    )


def test_the_dangerous_alphabet_covers_every_bidi_control() -> None:
    assert {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e"} <= set(DANGEROUS)
    assert {"\u2066", "\u2067", "\u2068", "\u2069"} <= set(DANGEROUS)


@PROPERTY
@given(hostile_text)
@example("\x1b[31mred\x1b[0m\u202egnp.exe\x9b")
def test_inert_output_has_no_control_or_bidi_character(value: str) -> None:
    shown = text.inert(value)
    assert [c for c in shown if is_terminal_control(c)] == []


@PROPERTY
@given(hostile_text)
def test_inert_replaces_one_character_by_one_and_keeps_the_printable_ones(value: str) -> None:
    shown = text.inert(value)
    assert len(shown) == len(value)
    for before, after in zip(value, shown, strict=True):
        if before.isprintable():
            assert after == before


@PROPERTY
@given(st.lists(hostile_text, min_size=1, max_size=3))
def test_json_and_toml_keep_any_text_exactly_and_show_it_inert(values: list[str]) -> None:
    rows = [{"name": value} for value in values]
    for output in (
        json_output.to_json(rows),
        json_output.to_jsonl(rows)[:-1],
        json_output.to_json_object(rows[0]),
    ):
        assert [c for c in output if is_terminal_control(c) and c != "\n"] == []
    assert [row["name"] for row in json.loads(json_output.to_json(rows))] == values
    document = text.escape_controls(tomli_w.dumps({"names": values}))
    # TOML keeps tabs as they are: whitespace, which a terminal only moves across.
    assert [c for c in document if is_terminal_control(c) and c not in "\n\t"] == []
    assert tomli.loads(document) == {"names": values}


@PROPERTY
@given(printable_text)
def test_inert_leaves_printable_text_unchanged(value: str) -> None:
    assert value.isprintable()
    assert text.inert(value) == value


# --- PartialDate ------------------------------------------------------------------------


# The days a dataset may hold (see models.LAST_YEAR).
VALID_DAYS = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(LAST_YEAR, 12, 31))


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(VALID_DAYS)
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


@PROPERTY
@given(partial_dates())
def test_partial_date_text_round_trips(value: PartialDate) -> None:
    assert PartialDate.parse(str(value)) == value


@PROPERTY
@given(partial_dates())
def test_partial_date_spans_days_inside_itself(value: PartialDate) -> None:
    first, last = value.first_day, value.last_day
    assert first <= last
    assert first.year == last.year == value.year
    if value.month is not None:
        assert first.month == last.month == value.month
    if value.day is not None:
        assert first == last
    else:
        assert first.day == 1
        assert last.day == calendar.monthrange(last.year, last.month)[1]
        assert value.month is not None or (first.month, last.month) == (1, 12)


@PROPERTY
@given(VALID_DAYS)
def test_partial_date_from_a_day_is_that_day(day: dt.date) -> None:
    value = PartialDate.from_date(day)
    assert value.first_day == value.last_day == day
    assert PartialDate.parse(day.isoformat()) == value


def test_a_date_after_the_last_year_is_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        PartialDate(LAST_YEAR + 1)


@PROPERTY
@given(partial_dates(), partial_dates())
@example(PartialDate(LAST_YEAR, 12, 31), PartialDate(LAST_YEAR, 12, 31))
@example(PartialDate(1, 1, 1), PartialDate(1))
def test_every_date_a_dataset_holds_goes_into_every_export(
    start: PartialDate, end: PartialDate
) -> None:
    """Whatever dates validate, every export format can write them (a calendar ends an
    event the day after its last one)."""
    from normandie_cli.output.formats import ExportFormat, export

    first, last = sorted([start, end], key=lambda d: (d.first_day, d.last_day))
    if last.last_day < first.first_day:
        last = first
    event = Event("e", "E", ("maddyness-2015-11-19",), start=first, end=last)
    dataset = dataclasses.replace(load_dataset(SEED), events=(event,))
    for fmt in ExportFormat:
        export(fmt, dataset, RecordKind.EVENT, [event])


# --- query.filter_startups --------------------------------------------------------------

CITY_IDS = sorted({c.id for c in DATASET.cities})
SECTOR_IDS = sorted({s.id for s in DATASET.sectors})
TAGS = sorted({tag for s in DATASET.startups for tag in s.tags})
YEARS = sorted({s.founded.year for s in DATASET.startups if s.founded is not None})
SEARCH_WORDS = sorted(
    {
        word
        for s in DATASET.startups
        for field in (s.name, s.description or "", *s.former_names)
        for word in field.split()
    }
    | {name for s in DATASET.sectors for name in (s.name_fr, s.name_en)}
)


def maybe_set(values: list[str]) -> st.SearchStrategy[frozenset[str] | None]:
    return st.none() | st.frozensets(st.sampled_from(values), min_size=1, max_size=3)


def valid_filters(**options: object) -> query.StartupFilters | None:
    """The filters, or None for a combination the command line refuses (blank search, since
    after until)."""
    try:
        return query.StartupFilters(**options)  # type: ignore[arg-type]
    except UsageError:
        return None


startup_filters = st.builds(
    valid_filters,
    cities=maybe_set(CITY_IDS),
    communes=maybe_set(CITY_IDS),
    sectors=st.frozensets(st.sampled_from(SECTOR_IDS), max_size=2),
    tags=st.frozensets(st.sampled_from(TAGS), max_size=2),
    founded_since=st.none() | st.sampled_from(YEARS) | st.integers(1990, 2030),
    founded_until=st.none() | st.sampled_from(YEARS) | st.integers(1990, 2030),
    search=st.none() | st.sampled_from(SEARCH_WORDS) | st.text(max_size=5),
).filter(lambda filters: filters is not None)


@PROPERTY
@given(startup_filters)
def test_filter_startups_returns_a_subset_in_dataset_order(filters: query.StartupFilters) -> None:
    found = query.filter_startups(DATASET, filters)
    ids = [s.id for s in found]
    assert len(set(ids)) == len(ids)
    assert ids == [s.id for s in DATASET.startups if s in found]


@PROPERTY
@given(startup_filters)
def test_every_startup_found_matches_every_filter(filters: query.StartupFilters) -> None:
    for startup in query.filter_startups(DATASET, filters):
        for places in (filters.cities, filters.communes):
            assert places is None or startup.city in places
        assert not filters.sectors or set(startup.sectors) & filters.sectors
        assert not filters.tags or set(startup.tags) & filters.tags
        if filters.founded_since is not None:
            assert startup.founded is not None
            assert startup.founded.year >= filters.founded_since
        if filters.founded_until is not None:
            assert startup.founded is not None
            assert startup.founded.year <= filters.founded_until


@PROPERTY
@given(startup_filters)
def test_filters_combine_with_and(filters: query.StartupFilters) -> None:
    # Each filter alone, then intersected, gives what all of them together give.
    names = ("cities", "communes", "sectors", "tags", "founded_since", "founded_until", "search")
    unset = query.StartupFilters()
    alone = [
        {s.id for s in query.filter_startups(DATASET, query.StartupFilters(**{n: v}))}
        for n in names
        if (v := getattr(filters, n)) != getattr(unset, n)
    ]
    together = {s.id for s in query.filter_startups(DATASET, filters)}
    assert together == set.intersection({s.id for s in DATASET.startups}, *alone)


# --- sorting.sort_records -------------------------------------------------------------------


def _order_key(record: Record, field: str) -> Any:
    value = getattr(record, field)
    if isinstance(value, PartialDate):
        return (value.first_day, value.last_day)
    if isinstance(value, str):
        return text.french_sort_key(value)
    return value


def in_order(a: Record, b: Record, fields: list[str], reverse: bool) -> bool:
    """Whether a may come before b: field by field, unknown values last."""
    for field in fields:
        x, y = getattr(a, field), getattr(b, field)
        if x is None or y is None:
            if (x is None) != (y is None):
                return y is None
            continue
        kx, ky = _order_key(a, field), _order_key(b, field)
        if kx != ky:
            return bool(kx > ky) if reverse else bool(kx < ky)
    return True


@st.composite
def records_and_fields(draw: st.DrawFn) -> tuple[list[Record], list[str], bool]:
    kind = draw(st.sampled_from(sorted(sorting.SORT_FIELDS)))
    # Any records of the kind, in any order (a sample: the seed has thousands of communes).
    records = draw(st.lists(st.sampled_from(DATASET.records(kind)), unique=True, max_size=40))
    fields = draw(st.lists(st.sampled_from(sorting.SORT_FIELDS[kind]), max_size=4))
    return records, fields, draw(st.booleans())


@PROPERTY
@given(records_and_fields())
def test_sort_records_is_a_permutation(case: tuple[list[Record], list[str], bool]) -> None:
    records, fields, reverse = case
    result = sorting.sort_records(records, fields, reverse=reverse)
    assert Counter(r.id for r in result) == Counter(r.id for r in records)


@PROPERTY
@given(records_and_fields())
def test_sort_records_orders_by_each_field_unknown_last(
    case: tuple[list[Record], list[str], bool],
) -> None:
    records, fields, reverse = case
    result = sorting.sort_records(records, fields, reverse=reverse)
    for a, b in zip(result, result[1:], strict=False):
        assert in_order(a, b, fields, reverse), (a.id, b.id, fields, reverse)


def test_every_sortable_kind_has_its_fields_on_the_records() -> None:
    for kind, fields in sorting.SORT_FIELDS.items():
        record = DATASET.records(kind)[0]
        for field in fields:
            assert hasattr(record, field), (kind, field)


# --- query.filter_events: upcoming and past --------------------------------------------------

EVENT_DAYS = sorted(
    {
        day + dt.timedelta(days=shift)
        for e in DATASET.events
        if e.start is not None and e.last_day is not None
        for day in (e.start.first_day, e.last_day)
        for shift in (-1, 0, 1)
    }
)
todays = st.dates() | st.sampled_from(EVENT_DAYS)


@PROPERTY
@given(todays)
def test_upcoming_and_past_split_the_dated_events(today: dt.date) -> None:
    upcoming = query.filter_events(DATASET, query.EventFilters(today=today, upcoming=True))
    past = query.filter_events(DATASET, query.EventFilters(today=today, past=True))
    upcoming_ids, past_ids = {e.id for e in upcoming}, {e.id for e in past}
    assert upcoming_ids.isdisjoint(past_ids)
    dated = {e.id for e in DATASET.events if e.last_day is not None}
    assert upcoming_ids | past_ids == dated
    assert len(upcoming) == len(upcoming_ids) and len(past) == len(past_ids)


@PROPERTY
@given(todays)
def test_an_event_is_upcoming_until_its_last_possible_day(today: dt.date) -> None:
    upcoming = query.filter_events(DATASET, query.EventFilters(today=today, upcoming=True))
    past = query.filter_events(DATASET, query.EventFilters(today=today, past=True))
    assert all(e.last_day is not None and e.last_day >= today for e in upcoming)
    assert all(e.last_day is not None and e.last_day < today for e in past)


def test_some_events_are_undated_and_some_span_days() -> None:
    # Keeps the properties above meaningful: both kinds exist in the bundled data.
    assert any(e.start is None for e in DATASET.events)
    assert any(e.end is not None for e in DATASET.events)


# --- export -----------------------------------------------------------------------------------

# Text a spreadsheet or a shell might trip on.
awkward_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",;\"'\n\r\t|\\ ") + ["\u2028", "\x00", "\x1b", "é"]),
        st.characters(codec="utf-8"),
    ),
    max_size=20,
)
values = st.one_of(
    awkward_text,
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(awkward_text, max_size=3).map(tuple),
    partial_dates(),
)
column_names = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10),
    min_size=1,
    max_size=5,
    unique=True,
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[dict[str, Any]]]:
    columns = draw(column_names)
    rows = draw(st.lists(st.fixed_dictionaries(dict.fromkeys(columns, values)), max_size=5))
    return columns, rows


@PROPERTY
@given(tables())
def test_to_json_reads_back_as_the_plain_rows(
    table: tuple[list[str], list[dict[str, Any]]],
) -> None:
    columns, rows = table
    assert json.loads(json_output.to_json(rows)) == models.plain(rows)
    chosen = columns[::-1][:2]
    expected = [{c: models.plain(row[c]) for c in chosen} for row in rows]
    assert json.loads(json_output.to_json(rows, chosen)) == expected


@PROPERTY
@given(tables(), st.sampled_from([",", ";"]))
def test_to_csv_reads_back_as_a_header_and_one_row_per_record(
    table: tuple[list[str], list[dict[str, Any]]], delimiter: str
) -> None:
    columns, rows = table
    output = delimited.to_csv(rows, columns, delimiter=delimiter)
    parsed = list(csv.reader(io.StringIO(output, newline=""), delimiter=delimiter))
    assert parsed[0] == columns
    assert len(parsed) == 1 + len(rows)
    assert all(len(line) == len(columns) for line in parsed)


@PROPERTY
@given(tables())
def test_no_csv_cell_runs_as_a_spreadsheet_formula(
    table: tuple[list[str], list[dict[str, Any]]],
) -> None:
    columns, rows = table
    parsed = list(csv.reader(io.StringIO(delimited.to_csv(rows, columns), newline="")))
    for row, line in zip(rows, parsed[1:], strict=True):
        for column, cell in zip(columns, line, strict=True):
            is_number = isinstance(row[column], int | float) and not isinstance(row[column], bool)
            assert is_number or not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@PROPERTY
@given(
    st.lists(
        printable_text.filter(lambda t: not t.startswith(("=", "+", "-", "@"))),
        min_size=1,
        max_size=5,
    )
)
def test_to_csv_keeps_printable_text_exactly(texts: list[str]) -> None:
    rows = [{"name": value, "note": f'{value},"{value}";'} for value in texts]
    output = delimited.to_csv(rows, ["name", "note"])
    parsed = list(csv.reader(io.StringIO(output, newline="")))
    assert parsed == [["name", "note"], *([r["name"], r["note"]] for r in rows)]


@PROPERTY
@given(st.lists(printable_text, min_size=1, max_size=5))
def test_formula_like_text_only_gains_a_leading_quote(texts: list[str]) -> None:
    rows = [{"name": f"={value}"} for value in texts]
    parsed = list(csv.reader(io.StringIO(delimited.to_csv(rows, ["name"]), newline="")))
    assert [line[0] for line in parsed[1:]] == [f"'={value}" for value in texts]


@PROPERTY
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=5))
def test_excel_decimals_read_back_as_the_same_numbers(numbers: list[float]) -> None:
    rows = [{"x": number, "label": "1.5"} for number in numbers]
    output = delimited.to_excel(rows, ["x", "label"])
    parsed = list(csv.reader(io.StringIO(output.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert [float(line[0].replace(",", ".")) for line in parsed[1:]] == numbers
    assert all("." not in line[0] for line in parsed[1:])
    assert {line[1] for line in parsed[1:]} == {"1.5"}  # text is never rewritten


def test_the_bundled_startups_export_to_csv_and_json() -> None:
    rows = record_rows(DATASET.startups, DATASET)
    fields = list(field_names(RecordKind.STARTUP))
    parsed = list(csv.reader(io.StringIO(delimited.to_csv(rows, fields), newline="")))
    assert len(parsed) == 1 + len(DATASET.startups)
    assert [row[0] for row in parsed[1:]] == [s.id for s in DATASET.startups]
    assert [r["id"] for r in json.loads(json_output.to_json(rows))] == [
        s.id for s in DATASET.startups
    ]


# --- Round trips of generated datasets: JSON and SQLite (TOML: test_export_toml.py) ----------


def generated_dataset(
    new_startups: list[Startup], new_organizations: list[Organization]
) -> Dataset:
    """The every-field fixture plus the generated records, the first drawn of each id kept."""
    unique_startups = {s.id: s for s in reversed(new_startups)}
    unique_organizations = {o.id: o for o in reversed(new_organizations)}
    return dataclasses.replace(
        BASE,
        startups=BASE.startups + tuple(unique_startups.values()),
        organizations=BASE.organizations + tuple(unique_organizations.values()),
    )


generated_startups = st.lists(
    st.integers(0, 2).flatmap(lambda n: startups(f"generated-startup-{n}")), max_size=3
)
generated_organizations = st.lists(
    st.integers(0, 2).flatmap(lambda n: organizations(f"generated-org-{n}")), max_size=3
)


@PROPERTY
@given(generated_startups, generated_organizations)
def test_generated_records_survive_a_json_export_exactly(
    new_startups: list[Startup], new_organizations: list[Organization]
) -> None:
    dataset = generated_dataset(new_startups, new_organizations)
    for kind in (RecordKind.STARTUP, RecordKind.ORGANIZATION):
        records = dataset.records(kind)
        rows = record_rows(records, dataset)
        expected = [
            {f.name: models.plain(getattr(r, f.name)) for f in dataclasses.fields(r)}
            for r in records
        ]
        as_json = json.loads(json_output.to_json(rows, field_names(kind)))
        # JSON Lines end records with "\n" only; splitlines() would also cut at U+0085.
        lines = json_output.to_jsonl(rows, field_names(kind)).split("\n")
        assert lines[-1] == ""
        as_jsonl = [json.loads(line) for line in lines[:-1]]
        for parsed in (as_json, as_jsonl):
            assert len(parsed) == len(expected)
            for row, want in zip(parsed, expected, strict=True):
                assert {k: row[k] for k in want} == want


@settings(max_examples=25, deadline=None)
@given(generated_startups)
def test_generated_records_survive_a_sqlite_export(new_startups: list[Startup]) -> None:
    dataset = generated_dataset(new_startups, [])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.db"
        path.write_bytes(to_sqlite(dataset))
        connection = sqlite3.connect(path)
        try:
            stored = connection.execute(
                "SELECT id, name, description, founded, website, city FROM startups ORDER BY rowid"
            ).fetchall()
            awards = connection.execute(
                "SELECT startup, year, amount FROM awards ORDER BY startup, position"
            ).fetchall()
        finally:
            connection.close()
    assert stored == [
        (s.id, s.name, s.description, s.founded and str(s.founded), s.website, s.city)
        for s in dataset.startups
    ]
    # Sorted by text: an unknown amount (None) does not compare with a number.
    assert sorted(awards, key=repr) == sorted(
        ((s.id, a.year, a.amount) for s in dataset.startups for a in s.awards), key=repr
    )


# --- Any file given as a dataset: a dataset or a DataError, never another exception ---------

# Bytes that look like the dataset's TOML, so most examples get past the parser.
TOML_WORDS = [
    "[meta]\n", "[[startups]]\n", "[[cities]]\n", "[[startups.awards]]\n", "[[sources]]\n",
    'id = "x"\n', 'name = "X"\n', 'sources = ["src"]\n', 'founded = "2015-02-30"\n',
    "year = 0\n", "amount = -1\n", "latitude = nan\n", 'city = "alpha"\n', "= ", "\n", '"',
    "[", "]", "{", "}", "\\u001b", "\x00", "\xff", "é", "\ufeff",
]  # fmt: skip
toml_like_bytes = st.lists(st.sampled_from(TOML_WORDS) | st.text(max_size=4)).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
)


def load_or_data_error(content: bytes) -> Dataset | DataError:
    try:
        return parse_dataset([("", parse_toml(content, "fuzz.toml"))], "fuzz.toml")
    except DataError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        return error


@PROPERTY
@given(st.binary(max_size=300) | toml_like_bytes.map(MINIMAL_DATASET.encode().__add__))
@example(b"\xef\xbb\xbf")
@example(b"a = " + b"[" * 3000)
def test_any_bytes_load_or_end_in_a_data_error(content: bytes) -> None:
    load_or_data_error(content)


# Every table and field name of the schema, and a few that are not.
FIELD_NAMES = sorted(
    {"meta", *(kind.value for kind in RecordKind), "nmae", "startup"}
    | {f.name for cls in (*RECORD_TYPES.values(), Meta, Award, FundingRound)
       for f in dataclasses.fields(cls)}
)  # fmt: skip
toml_scalars = (
    st.text(max_size=12)
    | st.sampled_from(["src", "alpha", "beta", "14", "data", "2015", "2015-13", "https://x.org"])
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=True)
    | st.booleans()
    | st.dates()
    | st.datetimes()
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=25,
)
toml_documents = st.dictionaries(
    st.sampled_from(FIELD_NAMES),
    st.lists(st.dictionaries(st.sampled_from(FIELD_NAMES), toml_values, max_size=6), max_size=3)
    | toml_values,
    max_size=5,
)


@PROPERTY
@given(toml_documents)
def test_any_toml_document_loads_or_ends_in_a_data_error(document: dict[str, Any]) -> None:
    content = tomli_w.dumps(document).encode("utf-8", "surrogatepass")
    load_or_data_error(content)


@PROPERTY
@given(toml_documents)
def test_toml_documents_grafted_onto_a_valid_dataset_load_or_fail_cleanly(
    document: dict[str, Any],
) -> None:
    base = tomli.loads(MINIMAL_DATASET)
    merged = {**base, **{k: v for k, v in document.items() if k != "meta"}}
    load_or_data_error(tomli_w.dumps(merged).encode("utf-8", "surrogatepass"))


# --- Any text typed as an option value: an answer or a clean error, never a traceback --------

# What a shell can pass: no NUL (argv is C strings), no unpaired surrogate except those
# that stand for undecodable bytes (surrogateescape).
argv_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    | st.sampled_from(["\x1b", "\u202e", "[", "]", "/", "-", ",", "\udcff"]),
    max_size=20,
)
OPTION_PLACES = [
    ["startups", "--city"], ["startups", "--commune"], ["startups", "--sector"],
    ["startups", "--tag"], ["startups", "--search"], ["startups", "--sort"],
    ["startups", "--columns"], ["startups", "--limit"], ["startups", "--founded-since"],
    ["startups", "--format"], ["orgs", "--kind"], ["events", "--since"], ["events", "--until"],
    ["events", "--organizer"], ["show"], ["search"], ["compare"], ["compare", "--by"],
    ["compare", "--top"], ["export", "--entity"], ["--today"], ["validate"], ["--data"],
]  # fmt: skip
RUNNER = CliRunner()
ENV = {**STABLE_ENV, "NORMANDIE_DATA": str(SEED)}


@PROPERTY
@given(st.sampled_from(OPTION_PLACES), argv_text)
@example(["--data"], "x" * 300)  # a name too long for the file system
@example(["validate"], "\udcff.toml")  # a name that is not UTF-8
def test_any_option_value_gets_an_answer_or_a_clean_error(place: list[str], value: str) -> None:
    args = [*place, value]
    if place[0] in ("--today", "--data"):
        args.append("cities")
    result = RUNNER.invoke(app, args, env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (ExitCode.OK, ExitCode.DATA_ERROR, ExitCode.USAGE_ERROR)
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output  # NO_COLOR, and the typed escape shown inert


# --- Filters do not depend on the order of the records -------------------------------------


@PROPERTY
@given(startup_filters, st.randoms(use_true_random=False))
def test_a_filter_finds_the_same_startups_whatever_their_order(
    filters: query.StartupFilters, random: Any
) -> None:
    shuffled = list(DATASET.startups)
    random.shuffle(shuffled)
    reordered = dataclasses.replace(DATASET, startups=tuple(shuffled))
    found = query.filter_startups(reordered, filters)
    assert {s.id for s in found} == {s.id for s in query.filter_startups(DATASET, filters)}
    assert [s.id for s in found] == [s.id for s in shuffled if s in found]


@PROPERTY
@given(
    st.sampled_from([None, *CITY_IDS]),
    st.frozensets(st.sampled_from(sorted({o.kind for o in DATASET.organizations})), max_size=2),
    st.randoms(use_true_random=False),
)
def test_organization_and_event_filters_ignore_the_order_of_the_records(
    city: str | None, kinds: frozenset[str], random: Any
) -> None:
    cities = None if city is None else frozenset({city})
    organizations_ = list(DATASET.organizations)
    events = list(DATASET.events)
    random.shuffle(organizations_)
    random.shuffle(events)
    reordered = dataclasses.replace(
        DATASET, organizations=tuple(organizations_), events=tuple(events)
    )
    org_filters = query.OrganizationFilters(cities=cities, kinds=kinds)
    assert {o.id for o in query.filter_organizations(reordered, org_filters)} == {
        o.id for o in query.filter_organizations(DATASET, org_filters)
    }
    event_filters = query.EventFilters(today=dt.date(2026, 11, 1), cities=cities, past=True)
    # Events come in date order: the same list whatever order they were read in, ties aside.
    assert Counter(e.id for e in query.filter_events(reordered, event_filters)) == Counter(
        e.id for e in query.filter_events(DATASET, event_filters)
    )


# --- Any text from the data: inert, and within the width, in tables and record views ---------


@settings(PROPERTY, max_examples=min(PROPERTY.max_examples, 40))
@given(
    generated_startups,
    generated_organizations,
    st.integers(min_value=20, max_value=160),
    st.sampled_from(["default", "every"]),
)
def test_tables_of_any_text_are_inert_and_fit_the_width(
    new_startups: list[Startup], new_organizations: list[Organization], width: int, columns: str
) -> None:
    from rich.console import Console

    from normandie_cli.output.render import record_detail, records_table

    dataset = generated_dataset(new_startups, new_organizations)
    screen = io.StringIO()
    console = Console(file=screen, width=width, color_system=None, highlight=False)
    for kind in (RecordKind.STARTUP, RecordKind.ORGANIZATION):
        records = dataset.records(kind)
        rows = record_rows(records, dataset)
        chosen = DEFAULT_COLUMNS[kind] if columns == "default" else field_names(kind)
        console.print(records_table(kind, rows, chosen, dataset, width))
        for record, fields in zip(records, rows, strict=True):
            cited = set(getattr(record, "sources", ()))
            sources = [s for s in dataset.sources if s.id in cited]
            console.print(record_detail(kind, fields, sources, dataset, "the bundled dataset"))
    shown = screen.getvalue()
    assert [c for c in shown if is_terminal_control(c) and c != "\n"] == []
    too_wide = [line for line in shown.splitlines() if cell_len(line) > width]
    assert too_wide == []


@given(slugs)
def test_every_id_folds_to_itself(slug: str) -> None:
    """What lets a commune be found by its id without folding every id (places.py)."""
    assert text.fold(slug) == slug
