"""WellnessLiving's hosts, cookies, request signing and password hashing (no network)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.connectors.wellnessliving import Environment, Region, host_for
from app.connectors.wellnessliving.regions import session_cookies
from app.connectors.wellnessliving.signing import authorization, flatten, password_hash, signature
from app.connectors.wellnessliving.values import as_bool, as_key, as_map


@pytest.mark.parametrize(
    ("region", "environment", "host"),
    [
        (Region.US, Environment.PRODUCTION, "us.wellnessliving.com"),
        (Region.CANADA, Environment.PRODUCTION, "us.wellnessliving.com"),
        (Region.AUSTRALIA, Environment.PRODUCTION, "au.wellnessliving.com"),
        (Region.US, Environment.STAGING, "staging.wellnessliving.com"),
        (Region.CANADA, Environment.STAGING, "staging.wellnessliving.com"),
        (Region.AUSTRALIA, Environment.STAGING, "demo.wellnessliving.com"),
    ],
)
def test_each_region_and_environment_has_its_host(
    region: Region, environment: Environment, host: str
) -> None:
    assert host_for(region, environment) == host
    assert host_for(region.value, environment.value) == host


def test_each_host_has_its_own_session_cookies() -> None:
    pairs = {
        h: session_cookies(h)
        for h in (
            "us.wellnessliving.com",
            "staging.wellnessliving.com",
            "au.wellnessliving.com",
            "demo.wellnessliving.com",
        )
    }
    assert pairs["us.wellnessliving.com"] == ("p", "t")
    assert pairs["staging.wellnessliving.com"] == ("sp", "st")
    assert len(set(pairs.values())) == 4


def test_the_password_is_hashed_with_the_notepad() -> None:
    hashed = password_hash("secret", "abc123")
    assert len(hashed) == 128 and hashed != password_hash("secret", "abc124")
    # A known answer, so a change to the algorithm cannot pass unnoticed, and the same as
    # the tests' own reading of the published algorithm.
    assert hashed == (
        "162feaebc58ce13ff0ae010048f66733c5a8bb16ddf7e12daecad00e754f2d3d"
        "46c45e0af2867093642d02a94253a038547bb5b5e9181b437c1ea376df07383a"
    )
    from tests.sandbox.wellnessliving.wl_support import hashed_password

    assert hashed == hashed_password("secret", "abc123")


def test_variables_are_flattened_as_php_arrays_with_sdk_values() -> None:
    flat = flatten(
        {
            "a_change": {"2109": {"s_city": "Montréal"}, "2101": "Zoë"},
            "is_staff": True,
            "is_x": False,
            "gone": None,
            "ids": ["1", "2"],
            "n": 0,
        }
    )
    assert flat == {
        "a_change[2109][s_city]": "Montréal",
        "a_change[2101]": "Zoë",
        "is_staff": "1",
        "is_x": "",
        "ids[0]": "1",
        "ids[1]": "2",
        "n": "0",
    }


def test_the_signature_covers_every_part_of_the_request() -> None:
    base = dict(
        secret="s",
        app_id="app",
        host="us.wellnessliving.com",
        method="GET",
        resource="Wl/Report/Data.json",
        moment=datetime(2025, 3, 14, 12, 0, tzinfo=UTC),
        persistent="P",
        transient="T",
        variables={"K_Business": "1", "i_page": "0"},
    )
    reference = signature(**base)  # type: ignore[arg-type]
    assert len(reference) == 64
    # Names are signed lower-cased, so their case does not matter; everything else does.
    assert signature(**{**base, "variables": {"k_business": "1", "i_page": "0"}}) == reference  # type: ignore[arg-type]
    assert signature(**{**base, "resource": "/Wl/Report/Data.json"}) == reference  # type: ignore[arg-type]
    for name, other in [
        ("secret", "x"),
        ("host", "au.wellnessliving.com"),
        ("method", "PUT"),
        ("transient", "U"),
        ("variables", {"k_business": "2", "i_page": "0"}),
        ("moment", datetime(2025, 3, 14, 12, 0, 1, tzinfo=UTC)),
    ]:
        assert signature(**{**base, name: other}) != reference, name  # type: ignore[arg-type]
    assert authorization("app", reference) == f"20150518,app,,{reference}"


def test_wire_values_as_they_really_arrive() -> None:
    assert [as_bool(v) for v in (True, 1, "1", "true", False, 0, "0", "", None)] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        None,
    ]
    assert as_key(51299234) == as_key("51299234") == "51299234"
    assert as_key(None) == ""
    assert as_map([]) == {}
