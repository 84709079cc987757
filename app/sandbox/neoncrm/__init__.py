"""A local emulator of Neon CRM's API v2: accounts, search, custom fields, limits, faults."""

from pathlib import Path

from app.sandbox.neoncrm.emulator import NeonCrmEmulator, serve_forever
from app.sandbox.neoncrm.faults import Gate
from app.sandbox.neoncrm.samples import (
    API_KEY,
    ORG_ID,
    ORG_NAME,
    TRIAL_API_KEY,
    TRIAL_ORG_ID,
    TRIAL_ORG_NAME,
    merged_sample_ids,
    sample_connection,
    seed_samples,
)
from app.sandbox.neoncrm.seeding import SeedError, address


def start_sandbox(state: Path, enforce_limits: bool, with_samples: bool) -> NeonCrmEmulator:
    """The sandbox's Neon CRM: started on ``state``, seeded with the sample nonprofit once
    (a second seeding adds nothing, so changes made in it are kept)."""
    emulator = NeonCrmEmulator(state, enforce_limits=enforce_limits)
    if with_samples:
        seed_samples(emulator)
    return emulator.start()


__all__ = [
    "API_KEY",
    "ORG_ID",
    "ORG_NAME",
    "TRIAL_API_KEY",
    "TRIAL_ORG_ID",
    "TRIAL_ORG_NAME",
    "Gate",
    "NeonCrmEmulator",
    "SeedError",
    "address",
    "merged_sample_ids",
    "sample_connection",
    "seed_samples",
    "serve_forever",
    "start_sandbox",
]
