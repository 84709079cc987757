"""What the main window's "Recent campaigns" panel shows: its columns, how many rows and in
which order, as the user chose them (remembered in the UI settings). Plain Python."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.core.campaign_stats import CampaignSummary

SETTINGS_KEY = "stats/dashboard"
MIN_ROWS, MAX_ROWS = 1, 20
# Every column the panel can show, in the order shown (``app.ui.stats.columns`` keys).
PANEL_KEYS = (
    "name",
    "sent",
    "sends",
    "opens",
    "open_rate",
    "clicks",
    "click_rate",
    "bounces",
    "bounce_rate",
    "optouts",
    "optout_rate",
    "forwards",
)
DEFAULT_COLUMNS = ("name", "sent", "open_rate", "click_rate")
# The orders offered: key -> words (a rate sorts highest first, ties newest first).
SORTS: dict[str, str] = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "open_rate": "Highest open rate",
    "click_rate": "Highest click rate",
    "optout_rate": "Highest opt-out rate",
    "bounce_rate": "Highest bounce rate",
    "name": "Name (A–Z)",
}
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class PanelChoices:
    """The panel's columns (``PANEL_KEYS``, the campaign's name always first), its number
    of rows, its order (``SORTS``) and whether the window shows it."""

    columns: tuple[str, ...] = DEFAULT_COLUMNS
    rows: int = 5
    sort: str = "newest"
    shown: bool = True

    def normalized(self) -> PanelChoices:
        """The choices with anything unknown or out of range put right."""
        columns = tuple(k for k in PANEL_KEYS if k in self.columns and k != "name")
        return PanelChoices(
            ("name", *columns),
            max(MIN_ROWS, min(MAX_ROWS, int(self.rows))),
            self.sort if self.sort in SORTS else "newest",
            bool(self.shown),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "columns": list(self.columns),
                "rows": self.rows,
                "sort": self.sort,
                "shown": self.shown,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PanelChoices:
        """Read back ``to_json``; anything unreadable gives the defaults."""
        try:
            raw = json.loads(text) if text else {}
            if not isinstance(raw, dict):
                raise ValueError(text)
            columns = raw.get("columns", DEFAULT_COLUMNS)
            return cls(
                tuple(str(c) for c in columns) if isinstance(columns, list) else DEFAULT_COLUMNS,
                int(raw.get("rows", 5)),
                str(raw.get("sort", "newest")),
                bool(raw.get("shown", True)),
            ).normalized()
        except (ValueError, TypeError):
            return cls()


def _sent(c: CampaignSummary) -> datetime:
    return c.sent_at if c.sent_at is not None else _NEVER


def recent(campaigns: Sequence[CampaignSummary], choices: PanelChoices) -> list[CampaignSummary]:
    """The campaigns the panel shows: sent ones, in the chosen order, the chosen number."""
    sent = [c for c in campaigns if c.sent_at is not None]
    sort = choices.sort
    if sort == "name":
        ordered = sorted(sent, key=lambda c: c.name.casefold())
    elif sort == "oldest":
        ordered = sorted(sent, key=_sent)
    elif sort == "newest":
        ordered = sorted(sent, key=_sent, reverse=True)
    else:  # a rate, highest first; ties newest first
        ordered = sorted(sent, key=lambda c: (getattr(c, sort), _sent(c)), reverse=True)
    return ordered[: choices.rows]
