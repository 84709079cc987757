"""The sandbox's Klaviyo account: a newcomer migrating from Constant Contact.

"Sandbox Bakery" has just opened its Klaviyo account: no profiles, no events, the one list
Klaviyo made for it ("Email List") and the metrics a new account has within minutes [R nango].
The private API key is a sandbox value the emulator issues to itself, not a secret.
"""

from __future__ import annotations

from app.sandbox.klaviyo import metrics
from app.sandbox.klaviyo.emulator import KlaviyoEmulator
from app.sandbox.klaviyo.state import get_meta, set_meta

ACCOUNT_NAME = "Sandbox Bakery"
API_KEY = "pk_sandbox_5e1f0c8a2b7d4e9f8a6c3b1d0e2f4a7c9b"
SAMPLE_LIST = "Email List"


def ensure_account(emulator: KlaviyoEmulator) -> None:
    """The account itself: its private API key (full access)."""
    emulator.add_api_key(API_KEY, label="ContactBridge sandbox")


def seed_samples(emulator: KlaviyoEmulator) -> None:
    """The new account's list and metrics, once (a second call adds nothing, so changes
    made in the sandbox are kept)."""
    ensure_account(emulator)
    with emulator.state.tx() as conn:
        if get_meta(conn, "seeded") is not None:
            return
        set_meta(conn, "seeded", emulator.clock().isoformat())
        set_meta(conn, "account_name", ACCOUNT_NAME)
    emulator.add_list(SAMPLE_LIST)
    emulator.add_metrics(metrics.NEW_ACCOUNT)
    emulator.add_metrics(["Active on Site"], integration="api")
