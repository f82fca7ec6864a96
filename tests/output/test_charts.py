"""The report's charts as geometry: bars proportional to their values inside the box, columns
on their years, the projection of Normandy, outlines that hold their communes, pies whose
slices add up."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normandie_cli.output.charts import (
    LABEL_WIDTH,
    OTHER,
    Chart,
    bar_rows,
    dot_rows,
    shorten,
    spaced,
    stacked_rows,
    timeline_chart,
    year_columns,
    year_ticks,
)
from normandie_cli.output.map_chart import Pin, convex_hull, fit, map_chart

CAEN = (-0.37, 49.18)
ROUEN = (1.09, 49.44)
LE_HAVRE = (0.11, 49.49)


def inside(chart: Chart) -> None:
    """Every mark lies in the chart's box (a value label may not run off its right edge)."""
    for rect in chart.rects:
        assert rect.x >= 0 and rect.x + rect.width <= chart.width + 0.1, rect
        assert rect.y >= 0 and rect.y + rect.height <= chart.height + 0.1, rect
    for line in chart.lines:
        assert min(line.x1, line.x2) >= 0 and max(line.x1, line.x2) <= chart.width, line
        assert min(line.y1, line.y2) >= 0 and max(line.y1, line.y2) <= chart.height, line
    for label in chart.labels:
        assert 0 <= label.y <= chart.height, label
        assert 0 <= label.x <= chart.width, label


def test_bars_are_proportional_and_a_zero_has_a_label_but_no_bar() -> None:
    chart = bar_rows(["Caen", "Rouen", "Le Havre"], [("startups", [8, 11, 0])])
    lengths = {r.title.split(",")[0]: r.width for r in chart.rects}
    assert set(lengths) == {"Caen", "Rouen"}
    assert lengths["Caen"] / lengths["Rouen"] == pytest.approx(8 / 11, rel=0.02)
    assert [label.text for label in chart.labels if label.style == "value"] == ["8", "11", "0"]
    assert all(r.x == LABEL_WIDTH for r in chart.rects)
    inside(chart)


def test_grouped_bars_share_one_scale_and_have_a_legend() -> None:
    chart = bar_rows(["A", "B"], [("all", [10, 4]), ("recent", [5, 0])])
    widths = [r.width for r in chart.rects]
    assert widths[1] == pytest.approx(widths[0] / 2, rel=0.02)  # A recent = half of A all
    assert [name for _, name in chart.legend] == ["all", "recent"]
    assert len({colour for colour, _ in chart.legend}) == 2


@given(
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8),
)
def test_any_values_stay_inside_the_box(values: list[int]) -> None:
    chart = bar_rows([f"scene {i}" for i in range(len(values))], [("", values)])
    inside(chart)
    longest = max(values)
    for rect in chart.rects:
        # The value written after the longest bar still fits.
        assert rect.x + rect.width + 8 + 7 * len(spaced(longest)) <= chart.width + 1


def test_all_zero_bars_draw_nothing_but_their_labels() -> None:
    chart = bar_rows(["A", "B"], [("", [0, 0])])
    assert chart.rects == ()
    assert [label.text for label in chart.labels if label.style == "value"] == ["0", "0"]


def test_stacked_segments_add_up_to_the_total_and_other_is_grey() -> None:
    chart = stacked_rows(
        ["Caen", "Rouen"],
        [("unit", [46.0, 48.0]), ("school", [3.0, 5.0]), ("other", [11.0, 6.0])],
        other="other",
    )
    caen = [r for r in chart.rects if r.title.startswith("Caen")]
    rouen = [r for r in chart.rects if r.title.startswith("Rouen")]
    assert sum(r.width for r in caen) / sum(r.width for r in rouen) == pytest.approx(60 / 59, 0.01)
    for row in (caen, rouen):  # segments follow each other
        for left, right in zip(row, row[1:], strict=False):
            assert right.x == pytest.approx(left.x + left.width, abs=0.2)
    assert chart.legend[-1] == (OTHER, "other")
    inside(chart)


def test_dots_sit_on_their_year_and_an_unknown_is_said() -> None:
    chart = dot_rows(["Caen", "Rouen", "Le Havre"], [2020.0, 2013.0, None], unknown="unknown")
    caen, rouen = chart.circles
    assert caen.cx > rouen.cx
    assert "unknown" in [label.text for label in chart.labels]
    years = [
        int(label.text) for label in chart.labels if label.text.isdigit() and len(label.text) == 4
    ]
    assert min(years) <= 2013 and max(years) > 2020  # room after the last dot
    inside(chart)


def test_year_ticks_keep_the_ends_and_round_years() -> None:
    assert year_ticks(2012, 2026) == [2012, 2015, 2020, 2025]
    assert year_ticks(1983, 2026) == [1983, 1990, 2000, 2010, 2020, 2026]
    assert year_ticks(2020, 2020) == [2020]


def test_small_multiples_share_one_scale() -> None:
    chart = year_columns([("Caen", {2013: 12, 2018: 15}), ("Rouen", {2013: 3})], 2012, 2026)
    by_title = {r.title: r for r in chart.rects}
    assert by_title["Rouen, 2013: 3"].height / by_title["Caen, 2018: 15"].height == pytest.approx(
        3 / 15, rel=0.05
    )
    assert by_title["Caen, 2013: 12"].x == by_title["Rouen, 2013: 3"].x  # same year, same x
    inside(chart)


