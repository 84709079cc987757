"""Where a WellnessLiving business is served: its region and environment give the host.

WellnessLiving runs two data centres, North Virginia and Sydney, each with a production and
a staging host; its Constant Contact integration serves businesses in the US, Canada and
Australia. Canadian businesses are served from North Virginia (the API knows only the two
data centres: ``AmazonRegionSid`` 1 and 2).

Each host keeps the session in its own pair of cookies (persistent, transient): ``p``/``t``
on US production, ``sp``/``st`` on US staging, ``ap``/``at`` and ``dp``/``dt`` in Australia.
A client must take them from this table, never assume one pair.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Region(StrEnum):
    US = "us"
    CANADA = "ca"
    AUSTRALIA = "au"


class Environment(StrEnum):
    PRODUCTION = "production"
    STAGING = "staging"


class DataCentre(IntEnum):
    """``AmazonRegionSid``: the data centre a business (and its staff) is served from."""

    US_EAST_1 = 1
    AP_SOUTHEAST_2 = 2


REGION_LABELS = {
    Region.US: "United States",
    Region.CANADA: "Canada",
    Region.AUSTRALIA: "Australia",
}
ENVIRONMENT_LABELS = {Environment.PRODUCTION: "Production", Environment.STAGING: "Staging"}
DATA_CENTRE_LABELS = {
    DataCentre.US_EAST_1: "North America (United States and Canada)",
    DataCentre.AP_SOUTHEAST_2: "Australia",
}

_HOSTS = {
    (DataCentre.US_EAST_1, Environment.PRODUCTION): "us.wellnessliving.com",
    (DataCentre.US_EAST_1, Environment.STAGING): "staging.wellnessliving.com",
    (DataCentre.AP_SOUTHEAST_2, Environment.PRODUCTION): "au.wellnessliving.com",
    (DataCentre.AP_SOUTHEAST_2, Environment.STAGING): "demo.wellnessliving.com",
}
_COOKIES = {
    "us.wellnessliving.com": ("p", "t"),
    "staging.wellnessliving.com": ("sp", "st"),
    "au.wellnessliving.com": ("ap", "at"),
    "demo.wellnessliving.com": ("dp", "dt"),
}


def data_centre(region: Region) -> DataCentre:
    return DataCentre.AP_SOUTHEAST_2 if region is Region.AUSTRALIA else DataCentre.US_EAST_1


def host_for(region: Region | str, environment: Environment | str) -> str:
    """The API host, e.g. ``us.wellnessliving.com`` for a Canadian production business."""
    return _HOSTS[(data_centre(Region(region)), Environment(environment))]


def session_cookies(host: str) -> tuple[str, str]:
    """The names of the host's persistent and transient session cookies."""
    return _COOKIES[host]
