"""Rich renderables for people at a terminal; built from models, returned, never printed.

Every value from the data goes into a `Text` after `inert()`, so brackets are never read as
markup and escape sequences are shown, not obeyed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from normandie_cli.i18n import N_, _, days_until, group_digits, human_date, localized
from normandie_cli.models import (
    Award,
    CityBasis,
    Dataset,
    FundingKind,
    FundingRound,
    PartialDate,
    Record,
    RecordKind,
    Source,
    plain,
)
from normandie_cli.output.headings import field_heading
from normandie_cli.places import REGION_NAMES
from normandie_cli.series import describe
from normandie_cli.summary import DatasetSummary, Overview
from normandie_cli.text import inert

if TYPE_CHECKING:
    from normandie_cli.overlay_review import OverlayEntry

_TITLES = {
    RecordKind.STARTUP: N_("Startups"),
    RecordKind.ORGANIZATION: N_("Organisations"),
    RecordKind.EVENT: N_("Events"),
    RecordKind.CITY: N_("Cities"),
    RecordKind.SOURCE: N_("Sources"),
    RecordKind.AGGLOMERATION: N_("Agglomerations"),
    RecordKind.SECTOR: N_("Sectors"),
    RecordKind.ORGANIZATION_KIND: N_("Organisation kinds"),
    RecordKind.EVENT_KIND: N_("Event kinds"),
    RecordKind.CONTEST: N_("Contests"),
    RecordKind.DEPARTMENT: N_("Departments"),
}
_SINGULAR = {
    RecordKind.STARTUP: N_("Startup"),
    RecordKind.ORGANIZATION: N_("Organisation"),
    RecordKind.EVENT: N_("Event"),
    RecordKind.CITY: N_("City"),
    RecordKind.SOURCE: N_("Source"),
    RecordKind.AGGLOMERATION: N_("Agglomeration"),
    RecordKind.SECTOR: N_("Sector"),
    RecordKind.ORGANIZATION_KIND: N_("Organisation kind"),
    RecordKind.EVENT_KIND: N_("Event kind"),
    RecordKind.CONTEST: N_("Contest"),
    RecordKind.DEPARTMENT: N_("Department"),
}
_FUNDING_KINDS = {
    FundingKind.EQUITY: N_("equity"),
    FundingKind.LOAN: N_("loan"),
    FundingKind.GRANT: N_("grant, not money raised"),
}
_DATES = frozenset({"start", "end", "founded", "date"})
_NUMERIC = frozenset({"startups", "organizations", "events", "population", "cited_by"})
# The columns that identify a record keep their width (up to a point); the others wrap first.
_IDENTIFYING = frozenset({"id", "name"})
# Ids, codes and addresses are copied into other commands: never cut inside one (a list of
# them may wrap between two). A table that cannot hold them whole becomes blocks.
_ONE_TOKEN = frozenset({"id", "website", "url", "siren", "insee", "department"})
_UNBREAKABLE = _ONE_TOKEN | {"sources"}
# The least a wrapping column is given when judging whether a table fits.
_NARROWEST_COLUMN = 8


class _Names:
    """Display names for the ids records refer to."""

    def __init__(self, dataset: Dataset) -> None:
        self.by_field: dict[str, dict[str, str]] = {
            "city": {c.id: c.name for c in dataset.cities},
            "seat": {c.id: c.name for c in dataset.cities},
            "agglomeration": {a.id: a.name for a in dataset.agglomerations},
            "sectors": {s.id: localized(s.name_fr, s.name_en) for s in dataset.sectors},
            "hosted_by": {o.id: o.name for o in dataset.organizations},
            "contest": {c.id: localized(c.name_fr, c.name_en) for c in dataset.contests},
            "organizers": {
                **{o.id: o.name for o in dataset.organizations},
                **{s.id: s.name for s in dataset.startups},
            },
            "research_units": {o.id: o.name for o in dataset.organizations},
            "former_region": {region.value: name for region, name in REGION_NAMES.items()},
            "parents": {o.id: o.name for o in dataset.organizations},
            "kind": {
                **{k.id: localized(k.name_fr, k.name_en) for k in dataset.organization_kinds},
                **{k.id: localized(k.name_fr, k.name_en) for k in dataset.event_kinds},
            },
            "status": {"active": _("active"), "acquired": _("acquired"), "closed": _("closed")},
            "city_basis": {
                CityBasis.INFERRED.value: _("inferred from other records of the same venue"),
                CityBasis.PREMISES.value: _("premises at a date, not the registered office"),
            },
        }

    def _award(self, award: Award) -> str:
        """'i-Lab contest 2012, en émergence: project (50 000 €)'."""
        text = f"{self.show('contest', award.contest)} {award.year}"
        text += "".join(f", {inert(part)}" for part in (award.category, award.prize) if part)
        if award.project:
            text += f": {inert(award.project)}"
        if award.amount is not None:
            text += f" ({_euros(award.amount)})"
        return text

    def _funding(self, round_: FundingRound) -> str:
        """'Nov 2016: 4 200 000 € from Fund A, Fund B'; a grant says it is one."""
        amount = _("amount unknown") if round_.amount is None else _euros(round_.amount)
        if round_.kind is not None:
            amount += f" ({_(_FUNDING_KINDS[round_.kind])})"
        if round_.currency != "EUR" and round_.amount is not None:
            amount = f"{round_.amount:,} {round_.currency}".replace(",", " ")
        when = _("date unknown") if round_.date is None else human_date(round_.date)
        text = _("{date}: {amount}").format(date=when, amount=amount)
        if round_.investors:
            investors = _("from {investors}").format(investors=inert(", ".join(round_.investors)))
            text += f" {investors}"
        return text

    def show(self, field: str, value: Any) -> str:
        names = self.by_field.get(field, {})
        if isinstance(value, tuple | list) and field in ("awards", "funding"):
            return "\n".join(self.show(field, v) for v in value)
        if isinstance(value, tuple | list):
            return ", ".join(self.show(field, v) for v in value)
        if isinstance(value, Award):
            return self._award(value)
        if isinstance(value, FundingRound):
            return self._funding(value)
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, PartialDate):
            return human_date(value)
        if field in ("activity", "headcount") and isinstance(value, str):
            from normandie_cli.nomenclature import labelled

            return inert(labelled(field, value))
        text = names.get(value, value) if isinstance(value, str) else str(plain(value))
        return inert(text)


def _euros(amount: int) -> str:
    return f"{amount:,} €".replace(",", " ")


# Below this many columns a table squeezes its cells to nothing: list records one by one.
NARROW_WIDTH = 60


def records_table(
    kind: RecordKind,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    dataset: Dataset,
    width: int = 80,
    today: date | None = None,
) -> RenderableType:
    """One row per record, with names shown for the ids they refer to.

    On a narrow terminal each record becomes a small block of 'field  value' lines. Given
    today's date, an event still to come says how soon under its start ('in 5 days').
    """
    names = _Names(dataset)
    title = f"{_(_TITLES[kind])} ({len(rows)})"

    def cell(column: str, row: Mapping[str, Any]) -> Text:
        text = Text(names.show(column, row[column]))
        soon = _how_soon(row, today) if column == "start" and today else None
        if soon:
            text.append(f"\n{soon}", style="dim")
        return text

    shown = {column: [cell(column, row) for row in rows] for column in columns}
    longest = {c: max((t.cell_len for t in shown[c]), default=0) for c in columns}
    longest_line = {
        c: max((cell_len(line) for t in shown[c] for line in t.plain.split("\n")), default=0)
        for c in columns
    }
    longest_token = {
        c: max((_longest_token(t.plain) for t in shown[c]), default=0) for c in columns
    }
    unwrapped = _DATES | _NUMERIC | _ONE_TOKEN
    needed = sum(
        longest_line[c]
        if c in unwrapped
        else longest_token[c]
        if c in _UNBREAKABLE
        else min(longest[c], _NARROWEST_COLUMN)
        for c in columns
    )
    if width < NARROW_WIDTH or needed + 3 * len(columns) + 1 > width:
        blocks: list[RenderableType] = [Text(title, style="bold")]
        for row in rows:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(style="dim", no_wrap=True)
            grid.add_column(overflow="fold")
            for column in columns:
                grid.add_row(Text(field_heading(column)), cell(column, row))
            blocks += [Text(""), grid]
        return Group(*blocks)
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for column in columns:
        if column in _UNBREAKABLE:
            least: int | None = longest_token[column]
        else:
            least = min(longest[column], 12) if column in _IDENTIFYING else None
        table.add_column(
            field_heading(column),
            min_width=least,
            overflow="fold",
            # Dates, counts, ids and addresses never wrap.
            no_wrap=column in unwrapped,
            justify="right" if column in _NUMERIC else "left",
        )
    for index in range(len(rows)):
        table.add_row(*(shown[c][index] for c in columns))
    return table


def _longest_token(text: str) -> int:
    """The widest piece of a cell that must stay on one line: an id of a list, an address."""
    return max((cell_len(part) for part in re.split(r",? ", text)), default=0)


def _how_soon(event: Mapping[str, Any], today: date) -> str | None:
    """'in 5 days', 'tomorrow', 'today', or 'under way' for an event that began before
    today and is not over; None for an event that is over or whose first day is unknown."""
    start, end = event.get("start"), event.get("end")
    if not isinstance(start, PartialDate) or start.day is None:
        return None
    if start.first_day >= today:
        return days_until(start.first_day, today)
    last = (end or start).last_day
    return _("under way") if last >= today else None


def record_detail(
    kind: RecordKind,
    fields: Mapping[str, Any],
    sources: Sequence[Source],
    dataset: Dataset,
    origin: str,
    marks: Mapping[str, str] | None = None,
    citing: Sequence[tuple[RecordKind, Record]] = (),
) -> RenderableType:
    """Every field of one record, where it comes from, then the sources it cites (or, for a
    source, the records that cite it); `marks` notes where single fields come from (the
    register, and when it was checked)."""
    names = _Names(dataset)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text(_("Record")), Text(_(_SINGULAR[kind])))
    grid.add_row(Text(_("From")), Text(inert(origin)))
    for field, value in fields.items():
        if field == "sources" or value in (None, (), False):
            continue
        shown = Text(names.show(field, value))
        if marks and field in marks:
            shown.append(f"  ({inert(marks[field])})", style="dim")
        grid.add_row(Text(field_heading(field)), shown)
    listing: list[RenderableType] = [Text(""), Text(_("Sources"), style="bold")] if sources else []
    for source in sources:
        details = ", ".join(x for x in (source.publisher, names.show("date", source.date)) if x)
        entry = Text(f"{inert(source.title)} ({inert(details)})")
        entry.append(f"\n{inert(source.url)}", style="dim")
        entry.append(f"\nid: {source.id}", style="dim")
        listing.append(Padding(entry, (0, 0, 1, 2)))
    if citing:
        heading = _("Cited by ({count})").format(count=group_digits(len(citing)))
        listing += [Text(""), Text(heading, style="bold")]
        for cited_kind, record in citing:
            name = getattr(record, "name", None) or record.id
            line = Text(f"{_(_SINGULAR[cited_kind])}: {inert(str(name))}")
            line.append(f"  {record.id}", style="dim")
            listing.append(Padding(line, (0, 0, 0, 2)))
    return Group(grid, *listing)


_CHANGES = {"added": N_("added"), "replaced": N_("replaced"), "retired": N_("retired")}


def overlay_table(entries: Sequence[OverlayEntry], path: str) -> RenderableType:
    """What an overlay adds, replaces and retires: a row each, with the fields it changes."""
    from normandie_cli.overlay_review import describe_change

    title = _("Your overlay: {path} ({count})").format(path=inert(path), count=len(entries))
    table = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD)
    for header in (_("Change"), _("Record"), _("Id"), _("Name"), _("Details")):
        table.add_column(header, overflow="fold")
    for entry in entries:
        lines = [describe_change(c) for c in entry.fields] or [entry.reason or ""]
        table.add_row(
            Text(_(_CHANGES[entry.change])),
            Text(_(_SINGULAR[entry.kind])),
            Text(entry.id),
            Text(inert(entry.name)),
            Text("\n".join(inert(line) for line in lines)),
        )
    return table


def search_results(
    groups: Mapping[RecordKind, Sequence[Mapping[str, Any]]],
    columns: Mapping[RecordKind, Sequence[str]],
    dataset: Dataset,
    width: int = 80,
) -> RenderableType:
    """One table per kind of record found."""
    return Group(
        *(records_table(k, rows, columns[k], dataset, width) for k, rows in groups.items())
    )


def summary_view(summary: DatasetSummary) -> RenderableType:
    """The dataset at a glance: version, date, counts, then the credits licences require."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text(_("Dataset")), Text(inert(summary.title)))
    grid.add_row(Text(_("Version")), Text(inert(summary.version)))
    grid.add_row(Text(_("Updated")), Text(human_date(PartialDate.parse(summary.updated))))
    grid.add_row(Text(_("Licence")), Text(inert(summary.licence)))
    if summary.refreshed:
        refreshed = _("{date}, by `normandie update` from: {sources}").format(
            date=human_date(PartialDate.parse(summary.refreshed)),
            sources="; ".join(summary.refreshed_from) or "—",
        )
        grid.add_row(Text(_("Refreshed")), Text(inert(refreshed)))
    for kind, count in summary.counts.items():
        grid.add_row(Text(_(_TITLES[RecordKind(kind)])), Text(group_digits(count)))
    parts: list[RenderableType] = [grid, Text("")]
    parts.append(Text(_("What the data knows, field by field"), style="bold"))
    known = Table.grid(padding=(0, 2))
    known.add_column(no_wrap=True)
    known.add_column(overflow="fold")
    for table, fields in summary.coverage.items():
        items = [
            Text(
                _("{field} {count} of {total}").format(
                    field=field_heading(field).lower(),
                    count=group_digits(k.count),
                    total=group_digits(k.total),
                )
            )
            for field, k in fields.items()
        ]
        known.add_row(Text(_(_TITLES[RecordKind(table)])), Columns(items, padding=(0, 3)))
    parts.append(Padding(known, (0, 0, 0, 2)))
    if summary.attributions:
        parts += [Text(""), Text(_("Open data reused, with its licence"), style="bold")]
        for item in summary.attributions:
            line = Text(f"{inert(item.publisher)}, “{inert(item.title)}”")
            if item.updated:
                updated = human_date(PartialDate.parse(item.updated))
                line.append(", " + _("last updated {date}").format(date=updated))
            line.append(f" — {inert(item.licence)}")
            line.append(f"\n{inert(item.url)}", style="dim")
            parts.append(Padding(line, (0, 0, 0, 2)))
    return Group(*parts)


