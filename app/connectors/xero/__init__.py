"""The Xero connector: its URLs, the Accounting API client and the contacts source."""

from app.connectors.xero.client import (
    ContactGroup,
    XeroClient,
    XeroOrganisation,
    XeroTenant,
    day_limit_error,
)
from app.connectors.xero.contact_fields import COLUMNS, flatten, to_xero
from app.connectors.xero.endpoints import SCOPES, XeroUrls, xero_urls
from app.connectors.xero.source import OPT_OUT_GROUP, XeroSource

__all__ = [
    "COLUMNS",
    "OPT_OUT_GROUP",
    "SCOPES",
    "ContactGroup",
    "XeroClient",
    "XeroOrganisation",
    "XeroSource",
    "XeroTenant",
    "XeroUrls",
    "day_limit_error",
    "flatten",
    "to_xero",
    "xero_urls",
]
