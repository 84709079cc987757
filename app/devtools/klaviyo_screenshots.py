"""Screenshots of the Klaviyo migration: the wizard's Klaviyo panel and a migration's results.

``shoot_klaviyo(service, window, shoot)`` fits into ``app.devtools.screenshots._take`` before
the managers. On the sample profile "Constant Contact → Klaviyo migration" it shoots step 1
(the Klaviyo account connected, the Constant Contact lists to bring, the options and a preview
of the contacts that will move), closes the wizard without saving, then runs the migration
from the main window and shoots its results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QScrollArea, QWidget

from app.connectors.klaviyo.connector import KIND, SAMPLE_PROFILE
from app.sync.service import ContactBridgeService
from app.ui.event_wait import wait_for, wait_ms
from app.ui.main_window import MainWindow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.source import SourcePage
from app.ui.profile_wizard.wizard import ProfileWizard

Shoot = Callable[..., Path]
SIZE = (1100, 760)  # as tall as the screen lets it be: the panel shows more


def _scroll_to(box: QScrollArea, widget: QWidget, above: int) -> None:
    """Scroll ``box`` so that ``widget`` (and its heading, ``above`` it) is at the top."""
    inner = box.widget()
    assert inner is not None
    top = widget.mapTo(inner, widget.rect().topLeft()).y()
    box.verticalScrollBar().setValue(max(0, top - above))
    wait_ms(100)


def shoot_klaviyo(service: ContactBridgeService, window: MainWindow, shoot: Shoot) -> None:
    profile = service.profiles.get_by_name(SAMPLE_PROFILE)
    if profile is None:
        return
    _wizard(service, window, profile.saved_id, shoot)
    window.reload_profiles()
    window.select_profile(profile.saved_id)
    window.sync_now()
    wait_for(window.runner.run_finished, 120_000)
    window.notice_banner.hide()  # the passing "Sync finished" notice would cover the results
    shoot(window, "56-klaviyo-migration-results", 300)


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
    deadline = time.monotonic() + 30
    while panel.busy and time.monotonic() < deadline:  # connection, lists, preview: workers
        wait_ms(50)
    wizard.resize(*SIZE)
    wait_ms(150)
    # From "Klaviyo account" (connected) down to the lists and options of what will move.
    _scroll_to(box, panel.status_label, 24)  # its "Klaviyo account" heading above it
    shoot(wizard, "55-klaviyo-migration-profile", 200)
    _scroll_to(box, panel.lists_check, 24)  # "What to bring": lists, activity, opt-outs
    shoot(wizard, "55b-klaviyo-migration-what-to-bring", 0)
    wizard.reject()
