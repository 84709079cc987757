"""An emulator of the Constant Contact v3 API and its OAuth server, for sandbox mode and tests."""

from app.sandbox.constant_contact.campaign_samples import seed_sample_campaigns
from app.sandbox.constant_contact.emulator import ConstantContactEmulator, serve_forever
from app.sandbox.constant_contact.event_samples import seed_sample_events
from app.sandbox.constant_contact.faults import Faults

__all__ = [
    "ConstantContactEmulator",
    "Faults",
    "seed_sample_campaigns",
    "seed_sample_events",
    "serve_forever",
]
