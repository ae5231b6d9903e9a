"""The map's geometry: a true azimuthal equidistant projection, frames, outlines."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ckpld.web.pages.cartography import (
    EARTH_RADIUS_KM,
    MAX_ASPECT,
    MIN_ASPECT,
    OUTLINES,
    Projection,
    _clip,
    _countries,
    distance_km,
    frame_for,
    outlines,
)
from tests.conftest import ROOT

KRAKOW = (19.93658, 50.06143)
VILNIUS = (25.2798, 54.68916)
GRASSE = (6.92537, 43.65783)


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = (map(math.radians, p) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@pytest.mark.parametrize("place", [VILNIUS, GRASSE, (121.45806, 31.22222), (-74.0, 40.7)])
def test_distances_from_the_centre_are_true(place: tuple[float, float]) -> None:
    assert distance_km(KRAKOW, place) == pytest.approx(haversine(KRAKOW, place), rel=1e-9)


def test_projection_is_centred_and_north_is_up() -> None:
    project = Projection(*KRAKOW)
    assert project(*KRAKOW) == pytest.approx((0.0, 0.0), abs=1e-9)
    x, y = project(KRAKOW[0], KRAKOW[1] + 5)  # due north on the same meridian
    assert x == pytest.approx(0.0, abs=1e-9) and y > 0
    east = project(KRAKOW[0] + 5, KRAKOW[1])
    assert east[0] > 0


def test_frame_holds_every_place_with_room_and_a_sane_shape() -> None:
    places = [VILNIUS, GRASSE, (30.5238, 50.45466)]
    frame = frame_for(KRAKOW, places)
    for lon, lat in [KRAKOW, *places]:
        x, y = frame.place(lon, lat)
        assert 10 < x < frame.width - 10 and 10 < y < frame.height - 10
    assert MIN_ASPECT - 0.01 <= frame.height / frame.width <= MAX_ASPECT + 0.01
    vx, vy = frame.place(*VILNIUS)
    kx, ky = frame.place(*KRAKOW)
    assert vy < ky and vx > kx  # Vilnius is north-east of Kraków: up and right
    # one SVG unit is the same number of km in every direction from the centre
    assert math.hypot(vx - kx, vy - ky) * frame.km_per_unit == pytest.approx(
        distance_km(KRAKOW, VILNIUS), rel=2e-3
    )


def test_a_single_place_still_gets_a_frame() -> None:
    frame = frame_for(KRAKOW, [])
    assert frame.width > 0 and frame.height > 0


def test_clipping_keeps_what_is_inside_the_box() -> None:
    box = (0.0, 0.0, 10.0, 10.0)
    half_out = [(5.0, 5.0), (15.0, 5.0), (15.0, 8.0), (5.0, 8.0)]
    clipped = _clip(half_out, box)
    assert {p for p in clipped} == {(5.0, 5.0), (10.0, 5.0), (10.0, 8.0), (5.0, 8.0)}
    assert _clip([(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], box) == []
    inside = [(1.0, 1.0), (9.0, 1.0), (9.0, 9.0)]
    assert _clip(inside, box) == inside


def test_topojson_arcs_are_decoded_and_joined(tmp_path: Path) -> None:
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 40]},
        # arc 0: (0,0) -> (4,0) -> (4,4); arc 1: (4,4) -> (0,4) -> (0,0), delta-encoded
        "arcs": [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, 0], [0, -4]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]]},
                    {"type": "MultiPolygon", "arcs": [[[~1, ~0]]]},
                    {"type": None},
                ],
            }
        },
    }
    path = tmp_path / "atlas.json"
    path.write_text(json.dumps(topology))
    square, reversed_square, nothing = _countries(str(path))
    assert square == [[(10, 40), (12, 40), (12, 41), (10, 41), (10, 40)]]
    assert reversed_square == [list(reversed(square[0]))]
    assert nothing == []


def test_outlines_of_the_installed_atlas_are_clipped_to_the_frame(tmp_path: Path) -> None:
    frame = frame_for(KRAKOW, [VILNIUS, GRASSE])
    drawn = outlines(ROOT / "node_modules", frame)
    assert (ROOT / "node_modules" / OUTLINES).is_file(), "make test installs world-atlas"
    assert len(drawn) > 20  # Europe's countries around the partners
    numbers = [
        float(n)
        for d in drawn
        for n in d.replace("M", " ").replace("L", " ").replace("Z", " ").replace(",", " ").split()
    ]
    assert min(numbers) >= -2.0 and max(numbers) <= max(frame.width, frame.height) + 2
    assert outlines(tmp_path, frame) == ()  # no atlas installed: a map without outlines