# Three commands a newcomer can run as they are, each showing a different side of the data.
TRY_COMMANDS = (
    ("normandie startups --city rouen", N_("the startups of the Rouen scene")),
    ("normandie events --upcoming", N_("what is coming up")),
    ("normandie compare", N_("Caen, Rouen and Le Havre side by side")),
)


def overview_view(overview: Overview, dataset: Dataset) -> RenderableType:
    """`normandie` alone: counts per kind and per scene, the next events, commands to try."""
    names = _Names(dataset)
    summary = overview.summary
    title = Text(inert(summary.title), style="bold")
    title.append(
        _(" — version {version}, updated {date}").format(
            version=inert(summary.version), date=human_date(PartialDate.parse(summary.updated))
        )
    )
    if overview.stale:
        title.append(_(" (over a year ago)"), style="yellow")
    counts = summary.counts
    places = Table(box=box.SIMPLE_HEAD, show_footer=True, padding=(0, 1))
    places.add_column("", footer=Text(_("All"), style="bold"), style="bold")
    places.add_column("", style="dim")
    for kind in ("startups", "organizations", "events"):
        places.add_column(
            field_heading(kind), footer=str(counts[kind]), justify="right", no_wrap=True
        )
    for place in overview.places:
        places.add_row(
            Text(inert(place.name)),
            Text(inert(place.subtitle or "")),
            str(place.startups),
            str(place.organizations),
            str(place.events),
        )
    context = Text(
        _("{cities} cities with records, of {communes} communes · {sources} sources cited").format(
            cities=overview.cities_with_records,
            communes=counts["cities"],
            sources=counts["sources"],
        ),
        style="dim",
    )
    parts: list[RenderableType] = [title, places, Padding(context, (0, 0, 1, 2))]
    as_of = _("Next events (as of {date})").format(date=human_date(overview.today))
    parts.append(Text(as_of, style="bold"))
    if overview.next_events:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_column(style="dim")
        for event in overview.next_events:
            grid.add_row(
                Text(names.show("start", event.start) or _("date unknown")),
                Text(inert(event.name)),
                Text(names.show("city", event.city)),
            )
        parts.append(Padding(grid, (0, 0, 0, 2)))
    elif overview.series:
        line = _("None dated yet. Recurring events, by their editions in the data:")
        lines: list[RenderableType] = [Text(line)]
        lines += [Padding(Text(inert(describe(one))), (0, 0, 0, 2)) for one in overview.series]
        parts.append(Padding(Group(*lines), (0, 0, 0, 2)))
    else:
        line = _("None known.")
        latest = overview.latest_event
        when = latest and (latest.end or latest.start)
        if latest is not None:
            line += " " + _("The latest: {name} ({date}).").format(
                name=inert(latest.name), date=human_date(when) if when else "?"
            )
        parts.append(Padding(Text(line), (0, 0, 0, 2)))
    parts += [Text(""), Text(_("Try"), style="bold")]
    tries = Table.grid(padding=(0, 3))
    tries.add_column(style="cyan", no_wrap=True)
    tries.add_column(style="dim")
    for command, what in TRY_COMMANDS:
        tries.add_row(Text(command), Text(_(what)))
    parts += [Padding(tries, (0, 0, 0, 2)), Text("")]
    before, _command, after = _("Run {command} for every command and option.").partition(
        "{command}"
    )
    more = Text(before)
    more.append("normandie --help", style="cyan")
    more.append(after)
    parts.append(more)
    return Group(*parts)
