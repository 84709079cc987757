"""A local emulator of WellnessLiving's API: staff sign-in, clients, subscriptions, reports."""

from pathlib import Path

from app.sandbox.wellnessliving.emulator import WellnessLivingEmulator, serve_forever
from app.sandbox.wellnessliving.samples import (
    APPLICATION_ID,
    APPLICATION_SECRET,
    BUSINESS_KEY,
    BUSINESS_NAME,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    seed_samples,
    write_all_clients_export,
)


def start_sandbox(state: Path, enforce_limits: bool, with_samples: bool) -> WellnessLivingEmulator:
    """The sandbox's WellnessLiving: started on ``state``, seeded with the sample businesses
    and clients once (a second seeding adds nothing, so changes made in it are kept)."""
    emulator = WellnessLivingEmulator(state, enforce_limits=enforce_limits)
    if with_samples:
        seed_samples(emulator)
    return emulator.start()


def sample_connection() -> dict[str, str]:
    """What a user would type to connect to the sample business, "Lotus & Pine Yoga" (US
    production). Sandbox values the emulator issues to itself, not secrets."""
    return {
        "region": "us",
        "environment": "production",
        "business_name": BUSINESS_NAME,
        "business_key": BUSINESS_KEY,
        "application_id": APPLICATION_ID,
        "application_secret": APPLICATION_SECRET,
        "staff_login": STAFF_LOGIN,
        "staff_password": STAFF_PASSWORD,
    }


__all__ = [
    "APPLICATION_ID",
    "APPLICATION_SECRET",
    "BUSINESS_KEY",
    "BUSINESS_NAME",
    "STAFF_LOGIN",
    "STAFF_PASSWORD",
    "WellnessLivingEmulator",
    "sample_connection",
    "seed_samples",
    "serve_forever",
    "start_sandbox",
    "write_all_clients_export",
]
