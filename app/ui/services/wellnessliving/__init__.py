"""WellnessLiving's wizard panel, its connection form, and how its connections read."""

from app.ui.services.wellnessliving.connection import (
    account_details,
    account_line,
    account_name,
    ask_connect_options,
)
from app.ui.services.wellnessliving.panel import WellnessLivingSourcePanel as SourcePanel

CONNECT_ACTION = "WellnessLiving business…"

__all__ = [
    "CONNECT_ACTION",
    "SourcePanel",
    "account_details",
    "account_line",
    "account_name",
    "ask_connect_options",
]
