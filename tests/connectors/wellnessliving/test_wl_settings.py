"""A WellnessLiving connection's settings and secrets, and opening the source from them."""

from __future__ import annotations

import pytest

from app.connectors.http import RateLimiter
from app.connectors.wellnessliving import (
    SECRET_KEYS,
    ClientsChoice,
    Environment,
    Region,
    WellnessLivingConnection,
    WellnessLivingSecrets,
    WellnessLivingSourceSettings,
    open_source,
)
from app.core.errors import ConfigError
from app.sandbox.wellnessliving import (
    APPLICATION_ID,
    APPLICATION_SECRET,
    BUSINESS_KEY,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    WellnessLivingEmulator,
)


def sample_connection(**changes: str) -> WellnessLivingConnection:
    settings = {
        "region": "ca",
        "environment": "production",
        "business_key": BUSINESS_KEY,
        "application_id": APPLICATION_ID,
        "staff_login": STAFF_LOGIN,
        **changes,
    }
    return WellnessLivingConnection.from_settings(settings)


def test_settings_round_trip_and_hold_no_secret() -> None:
    connection = sample_connection()
    assert (connection.region, connection.environment) == (Region.CANADA, Environment.PRODUCTION)
    assert WellnessLivingConnection.from_settings(connection.to_settings()) == connection
    saved = connection.to_settings()
    assert not set(SECRET_KEYS) & set(saved)
    assert STAFF_PASSWORD not in saved.values() and APPLICATION_SECRET not in saved.values()
    secrets = WellnessLivingSecrets(APPLICATION_SECRET, STAFF_PASSWORD)
    assert set(secrets.to_secrets()) == set(SECRET_KEYS)
    assert WellnessLivingSecrets.from_secrets(secrets.to_secrets()) == secrets
    choices = WellnessLivingSourceSettings(ClientsChoice.ALL, ("Member",), ("49471",))
    assert WellnessLivingSourceSettings.from_settings(choices.to_settings()) == choices
    assert WellnessLivingSourceSettings.from_settings({}) == WellnessLivingSourceSettings()
    assert WellnessLivingConnection.from_settings({}).region is Region.US


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"region": "eu"}, 'region ContactBridge does not know ("eu")'),
        ({"environment": "dev"}, "production or staging"),
    ],
)
def test_unknown_settings_are_plain_errors(changes: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        sample_connection(**changes)


def test_missing_settings_and_secrets_are_named() -> None:
    with pytest.raises(ConfigError) as caught:
        open_source(
            sample_connection(business_key="", staff_login=""),
            WellnessLivingSecrets("", STAFF_PASSWORD),
            WellnessLivingSourceSettings(),
        )
    assert caught.value.message == (
        "The WellnessLiving connection is missing the business key, the staff login, the "
        "application's authorization code. Connect again."
    )
    with pytest.raises(ConfigError, match="not one ContactBridge knows"):
        WellnessLivingSourceSettings.from_settings({"clients": "some"})


def test_open_source_reads_the_sandbox(wl_emulator: WellnessLivingEmulator) -> None:
    source = open_source(
        sample_connection(),
        WellnessLivingSecrets(APPLICATION_SECRET, STAFF_PASSWORD),
        WellnessLivingSourceSettings(client_types=("Prospect",)),
        connect_to=wl_emulator.base_url,
        limiter=RateLimiter(100_000),
        label="WellnessLiving (Lotus & Pine Yoga)",
    )
    try:
        assert source.describe() == "WellnessLiving (Lotus & Pine Yoga)"
        records = list(source.iter_records())
        assert records and {r.values["Client type"] for r in records} == {"Prospect"}
    finally:
        source.client.close()
