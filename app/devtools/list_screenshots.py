"""Screenshots of the manager screens: connections, lists (with members), reports, settings.

``shoot_managers(service, emulator, shoot)`` fits into ``app.devtools.screenshots._take`` after
the runs (it needs a finished sync for the lists and reports to show something); ``shoot`` is
that module's ``_Shooter``. It changes the sandbox: it adds two lists and a few members.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from app.sync.service import ContactBridgeService
from app.sync.workers import BackgroundTasks
from app.ui.connections_manager import ConnectionsDialog
from app.ui.event_wait import wait_for
from app.ui.lists.confirm import Confirmation, ask_confirmation
from app.ui.lists_manager import ListsDialog
from app.ui.reports import ReportsDialog
from app.ui.settings_dialog import SettingsDialog


def shoot_managers(
    service: ContactBridgeService, emulator: Any, shoot: Callable[[QWidget, str], Path]
) -> None:
    tasks = BackgroundTasks("screenshots")
    try:
        _connections(service, tasks, shoot)
        _lists(service, emulator, tasks, shoot)
        reports = ReportsDialog(service, tasks)
        reports.show()
        wait_for(reports.results_shown, 30_000)
        shoot(reports, "36-reports")
        reports.close()
        settings = SettingsDialog(service)
        settings.show()
        shoot(settings, "37-settings")
        body = settings.findChild(QWidget, "settingsBody")
        assert body is not None
        shoot(body, "38-settings-all-sections")
        settings.close()
    finally:
        tasks.shutdown()


def _connections(service: ContactBridgeService, tasks: BackgroundTasks, shoot: Any) -> None:
    asked: list[Confirmation] = []
    dialog = ConnectionsDialog(
        service, tasks, confirm=lambda parent, question, on_yes: asked.append(question)
    )
    dialog.show()
    _select_service(dialog, "xero")  # its line names the connected Xero organisation
    shoot(dialog, "30-connections-manager")
    _select_service(dialog, "constant_contact")
    dialog.disconnect()  # asks only: the answer never comes
    ask_confirmation(dialog, asked[0], lambda: None)
    box = dialog.findChild(QMessageBox, "confirmDialog")
    assert box is not None
    shoot(box, "31-disconnect-confirmation")
    box.close()
    dialog.close()


def _select_service(dialog: ConnectionsDialog, service: str) -> None:
    row = next((i for i, c in enumerate(dialog.model.rows) if c.service == service), None)
    if row is not None:
        dialog.view.selectRow(dialog.proxy.mapFromSource(dialog.model.index(row, 0)).row())


def _lists(
    service: ContactBridgeService, emulator: Any, tasks: BackgroundTasks, shoot: Any
) -> None:
    if emulator is not None:
        for name in ("Wholesale buyers", "Workshop sign-ups"):
            if emulator.list_id(name) is None:
                emulator.create_list(name)
    lists = ListsDialog(service, tasks)
    lists.show()
    wait_for(lists.lists_loaded, 30_000)
    shoot(lists, "32-lists-manager")
    if not lists.model.rowCount():
        lists.close()
        return
    lists.open_list()
    members = lists.members_dialog
    assert members is not None
    wait_for(members.members_loaded, 30_000)
    shoot(members, "33-list-members")
    members.choose_records()
    picker = members.picker
    assert picker is not None
    wait_for(picker.records_loaded, 30_000)
    picker.search.setText("alan")
    picker.view.selectAll()
    shoot(picker, "34-add-people-from-profile")
    chosen = [r for r in picker.model.rows if r.row in (3, 4, 5) or "alan.turing@" in str(r.values)]
    profile_id = picker.profile_id()
    picker.close()
    if profile_id is not None:
        members.add_records(profile_id, chosen)
        wait_for(members.members_loaded, 30_000)
        shoot(members, "35-list-members-after-add")
    members.close()
    lists.close()
