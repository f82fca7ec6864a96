"""The report's charts as marks in SVG user units: bars, columns, dots, a timeline and a map
of Normandy drawn from the communes' own coordinates.

Pure arithmetic: each builder returns a `Chart`, a flat list of rectangles, lines, paths,
circles and texts, which one template macro draws (output/templates/charts.html.j2), so the
escaping of every label is the template's autoescape. Numbers are rounded to 0.1 unit: the
SVG stays small and the same data gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from normandie_cli.frozen import frozen

# Okabe & Ito's palette, told apart by people with any common colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
OTHER = "#999999"  # the "other" segment of a stacked bar
# Light tints for the communes of each department on the map: the departments' shapes.
TINTS = ("#a9bfd6", "#d9bf9c", "#a8cdb4", "#cdb1cb", "#c4c49b", "#b5c3c9")

# The charts of the scenes are laid out 440 units wide: on a phone (about 360 px for the
# chart) their 13-unit text is still 11 px; the map and the timeline take the page's width.
WIDTH = 440.0
WIDE = 560.0
LABEL_WIDTH = 118.0  # the column of category names left of horizontal bars
LABEL_CHARACTERS = 16  # longer names are cut with "…" (the table beside has them whole)
BAR = 14.0
GAP = 4.0
GROUP_GAP = 14.0
FONT = 13.0  # the text size the charts are laid out for, in user units
CHARACTER = 7.0  # the width of a digit at that size, near enough, to leave room for values


@frozen
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str = ""  # shown on hover: what the shape stands for, with its number


@frozen
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    style: str = "axis"  # a class of the page's stylesheet: axis, grid, marker


@frozen
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle or end
    style: str = "label"  # label, value, small, strong


@frozen
class Path:
    d: str  # numbers and path commands only, built here
    fill: str = "none"
    stroke: str = "none"
    style: str = ""
    title: str = ""


@frozen
class Circle:
    cx: float
    cy: float
    r: float
    colour: str
    title: str = ""


@frozen
class Chart:
    """Marks drawn in this order (paths first, texts last), in a width × height box."""

    width: float
    height: float
    paths: tuple[Path, ...] = ()
    rects: tuple[Rect, ...] = ()
    lines: tuple[Line, ...] = ()
    circles: tuple[Circle, ...] = ()
    labels: tuple[Label, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # (colour, what it stands for), drawn in HTML


def spaced(value: float) -> str:
    """12 345 678: thousands apart by a space, as in French and as `compare` writes them;
    a whole number shows no decimals."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.1f}".replace(",", " ")


