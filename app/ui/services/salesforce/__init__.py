"""Salesforce's wizard panel, its part of step 4 (event registrants' fields), its connection
form, and how its connections read."""

from app.ui.services.salesforce.connection import (
    account_details,
    account_line,
    account_name,
    ask_connect_options,
)
from app.ui.services.salesforce.event_mapping import MappingSection
from app.ui.services.salesforce.panel import SalesforceSourcePanel as SourcePanel

CONNECT_ACTION = "Salesforce org…"

__all__ = [
    "CONNECT_ACTION",
    "MappingSection",
    "SourcePanel",
    "account_details",
    "account_line",
    "account_name",
    "ask_connect_options",
]
