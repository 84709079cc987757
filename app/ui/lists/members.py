"""One list's members: who is on it, adding people from a profile's records, taking people off."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.records import ContactList, Permission, SourceRecord
from app.sync.facade.api import ContactBridgeApi
from app.sync.facade.values import ListAddResult, ListMember
from app.sync.workers import BackgroundTasks, TaskToken
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr, tr_n
from app.ui.lists.add_records import AddRecordsDialog
from app.ui.lists.confirm import Confirm, Confirmation, ask_confirmation
from app.ui.lists.rows_model import Column, RowsModel, make_table, selected_rows
from app.ui.lists.tasks import QueuedTasks
from app.ui.settings import UiSettings
from app.ui.stable_layout import PointerSafeSlot
from app.ui.stats.person import open_person_activity
from app.ui.theme import Tone, icon, tone_icon
from app.ui.widgets import Banner

PERMISSION_WORDS: dict[Permission, tuple[str, Tone]] = {
    Permission.EXPLICIT: ("Subscribed (confirmed)", Tone.SUCCESS),
    Permission.IMPLICIT: ("Subscribed", Tone.SUCCESS),
    Permission.PENDING_CONFIRMATION: ("Waiting for confirmation", Tone.INFO),
    Permission.NOT_SET: ("Not set", Tone.NEUTRAL),
    Permission.TEMP_HOLD: ("On hold", Tone.WARNING),
    Permission.UNSUBSCRIBED: ("Unsubscribed", Tone.ERROR),
}


def member_columns() -> tuple[Column[ListMember], ...]:
    return (
        Column(tr("Email"), lambda m: m.email),
        Column(tr("First name"), lambda m: m.first_name),
        Column(tr("Last name"), lambda m: m.last_name),
        Column(
            tr("Permission"),
            lambda m: tr(PERMISSION_WORDS[m.permission][0]),
            icon=lambda m: tone_icon(PERMISSION_WORDS[m.permission][1]),
        ),
    )


def refused_words(result: ListAddResult, limit: int = 5) -> str:
    """The people not added and why, one a line (the first ``limit``, then a count)."""
    lines = [f"{who} — {tr(why)}" for who, why in result.refused[:limit]]
    if len(result.refused) > limit:
        more = len(result.refused) - limit
        lines.append(tr("…and %n more", n=more))
    return "\n".join(lines)


class MembersDialog(QDialog):
    """The members of one list.

    Signals:
        members_loaded(): the members were read (again) and are on screen.
        members_changed(): people were added to or taken off the list.
    """

    members_loaded = Signal()
    members_changed = Signal()

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        connection_id: int,
        contact_list: ContactList,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
        *,
        confirm: Confirm = ask_confirmation,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.connection_id = connection_id
        self.contact_list = contact_list
        self.settings = settings
        self.confirm = confirm
        self._busy = 0
        self._queued = QueuedTasks()  # adds and removes wait while a sync holds the account
        self.picker: AddRecordsDialog | None = None
        self.person_dialog: QDialog | None = None
        self.setWindowTitle(tr("List “%1”").replace("%1", contact_list.name))
        self.setAccessibleName(self.windowTitle())

        title = QLabel(tr("Who is on “%1”").replace("%1", contact_list.name))
        title.setObjectName("pageTitle")
        self.banner = Banner()
        self.banner.hide()
        # what an add or a remove did: it floats while the pointer is over the dialog, so
        # the members table does not jump under a click (app/ui/stable_layout.py)
        self.banner_room = PointerSafeSlot(self.banner, self, self)

        self.model: RowsModel[ListMember] = RowsModel(member_columns(), self)
        self.view, self.proxy = make_table(self.model, tr("Members"), multi=True, parent=self)
        header = self.view.horizontalHeader()
        header.resizeSection(0, 280)
        header.resizeSection(1, 130)
        header.resizeSection(2, 130)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.doubleClicked.connect(lambda _index: self.show_activity())

        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search email or name"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(tr("Search members"))
        self.search.textChanged.connect(self.proxy.setFilterFixedString)

        self.add_button = QPushButton(icon("new-profile"), tr("&Add people from a profile…"))
        self.add_button.setAccessibleName(tr("Add people from a profile"))
        self.add_button.setToolTip(
            tr("Choose records from a profile's source and add them to this list")
        )
        self.remove_button = QPushButton(icon("delete"), tr("&Remove from list…"))
        self.remove_button.setAccessibleName(tr("Remove the selected people from the list"))
        self.activity_button = QPushButton(icon("history"), tr("Campaign &activity…"))
        self.activity_button.setAccessibleName(tr("Campaign activity"))
        self.activity_button.setToolTip(
            tr("What the selected person did with your email campaigns (or double-click them)")
        )
        self.activity_button.clicked.connect(self.show_activity)
        self.refresh_button = QPushButton(icon("sync"), tr("Re&fresh"))
        self.refresh_button.setAccessibleName(tr("Refresh members"))
        self.add_button.clicked.connect(self.choose_records)
        self.remove_button.clicked.connect(self.remove_selected)
        self.refresh_button.clicked.connect(self.reload)

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setAccessibleName(tr("Status"))

        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.add_button)
        tools.addWidget(self.remove_button)
        tools.addWidget(self.activity_button)
        tools.addWidget(self.refresh_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.banner_room)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(920, 560), settings, "list-members")
        self.reload()

    # -- state -----------------------------------------------------------------------------

    def selected(self) -> list[ListMember]:
        return selected_rows(self.view)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self._busy
        self.add_button.setEnabled(idle)
        self.refresh_button.setEnabled(idle)
        self.remove_button.setEnabled(idle and bool(self.selected()))
        self.activity_button.setEnabled(len(self.selected()) == 1)

    def _run(
        self, fn: Callable[[TaskToken], Any], message: str, on_done: Callable[[Any], None]
    ) -> None:
        self._busy += 1
        self.status.setText(message)
        self._update_buttons()
        self._queued.run(
            self,
            self.tasks,
            fn,
            lambda r: self._finish(on_done, r),
            self._on_failed,
            self.status,
            message,
        )

    def _finish(self, on_done: Callable[[Any], None], result: Any) -> None:
        self._busy -= 1
        on_done(result)
        self._update_buttons()

    def _on_failed(self, exc: BaseException) -> None:
        self._busy -= 1
        self.status.setText(tr("That did not work; nothing was changed."))
        self._update_buttons()
        show_error(self, exc)

    # -- reading ---------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        service, conn_id, list_id = self.service, self.connection_id, self.contact_list.list_id
        self._run(
            lambda cancel: service.lists.members(conn_id, list_id, cancel),
            tr("Reading the members from Constant Contact…"),
            self._show,
        )

    def _show(self, members: list[ListMember]) -> None:
        self.model.set_rows(members)
        self.status.setText(tr_n("%n member", "%n members", len(members)))
        self.members_loaded.emit()

    # -- a person's campaign activity ------------------------------------------------------

    @Slot()
    def show_activity(self) -> None:
        """Show what the selected person did with the email campaigns."""
        members = self.selected()
        if len(members) != 1:
            return
        member = members[0]
        name = " ".join(n for n in (member.first_name, member.last_name) if n)
        self.person_dialog = open_person_activity(
            self.service, self.tasks, member.email, self.settings, self, name=name
        )

    # -- adding ----------------------------------------------------------------------------

    @Slot()
    def choose_records(self) -> None:
        picker = AddRecordsDialog(
            self.service, self.tasks, self.contact_list.name, self, settings=self.settings
        )
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.records_chosen.connect(self.add_records)
        self.picker = picker
        picker.open()

    @Slot(int, object)
    def add_records(self, profile_id: int, records: Sequence[SourceRecord]) -> None:
        """Add the records to this list in the background, then say who was not added."""
        service, conn_id, list_id = self.service, self.connection_id, self.contact_list.list_id
        self._run(
            lambda cancel: service.lists.add_records(
                conn_id,
                list_id,
                profile_id,
                records,
                cancel,
                list_name=self.contact_list.name,
                on_wait=cancel.note,
            ),
            tr_n("Adding %n record to the list…", "Adding %n records to the list…", len(records)),
            self._on_added,
        )

    def _on_added(self, result: ListAddResult) -> None:
        added, refused = len(result.added), len(result.refused)
        name = self.contact_list.name
        if refused:
            self.banner.show_message(
                Tone.WARNING,
                tr("Added %1 to “%2”; %3 not added")
                .replace("%1", f"{added:,}")
                .replace("%2", name)
                .replace("%3", f"{refused:,}"),
                refused_words(result),
            )
        else:
            self.banner.show_message(
                Tone.SUCCESS,
                tr_n("Added %n contact to “%1”", "Added %n contacts to “%1”", added).replace(
                    "%1", name
                ),
            )
        if added:
            self.members_changed.emit()
        self.reload()

    # -- removing --------------------------------------------------------------------------

    @Slot()
    def remove_selected(self) -> None:
        members = self.selected()
        if not members or self._busy:
            return
        who = members[0].email if len(members) == 1 else tr("%n people", n=len(members))
        confirmation = Confirmation(
            title=tr("Remove from list"),
            text=tr("Remove %1 from “%2”?")
            .replace("%1", who)
            .replace("%2", self.contact_list.name),
            details=tr(
                "They stay in your Constant Contact account and on their other lists; they only "
                "stop getting emails sent to this list. If a profile keeps this list in sync, "
                "its next sync puts people from its records back."
            ),
            action=tr("Remove"),
        )
        self.confirm(self, confirmation, lambda: self._remove(members))

    def _remove(self, members: list[ListMember]) -> None:
        service, conn_id, list_id = self.service, self.connection_id, self.contact_list.list_id
        ids = [m.contact_id for m in members]
        self._run(
            lambda cancel: service.lists.remove_members(
                conn_id,
                list_id,
                ids,
                cancel,
                list_name=self.contact_list.name,
                on_wait=cancel.note,
            ),
            tr_n("Taking %n contact off the list…", "Taking %n contacts off the list…", len(ids)),
            self._on_removed,
        )

    def _on_removed(self, count: int) -> None:
        self.banner.show_message(
            Tone.SUCCESS,
            tr_n("Took %n contact off “%1”", "Took %n contacts off “%1”", count).replace(
                "%1", self.contact_list.name
            ),
        )
        self.members_changed.emit()
        self.reload()

    def done(self, result: int) -> None:
        self._queued.cancel_waiting()  # nothing was sent for them yet
        super().done(result)
