"""What a WellnessLiving connection and profile keep: settings in the database, secrets apart.

A connection's settings (not secret): the region and environment (which host), the business
key and application id WellnessLiving issued, and the staff login. Its secrets, for the
keyring only: the application's secret ("authorization code") and the staff password.
A profile's source settings: whom to read and the optional client-type and group filters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.connectors.wellnessliving.answers import StaffLogin
from app.connectors.wellnessliving.client import WellnessLivingClient
from app.connectors.wellnessliving.regions import Environment, Region
from app.connectors.wellnessliving.source import ClientsChoice, WellnessLivingSource, Withdrawn
from app.connectors.wellnessliving.transport import Application
from app.core.errors import ConfigError

SECRET_KEYS = ("application_secret", "staff_password")


@dataclass(frozen=True)
class WellnessLivingConnection:
    """A connection's settings: nothing here is secret."""

    region: Region = Region.US
    environment: Environment = Environment.PRODUCTION
    business_key: str = ""
    application_id: str = ""
    staff_login: str = ""

    def to_settings(self) -> dict[str, str]:
        return {
            "region": self.region.value,
            "environment": self.environment.value,
            "business_key": self.business_key,
            "application_id": self.application_id,
            "staff_login": self.staff_login,
        }

    @classmethod
    def from_settings(cls, data: Mapping[str, Any]) -> WellnessLivingConnection:
        """Read saved settings; a missing or unknown value is a plain ``ConfigError``."""
        region_text = str(data.get("region") or Region.US.value)
        environment_text = str(data.get("environment") or Environment.PRODUCTION.value)
        if region_text not in {r.value for r in Region}:
            raise ConfigError(
                f"The WellnessLiving connection names a region ContactBridge does not know "
                f'("{region_text}"). Choose the United States, Canada or Australia.'
            )
        if environment_text not in {e.value for e in Environment}:
            raise ConfigError(
                "The WellnessLiving connection names an environment ContactBridge does not "
                f'know ("{environment_text}"). Choose production or staging.'
            )
        region, environment = Region(region_text), Environment(environment_text)
        return cls(
            region=region,
            environment=environment,
            business_key=str(data.get("business_key") or "").strip(),
            application_id=str(data.get("application_id") or "").strip(),
            staff_login=str(data.get("staff_login") or "").strip(),
        )

    def missing(self) -> list[str]:
        """The settings still to fill in, in the user's words."""
        needed = (
            (self.business_key, "the business key"),
            (self.application_id, "the application ID"),
            (self.staff_login, "the staff login"),
        )
        return [label for value, label in needed if not value]


@dataclass(frozen=True)
class WellnessLivingSecrets:
    """The connection's secrets (kept in the keyring only)."""

    application_secret: str
    staff_password: str

    @classmethod
    def from_secrets(cls, data: Mapping[str, str]) -> WellnessLivingSecrets:
        return cls(
            application_secret=str(data.get("application_secret") or ""),
            staff_password=str(data.get("staff_password") or ""),
        )

    def to_secrets(self) -> dict[str, str]:
        return {
            "application_secret": self.application_secret,
            "staff_password": self.staff_password,
        }


@dataclass(frozen=True)
class WellnessLivingSourceSettings:
    """A profile's choices: whom to read, the optional filters, and what a withdrawal does."""

    clients: ClientsChoice = ClientsChoice.SUBSCRIBED
    client_types: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    withdrawn: Withdrawn = Withdrawn.UNSUBSCRIBE

    def to_settings(self) -> dict[str, Any]:
        return {
            "clients": self.clients.value,
            "client_types": list(self.client_types),
            "groups": list(self.groups),
            "withdrawn": self.withdrawn.value,
        }

    @classmethod
    def from_settings(cls, data: Mapping[str, Any]) -> WellnessLivingSourceSettings:
        try:
            clients = ClientsChoice(str(data.get("clients") or ClientsChoice.SUBSCRIBED.value))
        except ValueError:
            raise ConfigError(
                "The profile's choice of WellnessLiving clients is not one ContactBridge knows."
            ) from None
        try:
            withdrawn = Withdrawn(str(data.get("withdrawn") or Withdrawn.UNSUBSCRIBE.value))
        except ValueError:
            raise ConfigError(
                "The profile's choice for clients who withdraw consent in WellnessLiving is "
                "not one ContactBridge knows."
            ) from None
        types, groups = _texts(data.get("client_types")), _texts(data.get("groups"))
        return cls(clients, types, groups, withdrawn)


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence):
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def open_client(
    connection: WellnessLivingConnection,
    secrets: WellnessLivingSecrets,
    *,
    connect_to: str | None = None,
    **options: Any,
) -> WellnessLivingClient:
    """A client for the connection (``connect_to``: the sandbox's address; ``options`` go
    to :class:`WellnessLivingClient`: session, limiter, stats...)."""
    missing = connection.missing()
    if not secrets.application_secret:
        missing.append("the application's authorization code")
    if not secrets.staff_password:
        missing.append("the staff password")
    if missing:
        raise ConfigError(
            "The WellnessLiving connection is missing " + ", ".join(missing) + ". Connect again."
        )
    return WellnessLivingClient(
        Application(connection.application_id, secrets.application_secret),
        StaffLogin(connection.staff_login, secrets.staff_password),
        connection.business_key,
        region=connection.region,
        environment=connection.environment,
        connect_to=connect_to,
        **options,
    )


def open_source(
    connection: WellnessLivingConnection,
    secrets: WellnessLivingSecrets,
    settings: WellnessLivingSourceSettings,
    *,
    connect_to: str | None = None,
    label: str = "WellnessLiving",
    **options: Any,
) -> WellnessLivingSource:
    """The profile's source over the connection."""
    return WellnessLivingSource(
        open_client(connection, secrets, connect_to=connect_to, **options),
        clients=settings.clients,
        client_types=settings.client_types,
        groups=settings.groups,
        withdrawn=settings.withdrawn,
        label=label,
    )
