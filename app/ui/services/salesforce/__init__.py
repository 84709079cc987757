"""Salesforce's wizard panel, its connection form, and how its connections read."""

from app.ui.services.salesforce.connection import (
    account_details,
    account_line,
    account_name,
    ask_connect_options,
)
from app.ui.services.salesforce.panel import SalesforceSourcePanel as SourcePanel

CONNECT_ACTION = "Salesforce org…"

__all__ = [
    "CONNECT_ACTION",
    "SourcePanel",
    "account_details",
    "account_line",
    "account_name",
    "ask_connect_options",
]