def test_timeline_lanes_have_their_own_scale_and_the_merger_marker() -> None:
    lanes = [("founded", {2013: 2, 2020: 1}, 0), ("events", {2013: 17, 2018: 17}, 3)]
    chart = timeline_chart(lanes, 1983, 2026, markers=[(2016, "2016")])
    tallest = {r.title.split(",")[0]: 0.0 for r in chart.rects}
    for rect in chart.rects:
        name = rect.title.split(",")[0]
        tallest[name] = max(tallest[name], rect.height)
    assert tallest["founded"] == pytest.approx(tallest["events"])  # each lane full height
    (marker,) = [line for line in chart.lines if line.style == "marker"]
    x2013 = next(r for r in chart.rects if r.title == "founded, 2013: 2").x
    x2020 = next(r for r in chart.rects if r.title == "founded, 2020: 1").x
    assert x2013 < marker.x1 < x2020
    assert any("+3 < 1983" in label.text for label in chart.labels)
    inside(chart)


def test_long_names_are_cut_in_charts() -> None:
    assert shorten("Métropole Rouen Normandie") == "Métropole Rouen…"
    assert shorten("Caen") == "Caen"


# --- The map -----------------------------------------------------------------------------


def test_the_projection_keeps_north_up_and_east_right_and_fits_the_width() -> None:
    projection, height = fit([CAEN, ROUEN, LE_HAVRE], width=500)
    caen, rouen, le_havre = (projection.xy(p) for p in (CAEN, ROUEN, LE_HAVRE))
    assert caen[0] < le_havre[0] < rouen[0]  # west to east
    assert le_havre[1] < rouen[1] < caen[1]  # north is up
    assert min(caen[0], rouen[0]) >= 0 and max(caen[0], rouen[0]) <= 500
    assert 0 < height < 500
    # East-west distances shrink by the cosine of the latitude, as on a globe.
    dx, dy = rouen[0] - caen[0], caen[1] - rouen[1]
    ratio = (dx / (ROUEN[0] - CAEN[0])) / (dy / (ROUEN[1] - CAEN[1]))
    assert ratio == pytest.approx(math.cos(math.radians(49.31)), rel=0.01)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=40))
def test_the_hull_holds_every_point(raw: list[tuple[int, int]]) -> None:
    points = [(float(x), float(y)) for x, y in raw]
    hull = convex_hull(points)
    assert set(hull) <= set(points)
    if len(hull) < 3:
        return
    for point in points:  # counter-clockwise: every point is left of (or on) each edge
        for a, b in zip(hull, hull[1:] + hull[:1], strict=True):
            cross = (b[0] - a[0]) * (point[1] - a[1]) - (b[1] - a[1]) * (point[0] - a[0])
            assert cross >= -1e-9


def test_the_map_draws_communes_outlines_and_pies() -> None:
    communes = [(CAEN, 0), (ROUEN, 1), (LE_HAVRE, 1), ((-1.6, 49.6), 2)]
    pins = [Pin(CAEN, (1, 2, 1), "Caen: 4"), Pin(ROUEN, (3, 0, 0), "Rouen: 3")]
    chart = map_chart(
        communes, [("Caen la Mer", [CAEN, (-0.3, 49.2), (-0.35, 49.25)])], pins, ["r", "g", "b"]
    )
    dots = [p for p in chart.paths if p.style == "communes"]
    assert len(dots) == 3  # one path per department
    assert sum(p.d.count("h0") for p in dots) == len(communes)
    (outline,) = [p for p in chart.paths if p.style == "outline"]
    assert outline.title == "Caen la Mer" and outline.d.endswith("Z")
    slices = [p for p in chart.paths if p.style == "pin"]
    assert [p.fill for p in slices if p.title == "Caen: 4"] == ["r", "g", "b"]
    assert [p.fill for p in slices if p.title == "Rouen: 3"] == ["r"]  # a whole disc
    assert "Caen la Mer" in [label.text for label in chart.labels]
    # The pie with more records is drawn first, so the smaller one stays on top.
    assert slices[0].title == "Caen: 4"
    for path in chart.paths:
        assert re.fullmatch(r"[MLAZh0-9 .\-]+", path.d), path.d  # numbers and commands only


def test_a_pie_grows_by_area_with_its_records() -> None:
    pins = [Pin(CAEN, (100, 0, 0), "big"), Pin(ROUEN, (25, 0, 0), "small")]
    chart = map_chart([(CAEN, 0), (ROUEN, 0)], [], pins, ["r", "g", "b"], largest=22)
    radius = {p.title: float(p.d.split("A")[1].split(" ")[0]) for p in chart.paths if p.title}
    assert radius["big"] == 22
    assert radius["small"] == pytest.approx(3 + 19 * 0.5, abs=0.1)  # sqrt(25/100)


def test_a_map_with_no_coordinates_is_an_empty_box() -> None:
    chart = map_chart([], [], [], ["r", "g", "b"])
    assert chart.paths == () and chart.height > 0
