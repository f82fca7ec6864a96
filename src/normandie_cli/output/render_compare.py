"""The comparison of scenes as a Rich table: metrics in rows, scenes in columns, each count
with a bar scaled on the scenes (never on the records whose city is unknown, which stand
apart), and under each metric what the data knows of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from normandie_cli.i18n import _, group_digits, localized
from normandie_cli.models import Dataset
from normandie_cli.summary import ComparisonCoverage, Known, SceneSummary
from normandie_cli.text import inert

_BAR_WIDTH = 10


def _bar(value: float, best: float) -> str:
    """A bar of up to ten blocks, in eighths, so the leader of a metric shows at a glance."""
    if best <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / best * _BAR_WIDTH * 8))
    return "█" * (eighths // 8) + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[eighths % 8]


def _counted(pairs: Sequence[tuple[Any, int]], names: Mapping[str, str]) -> str:
    shown = (f"{inert(names.get(str(k), str(k)))} ({group_digits(n)})" for k, n in pairs)
    return "\n".join(shown) or "—"


def comparison_table(
    summaries: Sequence[SceneSummary],
    dataset: Dataset,
    coverage: ComparisonCoverage,
    top: int = 3,
) -> Table:
    """Metrics as rows, scenes as columns: each count with a bar, the leader in bold. The
    records whose city is unknown (by region or department) come last, dim, without bars."""
    sectors = {s.id: localized(s.name_fr, s.name_en) for s in dataset.sectors}
    kinds = {k.id: localized(k.name_fr, k.name_en) for k in dataset.organization_kinds}
    table = Table(title=_("Scenes compared"), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("", no_wrap=True)
    for summary in summaries:
        style = "dim" if summary.scene.cityless else ""
        header = Text(inert(summary.scene.name), style="bold " + style)
        if summary.scene.subtitle:
            header.append(f"\n{inert(summary.scene.subtitle)}", style="dim")
        table.add_column(header, overflow="fold", style=style)
    placed = [s for s in summaries if not s.scene.cityless]

    def label(metric: str, known: Known | None = None, saying: str = "") -> Text:
        """The metric, and under it for how many records it is known (`saying`)."""
        text = Text(metric)
        if known is not None:
            shown = saying.format(count=group_digits(known.count), total=group_digits(known.total))
            text.append(f"\n    {shown}", style="dim")
        return text

    city = _("city known for {count} of {total}")

    def counts(row: Text, value: Callable[[SceneSummary], int]) -> None:
        best = max((value(s) for s in placed), default=0)
        cells = []
        for summary in summaries:
            number = value(summary)
            leading = number == best > 0 and not summary.scene.cityless
            cell = Text(group_digits(number), style="bold" if leading else "")
            if not summary.scene.cityless:
                cell.append(f" {_bar(number, best)}", style="cyan")
            cells.append(cell)
        table.add_row(row, *cells)

    def texts(row: Text, value: Callable[[SceneSummary], str]) -> None:
        table.add_row(row, *(Text(value(s)) for s in summaries))

    counts(label(_("Startups"), coverage.startups_city, city), lambda s: s.startups)
    counts(
        label(
            "  " + _("with a founding year"),
            coverage.founded,
            _("year known for {count} of {total}"),
        ),
        lambda s: s.founded_known,
    )
    counts(label("  " + _("founded in the last 5 years")), lambda s: s.founded_recently)
    texts(
        label("  " + _("median founding year")),
        lambda s: "—" if s.median_founded is None else f"{s.median_founded:g}",
    )
    texts(
        label("  " + _("top sectors"), coverage.sectors, _("sector known for {count} of {total}")),
        lambda s: _counted(s.top_sectors, sectors),
    )
    counts(label("  " + _("awards"), coverage.awards_city, city), lambda s: s.awards)
    counts(
        label(
            "  " + _("money raised, €"),
            coverage.funding_known,
            _("amount known for {count} of {total}"),
        ),
        lambda s: s.funding_total,
    )
    known = _("{count} of {total}")
    texts(
        label("  " + _("startups with amounts")),
        lambda s: known.format(count=group_digits(s.funded_known), total=group_digits(s.startups)),
    )
    if any(s.closed for s in summaries):  # known closed: counted apart, in no metric
        texts(label("  " + _("closed, not counted")), lambda s: group_digits(s.closed))
    counts(
        label(_("Organisations"), coverage.organizations_city, city),
        lambda s: s.organizations,
    )
    texts(label("  " + _("top kinds")), lambda s: _counted(s.organizations_by_kind[:top], kinds))
    counts(label(_("Events"), coverage.events_city, city), lambda s: s.events)
    counts(label("  " + _("upcoming")), lambda s: s.upcoming_events)
    texts(
        label("  " + _("per year"), coverage.events_dated, _("date known for {count} of {total}")),
        lambda s: "  ".join(f"{y}: {group_digits(n)}" for y, n in s.events_by_year) or "—",
    )
    return table
