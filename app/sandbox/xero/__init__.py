"""A local emulator of Xero's Accounting API (contacts, groups, organisation) and identity."""

from pathlib import Path

from app.sandbox.xero.emulator import (
    DEMO_SHORT_CODE,
    DEMO_TENANT_ID,
    DEMO_TENANT_NAME,
    SECOND_TENANT_ID,
    SECOND_TENANT_NAME,
    XeroEmulator,
    serve_forever,
)
from app.sandbox.xero.samples import OPT_OUT_GROUP, seed_xero_samples


def start_sandbox(state: Path, enforce_limits: bool, with_samples: bool) -> XeroEmulator:
    """The sandbox's Xero: started on ``state``, seeded with the sample organisation once."""
    emulator = XeroEmulator(state, enforce_limits=enforce_limits).start()
    if with_samples and not emulator.contacts():
        seed_xero_samples(emulator)
    return emulator


__all__ = [
    "DEMO_SHORT_CODE",
    "DEMO_TENANT_ID",
    "DEMO_TENANT_NAME",
    "OPT_OUT_GROUP",
    "SECOND_TENANT_ID",
    "SECOND_TENANT_NAME",
    "XeroEmulator",
    "seed_xero_samples",
    "serve_forever",
    "start_sandbox",
]
