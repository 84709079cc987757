"""The WellnessLiving connector: hosts, the signed API client, the source, the CSV export."""

from app.connectors.wellnessliving.answers import (
    ClientProfile,
    ClientRow,
    ClientType,
    ConnectionCheck,
    ReportPage,
    StaffLogin,
    Subscription,
)
from app.connectors.wellnessliving.client import WellnessLivingClient
from app.connectors.wellnessliving.errors import (
    SessionExpired,
    WellnessLivingError,
    WellnessLivingNotFound,
)
from app.connectors.wellnessliving.regions import (
    ENVIRONMENT_LABELS,
    REGION_LABELS,
    Environment,
    Region,
    host_for,
)
from app.connectors.wellnessliving.settings import (
    SECRET_KEYS,
    WellnessLivingConnection,
    WellnessLivingSecrets,
    WellnessLivingSourceSettings,
    open_client,
    open_source,
)
from app.connectors.wellnessliving.source import (
    COLUMNS,
    ClientProblem,
    ClientsChoice,
    WellnessLivingSource,
    Withdrawn,
)
from app.connectors.wellnessliving.transport import Application

__all__ = [
    "COLUMNS",
    "ENVIRONMENT_LABELS",
    "REGION_LABELS",
    "SECRET_KEYS",
    "Application",
    "ClientProblem",
    "ClientProfile",
    "ClientRow",
    "ClientType",
    "ClientsChoice",
    "ConnectionCheck",
    "Environment",
    "Region",
    "ReportPage",
    "SessionExpired",
    "StaffLogin",
    "Subscription",
    "WellnessLivingClient",
    "WellnessLivingConnection",
    "WellnessLivingError",
    "WellnessLivingNotFound",
    "WellnessLivingSecrets",
    "WellnessLivingSource",
    "WellnessLivingSourceSettings",
    "Withdrawn",
    "host_for",
    "open_client",
    "open_source",
]