def shorten(text: str, limit: int = LABEL_CHARACTERS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rounded(value: float) -> float:
    """To 0.1 unit: a small SVG, and the same bytes for the same data."""
    return round(value, 1)


def _room(texts: Sequence[str]) -> float:
    """The room right of the longest bar for the longest of the values written there."""
    return 8 + CHARACTER * max((len(t) for t in texts), default=1)


# --- Bars ----------------------------------------------------------------------------------


def bar_rows(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    value_text: Callable[[float], str] = spaced,
    width: float = WIDTH,
) -> Chart:
    """Horizontal bars: one group per category (a scene), one bar per series in each group,
    every bar on the same scale, its value written at its end; a zero has no bar but its 0."""
    texts = [value_text(v) for _, values in series for v in values]
    top = max((v for _, values in series for v in values), default=0.0)
    scale = (width - LABEL_WIDTH - _room(texts)) / top if top > 0 else 0.0
    group = len(series) * BAR + (len(series) - 1) * GAP
    rects, labels = [], []
    y = GAP
    for index, category in enumerate(categories):
        middle = rounded(y + group / 2 + FONT / 3)
        labels.append(Label(LABEL_WIDTH - 8, middle, shorten(category), "end"))
        for number, (name, values) in enumerate(series):
            value = values[index]
            length = rounded(value * scale)
            bar_y = rounded(y + number * (BAR + GAP))
            colour = PALETTE[number % len(PALETTE)]
            title = (
                f"{category}, {name}: {value_text(value)}"
                if name
                else f"{category}: {value_text(value)}"
            )
            if length > 0:
                rects.append(Rect(LABEL_WIDTH, bar_y, length, BAR, colour, title))
            at = rounded(LABEL_WIDTH + length + 4)
            labels.append(Label(at, rounded(bar_y + BAR - 3), value_text(value), style="value"))
        y += group + GROUP_GAP
    height = rounded(y - GROUP_GAP + GAP)
    axis = Line(LABEL_WIDTH, 0, LABEL_WIDTH, height)
    legend = tuple((PALETTE[n % len(PALETTE)], name) for n, (name, _) in enumerate(series) if name)
    return Chart(
        width, height, rects=tuple(rects), lines=(axis,), labels=tuple(labels), legend=legend
    )


def stacked_rows(
    categories: Sequence[str],
    segments: Sequence[tuple[str, Sequence[float]]],
    *,
    other: str | None = None,
    width: float = WIDTH,
) -> Chart:
    """One horizontal bar per category made of segments (kinds of organisation), on one
    scale; the last segment is "other" (grey) when `other` names it."""
    totals = [sum(values[i] for _, values in segments) for i in range(len(categories))]
    top = max(totals, default=0.0)
    scale = (width - LABEL_WIDTH - _room([spaced(t) for t in totals])) / top if top > 0 else 0.0
    colours = [PALETTE[n % len(PALETTE)] for n in range(len(segments))]
    if other is not None and segments:
        colours[-1] = OTHER
    thick = BAR * 1.5
    rects, labels = [], []
    for index, category in enumerate(categories):
        y = GAP + index * (thick + GROUP_GAP)
        middle = rounded(y + thick / 2 + FONT / 3)
        labels.append(Label(LABEL_WIDTH - 8, middle, shorten(category), "end"))
        x = LABEL_WIDTH
        for (name, values), colour in zip(segments, colours, strict=True):
            length = values[index] * scale
            if length > 0:
                title = f"{category}, {name}: {spaced(values[index])}"
                rects.append(Rect(rounded(x), rounded(y), rounded(length), thick, colour, title))
            x += length
        labels.append(Label(rounded(x + 4), middle, spaced(totals[index]), style="value"))
    height = rounded(GAP + len(categories) * (thick + GROUP_GAP) - GROUP_GAP + GAP)
    legend = tuple((colour, name) for (name, _), colour in zip(segments, colours, strict=True))
    axis = Line(LABEL_WIDTH, 0, LABEL_WIDTH, height)
    return Chart(
        width, height, rects=tuple(rects), lines=(axis,), labels=tuple(labels), legend=legend
    )


def dot_rows(
    categories: Sequence[str],
    values: Sequence[float | None],
    *,
    unknown: str,
    width: float = WIDTH,
) -> Chart:
    """A dot per category on a shared axis of years (median founding years), its value
    written beside it; a category without a value says `unknown` instead."""
    known = [v for v in values if v is not None]
    low = math.floor(min(known, default=2000) / 5) * 5
    high = max(math.ceil((max(known, default=2020) + 1) / 5) * 5, low + 10)
    left, right = LABEL_WIDTH, width - 14

    def x_of(year: float) -> float:
        return rounded(left + (year - low) * (right - left) / (high - low))

    row = BAR + GROUP_GAP
    axis_y = rounded(GAP + len(categories) * row)
    lines = [Line(left, axis_y, right, axis_y)]
    labels, circles = [], []
    for index, (category, value) in enumerate(zip(categories, values, strict=True)):
        y = rounded(GAP + index * row + BAR / 2)
        labels.append(Label(left - 8, rounded(y + FONT / 3), shorten(category), "end"))
        lines.append(Line(left, y, right, y, "grid"))
        if value is None:
            labels.append(Label(left + 4, rounded(y + FONT / 3), unknown, style="small"))
            continue
        shown = f"{value:g}"
        x = x_of(value)
        circles.append(Circle(x, y, 5, PALETTE[0], f"{category}: {shown}"))
        # The value on the side with room: left of a dot in the right half.
        beside, anchor = (x - 9, "end") if x > (left + right) / 2 else (x + 9, "start")
        labels.append(Label(rounded(beside), rounded(y + FONT / 3), shown, anchor, "value"))
    step = 5 if high - low <= 30 else 10
    for year in range(low, high + 1, step):
        lines.append(Line(x_of(year), axis_y, x_of(year), axis_y + 4))
        labels.append(Label(x_of(year), axis_y + 4 + FONT, str(year), "middle", "small"))
    height = rounded(axis_y + 8 + FONT)
    return Chart(width, height, lines=tuple(lines), circles=tuple(circles), labels=tuple(labels))


# --- Columns per year: small multiples and the timeline --------------------------------


def _year_axis(
    first: int, last: int, left: float, right: float
) -> tuple[Callable[[int], float], float]:
    """x of the middle of a year's column, and a column's width."""
    step = (right - left) / (last - first + 1)
    return (lambda year: left + (year - first + 0.5) * step), step


def year_ticks(first: int, last: int) -> list[int]:
    """The years written under an axis: every fifth (or tenth) year, and the first and last
    unless a written neighbour is too close."""
    every = 5 if last - first <= 30 else 10
    ticks = [y for y in range(first, last + 1) if y % every == 0]
    for end in (first, last):
        if all(abs(end - y) >= every / 2 for y in ticks):
            ticks.append(end)
    return sorted(ticks)


def _ticks(
    first: int, last: int, x_of: Callable[[int], float], y: float
) -> tuple[list[Line], list[Label]]:
    lines, labels = [], []
    for year in year_ticks(first, last):
        x = rounded(x_of(year))
        lines.append(Line(x, rounded(y), x, rounded(y + 4)))
        labels.append(Label(x, rounded(y + 4 + FONT), str(year), "middle", "small"))
    return lines, labels


def year_columns(
    panels: Sequence[tuple[str, Mapping[int, int]]],
    first: int,
    last: int,
    *,
    width: float = WIDTH,
) -> Chart:
    """Small multiples: one row of columns per panel (a scene), a column per year, every
    panel on the same scale so that their heights compare; years written under the last."""
    left, right, plot, head = 30.0, width - 6, 40.0, 20.0
    x_of, step = _year_axis(first, last, left, right)
    top = max((n for _, counts in panels for n in counts.values()), default=0)
    scale = plot / top if top else 0.0
    rects, lines, labels = [], [], []
    y = 0.0
    for name, counts in panels:
        base = y + head + plot
        labels.append(Label(left, rounded(y + FONT), shorten(name, 40), style="strong"))
        labels.append(Label(left - 6, rounded(y + head + FONT * 0.7), spaced(top), "end", "small"))
        lines.append(Line(left, rounded(base), right, rounded(base)))
        for year, count in sorted(counts.items()):
            if first <= year <= last and count:
                height = rounded(count * scale)
                title = f"{name}, {year}: {spaced(count)}"
                x = rounded(x_of(year) - step * 0.4)
                rects.append(
                    Rect(x, rounded(base - height), rounded(step * 0.8), height, PALETTE[0], title)
                )
        y = base + 10
    tick_lines, tick_labels = _ticks(first, last, x_of, y - 10)
    return Chart(
        width,
        rounded(y + FONT),
        rects=tuple(rects),
        lines=tuple(lines + tick_lines),
        labels=tuple(labels + tick_labels),
    )


def timeline_chart(
    lanes: Sequence[tuple[str, Mapping[int, int], int]],
    first: int,
    last: int,
    *,
    markers: Sequence[tuple[int, str]] = (),
    width: float = WIDE,
) -> Chart:
    """A lane per kind of happening (name, counts per year, how many came before `first`),
    each on its own scale so that two foundings a year still show beside twenty events;
    a line through every lane for each of `markers` (the 2016 merger), at the year's start."""
    left, right, plot, head = 6.0, width - 6, 30.0, 18.0
    x_of, step = _year_axis(first, last, left, right)
    rects, lines, labels = [], [], []
    y = FONT + 6 if markers else 0.0
    for index, (name, counts, earlier) in enumerate(lanes):
        colour = PALETTE[index % len(PALETTE)]
        shown = {year: n for year, n in counts.items() if first <= year <= last and n}
        text = f"{name} · {spaced(sum(shown.values()))}"
        if earlier:
            text += f" (+{spaced(earlier)} < {first})"
        labels.append(Label(left, rounded(y + FONT), text, style="strong"))
        base = y + head + plot
        lines.append(Line(left, rounded(base), right, rounded(base)))
        most = max(shown.values(), default=0)
        for year, count in sorted(shown.items()):
            height = rounded(max(2.0, count * plot / most))
            x = rounded(x_of(year) - step * 0.4)
            title = f"{name}, {year}: {spaced(count)}"
            rects.append(
                Rect(x, rounded(base - height), rounded(step * 0.8), height, colour, title)
            )
        y = base + 8
    tick_lines, tick_labels = _ticks(first, last, x_of, y - 8)
    for year, text in markers:
        if first <= year <= last:
            x = rounded(x_of(year) - step / 2)
            tick_lines.append(Line(x, FONT + 2, x, rounded(y - 8), "marker"))
            tick_labels.append(Label(x, FONT, text, "middle", "small"))
    return Chart(
        width,
        rounded(y + FONT),
        rects=tuple(rects),
        lines=tuple(lines + tick_lines),
        labels=tuple(labels + tick_labels),
    )
