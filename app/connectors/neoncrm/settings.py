"""What a NeonCRM connection and profile keep: settings in the database, the key apart.

A connection's settings (not secret): which host (production or trial), the org id, and what
the connection check learnt (the org's and the API user's names). Its secret, for the
keyring only: the API key. A profile's source settings: the search criteria choosing its
accounts, the Additional Contact Fields it pushes, and whether contacts are marked with
Source "NeonCRM".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm.client import Criterion
from app.connectors.neoncrm.hosts import Environment, environment_of
from app.core.errors import ConfigError

SECRET_KEYS = ("api_key",)
OPERATORS = (
    "EQUAL",
    "NOT_EQUAL",
    "BLANK",
    "NOT_BLANK",
    "LESS_THAN",
    "GREATER_THAN",
    "LESS_AND_EQUAL",
    "GREATER_AND_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE",
    "CONTAIN",
    "NOT_CONTAIN",
)


@dataclass(frozen=True)
class NeonConnection:
    """A connection's settings: nothing here is secret."""

    environment: Environment = Environment.PRODUCTION
    org_id: str = ""

    def to_settings(self) -> dict[str, str]:
        return {"environment": self.environment.value, "org_id": self.org_id}

    @classmethod
    def from_settings(cls, data: Mapping[str, Any]) -> NeonConnection:
        return cls(environment_of(data), str(data.get("org_id") or "").strip())


def criteria_of(value: Any) -> tuple[Criterion, ...]:
    """Saved criteria, checked: each names a field and one of Neon's operators.

    Raises:
        ConfigError: a criterion ContactBridge cannot send, in plain words.
    """
    if not value:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ConfigError("The profile's NeonCRM search criteria are damaged. Choose them again.")
    found: list[Criterion] = []
    for item in value:
        if not isinstance(item, Mapping) or not str(item.get("field") or "").strip():
            raise ConfigError(
                "A NeonCRM search criterion of this profile names no field. Choose it again."
            )
        operator = str(item.get("operator") or "")
        if operator not in OPERATORS:
            raise ConfigError(
                f'The NeonCRM search criterion on "{item["field"]}" has an operator NeonCRM '
                f'does not know ("{operator[:30]}").'
            )
        criterion: dict[str, Any] = {"field": str(item["field"]), "operator": operator}
        if operator in ("IN_RANGE", "NOT_IN_RANGE"):
            criterion["valueList"] = [str(v) for v in item.get("valueList") or ()]
        elif operator not in ("BLANK", "NOT_BLANK"):
            criterion["value"] = str(item.get("value") or "")
        found.append(criterion)
    return tuple(found)


def extras_of(value: Any) -> tuple[c.ExtraField, ...]:
    """Saved Additional Contact Fields (``[{key, column}]``), at most 15."""
    found: list[c.ExtraField] = []
    for item in value or ():
        if not isinstance(item, Mapping):
            continue
        key, column = str(item.get("key") or ""), str(item.get("column") or "").strip()
        if key == c.MIDDLE.key:
            found.append(c.MIDDLE)
        elif key == c.TYPES.key:
            found.append(c.TYPES)
        elif key.startswith("custom:") and key[7:].isdigit() and column:
            found.append(c.ExtraField(key, column, int(key[7:])))
    if len(found) > c.MAX_EXTRA:
        raise ConfigError(
            f"NeonCRM pushes at most {c.MAX_EXTRA} Additional Contact Fields; this profile "
            f"chooses {len(found)}. Remove some in Push Settings."
        )
    return tuple(found)


@dataclass(frozen=True)
class NeonSourceSettings:
    """A profile's choices: which accounts, which extra fields, the Source mark."""

    criteria: tuple[Criterion, ...] = ()
    extras: tuple[c.ExtraField, ...] = ()
    mark_source: bool = True

    def to_settings(self) -> dict[str, Any]:
        return {
            "criteria": [dict(x) for x in self.criteria],
            "extras": [{"key": e.key, "column": e.column} for e in self.extras],
            "mark_source": self.mark_source,
        }

    @classmethod
    def from_settings(cls, data: Mapping[str, Any]) -> NeonSourceSettings:
        return cls(
            criteria_of(data.get("criteria")),
            extras_of(data.get("extras")),
            bool(data.get("mark_source", True)),
        )
