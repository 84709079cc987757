"""Xero's wizard panel and how its connections read in the connections manager."""

from app.ui.services.xero.organisation import organisation_details as account_details
from app.ui.services.xero.organisation import organisation_line as account_line
from app.ui.services.xero.organisation import organisation_name as account_name
from app.ui.services.xero.panel import XeroSourcePanel as SourcePanel

CONNECT_ACTION = "Xero organisation…"

__all__ = ["CONNECT_ACTION", "SourcePanel", "account_details", "account_line", "account_name"]
