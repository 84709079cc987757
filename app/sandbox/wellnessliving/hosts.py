"""WellnessLiving's hosts: which data centre and environment each serves, and its cookie names.

The sandbox serves every host from one loopback port; a client says which host it means in
the ``Host`` header (as it would reach the real one), and the emulator answers as that host:
its data centre decides which businesses it holds, and its cookie names carry the session.

Sources: wl-sdk ``WlConfigProduction``/``WlConfigDeveloper`` and the spec's ``servers``
(hosts); the developer portal's auth guide and live clients (cookies ``sp``/``st`` on US
staging, ``p``/``t`` on US production); connector-facts §4 (``ap``/``at`` AU production,
``dp``/``dt`` AU staging). Canada has no data centre of its own: Canadian businesses are
served from North Virginia (``AmazonRegionSid`` knows only ``US_EAST_1`` and
``AP_SOUTHEAST_2``).
"""

from __future__ import annotations

from dataclasses import dataclass

US_EAST_1 = 1  # AmazonRegionSid: North Virginia, USA
AP_SOUTHEAST_2 = 2  # AmazonRegionSid: Sydney, Australia


@dataclass(frozen=True)
class Host:
    """One WellnessLiving host."""

    name: str
    region: int  # AmazonRegionSid
    staging: bool
    persistent_cookie: str
    transient_cookie: str


HOSTS: dict[str, Host] = {
    h.name: h
    for h in (
        Host("us.wellnessliving.com", US_EAST_1, False, "p", "t"),
        Host("au.wellnessliving.com", AP_SOUTHEAST_2, False, "ap", "at"),
        Host("staging.wellnessliving.com", US_EAST_1, True, "sp", "st"),
        Host("demo.wellnessliving.com", AP_SOUTHEAST_2, True, "dp", "dt"),
    )
}
# A request to the loopback address itself (curl, a browser) is answered as US production.
DEFAULT_HOST = HOSTS["us.wellnessliving.com"]


def host_named(header: str) -> Host:
    """The host a ``Host`` header names (its port ignored); the default for any other name."""
    name = header.rsplit(":", 1)[0].strip().lower() if header else ""
    return HOSTS.get(name, DEFAULT_HOST)
