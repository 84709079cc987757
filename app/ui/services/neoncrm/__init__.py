"""NeonCRM's wizard panel, its connection form, how its connections read, and its window
(the Lists page, the account view and the settings of its Constant Contact integration)."""

from app.ui.services.neoncrm.connection import (
    account_details,
    account_line,
    account_name,
    ask_connect_options,
)
from app.ui.services.neoncrm.panel import NeonSourcePanel as SourcePanel
from app.ui.services.neoncrm.window import SCREEN_ACTION, SCREEN_TIP, open_screen

CONNECT_ACTION = "NeonCRM org…"

__all__ = [
    "CONNECT_ACTION",
    "SCREEN_ACTION",
    "SCREEN_TIP",
    "SourcePanel",
    "account_details",
    "account_line",
    "account_name",
    "ask_connect_options",
    "open_screen",
]
