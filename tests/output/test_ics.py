"""Tests of the iCalendar export: what a calendar application reads back from the file."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import UTC, date, datetime

import icalendar
import pytest

from normandie_cli.dataset import load_dataset
from normandie_cli.models import (
    City,
    Dataset,
    Department,
    Event,
    FormerRegion,
    Meta,
    Organization,
    PartialDate,
    Source,
    Startup,
    Term,
)
from normandie_cli.output.ics import PRODID, to_ics


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def bundled_ics(bundled: Dataset) -> tuple[bytes, list[str]]:
    return to_ics(bundled.events, bundled)


def vevents(ics: bytes) -> dict[str, icalendar.Event]:
    """The VEVENTs of a calendar file, by UID, parsed as a calendar application would."""
    calendar = icalendar.Calendar.from_ical(ics)
    return {str(e["UID"]): e for e in calendar.events}


def small_dataset(*events: Event) -> Dataset:
    """A dataset just big enough for the given events: one city, one organiser of each kind."""
    return Dataset(
        meta=Meta(title="Test", version="1", updated=PartialDate(2026, 3), licence="CC0"),
        sources=(
            Source("a", "First", "Tests", "https://example.org/a"),
            Source("b", "Second", "Tests", "https://example.org/b?x=1,2;3"),
        ),
        sectors=(),
        organization_kinds=(Term("hub", "Tiers-lieu", "Hub"),),
        event_kinds=(Term("meetup", "Rencontre", "Meetup"),),
        contests=(),
        departments=(Department("14", "Calvados", FormerRegion.BASSE_NORMANDIE, ("a",)),),
        agglomerations=(),
        cities=(City("caen", "Caen", "14118", "14", ("a",), 49.18, -0.37),),
        startups=(Startup("acme", "Acme", ("a",)),),
        organizations=(Organization("hub", "Le Hub, Caen", "hub", ("a",)),),
        events=events,
    )


def event(**fields: object) -> Event:
    values: dict[str, object] = {
        "id": "meetup",
        "name": "Meetup",
        "sources": ("a",),
        "start": PartialDate(2026, 3, 12),
    }
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


# --- The bundled data ----------------------------------------------------------------


def test_the_calendar_names_its_product_and_version(bundled_ics: tuple[bytes, list[str]]) -> None:
    calendar = icalendar.Calendar.from_ical(bundled_ics[0])
    assert str(calendar["PRODID"]) == PRODID == "-//normandie//Normandy tech events//EN"
    assert str(calendar["VERSION"]) == "2.0"


def calendar_words(ics: bytes) -> dict[str, str]:
    """The calendar's name and description, by property, as a calendar program reads them."""
    calendar = icalendar.Calendar.from_ical(ics)
    names = ("NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC")
    return {name: str(calendar[name]) for name in names}


def test_the_calendar_has_a_name_and_says_where_its_events_come_from() -> None:
    words = calendar_words(to_ics([event()], small_dataset())[0])
    assert words["NAME"] == words["X-WR-CALNAME"] == "Test: events"
    assert (
        words["DESCRIPTION"]
        == words["X-WR-CALDESC"]
        == (
            "Events of Test, version 1, updated 2026-03, under the licence CC0;"
            " each event gives its sources."
        )
    )


def test_the_calendar_name_says_how_its_events_were_chosen() -> None:
    words = calendar_words(to_ics([event()], small_dataset(), "--city caen --upcoming")[0])
    assert words["X-WR-CALNAME"] == "Test: events (--city caen --upcoming)"
    assert words["X-WR-CALDESC"].endswith(" Exported with --city caen --upcoming.")


def test_a_title_or_filter_cannot_work_terminal_codes_in_the_calendar_name() -> None:
    dataset = small_dataset()
    hostile = dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, title="T\x1b[2J"))
    words = calendar_words(to_ics([event()], hostile, "--city \x07caen")[0])
    assert "\x1b" not in words["X-WR-CALNAME"] and "\x07" not in words["X-WR-CALNAME"]
    assert words["X-WR-CALNAME"] == "T␛[2J: events (--city ␇caen)"


def test_one_vevent_per_event_dated_to_the_day_with_a_stable_uid(
    bundled: Dataset, bundled_ics: tuple[bytes, list[str]]
) -> None:
    dated = [e.id for e in bundled.events if e.start is not None and e.start.day is not None]
    calendar = icalendar.Calendar.from_ical(bundled_ics[0])
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert uids == [f"{event_id}@normandie" for event_id in dated]
    assert len(set(uids)) == len(uids)
    assert "codeurs-en-seine-2016@normandie" in uids


