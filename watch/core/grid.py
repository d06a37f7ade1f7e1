"""Grid cells for hot-spots: counts per cell, never single points.

Cells are about `size_m` metres square in Swedish latitudes: a fixed degree
step in latitude, and in longitude scaled at 60°N.
"""
from __future__ import annotations

import math

M_PER_DEG_LAT = 111_320.0
REF_COS = math.cos(math.radians(60.0))


def steps(size_m: float) -> tuple[float, float]:
    """(longitude step, latitude step) in degrees."""
    return size_m / (M_PER_DEG_LAT * REF_COS), size_m / M_PER_DEG_LAT


def cell_of(lon: float, lat: float, size_m: float) -> str:
    """The cell id 'row:col' of a point."""
    dlon, dlat = steps(size_m)
    return f"{math.floor(lat / dlat)}:{math.floor(lon / dlon)}"


def cell_bounds(cell: str, size_m: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a cell."""
    row, col = (int(v) for v in cell.split(":"))
    dlon, dlat = steps(size_m)
    return col * dlon, row * dlat, (col + 1) * dlon, (row + 1) * dlat


def cell_polygon(cell: str, size_m: float) -> dict:
    """A GeoJSON Polygon of the cell (RFC 7946: counter-clockwise)."""
    x0, y0, x1, y1 = (round(v, 6) for v in cell_bounds(cell, size_m))
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}
