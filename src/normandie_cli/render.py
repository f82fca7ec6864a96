"""Rich renderables for people at a terminal; built from models, returned, never printed.

Every value from the data goes into a `Text` after `inert()`, so brackets are never read as
markup and escape sequences are shown, not obeyed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from normandie_cli.export import plain
from normandie_cli.models import Award, Dataset, FundingRound, PartialDate, RecordKind, Source
from normandie_cli.query import REGION_NAMES, DatasetSummary, Overview, SceneSummary
from normandie_cli.text import inert

if TYPE_CHECKING:
    from normandie_cli.overlay import OverlayEntry

_TITLES = {
    RecordKind.STARTUP: "Startups",
    RecordKind.ORGANIZATION: "Organisations",
    RecordKind.EVENT: "Events",
    RecordKind.CITY: "Cities",
    RecordKind.SOURCE: "Sources",
    RecordKind.AGGLOMERATION: "Agglomerations",
    RecordKind.SECTOR: "Sectors",
    RecordKind.ORGANIZATION_KIND: "Organisation kinds",
    RecordKind.EVENT_KIND: "Event kinds",
    RecordKind.CONTEST: "Contests",
    RecordKind.DEPARTMENT: "Departments",
}
_SINGULAR = {
    RecordKind.STARTUP: "Startup",
    RecordKind.ORGANIZATION: "Organisation",
    RecordKind.EVENT: "Event",
    RecordKind.CITY: "City",
    RecordKind.SOURCE: "Source",
    RecordKind.AGGLOMERATION: "Agglomeration",
    RecordKind.SECTOR: "Sector",
    RecordKind.ORGANIZATION_KIND: "Organisation kind",
    RecordKind.EVENT_KIND: "Event kind",
    RecordKind.CONTEST: "Contest",
    RecordKind.DEPARTMENT: "Department",
}
_DATES = frozenset({"start", "end", "founded", "date"})
_NUMERIC = frozenset({"startups", "organizations", "events", "population", "cited_by"})
# The columns that identify a record keep their width (up to a point); the others wrap first.
_IDENTIFYING = frozenset({"id", "name"})


class _Names:
    """Display names for the ids records refer to."""

    def __init__(self, dataset: Dataset) -> None:
        self.by_field: dict[str, dict[str, str]] = {
            "city": {c.id: c.name for c in dataset.cities},
            "seat": {c.id: c.name for c in dataset.cities},
            "agglomeration": {a.id: a.name for a in dataset.agglomerations},
            "sectors": {s.id: s.name_en for s in dataset.sectors},
            "hosted_by": {o.id: o.name for o in dataset.organizations},
            "contest": {c.id: c.name_en for c in dataset.contests},
            "organizers": {
                **{o.id: o.name for o in dataset.organizations},
                **{s.id: s.name for s in dataset.startups},
            },
            "research_units": {o.id: o.name for o in dataset.organizations},
            "former_region": {region.value: name for region, name in REGION_NAMES.items()},
            "parents": {o.id: o.name for o in dataset.organizations},
            "kind": {
                **{k.id: k.name_en for k in dataset.organization_kinds},
                **{k.id: k.name_en for k in dataset.event_kinds},
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
        """'2016-11: 4 200 000 € from Fund A, Fund B'."""
        amount = "amount unknown" if round_.amount is None else _euros(round_.amount)
        if round_.currency != "EUR" and round_.amount is not None:
            amount = f"{round_.amount:,} {round_.currency}".replace(",", " ")
        text = f"{round_.date or 'date unknown'}: {amount}"
        if round_.investors:
            text += f" from {inert(', '.join(round_.investors))}"
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
            return "yes" if value else "no"
        if isinstance(value, PartialDate):
            return str(value)
        text = names.get(value, value) if isinstance(value, str) else str(plain(value))
        return inert(text)


_HEADERS = {"department": "Dept.", "organizations": "Orgs", "agglomeration": "Agglomeration"}


def _euros(amount: int) -> str:
    return f"{amount:,} €".replace(",", " ")


def _header(field: str) -> str:
    return _HEADERS.get(field, field.replace("_", " ").capitalize())


# Below this many columns a table squeezes its cells to nothing: list records one by one.
NARROW_WIDTH = 60


def records_table(
    kind: RecordKind,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    dataset: Dataset,
    width: int = 80,
) -> RenderableType:
    """One row per record, with names shown for the ids they refer to.

    On a narrow terminal each record becomes a small block of 'field  value' lines.
    """
    names = _Names(dataset)
    title = f"{_TITLES[kind]} ({len(rows)})"
    if width < NARROW_WIDTH:
        blocks: list[RenderableType] = [Text(title, style="bold")]
        for row in rows:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(style="dim", no_wrap=True)
            grid.add_column(overflow="fold")
            for column in columns:
                grid.add_row(Text(_header(column)), Text(names.show(column, row[column])))
            blocks += [Text(""), grid]
        return Group(*blocks)
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for column in columns:
        longest = max((len(names.show(column, row[column])) for row in rows), default=0)
        table.add_column(
            _header(column),
            # Dates and counts never wrap.
            min_width=min(longest, 12) if column in _IDENTIFYING else None,
            overflow="fold",
            no_wrap=column in _DATES or column in _NUMERIC,
            justify="right" if column in _NUMERIC else "left",
        )
    for row in rows:
        table.add_row(*(Text(names.show(c, row[c])) for c in columns))
    return table


def record_detail(
    kind: RecordKind,
    fields: Mapping[str, Any],
    sources: Sequence[Source],
    dataset: Dataset,
    origin: str,
) -> RenderableType:
    """Every field of one record, where it comes from, then the sources it cites."""
    names = _Names(dataset)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text("Record"), Text(_SINGULAR[kind]))
    grid.add_row(Text("From"), Text(inert(origin)))
    for field, value in fields.items():
        if field == "sources" or value in (None, (), False):
            continue
        grid.add_row(Text(_header(field)), Text(names.show(field, value)))
    listing: list[RenderableType] = [Text(""), Text("Sources", style="bold")] if sources else []
    for source in sources:
        details = ", ".join(x for x in (source.publisher, names.show("date", source.date)) if x)
        entry = Text(f"{inert(source.title)} ({inert(details)})")
        entry.append(f"\n{inert(source.url)}", style="dim")
        entry.append(f"\nid: {source.id}", style="dim")
        listing.append(Padding(entry, (0, 0, 1, 2)))
    return Group(grid, *listing)


def overlay_table(entries: Sequence[OverlayEntry], path: str) -> RenderableType:
    """What an overlay adds, replaces and retires: a row each, with the fields it changes."""
    from normandie_cli.overlay import describe_change

    table = Table(
        title=Text(f"Your overlay: {inert(path)} ({len(entries)})"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for header in ("Change", "Record", "Id", "Name", "Details"):
        table.add_column(header, overflow="fold")
    for entry in entries:
        lines = [describe_change(c) for c in entry.fields] or [entry.reason or ""]
        table.add_row(
            Text(entry.change.value),
            Text(_SINGULAR[entry.kind]),
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


_BAR_WIDTH = 10


def _bar(value: float, best: float) -> str:
    """A bar of up to ten blocks, in eighths, so the leader of a metric shows at a glance."""
    if best <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / best * _BAR_WIDTH * 8))
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def _counted(pairs: Sequence[tuple[Any, int]], names: Mapping[str, str]) -> str:
    return "\n".join(f"{inert(names.get(str(k), str(k)))} ({n})" for k, n in pairs) or "—"


def comparison_table(summaries: Sequence[SceneSummary], dataset: Dataset, top: int = 3) -> Table:
    """Metrics as rows, scenes as columns: each count with a bar, the leader in bold."""
    sectors = {s.id: s.name_en for s in dataset.sectors}
    kinds = {k.id: k.name_en for k in dataset.organization_kinds}
    table = Table(title="Scenes compared", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("")
    for summary in summaries:
        label = Text(inert(summary.scene.name), style="bold")
        if summary.scene.subtitle:
            label.append(f"\n{inert(summary.scene.subtitle)}", style="dim")
        table.add_column(label, overflow="fold")

    def counts(metric: str, values: Sequence[int]) -> None:
        best = max(values, default=0)
        cells = []
        for value in values:
            cell = Text(f"{value:,}".replace(",", " "), style="bold" if value == best > 0 else "")
            cell.append(f" {_bar(value, best)}", style="cyan")
            cells.append(cell)
        table.add_row(Text(metric), *cells)

    counts("Startups", [s.startups for s in summaries])
    counts("  with a known founding year", [s.founded_known for s in summaries])
    counts("  founded in the last 5 years", [s.founded_recently for s in summaries])
    table.add_row(
        Text("  median founding year"),
        *(Text("—" if s.median_founded is None else f"{s.median_founded:g}") for s in summaries),
    )
    table.add_row(
        Text("  top sectors"), *(Text(_counted(s.top_sectors, sectors)) for s in summaries)
    )
    counts("  awards", [s.awards for s in summaries])
    counts("  funding raised, € (known amounts)", [s.funding_total for s in summaries])
    table.add_row(
        Text("  startups with a known amount"),
        *(Text(f"{s.funded_known} of {s.startups}") for s in summaries),
    )
    counts("Organisations", [s.organizations for s in summaries])
    table.add_row(
        Text("  top kinds"),
        *(Text(_counted(s.organizations_by_kind[:top], kinds)) for s in summaries),
    )
    counts("Events", [s.events for s in summaries])
    counts("  upcoming", [s.upcoming_events for s in summaries])
    table.add_row(
        Text("  per year"),
        *(Text("  ".join(f"{y}: {n}" for y, n in s.events_by_year) or "—") for s in summaries),
    )
    return table


def summary_view(summary: DatasetSummary) -> RenderableType:
    """The dataset at a glance: version, date, counts, then the credits licences require."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text("Dataset"), Text(inert(summary.title)))
    grid.add_row(Text("Version"), Text(inert(summary.version)))
    grid.add_row(Text("Updated"), Text(inert(summary.updated)))
    grid.add_row(Text("Licence"), Text(inert(summary.licence)))
    for kind, count in summary.counts.items():
        grid.add_row(Text(_TITLES[RecordKind(kind)]), Text(str(count)))
    parts: list[RenderableType] = [grid]
    if summary.attributions:
        parts += [Text(""), Text("Open data reused, with its licence", style="bold")]
        for item in summary.attributions:
            line = Text(f"{inert(item.publisher)}, “{inert(item.title)}”")
            if item.updated:
                line.append(f", last updated {inert(item.updated)}")
            line.append(f" — {inert(item.licence)}")
            line.append(f"\n{inert(item.url)}", style="dim")
            parts.append(Padding(line, (0, 0, 0, 2)))
    return Group(*parts)