def test_a_multi_day_event_ends_the_day_after_its_last_day(
    bundled_ics: tuple[bytes, list[str]],
) -> None:
    ces = vevents(bundled_ics[0])["codeurs-en-seine-2016@normandie"]
    # All-day values are dates, not midnight datetimes, and the end is exclusive.
    assert type(ces.decoded("DTSTART")) is date
    assert ces.decoded("DTSTART") == date(2016, 11, 24)
    assert ces.decoded("DTEND") == date(2016, 11, 27)
    assert b"DTSTART;VALUE=DATE:20161124\r\n" in bundled_ics[0]
    assert b"DTEND;VALUE=DATE:20161127\r\n" in bundled_ics[0]


def test_a_one_day_event_ends_the_next_day(bundled_ics: tuple[bytes, list[str]]) -> None:
    ces = vevents(bundled_ics[0])["codeurs-en-seine-2019@normandie"]
    assert ces.decoded("DTSTART") == date(2019, 11, 21)
    assert ces.decoded("DTEND") == date(2019, 11, 22)


@pytest.mark.parametrize(
    ("event_id", "location"),
    [
        ("codeurs-en-seine-2019", "Kindarena, Rouen"),
        ("codeurs-en-seine-2016", "Université de Rouen (talks) and Seine Innopolis (workshops)"),
        ("seine-innopolis-inauguration-2013", "Le Petit-Quevilly"),
        ("caencamp-talks-50", "Online"),
    ],
)
def test_location_joins_venue_and_city_or_says_online(
    bundled_ics: tuple[bytes, list[str]], event_id: str, location: str
) -> None:
    assert str(vevents(bundled_ics[0])[f"{event_id}@normandie"]["LOCATION"]) == location


def test_an_event_with_no_place_has_no_location(bundled_ics: tuple[bytes, list[str]]) -> None:
    assert "LOCATION" not in vevents(bundled_ics[0])["seine-biopolis-2-inauguration-2013@normandie"]


def test_summary_url_categories_and_description(
    bundled: Dataset, bundled_ics: tuple[bytes, list[str]]
) -> None:
    ces = vevents(bundled_ics[0])["codeurs-en-seine-2015@normandie"]
    record = next(e for e in bundled.events if e.id == "codeurs-en-seine-2015")
    urls = {s.id: s.url for s in bundled.sources}
    names = {o.id: o.name for o in bundled.organizations}
    assert str(ces["SUMMARY"]) == "Codeurs en Seine 2015"
    assert str(ces["URL"]) == "https://www.codeursenseine.com"
    assert ces.categories == ["Conference"]
    assert str(ces["DESCRIPTION"]) == (
        f"{record.description}\n\n"
        f"Organisers: {', '.join(names[o] for o in record.organizers)}\n"
        f"Sources: {', '.join(urls[s] for s in record.sources)}"
    )


def test_dtstamp_is_the_datasets_updated_day_at_midnight_utc(
    bundled: Dataset, bundled_ics: tuple[bytes, list[str]]
) -> None:
    expected = datetime.combine(bundled.meta.updated.first_day, datetime.min.time(), UTC)
    stamps = {e.decoded("DTSTAMP") for e in vevents(bundled_ics[0]).values()}
    assert stamps == {expected}


def test_events_not_dated_to_the_day_are_left_out_with_a_note(
    bundled_ics: tuple[bytes, list[str]],
) -> None:
    ics, notes = bundled_ics
    assert (
        "left out 'startup-weekend-rouen-2020': its date is known only to the year (2020)" in notes
    )
    assert "left out 'caencamp-talks-13': its date is known only to the month (Jun 2013)" in notes
    assert "left out 'ramene-ta-fraise': it has no known date" in notes
    uids = vevents(ics)
    for left_out in ("startup-weekend-rouen-2020", "caencamp-talks-13", "ramene-ta-fraise"):
        assert f"{left_out}@normandie" not in uids


def test_two_runs_give_the_same_bytes(bundled: Dataset) -> None:
    assert to_ics(bundled.events, bundled) == to_ics(bundled.events, bundled)


def test_only_the_given_events_are_exported(bundled: Dataset) -> None:
    chosen = [e for e in bundled.events if e.series == "codeurs-en-seine"]
    ics, notes = to_ics(chosen, bundled)
    assert all(uid.startswith("codeurs-en-seine-") for uid in vevents(ics))
    assert notes == ["left out 'codeurs-en-seine-2021': its date is known only to the year (2021)"]


# --- Handmade data ---------------------------------------------------------------------


