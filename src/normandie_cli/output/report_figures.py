"""The blocks of the report that are charts: each a `Figure` with its title, a one-line
reading, what its numbers cover, the chart's marks and the table of its numbers (the same
numbers, for screen readers and for copying). Pure: output/report.py renders them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from normandie_cli.frozen import frozen
from normandie_cli.i18n import N_, _, localized
from normandie_cli.models import RecordKind
from normandie_cli.output.charts import (
    PALETTE,
    TINTS,
    Chart,
    bar_rows,
    dot_rows,
    spaced,
    stacked_rows,
    timeline_chart,
    year_columns,
)
from normandie_cli.output.map_chart import Pin, map_chart
from normandie_cli.report_content import MERGER_YEAR, Fact, Known, Lane, ReportContent
from normandie_cli.summary import SceneSummary

# The organisation kinds a stacked bar shows by name; the rest are "other".
KINDS_SHOWN = 5
# The record kinds on the map, in the order of a pin's slices, with their colours.
MAP_KINDS = (
    (RecordKind.STARTUP, PALETTE[5]),
    (RecordKind.ORGANIZATION, PALETTE[0]),
    (RecordKind.EVENT, PALETTE[2]),
)


@frozen
class Table:
    """The numbers of a figure: a heading per column (the first over the row headings),
    then rows of a heading and its cells."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    text_columns: int = 0  # how many cells of a row, from the first, are text, not numbers


@frozen
class Figure:
    """A block of the page: its title, a one-line reading, what the numbers cover, a chart
    (absent when there is nothing to draw) and the table of its numbers."""

    id: str  # fixed in the code, never from the data
    title: str
    reading: str
    coverage: tuple[str, ...]
    chart: Chart | None
    table: Table


KIND_NAMES = {
    RecordKind.STARTUP: N_("Startups"),
    RecordKind.ORGANIZATION: N_("Organisations"),
    RecordKind.EVENT: N_("Events"),
}
FACT_NAMES = {
    Fact.CITY: N_("city known"),
    Fact.ON_MAP: N_("placed on the map"),
    Fact.FOUNDED: N_("founding date known"),
    Fact.SECTORS: N_("sector known"),
    Fact.FUNDING: N_("funding amount known"),
    Fact.DATE: N_("date known"),
    Fact.VENUE: N_("venue known"),
}
LANE_NAMES = {
    Lane.STARTUPS: N_("Startups founded"),
    Lane.ORGANIZATIONS: N_("Organisations founded"),
    Lane.AWARDS: N_("Awards won"),
    Lane.EVENTS: N_("Events held"),
}


def known_line(known: Known) -> str:
    """'Startups: city known for 26 of 93'."""
    line = _("{kind}: {fact} for {known} of {total}")
    return line.format(
        kind=_(KIND_NAMES[known.kind]),
        fact=_(FACT_NAMES[known.fact]),
        known=spaced(known.known),
        total=spaced(known.total),
    )


def _coverage(content: ReportContent, *wanted: tuple[RecordKind, Fact]) -> tuple[str, ...]:
    return tuple(known_line(k) for k in content.coverage if (k.kind, k.fact) in wanted)


def _leaders(summaries: Sequence[SceneSummary], values: Sequence[float]) -> str | None:
    """The scene or scenes with the highest value, or None when every value is 0."""
    best = max(values, default=0)
    if best <= 0:
        return None
    names = [s.scene.name for s, v in zip(summaries, values, strict=True) if v == best]
    return _(" and ").join(names)


def _most(summaries: Sequence[SceneSummary], values: Sequence[float], message: str) -> str:
    """'Most startups: Rouen (11).' or, when all are 0, that none has any."""
    leaders = _leaders(summaries, values)
    if leaders is None:
        return _("None in these scenes.")
    return message.format(names=leaders, count=spaced(max(values)))


def _scene_names(summaries: Sequence[SceneSummary]) -> list[str]:
    return [s.scene.name for s in summaries]


def _in_scenes(content: ReportContent, kind: RecordKind, counted: int) -> str:
    """What part of the page's records of a kind the scenes hold: by city, the records of
    other communes and those without a city are in no scene."""
    total = len(content.dataset.records(kind))
    line = _("{kind} in these scenes: {count} of {total}")
    return line.format(kind=_(KIND_NAMES[kind]), count=spaced(counted), total=spaced(total))


def startups_figure(content: ReportContent) -> Figure:
    s = content.scenes
    names = _scene_names(s)
    series = [
        (_("Startups"), [x.startups for x in s]),
        (_("with a known founding year"), [x.founded_known for x in s]),
        (_("founded in the last 5 years"), [x.founded_recently for x in s]),
    ]
    table = Table(
        _("Startups per scene"),
        (_("Scene"), *(name for name, _values in series)),
        tuple((n, tuple(spaced(v[i]) for _name, v in series)) for i, n in enumerate(names)),
    )
    return Figure(
        "startups",
        _("Startups"),
        _most(s, series[0][1], _("Most startups: {names} ({count}).")),
        (
            _in_scenes(content, RecordKind.STARTUP, sum(series[0][1])),
            *_coverage(content, (RecordKind.STARTUP, Fact.FOUNDED)),
        ),
        bar_rows(names, series),
        table,
    )


