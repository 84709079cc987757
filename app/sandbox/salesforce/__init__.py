"""A local emulator of Salesforce: OAuth, the REST data API, sObject Collections and Bulk
API 2.0, with a sample org (see ``samples``)."""

from pathlib import Path

from app.sandbox.salesforce.emulator import SalesforceEmulator, serve_forever
from app.sandbox.salesforce.samples import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    EXPO,
    HOLIDAY,
    NEWSLETTER,
    ORG_NAME,
    PASSWORD,
    SANDBOX_USERNAME,
    SECURITY_TOKEN,
    USERNAME,
    seed_samples,
)


def start_sandbox(state: Path, enforce_limits: bool, with_samples: bool) -> SalesforceEmulator:
    """The sandbox's Salesforce: started on ``state``, seeded with the sample org once (a
    second seeding adds nothing, so changes made in it are kept)."""
    emulator = SalesforceEmulator(state, enforce_limits=enforce_limits)
    if with_samples:
        seed_samples(emulator)
    return emulator.start()


def sample_connection() -> dict[str, str]:
    """What a user would enter to connect to the sample org (production): the consumer key
    of their External Client App, and the username-password fallback's credentials."""
    return {
        "environment": "production",
        "consumer_key": CONSUMER_KEY,
        "username": USERNAME,
        "password": PASSWORD,
        "security_token": SECURITY_TOKEN,
    }


__all__ = [
    "CONSUMER_KEY",
    "CONSUMER_SECRET",
    "EXPO",
    "HOLIDAY",
    "NEWSLETTER",
    "ORG_NAME",
    "PASSWORD",
    "SANDBOX_USERNAME",
    "SECURITY_TOKEN",
    "USERNAME",
    "SalesforceEmulator",
    "sample_connection",
    "seed_samples",
    "serve_forever",
    "start_sandbox",
]
