"""Build `world.json`, the map's country outlines, once, from Natural Earth's 1:110m Admin 0 boundaries.

Source: the npm package world-atlas 2.0.2 (`countries-110m.json`, TopoJSON of Natural Earth 4.1.0, public domain;
the package's own code is ISC). Get it without a network fetch at run time, once, on a developer's machine:

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tamyr/analytics/geodata/build_world.py /tmp/package/countries-110m.json

What it does (docs/decisions/0034): decodes the TopoJSON arcs, keys each country by ISO 3166 alpha-2 (world-atlas
keys by ISO numeric; pycountry maps them; Kosovo, which has no numeric code, becomes the user-assigned XK), drops
Antarctica, projects with the Equal Earth projection (equal-area, so a big country is not made bigger by its
latitude), scales to a 1000-unit-wide view box, drops points closer than half a unit to the previous one, and writes
one SVG path per country with whole-number-and-one-decimal coordinates. The result (about 100 KB) is shipped in the
repository and read by `tamyr.analytics.map`; nothing is fetched or computed from geography at run time.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pycountry

WIDTH = 1000.0
MIN_STEP = 0.5
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = 2.7062906  # Equal Earth's x at longitude 180 on the equator
SCALE = WIDTH / (2 * X_MAX)
EXTRA = {"Kosovo": "XK"}  # no ISO numeric code in Natural Earth's data


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (2 * math.sqrt(3) * lam * math.cos(theta)) / (3 * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return (x + X_MAX) * SCALE, -y * SCALE


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    # a ring that crosses the antimeridian (Russia's Chukotka, Fiji) jumps from +180 to -180: keep it on one side
    if any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:], strict=False)):
        points = [(min(lon + 360 if lon < 0 else lon, 180.0), lat) for lon, lat in points]
    return points


def path_of(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        projected = [equal_earth(lon, lat) for lon, lat in ring]
        kept = [projected[0]]
        for point in projected[1:]:
            if math.dist(point, kept[-1]) >= MIN_STEP:
                kept.append(point)
        if len(kept) < 3:
            continue
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
    return "".join(parts)


def build(source: Path) -> dict[str, Any]:
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    countries: dict[str, str] = {}
    unkeyed: list[str] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        numeric = geometry.get("id")
        found = pycountry.countries.get(numeric=numeric) if numeric else None
        code = found.alpha_2 if found else EXTRA.get(name, "")
        if code == "AQ":
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [ring_points(ring, arcs) for polygon in polygons for ring in polygon]
        path = path_of(rings)
        if code:
            countries[code] = countries.get(code, "") + path
        else:
            unkeyed.append(path)  # N. Cyprus, Somaliland: drawn, not coloured, not named
    ys = [float(n.split(",")[1]) for p in [*countries.values(), *unkeyed] for n in p.replace("M", "L").replace(
        "Z", "").split("L") if n]  # fmt: skip
    top, bottom = math.floor(min(ys)), math.ceil(max(ys))
    return {
        "source": "Natural Earth 1:110m Admin 0 (public domain), via world-atlas 2.0.2 countries-110m.json",
        "projection": "Equal Earth",
        "view_box": [0, top, int(WIDTH), bottom - top],
        "countries": dict(sorted(countries.items())),
        "unkeyed": unkeyed,
    }


if __name__ == "__main__":
    world = build(Path(sys.argv[1]))
    target = Path(__file__).with_name("world.json")
    target.write_text(json.dumps(world, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(world['countries'])} countries, {target.stat().st_size} bytes, view box {world['view_box']}")
