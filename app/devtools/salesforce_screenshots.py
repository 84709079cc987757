"""Screenshots of the Salesforce profile: the wizard's Salesforce steps and the campaign lists.

``shoot_salesforce(service, window, shoot)`` fits into ``app.devtools.screenshots._take``
before the managers. On the sample profile "Salesforce contacts → Newsletter" it shoots step
1 section by section (the org connection; the records and the campaigns synced as lists;
SyncApps' options; Constant Contact's activity written back), the Options step, and step 4
with the event registrants' fields; then it syncs the profile and shoots the lists manager,
where each ticked campaign is a Constant Contact list of its own. The wizard is closed
without saving; the sync changes the sandbox as a user's would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtWidgets import QScrollArea, QWidget

from app.connectors.salesforce.connector import SAMPLE_PROFILE
from app.sync.service import ContactBridgeService
from app.sync.workers import BackgroundTasks
from app.ui.event_wait import wait_for, wait_ms
from app.ui.lists_manager import ListsDialog
from app.ui.main_window import MainWindow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.mapping import MappingPage
from app.ui.profile_wizard.pages.options import OptionsPage
from app.ui.profile_wizard.pages.source import SourcePage
from app.ui.profile_wizard.wizard import ProfileWizard

KIND = "salesforce"
Shoot = Callable[..., Path]


def _settle(busy: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while busy() and time.monotonic() < deadline:  # connection, campaigns, preview: workers
        wait_ms(50)


def _scroll_to(box: QScrollArea, widget: QWidget, above: int = 28) -> None:
    """Scroll ``box`` so that ``widget`` (and its heading, ``above`` it) is at the top."""
    inner = box.widget()
    assert inner is not None
    top = widget.mapTo(inner, widget.rect().topLeft()).y()
    box.verticalScrollBar().setValue(max(0, top - above))
    wait_ms(100)


def shoot_salesforce(service: ContactBridgeService, window: MainWindow, shoot: Shoot) -> None:
    profile = service.profiles.get_by_name(SAMPLE_PROFILE)
    if profile is None:
        return
    _wizard(service, window, profile.saved_id, shoot)
    summary = service.runs.sync(profile.saved_id)
    window.reload_profiles()
    if summary.status.value.startswith("completed"):
        _campaign_lists(service, shoot)


def _wizard(
    service: ContactBridgeService, window: MainWindow, profile_id: int, shoot: Shoot
) -> None:
    profile = service.profiles.get(profile_id)
    wizard = ProfileWizard(service, window, profile=profile)
    wizard.show()
    wizard.restart()
    page = wizard.page_for(Step.SOURCE)
    assert isinstance(page, SourcePage)
    panel = page.panels[KIND]
    box = page.panel_boxes[KIND]
    _settle(lambda: bool(panel.busy))
    # What a shop owner would choose to see campaign activity back in Salesforce.
    combo = panel.activity.responses_combo
    combo.setCurrentIndex(combo.findData("members"))
    combo.activated.emit(combo.currentIndex())
    if not panel.activity.events_box.isChecked():
        panel.activity.events_box.click()
    box.verticalScrollBar().setValue(0)
    shoot(wizard, "09-wizard-salesforce-1-connection")
    _scroll_to(box, panel.type_combo, 30)
    shoot(wizard, "09-wizard-salesforce-2-records-and-campaigns", settle_ms=0)
    _scroll_to(box, panel.choices)
    shoot(wizard, "09-wizard-salesforce-3-options", settle_ms=0)
    _scroll_to(box, panel.activity)
    shoot(wizard, "09-wizard-salesforce-4-activity", settle_ms=0)
    for _ in range(3):  # Constant Contact, Options, Field mapping
        wizard.next()
        wait_ms(400)  # lists, fields: read in the background
        current = wizard.currentPage()
        if isinstance(current, OptionsPage):
            shoot(wizard, "09-wizard-salesforce-5-options-step", settle_ms=0)
    mapping = wizard.currentPage()
    if isinstance(mapping, MappingPage) and mapping.service_section is not None:
        section = mapping.service_section
        _settle(lambda: getattr(section, "fields", None) is None)
        wait_ms(150)
        _scroll_to(cast(QScrollArea, mapping.scroll), section, 8)
        shoot(wizard, "09-wizard-salesforce-6-event-fields", settle_ms=0)
    wizard.reject()


def _campaign_lists(service: ContactBridgeService, shoot: Shoot) -> None:
    tasks = BackgroundTasks("salesforce-screenshots")
    try:
        lists = ListsDialog(service, tasks)
        lists.show()
        wait_for(lists.lists_loaded, 30_000)
        shoot(lists, "32b-lists-salesforce-campaigns")
        lists.close()
    finally:
        tasks.shutdown()
