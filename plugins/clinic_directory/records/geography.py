"""Where a clinic is: its coordinates, and a rough check that they lie in its state."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from clinic_directory.records.geocode import GeocodeCache

Box = tuple[float, float, float, float]  # south, north, west, east, in degrees

#: Degrees added around each state's box, so points near a border are never refused.
BOUNDS_MARGIN = 0.5
#: A rough box (or two, where a state crosses the 180th meridian) around each state.
STATE_BOUNDS: Mapping[str, tuple[Box, ...]] = MappingProxyType(
    {
        "AL": ((30.1, 35.0, -88.5, -84.9),),
        "AK": ((51.2, 71.5, -180.0, -129.9), (51.2, 53.1, 172.4, 180.0)),
        "AZ": ((31.3, 37.0, -114.9, -109.0),),
        "AR": ((33.0, 36.5, -94.7, -89.6),),
        "CA": ((32.5, 42.0, -124.5, -114.1),),
        "CO": ((37.0, 41.0, -109.1, -102.0),),
        "CT": ((40.9, 42.1, -73.8, -71.8),),
        "DE": ((38.4, 39.9, -75.8, -75.0),),
        "DC": ((38.8, 39.0, -77.2, -76.9),),
        "FL": ((24.4, 31.0, -87.7, -80.0),),
        "GA": ((30.3, 35.0, -85.7, -80.8),),
        "HI": ((18.9, 28.5, -178.4, -154.8),),
        "ID": ((42.0, 49.0, -117.3, -111.0),),
        "IL": ((36.9, 42.5, -91.6, -87.0),),
        "IN": ((37.8, 41.8, -88.1, -84.8),),
        "IA": ((40.4, 43.5, -96.7, -90.1),),
        "KS": ((37.0, 40.0, -102.1, -94.6),),
        "KY": ((36.5, 39.2, -89.6, -81.9),),
        "LA": ((28.9, 33.0, -94.1, -88.8),),
        "ME": ((43.0, 47.5, -71.1, -66.9),),
        "MD": ((37.9, 39.7, -79.5, -75.0),),
        "MA": ((41.2, 42.9, -73.5, -69.9),),
        "MI": ((41.7, 48.3, -90.4, -82.4),),
        "MN": ((43.5, 49.4, -97.3, -89.5),),
        "MS": ((30.1, 35.0, -91.7, -88.1),),
        "MO": ((36.0, 40.6, -95.8, -89.1),),
        "MT": ((44.4, 49.0, -116.1, -104.0),),
        "NE": ((40.0, 43.0, -104.1, -95.3),),
        "NV": ((35.0, 42.0, -120.0, -114.0),),
        "NH": ((42.7, 45.3, -72.6, -70.6),),
        "NJ": ((38.9, 41.4, -75.6, -73.9),),
        "NM": ((31.3, 37.0, -109.1, -103.0),),
        "NY": ((40.5, 45.0, -79.8, -71.8),),
        "NC": ((33.8, 36.6, -84.3, -75.4),),
        "ND": ((45.9, 49.0, -104.1, -96.6),),
        "OH": ((38.4, 42.3, -84.8, -80.5),),
        "OK": ((33.6, 37.0, -103.0, -94.4),),
        "OR": ((41.9, 46.3, -124.6, -116.5),),
        "PA": ((39.7, 42.3, -80.5, -74.7),),
        "PR": ((17.9, 18.6, -68.0, -65.2),),
        "RI": ((41.1, 42.0, -71.9, -71.1),),
        "SC": ((32.0, 35.2, -83.4, -78.5),),
        "SD": ((42.5, 45.9, -104.1, -96.4),),
        "TN": ((35.0, 36.7, -90.3, -81.6),),
        "TX": ((25.8, 36.5, -106.6, -93.5),),
        "UT": ((37.0, 42.0, -114.1, -109.0),),
        "VT": ((42.7, 45.0, -73.4, -71.5),),
        "VA": ((36.5, 39.5, -83.7, -75.2),),
        "WA": ((45.5, 49.0, -124.8, -116.9),),
        "WV": ((37.2, 40.6, -82.6, -77.7),),
        "WI": ((42.5, 47.1, -92.9, -86.8),),
        "WY": ((41.0, 45.0, -111.1, -104.1),),
    }
)


def record_location(data: dict[str, Any], cache: GeocodeCache) -> tuple[float, float] | None:
    """The record's coordinates: its own ``location``, else the geocoding cache's."""
    if "location" in data:
        return data["location"]["lat"], data["location"]["lon"]
    return cache.get(data["address"])


def is_within_state(state: str, lat: float, lon: float) -> bool:
    return any(
        south - BOUNDS_MARGIN <= lat <= north + BOUNDS_MARGIN
        and west - BOUNDS_MARGIN <= lon <= east + BOUNDS_MARGIN
        for south, north, west, east in STATE_BOUNDS[state]
    )
