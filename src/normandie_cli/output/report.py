"""`normandie report` as one self-contained HTML page: the report's content turned into the
page's blocks (figures from report_figures, the events to come, what is missing, the
sources), rendered by the Jinja2 templates in output/templates with autoescape on.

Safe by construction: every value the template prints goes through `_printed`, which shows
control and bidirectional characters as symbols (text.inert), then through autoescape;
links are made only of http and https addresses (`web_address`); the page has no script,
no event handler and nothing to fetch, under the Content-Security-Policy it declares.
Jinja2 is imported only here, and this module only by `normandie report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from normandie_cli.frozen import frozen
from normandie_cli.i18n import N_, _, human_date, localized
from normandie_cli.models import Event, PartialDate, RecordKind
from normandie_cli.output.charts import spaced
from normandie_cli.output.report_figures import (
    FACT_NAMES,
    KIND_NAMES,
    Figure,
    awards_figure,
    events_figure,
    founding_figure,
    funding_figure,
    known_line,
    map_figure,
    organizations_figure,
    startups_figure,
    timeline_figure,
)
from normandie_cli.places import CompareBy
from normandie_cli.query import latest_event
from normandie_cli.report_content import Fact, ReportContent
from normandie_cli.text import inert

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"
# What the page may load: its own inline styles, and data: images (the favicon).
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@frozen
class EventRow:
    when: str
    name: str
    url: str | None  # an http(s) address, or None: then the name is not a link
    place: str


@frozen
class SeriesRow:
    latest: EventRow
    editions: int


@frozen
class MissingRow:
    kind: str
    fact: str
    known: int
    total: int


@frozen
class SourceRow:
    title: str
    publisher: str
    url: str | None
    date: str
    licence: str
    cited_by: int


@frozen
class Block:
    """A block of the page that is not a chart: its reading and coverage lines."""

    reading: str
    coverage: tuple[str, ...]


@frozen
class Page:
    """Everything the template shows, as text and numbers: no decision is left to it."""

    lang: str
    csp: str
    title: str
    about: tuple[str, ...]
    totals: tuple[tuple[str, str], ...]
    compared: str
    scenes: tuple[Figure, ...]
    map: Figure
    timeline: Figure
    upcoming: Block
    events: tuple[EventRow, ...]
    more_events: int
    series: tuple[SeriesRow, ...]
    missing: Block
    missing_rows: tuple[MissingRow, ...]
    sources: Block
    attributions: tuple[SourceRow, ...]
    source_rows: tuple[SourceRow, ...]
    licence: str


def web_address(url: str | None) -> str | None:
    """The address when it may become a link: http or https, a host, nothing that is not
    printable; else None, and the page shows the text without a link."""
    from urllib.parse import urlsplit

    if not url or not url.isprintable() or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _day(value: PartialDate | None) -> str:
    return "" if value is None else human_date(value)


def event_row(event: Event, city_names: dict[str, str]) -> EventRow:
    place = [city_names.get(event.city or "", ""), event.venue or ""]
    if event.online:
        place.append(_("online"))
    start, end = _day(event.start), _day(event.end)
    when = f"{start} – {end}" if end and end != start else start
    return EventRow(
        when or _("date unknown"),
        event.name,
        web_address(event.url),
        " · ".join(p for p in place if p),
    )


def upcoming_block(content: ReportContent) -> Block:
    today = human_date(content.today)
    dated = [k for k in content.coverage if k.kind is RecordKind.EVENT and k.fact is Fact.DATE]
    coverage = tuple(known_line(k) for k in dated)
    if content.upcoming:
        first = content.upcoming[0]
        total = len(content.upcoming) + content.more_upcoming
        reading = _("Upcoming as of {today}: {count}; the next: {name}, {date}.").format(
            count=spaced(total), today=today, name=first.name, date=_day(first.start)
        )
        return Block(reading, coverage)
    latest = latest_event(content.dataset.events)
    if latest is None:
        return Block(_("No event on this page has a known date."), coverage)
    reading = _("No upcoming event is dated as of {today}; the latest known: {name}, {date}.")
    reading = reading.format(today=today, name=latest.name, date=_day(latest.end or latest.start))
    if content.series:
        reading += " " + _("Recurring series, by their latest edition:")
    return Block(reading, coverage)


def missing_rows(content: ReportContent) -> tuple[MissingRow, ...]:
    """Every fact's coverage, but "placed on the map" where it says no more than "city known"
    (every commune with a record has coordinates)."""
    by_key = {(k.kind, k.fact): k for k in content.coverage}
    rows = []
    for known in content.coverage:
        city = by_key.get((known.kind, Fact.CITY))
        if known.fact is Fact.ON_MAP and city is not None and city.known == known.known:
            continue
        rows.append(
            MissingRow(
                _(KIND_NAMES[known.kind]), _(FACT_NAMES[known.fact]), known.known, known.total
            )
        )
    return tuple(rows)


def sources_block(content: ReportContent) -> tuple[Block, tuple[SourceRow, ...]]:
    rows = tuple(
        SourceRow(
            localized(c.source.title_fr, c.source.title),
            c.source.publisher,
            web_address(c.source.url),
            _day(c.source.date),
            c.source.licence or "",
            c.cited_by,
        )
        for c in content.sources
    )
    licensed = sum(1 for row in rows if row.licence)
    reading = _(
        "Sources cited by what this page shows: {count}; open data reused under a licence:"
        " {licensed}, credited below as the licence asks."
    ).format(count=spaced(len(rows)), licensed=spaced(licensed))
    dated = sum(1 for row in rows if row.date)
    coverage = (
        _("Every record cites at least one source; “cited by” counts the records on this page."),
        _("Sources: date known for {known} of {total}").format(
            known=spaced(dated), total=spaced(len(rows))
        ),
    )
    return Block(reading, coverage), rows


_COMPARED = {
    CompareBy.CITY: N_("each city with its agglomeration"),
    CompareBy.REGION: N_("the two former regions, Basse- and Haute-Normandie"),
    CompareBy.DEPARTMENT: N_("each department"),
}


def page(content: ReportContent) -> Page:
    """The page's text and numbers, in the language chosen."""
    dataset, meta = content.dataset, content.meta
    city_names = {c.id: c.name for c in dataset.cities}
    about = [
        _("Dataset: {title}, version {version}, updated {date}.").format(
            title=meta.title, version=meta.version, date=human_date(meta.updated)
        ),
        _("Events to come are counted from {date}.").format(date=human_date(content.today)),
    ]
    if content.filters:
        about.append(_("Filters: {filters}").format(filters=content.filters))
    totals = (
        (_("Startups"), spaced(len(dataset.startups))),
        (_("Organisations"), spaced(len(dataset.organizations))),
        (_("Events"), spaced(len(dataset.events))),
        (_("Sources"), spaced(len(content.sources))),
    )
    sources, source_rows = sources_block(content)
    missing = missing_rows(content)
    counted = [row for row in missing if row.total]
    worst = min(counted, key=lambda r: (r.known / r.total, r.kind), default=None)
    if worst is not None and worst.known < worst.total:
        missing_reading = _("The least known: {kind}, {fact} for {known} of {total}.").format(
            kind=worst.kind, fact=worst.fact, known=spaced(worst.known), total=spaced(worst.total)
        )
    else:
        missing_reading = _("Nothing is missing on this page.")
    compared = _("Scenes compared: {how}.").format(how=_(_COMPARED[content.by]))
    return Page(
        lang=localized("fr", "en"),
        csp=CONTENT_SECURITY_POLICY,
        title=_("The Normandy tech ecosystem"),
        about=tuple(about),
        totals=totals,
        compared=compared,
        scenes=(
            startups_figure(content),
            founding_figure(content),
            organizations_figure(content),
            events_figure(content),
            awards_figure(content),
            funding_figure(content),
        ),
        map=map_figure(content),
        timeline=timeline_figure(content),
        upcoming=upcoming_block(content),
        events=tuple(event_row(e, city_names) for e in content.upcoming),
        more_events=content.more_upcoming,
        series=tuple(
            SeriesRow(event_row(s.latest, city_names), s.editions) for s in content.series
        ),
        missing=Block(
            missing_reading, (_("A fact no source states is left empty, never guessed."),)
        ),
        missing_rows=missing,
        sources=sources,
        attributions=tuple(row for row in source_rows if row.licence),
        source_rows=source_rows,
        licence=_("This compilation, {title}, is under the licence {licence}.").format(
            title=meta.title, licence=meta.licence
        ),
    )


def _printed(value: object) -> object:
    """What the template prints: text made inert (control characters as symbols); the
    template's own markup (macros, which have __html__) passes as it is."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return inert(value)
    return value


def _units(value: float) -> str:
    """A coordinate or length in an SVG attribute: 150 rather than 150.0."""
    return f"{value:g}"


def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_printed,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["_"] = _
    env.filters["units"] = _units
    env.filters["number"] = spaced
    return env


def to_html(content: ReportContent) -> str:
    """The report as one HTML page, in the language chosen."""
    return environment().get_template("report.html.j2").render(page=page(content))
