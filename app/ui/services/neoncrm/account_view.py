"""NeonCRM's account detail section for Constant Contact: the lists an account is on, its
last push, and "Push this account to Constant Contact".

Find an individual account (by name, email or account ID), then see the Constant Contact
lists its contact is on (and whether it unsubscribed), and when it was last pushed. "Push
this account" subscribes it to the lists chosen among the Active linked lists, sending its
contact details with the profile's Push Settings, or only the subscription. Someone who
opted out in NeonCRM, or unsubscribed in Constant Contact, is never put on a list.

Below, the account's campaigns from the campaign statistics (``account_campaigns``), read in
the same worker, with "All activity…" opening the person view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm.account_search import find_accounts
from app.connectors.neoncrm.linked_lists import (
    LastPush,
    LinkedList,
    ListStatus,
    last_push,
    linked,
    record_push,
)
from app.core.outcomes import RunStatus
from app.core.records import ContactList, SourceRecord
from app.sync.facade.values import ContactLists, ListAddResult
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.lists.members import PERMISSION_WORDS, refused_words
from app.ui.lists.rows_model import RowsModel, make_table, selected_rows
from app.ui.profile_wizard.widgets import heading, hint_label
from app.ui.services.neoncrm.account_campaigns import (
    CampaignFacts,
    CampaignSection,
    campaign_facts,
)
from app.ui.services.neoncrm.add_accounts import account_columns
from app.ui.services.neoncrm.context import NeonScreens
from app.ui.stats.person import person_opener


@dataclass(frozen=True)
class AccountFacts:
    """What the account view shows: the contact in Constant Contact, its lists, last push."""

    record: SourceRecord
    contact: ContactLists | None
    linked: tuple[LinkedList, ...]
    last_push: str
    campaigns: CampaignFacts


def sync_push_words(screens: NeonScreens, key: str) -> str:
    """The latest sync of the profile that pushed this account, in words ("" when none)."""
    runs = screens.service.runs
    for run in runs.history(screens.profile_id, 10):
        if run.dry_run or run.status is RunStatus.RUNNING:
            continue
        for row in runs.results(run.run_id):
            if row.key == key and row.direction == "push":
                try:
                    when = datetime.fromisoformat(run.started_at).astimezone()
                    shown = when.strftime("%Y-%m-%d %H:%M")
                except ValueError:
                    shown = run.started_at
                reason = f": {row.reason}" if row.reason else ""
                return (
                    tr("%1, by a sync (%2%3)")
                    .replace("%1", shown)
                    .replace("%2", tr(str(row.outcome)))
                    .replace("%3", reason)
                )
    return ""


class PushAccountDialog(QDialog):
    """Which lists to subscribe the account to, and whether to send its details too."""

    def __init__(
        self, parent: QWidget | None, lists: Sequence[LinkedList], on_list: set[str]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Push account to Constant Contact"))
        self.lists = QListWidget(self)
        self.lists.setAccessibleName(tr("Lists to subscribe the account to"))
        for entry in lists:
            item = QListWidgetItem(entry.name, self.lists)
            item.setData(Qt.ItemDataRole.UserRole, entry.contact_list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = entry.contact_list.list_id in on_list
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.details_radio = QRadioButton(
            tr("Add or update the contact information and the subscription"), self
        )
        self.subscription_radio = QRadioButton(tr("Update the subscription only"), self)
        self.details_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.details_radio)
        group.addButton(self.subscription_radio)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Push"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Subscribe the account to these lists:"), self))
        layout.addWidget(self.lists)
        layout.addWidget(self.details_radio)
        layout.addWidget(self.subscription_radio)
        layout.addWidget(
            hint_label(
                tr(
                    "Pushing again sends the account's current NeonCRM details, even when the "
                    "lists stay the same."
                ),
                self,
            )
        )
        layout.addWidget(buttons)

    def chosen(self) -> list[ContactList]:
        found = []
        for i in range(self.lists.count()):
            item = self.lists.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(item.data(Qt.ItemDataRole.UserRole))
        return found


def ask_push(
    parent: QWidget,
    lists: Sequence[LinkedList],
    on_list: set[str],
    on_ok: Any,
) -> None:
    dialog = PushAccountDialog(parent, lists, on_list)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: on_ok(dialog.chosen(), dialog.details_radio.isChecked()))
    dialog.open()


class AccountsPage(QWidget):
    """Find an account; see its Constant Contact lists and last push; push it.

    Signals:
        found(): a search's accounts are on screen.
        shown(): an account's Constant Contact facts are on screen.
        pushed(str): a push ended; the words say what it did.
    """

    found = Signal()
    shown = Signal()
    pushed = Signal(str)

    def __init__(self, screens: NeonScreens, parent: QWidget | None = None, *, ask: Any = ask_push):
        super().__init__(parent)
        self.screens = screens
        self.ask = ask
        self.facts: AccountFacts | None = None
        self._busy = 0
        self._after = ""  # what the last push did, said once its account is shown again
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(tr("Last name, email or account ID"))
        self.search_edit.setAccessibleName(tr("Find an account"))
        self.find_button = QPushButton(tr("&Find"), self)
        self.model: RowsModel[SourceRecord] = RowsModel(account_columns(), self)
        self.view, self.proxy = make_table(self.model, tr("Accounts found"), parent=self)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.setMaximumHeight(170)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self.show_selected())
        self.title = heading("", self)
        self.state_label = QLabel(self)
        self.state_label.setWordWrap(True)
        self.lists_label = QLabel(self)
        self.lists_label.setWordWrap(True)
        self.lists_label.setAccessibleName(tr("Constant Contact lists of the account"))
        self.push_label = QLabel(self)
        self.push_label.setWordWrap(True)
        self.push_label.setAccessibleName(tr("Last push"))
        self.push_button = QPushButton(tr("&Push this account to Constant Contact…"), self)
        self.push_button.setAccessibleName(tr("Push this account to Constant Contact"))
        self.status = QLabel(self)
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Status"))
        self.campaigns = CampaignSection(
            person_opener(screens.service, screens.tasks, screens.settings), self
        )
        box = QGroupBox(tr("Constant Contact Lists"), self)
        inner = QVBoxLayout(box)
        inner.addWidget(self.lists_label)
        inner.addWidget(self.push_label)
        inner.addWidget(self.push_button, 0, Qt.AlignmentFlag.AlignLeft)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.find_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.title)
        layout.addWidget(self.state_label)
        layout.addWidget(box)
        layout.addWidget(self.campaigns)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.find_button.clicked.connect(self.find)
        self.search_edit.returnPressed.connect(self.find)
        self.push_button.clicked.connect(self.push)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.find_button.setEnabled(not self._busy)
        self.push_button.setEnabled(not self._busy and self.facts is not None)

    def _run(self, fn: Any, message: str, on_done: Any) -> None:
        self._busy += 1
        self.status.setText(message)
        self._update_buttons()

        def done(result: Any) -> None:
            self._busy -= 1
            self.status.setText("")
            on_done(result)
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            self.status.setText(tr("That did not work; nothing was changed."))
            self._update_buttons()
            show_error(self, exc)

        self.screens.run(self, fn, done, failed)

    # -- finding ---------------------------------------------------------------------------

    @Slot()
    def find(self) -> None:
        text = self.search_edit.text().strip()
        if not text:
            return
        screens = self.screens

        def search(_token: object) -> list[SourceRecord]:
            source = screens.open_source()
            try:
                return find_accounts(source, text)
            finally:
                source.close()

        self._run(search, tr("Searching NeonCRM…"), self._found)

    def _found(self, records: list[SourceRecord]) -> None:
        self.model.set_rows(records)
        if records:
            self.view.selectRow(0)
        else:
            self.status.setText(tr("No individual account matches."))
        self.found.emit()

    @Slot()
    def show_selected(self) -> None:
        rows = selected_rows(self.view)
        if rows:
            self.show_account(rows[0])

    def show_account(self, record: SourceRecord) -> None:
        def facts(_token: object) -> AccountFacts:
            return self._facts(record)

        self._run(facts, tr("Reading the account's Constant Contact lists…"), self._show)

    def _facts(self, record: SourceRecord) -> AccountFacts:
        """In a worker: the account afresh, its contact's lists, the linked lists, last push,
        its email's campaigns."""
        screens = self.screens
        service = screens.service
        source = screens.open_source()
        try:
            fresh = source.account(record.key) or record
        finally:
            source.close()
        email = fresh.values.get(c.EMAIL, "")
        contact = service.lists.lists_of(screens.cc_id, email) if email else None
        conn = screens.neon_connection()
        settings = conn.settings if conn else {}
        lists = linked(
            settings, service.lists.contact_lists(screens.cc_id), [screens.profile.main_list]
        )
        pushed = last_push(settings, fresh.key)
        words = pushed.words() if pushed else sync_push_words(screens, fresh.key)
        campaigns = campaign_facts(service, email)
        return AccountFacts(fresh, contact, tuple(lists), words, campaigns)

    def _show(self, facts: AccountFacts) -> None:
        self.facts = facts
        values = facts.record.values
        name = f"{values.get(c.FIRST_NAME, '')} {values.get(c.LAST_NAME, '')}".strip()
        self.title.setText(
            tr("%1 (account %2)")
            .replace("%1", name or tr("No name"))
            .replace("%2", facts.record.key)
        )
        state = [values.get(c.EMAIL) or tr("no email address")]
        if facts.record.opted_out:
            state.append(tr("opted out of email in NeonCRM: never added to a list"))
        elif facts.record.skip:
            state.append(tr(facts.record.skip))
        self.state_label.setText(" — ".join(state))
        if facts.contact is None:
            self.lists_label.setText(tr("Not in Constant Contact yet."))
        else:
            permission = PERMISSION_WORDS[facts.contact.member.permission][0]
            names = ", ".join(cl.name for cl in facts.contact.lists) or tr("no list")
            self.lists_label.setText(
                tr("On: %1. Email permission: %2.")
                .replace("%1", names)
                .replace("%2", tr(permission))
            )
        self.campaigns.show_facts(facts.campaigns, name)
        self.push_label.setText(
            tr("Last push: %1").replace("%1", facts.last_push)
            if facts.last_push
            else tr("Never pushed.")
        )
        if self._after:
            self.status.setText(self._after)
            self._after = ""
        self.shown.emit()

    # -- pushing ---------------------------------------------------------------------------

    @Slot()
    def push(self) -> None:
        facts = self.facts
        if facts is None or self._busy:
            return
        active = [x for x in facts.linked if x.status is ListStatus.ACTIVE]
        on = {cl.list_id for cl in facts.contact.lists} if facts.contact else set()
        self.ask(self, active, on, lambda lists, details: self._push(facts, lists, details))

    def _push(self, facts: AccountFacts, lists: list[ContactList], details: bool) -> None:
        if not lists:
            return
        screens = self.screens
        record = facts.record
        if not details:  # the subscription only: nothing but the address is sent
            record = SourceRecord(
                record.key, record.row, {c.EMAIL: record.values.get(c.EMAIL, "")}, record.opted_out
            )

        def push(token: Any) -> tuple[list[str], list[tuple[str, str]]]:
            added: list[str] = []
            refused: list[tuple[str, str]] = []
            for cl in lists:
                result: ListAddResult = screens.service.lists.add_records(
                    screens.cc_id,
                    cl.list_id,
                    screens.profile_id,
                    [record],
                    token,
                    list_name=cl.name,
                )
                if result.added:
                    added.append(cl.name)
                refused.extend(result.refused)
            if added:
                when = datetime.now().astimezone().isoformat(timespec="seconds")
                record_push(
                    screens.service.connections,
                    screens.neon_id,
                    record.key,
                    LastPush(when, tuple(added), details),
                )
            return added, refused

        self._run(push, tr("Pushing the account to Constant Contact…"), self._pushed)

    def _pushed(self, result: tuple[list[str], list[tuple[str, str]]]) -> None:
        added, refused = result
        if added:
            words = tr("Pushed to %1.").replace("%1", ", ".join(added))
        else:
            words = tr("Not pushed.")
        if refused:
            words += " " + refused_words(ListAddResult((), tuple(refused[:1])))
        self._after = words
        self.pushed.emit(words)
        if self.facts is not None:
            self.show_account(self.facts.record)