def test_long_lines_are_folded_to_75_octets() -> None:
    # Accented letters take two octets in UTF-8: folding must count octets, not characters.
    description = "Rencontre à Caen autour du développement logiciel. " * 40
    ics, _ = to_ics([event(description=description)], small_dataset())
    physical = ics.split(b"\r\n")
    assert physical[-1] == b""
    assert any(line.startswith(b" ") for line in physical)
    for line in physical:
        assert len(line) <= 75, line
    lines = ics.decode("utf-8").split("\r\n")
    description_at = next(i for i, line in enumerate(lines) if line.startswith("DESCRIPTION:"))
    assert lines[description_at + 1].startswith(" ")
    parsed = vevents(ics)["meetup@normandie"]
    assert str(parsed["DESCRIPTION"]) == f"{description}\n\nSources: https://example.org/a"


def test_commas_semicolons_and_newlines_are_escaped_and_read_back() -> None:
    name = "Rust, Go; and Zig\nan evening"
    venue = "Salle 2; bâtiment B"
    description = "Talks, food; drinks.\nBring a laptop."
    dataset = small_dataset()
    ics, _ = to_ics(
        [event(name=name, venue=venue, city="caen", description=description, sources=("b",))],
        dataset,
    )
    text = ics.decode("utf-8").replace("\r\n ", "")  # unfolded
    assert "SUMMARY:Rust\\, Go\\; and Zig\\nan evening\r\n" in text
    assert "LOCATION:Salle 2\\; bâtiment B\\, Caen\r\n" in text
    assert "DESCRIPTION:Talks\\, food\\; drinks.\\nBring a laptop.\\n\\nSources:" in text
    parsed = vevents(ics)["meetup@normandie"]
    assert str(parsed["SUMMARY"]) == name
    assert str(parsed["LOCATION"]) == f"{venue}, Caen"
    assert str(parsed["DESCRIPTION"]) == (
        f"{description}\n\nSources: https://example.org/b?x=1,2;3"
    )


def test_organisers_may_be_organisations_or_startups() -> None:
    ics, _ = to_ics([event(organizers=("hub", "acme"))], small_dataset())
    description = str(vevents(ics)["meetup@normandie"]["DESCRIPTION"])
    assert description == "Organisers: Le Hub, Caen, Acme\nSources: https://example.org/a"


def test_a_hybrid_event_names_its_place_and_online() -> None:
    ics, _ = to_ics([event(venue="Le Dôme", city="caen", online=True)], small_dataset())
    assert str(vevents(ics)["meetup@normandie"]["LOCATION"]) == "Le Dôme, Caen, Online"


def test_an_event_without_kind_url_or_place_has_only_what_is_known() -> None:
    ics, _ = to_ics([event()], small_dataset())
    parsed = vevents(ics)["meetup@normandie"]
    for absent in ("CATEGORIES", "URL", "LOCATION"):
        assert absent not in parsed
    assert parsed.decoded("DTSTAMP") == datetime(2026, 3, 1, tzinfo=UTC)


def test_an_end_known_only_to_the_month_leaves_the_first_day_with_a_note() -> None:
    long_one = event(start=PartialDate(2020, 11, 3), end=PartialDate(2020, 12))
    ics, notes = to_ics([long_one], small_dataset())
    parsed = vevents(ics)["meetup@normandie"]
    assert parsed.decoded("DTSTART") == date(2020, 11, 3)
    assert parsed.decoded("DTEND") == date(2020, 11, 4)
    assert notes == [
        "'meetup' is shown on its first day only: its end is known only to the month (Dec 2020)"
    ]


def test_an_end_on_the_last_day_of_a_month_ends_in_the_next_month() -> None:
    ics, _ = to_ics(
        [event(start=PartialDate(2025, 12, 30), end=PartialDate(2025, 12, 31))], small_dataset()
    )
    assert vevents(ics)["meetup@normandie"].decoded("DTEND") == date(2026, 1, 1)


def test_no_datable_event_gives_a_calendar_without_events() -> None:
    ics, notes = to_ics([event(start=None)], small_dataset())
    assert vevents(ics) == {}
    assert str(icalendar.Calendar.from_ical(ics)["PRODID"]) == PRODID
    assert notes == ["left out 'meetup': it has no known date"]


def test_the_event_order_is_kept() -> None:
    first = event(id="b-event", start=PartialDate(2026, 5, 1))
    second = event(id="a-event", start=PartialDate(2026, 4, 1))
    ics, _ = to_ics([first, second], small_dataset())
    assert list(vevents(ics)) == ["b-event@normandie", "a-event@normandie"]


@pytest.mark.subprocess
def test_importing_the_module_does_not_import_icalendar() -> None:
    code = "import sys, normandie_cli.output.ics; print('icalendar' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