def founding_figure(content: ReportContent) -> Figure:
    s = content.scenes
    medians = [x.median_founded for x in s]
    known = [(x.scene.name, m) for x, m in zip(s, medians, strict=True) if m is not None]
    if known:
        reading = _("Median founding year: {list}.").format(
            list=", ".join(f"{name} {m:g}" for name, m in known)
        )
    else:
        reading = _("No startup in these scenes has a known founding year.")
    table = Table(
        _("Median founding year per scene"),
        (_("Scene"), _("median founding year"), _("with a known founding year"), _("Startups")),
        tuple(
            (
                x.scene.name,
                (
                    "—" if x.median_founded is None else f"{x.median_founded:g}",
                    spaced(x.founded_known),
                    spaced(x.startups),
                ),
            )
            for x in s
        ),
    )
    chart = dot_rows(_scene_names(s), medians, unknown=_("unknown")) if known else None
    coverage = _coverage(content, (RecordKind.STARTUP, Fact.FOUNDED))
    return Figure("founding", _("Median founding year"), reading, coverage, chart, table)


def awards_figure(content: ReportContent) -> Figure:
    s = content.scenes
    awards = [x.awards for x in s]
    table = Table(
        _("Awards per scene"),
        (_("Scene"), _("awards")),
        tuple((x.scene.name, (spaced(x.awards),)) for x in s),
    )
    coverage = (_("An award is a contest won, as its source states; a startup may have several."),)
    reading = _most(s, awards, _("Most awards: {names} ({count})."))
    chart = bar_rows(_scene_names(s), [("", awards)])
    return Figure("awards", _("Awards"), reading, coverage, chart, table)


def funding_figure(content: ReportContent) -> Figure:
    s = content.scenes
    funding = [x.funding_total for x in s]
    if any(funding):
        reading = _("Most known funding: {names} ({count} €).")
        reading = _most(s, funding, reading)
    else:
        reading = _("No known funding amount in these scenes.")
    known = _("{count} of {total}")
    table = Table(
        _("Known funding per scene"),
        (_("Scene"), _("funding raised, € (known amounts)"), _("startups with a known amount")),
        tuple(
            (
                x.scene.name,
                (spaced(x.funding_total), known.format(count=x.funded_known, total=x.startups)),
            )
            for x in s
        ),
    )
    coverage = (
        *_coverage(content, (RecordKind.STARTUP, Fact.FUNDING)),
        _("Sums count only the startups whose every round has a known amount in euros."),
    )
    chart = bar_rows(_scene_names(s), [("", funding)], value_text=lambda v: f"{spaced(v)} €")
    return Figure("funding", _("Known funding"), reading, coverage, chart, table)


def organizations_figure(content: ReportContent) -> Figure:
    s = content.scenes
    dataset = content.dataset
    kinds = {k.id: localized(k.name_fr, k.name_en) for k in dataset.organization_kinds}
    overall: Counter[str] = Counter()
    for x in s:
        overall.update(dict(x.organizations_by_kind))
    ranked = [kind for kind, _n in sorted(overall.items(), key=lambda item: (-item[1], item[0]))]
    shown, rest = ranked[:KINDS_SHOWN], ranked[KINDS_SHOWN:]
    by_scene = [dict(x.organizations_by_kind) for x in s]
    segments = [(kinds[k], [float(counts.get(k, 0)) for counts in by_scene]) for k in shown]
    if rest:
        others = [float(sum(counts.get(k, 0) for k in rest)) for counts in by_scene]
        segments.append((_("other kinds"), others))
    reading = _most(s, [x.organizations for x in s], _("Most organisations: {names} ({count})."))
    if ranked:
        common = _("The most common kind: {kind} ({count}).")
        reading += " " + common.format(kind=kinds[ranked[0]], count=spaced(overall[ranked[0]]))
    table = Table(
        _("Organisations per scene, by kind"),
        (_("Kind"), *_scene_names(s)),
        tuple((kinds[k], tuple(spaced(counts.get(k, 0)) for counts in by_scene)) for k in ranked)
        + ((_("All kinds"), tuple(spaced(x.organizations) for x in s)),),
    )
    coverage = (
        _in_scenes(content, RecordKind.ORGANIZATION, sum(x.organizations for x in s)),
        *_coverage(content, (RecordKind.ORGANIZATION, Fact.CITY)),
    )
    chart = stacked_rows(_scene_names(s), segments, other=_("other kinds") if rest else None)
    return Figure("organizations", _("Organisations by kind"), reading, coverage, chart, table)