# Three commands a newcomer can run as they are, each showing a different side of the data.
TRY_COMMANDS = (
    ("normandie startups --city rouen", "the startups of the Rouen scene"),
    ("normandie events --upcoming", "what is coming up"),
    ("normandie compare", "Caen, Rouen and Le Havre side by side"),
)


def overview_view(overview: Overview, dataset: Dataset) -> RenderableType:
    """`normandie` alone: counts per kind and per scene, the next events, commands to try."""
    names = _Names(dataset)
    summary = overview.summary
    title = Text(inert(summary.title), style="bold")
    title.append(f" — version {inert(summary.version)}, updated {inert(summary.updated)}")
    if overview.stale:
        title.append(" (over a year ago)", style="yellow")
    counts = summary.counts
    places = Table(box=box.SIMPLE_HEAD, show_footer=True, padding=(0, 1))
    places.add_column("", footer=Text("All", style="bold"), style="bold")
    places.add_column("", style="dim")
    for header, kind in (("Startups", "startups"), ("Orgs", "organizations"), ("Events", "events")):
        places.add_column(header, footer=str(counts[kind]), justify="right", no_wrap=True)
    for place in overview.places:
        places.add_row(
            Text(inert(place.name)),
            Text(inert(place.subtitle or "")),
            str(place.startups),
            str(place.organizations),
            str(place.events),
        )
    context = Text(
        f"{overview.cities_with_records} cities with records, of {counts['cities']} communes"
        f" · {counts['sources']} sources cited",
        style="dim",
    )
    parts: list[RenderableType] = [title, places, Padding(context, (0, 0, 1, 2))]
    parts.append(Text(f"Next events (as of {overview.today.isoformat()})", style="bold"))
    if overview.next_events:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_column(style="dim")
        for event in overview.next_events:
            grid.add_row(
                Text(names.show("start", event.start) or "date unknown"),
                Text(inert(event.name)),
                Text(names.show("city", event.city)),
            )
        parts.append(Padding(grid, (0, 0, 0, 2)))
    else:
        line = "None known."
        latest = overview.latest_event
        if latest is not None:
            line += f" The latest: {inert(latest.name)} ({latest.end or latest.start})."
        parts.append(Padding(Text(line), (0, 0, 0, 2)))
    parts += [Text(""), Text("Try", style="bold")]
    tries = Table.grid(padding=(0, 3))
    tries.add_column(style="cyan", no_wrap=True)
    tries.add_column(style="dim")
    for command, what in TRY_COMMANDS:
        tries.add_row(Text(command), Text(what))
    parts += [Padding(tries, (0, 0, 0, 2)), Text("")]
    more = Text("Run ")
    more.append("normandie --help", style="cyan")
    more.append(" for every command and option.")
    parts.append(more)
    return Group(*parts)
