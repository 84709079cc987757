"""A local emulator of Klaviyo's API: lists, profiles, bulk imports, consent and suppressions,
events, per-endpoint limits and faults."""

from pathlib import Path

from app.sandbox.klaviyo.emulator import COMPANY_ID, KlaviyoEmulator, serve_forever
from app.sandbox.klaviyo.samples import (
    ACCOUNT_NAME,
    API_KEY,
    SAMPLE_LIST,
    ensure_account,
    seed_samples,
)


def start_sandbox(state: Path, enforce_limits: bool, with_samples: bool) -> KlaviyoEmulator:
    """The sandbox's Klaviyo: started on ``state`` with the account's API key, and seeded
    once with the sample account (one list, no profiles) when ``with_samples``."""
    emulator = KlaviyoEmulator(state, enforce_limits=enforce_limits)
    ensure_account(emulator)
    if with_samples:
        seed_samples(emulator)
    return emulator.start()


def sample_connection() -> dict[str, str]:
    """What a user would type to connect to the sample account (sandbox values, not
    secrets)."""
    return {"account_name": ACCOUNT_NAME, "api_key": API_KEY}


__all__ = [
    "ACCOUNT_NAME",
    "API_KEY",
    "COMPANY_ID",
    "SAMPLE_LIST",
    "KlaviyoEmulator",
    "sample_connection",
    "seed_samples",
    "serve_forever",
    "start_sandbox",
]
