"""Properties that hold for any input: text folding, inert display, dates, filters, exports."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import unicodedata
from collections import Counter
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from normandie_cli import export, query, text
from normandie_cli.dataset import load_dataset
from normandie_cli.errors import UsageError
from normandie_cli.models import PartialDate, Record, RecordKind

# Modest counts: the whole suite must stay fast on two cores.
PROPERTY = settings(max_examples=100, deadline=None)

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
@given(printable_text)
def test_inert_leaves_printable_text_unchanged(value: str) -> None:
    assert value.isprintable()
    assert text.inert(value) == value


# --- PartialDate ------------------------------------------------------------------------


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1)))
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
@given(st.dates())
def test_partial_date_from_a_day_is_that_day(day: dt.date) -> None:
    value = PartialDate.from_date(day)
    assert value.first_day == value.last_day == day
    assert PartialDate.parse(day.isoformat()) == value


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


# --- query.sort_records -------------------------------------------------------------------


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
    kind = draw(st.sampled_from(sorted(query.SORT_FIELDS)))
    pool = list(DATASET.records(kind))
    records = draw(st.permutations(pool))[: draw(st.integers(0, len(pool)))]
    fields = draw(st.lists(st.sampled_from(query.SORT_FIELDS[kind]), max_size=4))
    return records, fields, draw(st.booleans())


@PROPERTY
@given(records_and_fields())
def test_sort_records_is_a_permutation(case: tuple[list[Record], list[str], bool]) -> None:
    records, fields, reverse = case
    result = query.sort_records(records, fields, reverse=reverse)
    assert Counter(r.id for r in result) == Counter(r.id for r in records)


@PROPERTY
@given(records_and_fields())
def test_sort_records_orders_by_each_field_unknown_last(
    case: tuple[list[Record], list[str], bool],
) -> None:
    records, fields, reverse = case
    result = query.sort_records(records, fields, reverse=reverse)
    for a, b in zip(result, result[1:], strict=False):
        assert in_order(a, b, fields, reverse), (a.id, b.id, fields, reverse)


def test_every_sortable_kind_has_its_fields_on_the_records() -> None:
    for kind, fields in query.SORT_FIELDS.items():
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
    assert json.loads(export.to_json(rows)) == export.plain(rows)
    chosen = columns[::-1][:2]
    expected = [{c: export.plain(row[c]) for c in chosen} for row in rows]
    assert json.loads(export.to_json(rows, chosen)) == expected


@PROPERTY
@given(tables(), st.sampled_from([",", ";"]))
def test_to_csv_reads_back_as_a_header_and_one_row_per_record(
    table: tuple[list[str], list[dict[str, Any]]], delimiter: str
) -> None:
    columns, rows = table
    output = export.to_csv(rows, columns, delimiter=delimiter)
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
    parsed = list(csv.reader(io.StringIO(export.to_csv(rows, columns), newline="")))
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
    output = export.to_csv(rows, ["name", "note"])
    parsed = list(csv.reader(io.StringIO(output, newline="")))
    assert parsed == [["name", "note"], *([r["name"], r["note"]] for r in rows)]


@PROPERTY
@given(st.lists(printable_text, min_size=1, max_size=5))
def test_formula_like_text_only_gains_a_leading_quote(texts: list[str]) -> None:
    rows = [{"name": f"={value}"} for value in texts]
    parsed = list(csv.reader(io.StringIO(export.to_csv(rows, ["name"]), newline="")))
    assert [line[0] for line in parsed[1:]] == [f"'={value}" for value in texts]


def test_the_bundled_startups_export_to_csv_and_json() -> None:
    rows = query.record_rows(DATASET.startups, DATASET)
    columns = list(query.field_names(RecordKind.STARTUP))
    parsed = list(csv.reader(io.StringIO(export.to_csv(rows, columns), newline="")))
    assert len(parsed) == 1 + len(DATASET.startups)
    assert [row[0] for row in parsed[1:]] == [s.id for s in DATASET.startups]
    assert [r["id"] for r in json.loads(export.to_json(rows))] == [s.id for s in DATASET.startups]
