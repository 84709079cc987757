"""Klaviyo's wizard panel (a migration from Constant Contact), its connection form, and how
its connections read."""

from app.ui.services.klaviyo.connection import (
    account_details,
    account_line,
    account_name,
    ask_connect_options,
)
from app.ui.services.klaviyo.panel import KlaviyoMigrationPanel as SourcePanel

CONNECT_ACTION = "Klaviyo account (private API key)…"

__all__ = [
    "CONNECT_ACTION",
    "SourcePanel",
    "account_details",
    "account_line",
    "account_name",
    "ask_connect_options",
]