def events_figure(content: ReportContent) -> Figure:
    s = content.scenes
    per_scene = [dict(x.events_by_year) for x in s]
    years = sorted({year for counts in per_scene for year in counts})
    reading = _most(s, [x.events for x in s], _("Most events: {names} ({count})."))
    overall: Counter[int] = Counter()
    for counts in per_scene:
        overall.update(counts)
    if overall:
        year, count = min(overall.items(), key=lambda item: (-item[1], item[0]))
        busiest = _("The busiest year: {year} ({count}).")
        reading += " " + busiest.format(year=year, count=spaced(count))
    table = Table(
        _("Events per scene and year"),
        (_("Year"), *_scene_names(s)),
        tuple((str(y), tuple(spaced(counts.get(y, 0)) for counts in per_scene)) for y in years),
    )
    coverage = (
        _in_scenes(content, RecordKind.EVENT, sum(x.events for x in s)),
        *_coverage(content, (RecordKind.EVENT, Fact.DATE)),
    )
    panels = [(x.scene.name, counts) for x, counts in zip(s, per_scene, strict=True)]
    chart = year_columns(panels, years[0], years[-1]) if years else None
    return Figure("events", _("Events per year"), reading, coverage, chart, table)


def map_figure(content: ReportContent) -> Figure:
    dataset = content.dataset
    departments = sorted(dataset.departments, key=lambda d: d.id)
    tint = {d.id: index for index, d in enumerate(departments)}
    communes = [
        ((c.longitude, c.latitude), tint.get(c.department, len(tint)))
        for c in content.communes
        if c.longitude is not None and c.latitude is not None
    ]
    kind_names = [_(KIND_NAMES[kind]) for kind, _colour in MAP_KINDS]
    pins = []
    for place in content.places:
        counts = (place.startups, place.organizations, place.events)
        said = ", ".join(
            f"{name} {spaced(n)}" for name, n in zip(kind_names, counts, strict=True) if n
        )
        assert place.city.longitude is not None and place.city.latitude is not None
        pins.append(
            Pin((place.city.longitude, place.city.latitude), counts, f"{place.city.name}: {said}")
        )
    outlines = [(o.agglomeration.name, o.points) for o in content.outlines]
    chart = map_chart(communes, outlines, pins, [colour for _kind, colour in MAP_KINDS])
    legend = tuple(
        (colour, name) for (_kind, colour), name in zip(MAP_KINDS, kind_names, strict=True)
    ) + tuple((TINTS[tint[d.id] % len(TINTS)], f"{d.id} {d.name}") for d in departments)
    chart = Chart(chart.width, chart.height, chart.paths, labels=chart.labels, legend=legend)
    agglomerations = {a.id: a.name for a in dataset.agglomerations}
    table = Table(
        _("Communes with records"),
        (_("Commune"), _("Dept."), _("Agglomeration"), *kind_names),
        tuple(
            (
                p.city.name,
                (
                    p.city.department,
                    agglomerations.get(p.city.agglomeration or "", ""),
                    spaced(p.startups),
                    spaced(p.organizations),
                    spaced(p.events),
                ),
            )
            for p in content.places
        ),
        text_columns=2,
    )
    if content.places:
        top = content.places[0]
        reading = _("Communes with records: {count}; the most are in {city} ({total}).").format(
            count=spaced(len(content.places)), city=top.city.name, total=spaced(top.total)
        )
    else:
        reading = _("No record on this page has a commune with coordinates.")
    listed = _("{name}: outline drawn around the member communes the data lists ({count}).")
    coverage = (
        _("Normandy is drawn from the coordinates of its communes: {count}.").format(
            count=spaced(len(content.communes))
        ),
        *(k for k in _coverage(content, *((kind, Fact.ON_MAP) for kind, _c in MAP_KINDS))),
        *(listed.format(name=o.agglomeration.name, count=len(o.points)) for o in content.outlines),
    )
    drawn = chart if content.communes or content.places else None
    return Figure("map", _("Where the records are"), reading, coverage, drawn, table)


def timeline_figure(content: ReportContent) -> Figure:
    line = content.timeline
    lanes = [
        (_(LANE_NAMES[lane]), dict(counts), dict(line.earlier)[lane]) for lane, counts in line.years
    ]
    merger = _("{year}: Normandy's two regions merge").format(year=MERGER_YEAR)
    chart = timeline_chart(lanes, line.first, line.last, markers=[(MERGER_YEAR, merger)])
    years = sorted({y for _name, counts, _e in lanes for y in counts}, reverse=True)
    table = Table(
        _("Per year"),
        (_("Year"), *(name for name, _counts, _e in lanes)),
        tuple((str(y), tuple(spaced(counts.get(y, 0)) for _n, counts, _e in lanes)) for y in years),
    )
    since = {lane: sum(n for y, n in counts if y >= MERGER_YEAR) for lane, counts in line.years}
    reading = _("Since the {year} merger: {counts}.").format(
        year=MERGER_YEAR,
        counts=" · ".join(f"{_(LANE_NAMES[lane])} {spaced(n)}" for lane, n in since.items()),
    )
    undated = _("{lane}: {count} with no known year, not shown")
    coverage = tuple(
        undated.format(lane=_(LANE_NAMES[lane]), count=spaced(n)) for lane, n in line.undated if n
    )
    earlier = sum(n for _lane, n in line.earlier)
    if earlier:
        before = _("Older than {year}, counted apart: {count}")
        coverage += (before.format(count=spaced(earlier), year=line.first),)
    return Figure("timeline", _("Timeline"), reading, coverage, chart, table)
