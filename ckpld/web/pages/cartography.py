"""The partner map's geometry: places projected around Kraków, and country outlines for the frame.

The projection is azimuthal equidistant, centred on the home city: every line from the centre is
a great circle drawn straight, and its length is true to scale. Country outlines come from
Natural Earth (public domain) as packaged by the npm package world-atlas, installed with the
other browser assets; nothing is fetched at run time, and without the file the map has no
outlines but is otherwise complete.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
OUTLINES = Path("world-atlas") / "countries-50m.json"  # under the assets folder (node_modules)
WIDTH = 800.0  # the map's width in SVG units; the height follows the places' extent
PADDING = 0.22  # share of the places' extent left around them
MIN_ASPECT, MAX_ASPECT = 0.55, 0.9  # height/width bounds, so the map is never a sliver

Point = tuple[float, float]


@dataclass(frozen=True)
class Projection:
    """Azimuthal equidistant projection centred on (`lon0`, `lat0`), in kilometres."""

    lon0: float
    lat0: float

    def __call__(self, lon: float, lat: float) -> Point:
        """(x, y) in km east and north of the centre; y grows northwards."""
        phi0, phi = math.radians(self.lat0), math.radians(lat)
        dlon = math.radians(lon - self.lon0)
        cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(dlon)
        c = math.acos(max(-1.0, min(1.0, cos_c)))
        k = 1.0 if c < 1e-12 else c / math.sin(c)
        x = k * math.cos(phi) * math.sin(dlon)
        y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(dlon))
        return EARTH_RADIUS_KM * x, EARTH_RADIUS_KM * y


@dataclass(frozen=True)
class Frame:
    """Where projected kilometres land in the SVG: a scale and the map's view box."""

    projection: Projection
    min_x: float
    max_y: float
    scale: float  # SVG units per km
    width: float
    height: float

    def place(self, lon: float, lat: float) -> Point:
        """A geographic point in SVG units (y grows downwards), rounded to 0.1."""
        x, y = self.projection(lon, lat)
        return round((x - self.min_x) * self.scale, 1), round((self.max_y - y) * self.scale, 1)

    @property
    def km_per_unit(self) -> float:
        return 1 / self.scale


def frame_for(centre: Point, places: Iterable[Point]) -> Frame:
    """The frame that shows every place (lon, lat) with some room around it, centred projection."""
    projection = Projection(*centre)
    xs, ys = zip(*(projection(lon, lat) for lon, lat in [centre, *places]), strict=True)
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 1.0)
    pad = PADDING * max(span_x, span_y)
    min_x, max_x = min(xs) - pad, max(xs) + pad
    min_y, max_y = min(ys) - pad, max(ys) + pad
    aspect = (max_y - min_y) / (max_x - min_x)
    if aspect < MIN_ASPECT:  # too wide: add room above and below
        grow = (MIN_ASPECT * (max_x - min_x) - (max_y - min_y)) / 2
        min_y, max_y = min_y - grow, max_y + grow
    elif aspect > MAX_ASPECT:  # too tall: add room left and right
        grow = ((max_y - min_y) / MAX_ASPECT - (max_x - min_x)) / 2
        min_x, max_x = min_x - grow, max_x + grow
    scale = WIDTH / (max_x - min_x)
    return Frame(projection, min_x, max_y, scale, WIDTH, round((max_y - min_y) * scale, 1))


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance between two (lon, lat) points."""
    x, y = Projection(*a)(*b)
    return math.hypot(x, y)


@functools.lru_cache(maxsize=8)
def outlines(assets_dir: str | Path, frame: Frame) -> tuple[str, ...]:
    """SVG path data of each country that shows in the frame (empty when the data is missing).

    Kept per frame: projecting and clipping every country takes about 0.3 s, which under gevent
    would hold every request of the worker at each rendering of the home page.
    """
    path = Path(assets_dir) / OUTLINES
    if not path.is_file():
        return ()
    box = (-2.0, -2.0, frame.width + 2, frame.height + 2)
    drawn = []
    for rings in _countries(str(path)):
        parts = []
        for ring in rings:
            clipped = _clip([frame.place(lon, lat) for lon, lat in ring], box)
            if len(clipped) >= 3:
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in clipped) + "Z")
        if parts:
            drawn.append("".join(parts))
    return tuple(drawn)


def preload(assets_dir: str | Path) -> None:
    """Read the countries' outlines now (in the master, before workers fork), not on a page."""
    path = Path(assets_dir) / OUTLINES
    if path.is_file():
        _countries(str(path))


@functools.cache
def _countries(path: str) -> list[list[list[Point]]]:
    """Each country of a world-atlas TopoJSON file as rings of (lon, lat) points."""
    with open(path, encoding="utf-8") as file:
        topology = json.load(file)
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:  # positions are quantised and delta-encoded
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs")], "MultiPolygon": geometry.get("arcs")}.get(
            geometry.get("type"), []
        )
        countries.append([_ring(arcs, ring) for polygon in polygons for ring in polygon])
    return countries


def _ring(arcs: list[list[Point]], indexes: Sequence[int]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:  # ~i is arc i reversed; consecutive arcs share their end point
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _clip(ring: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """A polygon ring clipped to a rectangle (Sutherland-Hodgman), near-duplicate points dropped."""
    left, top, right, bottom = box
    points = ring
    # each edge of the box: the coordinate it bounds (0: x, 1: y), the bound, and its side
    for axis, bound, below in (
        (0, left, False),
        (0, right, True),
        (1, top, False),
        (1, bottom, True),
    ):
        kept: list[Point] = []
        for previous, point in zip(points[-1:] + points[:-1], points, strict=True):
            inside = point[axis] <= bound if below else point[axis] >= bound
            was_inside = previous[axis] <= bound if below else previous[axis] >= bound
            if inside != was_inside:
                kept.append(_crossing(previous, point, axis, bound))
            if inside:
                kept.append(point)
        points = kept
    thinned: list[Point] = []
    for x, y in points:  # at most one point per half unit: the outline is a backdrop
        if not thinned or abs(x - thinned[-1][0]) + abs(y - thinned[-1][1]) >= 0.5:
            thinned.append((round(x, 1), round(y, 1)))
    return thinned


def _crossing(a: Point, b: Point, axis: int, bound: float) -> Point:
    """Where the segment a-b crosses the line where coordinate `axis` equals `bound`."""
    t = (bound - a[axis]) / (b[axis] - a[axis])
    other = 1 - axis
    value = a[other] + t * (b[other] - a[other])
    return (bound, value) if axis == 0 else (value, bound)
