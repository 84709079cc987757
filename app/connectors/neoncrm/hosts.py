"""Where NeonCRM answers: the production and trial hosts, and the API version spoken.

Neon runs each org on one of two hosts: production (``https://api.neoncrm.com/v2``) and the
trial host (``https://trial.neoncrm.com/v2``); an org answers only on its own. The sandbox
(or ``CONTACTBRIDGE_NEONCRM_URL``, an emulator run elsewhere) serves both from one address:
production under ``/v2`` and trial under ``/trial/v2``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from app.core.errors import ConfigError

API_VERSION = "2.11"  # sent as NEON-API-VERSION on every call
URL_ENV = "CONTACTBRIDGE_NEONCRM_URL"  # an emulator run elsewhere: its base address


class Environment(StrEnum):
    """Which of Neon's hosts holds the org."""

    PRODUCTION = "production"
    TRIAL = "trial"


ENVIRONMENT_LABELS = {
    Environment.PRODUCTION: "Production (api.neoncrm.com)",
    Environment.TRIAL: "Trial (trial.neoncrm.com)",
}
REAL_ROOTS: dict[str, str] = {
    Environment.PRODUCTION.value: "https://api.neoncrm.com/v2",
    Environment.TRIAL.value: "https://trial.neoncrm.com/v2",
}


def environment_of(settings: Mapping[str, Any]) -> Environment:
    """The environment a connection's settings name (production when none).

    Raises:
        ConfigError: an environment ContactBridge does not know.
    """
    text = str(settings.get("environment") or Environment.PRODUCTION.value)
    try:
        return Environment(text)
    except ValueError:
        raise ConfigError(
            f'The NeonCRM connection names a host ContactBridge does not know ("{text[:40]}"). '
            "Choose production or trial."
        ) from None


def roots_at(base: str) -> dict[str, str]:
    """The API roots of an emulator at ``base`` (both hosts on one address)."""
    base = base.rstrip("/")
    return {Environment.PRODUCTION.value: base + "/v2", Environment.TRIAL.value: base + "/trial/v2"}


def env_roots() -> dict[str, str] | None:
    """The roots of the emulator ``CONTACTBRIDGE_NEONCRM_URL`` names, or None."""
    base = os.environ.get(URL_ENV, "").strip()
    return roots_at(base) if base else None


def root_for(environment: Environment, roots: Any) -> str:
    """The API root to call: from ``roots`` (the sandbox's, by environment) or the real one."""
    if isinstance(roots, Mapping) and roots.get(environment.value):
        return str(roots[environment.value]).rstrip("/")
    return REAL_ROOTS[environment.value]
