"""iCalendar (RFC 5545) export of events: one all-day VEVENT per event dated to the day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from normandie_cli.i18n import _, human_date
from normandie_cli.models import Dataset, Event, PartialDate
from normandie_cli.text import inert

PRODID = "-//normandie//Normandy tech events//EN"
UID_DOMAIN = "normandie"
ONLINE = "Online"


def to_ics(
    events: Sequence[Event], dataset: Dataset, selection: str = ""
) -> tuple[bytes, list[str]]:
    """The events as an iCalendar file, and notes on what could not be put in it.

    The calendar is named after the dataset and `selection`, the filters as typed
    ('--city caen --upcoming'), so that two calendars exported with different filters and
    subscribed side by side can be told apart; its description says where the events come
    from and under which licence.

    Only an event whose start is known to the day has a place in a calendar; the others are
    left out, each with a note saying why. An event whose end is not known to the day is
    shown on its first day, also with a note: count the VEVENTs, not the notes, to know how
    many events the file holds. The output depends on the data alone (fixed UIDs,
    a DTSTAMP taken from the dataset's `updated` day), so the same data gives the same bytes.
    """
    # Imported here so that listing commands do not pay for it.
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    # NAME and DESCRIPTION are RFC 7986's; X-WR-CALNAME and X-WR-CALDESC are what most
    # calendar programs read. Written as icalendar's own Calendar.calendar_name and
    # .description write them (from icalendar 6.1 on; add() works with every version).
    name, description = _calendar_words(dataset, selection)
    for prop, value in (("name", name), ("x-wr-calname", name)):
        calendar.add(prop, value)
    for prop, value in (("description", description), ("x-wr-caldesc", description)):
        calendar.add(prop, value)
    # RFC 5545 wants DTSTAMP in UTC; the day the data last changed stands in for "now" so
    # that the file does not change from one run to the next.
    stamp = datetime.combine(dataset.meta.updated.first_day, time(0, 0), tzinfo=UTC)
    organizer_names = {o.id: o.name for o in dataset.organizations}
    organizer_names.update({s.id: s.name for s in dataset.startups})
    source_urls = {s.id: s.url for s in dataset.sources}
    city_names = {c.id: c.name for c in dataset.cities}
    kind_labels = {k.id: k.name_en for k in dataset.event_kinds}

    notes: list[str] = []
    for event in events:
        start = _whole_day(event.start)
        if start is None:
            left_out = _("left out {id!r}: {reason}")
            notes.append(left_out.format(id=event.id, reason=_vagueness(event.start)))
            continue
        last = start
        if event.end is not None:
            end = _whole_day(event.end)
            if end is None:
                first_day_only = _("{id!r} is shown on its first day only: {reason}")
                notes.append(
                    first_day_only.format(id=event.id, reason=_vagueness(event.end, end=True))
                )
            else:
                last = end

        vevent = icalendar.Event()
        vevent.add("uid", f"{event.id}@{UID_DOMAIN}")
        vevent.add("dtstamp", stamp)
        vevent.add("summary", _text(event.name))
        vevent.add("dtstart", start)
        # All-day events end exclusive: the day after the last one.
        vevent.add("dtend", last + timedelta(days=1))
        location = _location(event, city_names)
        if location:
            vevent.add("location", _text(location))
        if event.url is not None:
            vevent.add("url", event.url)
        vevent.add("description", _text(_description(event, organizer_names, source_urls)))
        if event.kind is not None:
            vevent.add("categories", [_text(kind_labels[event.kind])])
        calendar.add_component(vevent)

    ical: bytes = calendar.to_ical()
    return ical, notes


def _calendar_words(dataset: Dataset, selection: str) -> tuple[str, str]:
    """The calendar's name and description. In English whatever the interface language, like
    the events' own words: a calendar is the same file in both languages."""
    meta = dataset.meta
    name = f"{meta.title}: events"
    description = (
        f"Events of {meta.title}, version {meta.version}, updated {meta.updated}, under the"
        f" licence {meta.licence}; each event gives its sources."
    )
    if selection:
        name += f" ({selection})"
        description += f" Exported with {selection}."
    return _text(name), _text(description)


def _text(value: str) -> str:
    """Text as a calendar may hold it: RFC 5545 allows no control character but line breaks
    and tabs, and a calendar printed on a terminal must not work its escape codes either."""
    return "\n".join(
        "\t".join(inert(part) for part in line.split("\t")) for line in value.split("\n")
    )


def _whole_day(value: PartialDate | None) -> date | None:
    if value is None or value.day is None:
        return None
    return value.first_day


def _vagueness(value: PartialDate | None, end: bool = False) -> str:
    """Why a date (or the end date) is not a day, as the end of a sentence about an event."""
    if value is None:
        return _("it has no known end") if end else _("it has no known date")
    if value.month is None:
        if end:
            return _("its end is known only to the year ({date})").format(date=human_date(value))
        return _("its date is known only to the year ({date})").format(date=human_date(value))
    if end:
        return _("its end is known only to the month ({date})").format(date=human_date(value))
    return _("its date is known only to the month ({date})").format(date=human_date(value))


def _location(event: Event, city_names: Mapping[str, str]) -> str:
    parts = [event.venue, city_names[event.city] if event.city is not None else None]
    if event.online:
        parts.append(ONLINE)
    return ", ".join(part for part in parts if part)


def _description(
    event: Event, organizer_names: Mapping[str, str], source_urls: Mapping[str, str]
) -> str:
    """The event's description, then who organises it and where the facts come from."""
    facts = []
    if event.organizers:
        names = ", ".join(organizer_names[o] for o in event.organizers)
        facts.append(f"Organisers: {names}")
    facts.append(f"Sources: {', '.join(source_urls[s] for s in event.sources)}")
    paragraphs = [event.description, "\n".join(facts)]
    return "\n\n".join(p for p in paragraphs if p)
