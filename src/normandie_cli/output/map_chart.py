"""The map of Normandy in the report: the region drawn as the dots of its 2,650 communes
(their coordinates, from the gazetteer: no tiles, nothing downloaded), agglomerations shaded
around their member communes, and a pie on each commune with records, sliced by kind."""

from __future__ import annotations

import math
from collections.abc import Sequence

from normandie_cli.frozen import frozen
from normandie_cli.output.charts import TINTS, WIDE, Chart, Label, Path, rounded, shorten

Point = tuple[float, float]  # (longitude, latitude) in degrees


@frozen
class Projection:
    """Longitude and latitude to map units: an equirectangular projection whose east-west
    scale is the cosine of the middle latitude, true enough over a region 200 km wide."""

    west: float
    north: float
    scale: float  # map units per degree of latitude
    squeeze: float  # cos(middle latitude)
    margin: float

    def xy(self, point: Point) -> tuple[float, float]:
        longitude, latitude = point
        x = self.margin + (longitude - self.west) * self.scale * self.squeeze
        y = self.margin + (self.north - latitude) * self.scale
        return rounded(x), rounded(y)


def fit(
    points: Sequence[Point], width: float = WIDE, margin: float = 24.0
) -> tuple[Projection, float]:
    """The projection that fits the points in `width`, and the height it needs."""
    if not points:
        return Projection(0.0, 0.0, 1.0, 1.0, margin), 2 * margin
    west = min(p[0] for p in points)
    east = max(p[0] for p in points)
    south = min(p[1] for p in points)
    north = max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    span = max((east - west) * squeeze, 1e-6)
    scale = (width - 2 * margin) / span
    return Projection(west, north, scale, squeeze, margin), rounded(
        (north - south) * scale + 2 * margin
    )


def convex_hull(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The smallest convex polygon holding the points, counter-clockwise (Andrew's monotone
    chain); fewer than three distinct points are returned as they are."""
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique

    def turn(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for chain, ordered in ((lower, unique), (upper, list(reversed(unique)))):
        for point in ordered:
            while len(chain) >= 2 and turn(chain[-2], chain[-1], point) <= 0:
                chain.pop()
            chain.append(point)
    return lower[:-1] + upper[:-1]


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z"


def _slice(cx: float, cy: float, r: float, start: float, end: float) -> str:
    """A pie slice from `start` to `end` (fractions of a turn, clockwise from the top)."""
    if end - start >= 1:
        # A whole disc: two half arcs (one arc cannot start and end at the same point).
        half = f"A{r:g} {r:g} 0 1 1"
        top, bottom = f"{cx:g} {rounded(cy - r):g}", f"{cx:g} {rounded(cy + r):g}"
        return f"M{top}{half} {bottom}{half} {top}Z"

    def at(turn: float) -> str:
        angle = 2 * math.pi * turn
        return f"{rounded(cx + r * math.sin(angle)):g} {rounded(cy - r * math.cos(angle)):g}"

    large = 1 if end - start > 0.5 else 0
    return f"M{cx:g} {cy:g}L{at(start)}A{r:g} {r:g} 0 {large} 1 {at(end)}Z"


@frozen
class Pin:
    """Records on one commune: its position, a count per kind, what the shape says."""

    point: Point
    counts: tuple[int, ...]
    title: str


def map_chart(
    communes: Sequence[tuple[Point, int]],
    outlines: Sequence[tuple[str, Sequence[Point]]],
    pins: Sequence[Pin],
    colours: Sequence[str],
    *,
    width: float = WIDE,
    largest: float = 22.0,
) -> Chart:
    """Normandy drawn as the dots of its communes (tinted by their group, a department),
    each outline a shaded shape around its communes (an agglomeration), and a pie per pin
    whose area grows with its records and whose slices are the kinds, in `colours`."""
    projection, height = fit([point for point, _ in communes] or [p.point for p in pins], width)
    paths: list[Path] = []
    by_tint: dict[int, list[str]] = {}
    for point, tint in communes:
        x, y = projection.xy(point)
        by_tint.setdefault(tint, []).append(f"M{x:g} {y:g}h0")
    for tint, moves in sorted(by_tint.items()):
        paths.append(Path("".join(moves), stroke=TINTS[tint % len(TINTS)], style="communes"))
    labels = []
    for name, points in outlines:
        corners = convex_hull([projection.xy(p) for p in points])
        if not corners:
            continue
        paths.append(
            Path(_polygon(corners), fill="#7f7f7f", stroke="#7f7f7f", style="outline", title=name)
        )
        x, y = min(corners, key=lambda c: (c[1], c[0]))
        labels.append(Label(x, rounded(y - 12), shorten(name, 30), "middle", "strong"))
    most = max((sum(p.counts) for p in pins), default=0)
    for pin in sorted(pins, key=lambda p: -sum(p.counts)):
        total = sum(pin.counts)
        if not total:
            continue
        cx, cy = projection.xy(pin.point)
        r = rounded(3 + (largest - 3) * math.sqrt(total / most))
        start = 0.0
        for count, colour in zip(pin.counts, colours, strict=True):
            if count:
                end = start + count / total
                paths.append(
                    Path(
                        _slice(cx, cy, r, start, end),
                        fill=colour,
                        stroke="#ffffff",
                        style="pin",
                        title=pin.title,
                    )
                )
                start = end
    return Chart(width, height, paths=tuple(paths), labels=tuple(labels))
