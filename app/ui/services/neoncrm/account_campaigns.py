"""The account view's "Constant Contact campaigns": what the account's email did with each
campaign, from the campaign statistics, as NeonCRM shows on an account's page.

One line per campaign (the person view's "By campaign" table, its links and forwards left
for "All activity…"), a sentence of counts, and "All activity…" opening the person view. The
events are read in the account view's worker with its other facts (``campaign_facts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.campaign_stats import ActivityEvent
from app.sync.facade.api import ContactBridgeApi
from app.ui.i18n import tr
from app.ui.stats.person_history import campaign_history, history_columns
from app.ui.stats.tables import stats_table
from app.ui.stats.words import person_summary

# The person view's columns left out here: "Links clicked" and "Forwards".
HIDDEN_COLUMNS = (4, 5)
NO_STATS = "No campaign statistics yet: Campaigns › Campaign stats › Pull now"


@dataclass(frozen=True)
class CampaignFacts:
    """An email's campaign events, and whether statistics were ever pulled."""

    email: str
    events: tuple[ActivityEvent, ...]
    pulled: bool


def campaign_facts(service: ContactBridgeApi, email: str) -> CampaignFacts:
    """In a worker: the email's events across campaigns (none without an email)."""
    pulled = service.stats.has_data()
    events = service.stats.person_events(email) if email and pulled else []
    return CampaignFacts(email, tuple(events), pulled)


def campaign_words(facts: CampaignFacts) -> str:
    """The section's sentence: the counts, or why there are none."""
    if not facts.pulled:
        return tr(NO_STATS)
    if not facts.email:
        return tr("No email address: no campaign reaches this account.")
    if not facts.events:
        return tr("No campaign has been sent to %1 yet.").replace("%1", facts.email)
    return person_summary(list(facts.events))


# Opens the person view: (parent, email, name).
OpenPerson = Callable[[QWidget, str, str], QDialog | None]


class CampaignSection(QGroupBox):
    """The account's campaigns, a line each, and "All activity…"."""

    def __init__(self, open_person: OpenPerson, parent: QWidget | None = None) -> None:
        super().__init__(tr("Constant Contact campaigns"), parent)
        self.open_person = open_person
        self.facts: CampaignFacts | None = None
        self.name = ""
        self.person_dialog: QDialog | None = None
        self.summary = QLabel(self)
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("Campaign summary"))
        self.model, self.proxy, self.view = stats_table(
            history_columns(),
            tr("Campaigns of the account"),
            sort_column=1,
            descending=True,
            parent=self,
        )
        for column in HIDDEN_COLUMNS:
            self.view.setColumnHidden(column, True)
        header = self.view.horizontalHeader()
        for column, width in ((0, 240), (1, 120), (2, 70), (3, 70), (6, 110), (7, 90)):
            header.resizeSection(column, width)
        self.view.setMaximumHeight(150)
        self.all_button = QPushButton(tr("All &activity…"), self)
        self.all_button.setAccessibleName(tr("All campaign activity of the account"))
        self.all_button.clicked.connect(self.open_all)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.all_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(bottom)
        self.show_facts(None)

    def show_facts(self, facts: CampaignFacts | None, name: str = "") -> None:
        self.facts, self.name = facts, name
        self.model.set_rows(campaign_history(facts.events) if facts else [])
        self.summary.setText(campaign_words(facts) if facts else "")
        self.view.setVisible(bool(facts and facts.events))
        self.all_button.setEnabled(bool(facts and facts.email and facts.pulled))

    def open_all(self) -> None:
        if self.facts is not None and self.facts.email:
            self.person_dialog = self.open_person(self, self.facts.email, self.name)
