"""Screenshots of NeonCRM's own window: its Settings tab, "Add accounts" on its Lists page,
and the account view of a pushed account with its campaigns.

``shoot_neoncrm(service, window, shoot, emulator)`` fits into
``app.devtools.screenshots._take`` before the managers (after the statistics' screenshots).
It syncs the sample profile "NeonCRM accounts → Newsletter" (so the Newsletter list has
members and the accounts a last push), opens the window as the File menu does (the
registry's ``open_screen``), and shoots each page. The sample campaigns went out before the
sync pushed the account, so with the Constant Contact ``emulator`` two more are sent to the
Newsletter (the account among those who opened and clicked) and the statistics pulled again,
as they would be after a newsletter or two. The sync changes the sandbox as a user's would;
nothing else is saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.connectors.neoncrm.connector import KIND, SAMPLE_LIST, SAMPLE_PROFILE
from app.sandbox.constant_contact.campaign_activity import Rates
from app.sync.service import ContactBridgeService
from app.ui.event_wait import wait_for, wait_ms
from app.ui.main_window import MainWindow
from app.ui.services.neoncrm.window import NeonWindow

Shoot = Callable[..., Path]
ACCOUNT = "Mendez"  # a sample account the sync pushes to the Newsletter
ACCOUNT_EMAIL = "carlos.mendez@example.com"
# Newsletters sent after the sync (name, hours ago): the account opened and clicked both.
# Within a day, as the statistics pull looks again a day before its last look.
CAMPAIGNS = (("Volunteer thank-you", 20), ("Harvest supper invitation", 3))


def _until(done: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:  # the pages read in workers
        wait_ms(50)
    return done()


def shoot_neoncrm(
    service: ContactBridgeService, window: MainWindow, shoot: Shoot, emulator: Any = None
) -> None:
    profile = service.profiles.get_by_name(SAMPLE_PROFILE)
    if profile is None:
        return
    service.runs.sync(profile.saved_id)
    if emulator is not None:
        _send_newsletters(service, emulator)
    window.reload_profiles()
    action = window.service_screen_actions.get(KIND)
    if action is None:
        return
    action.trigger()
    neon = window.dialog
    assert isinstance(neon, NeonWindow)
    try:
        _settings(neon, shoot)
        _add_accounts(neon, shoot)
        _account(neon, shoot)
    finally:
        neon.close()


def _send_newsletters(service: ContactBridgeService, emulator: Any) -> None:
    """Send ``CAMPAIGNS`` to the Newsletter (once) and pull the statistics."""
    contact = emulator.get_contact(ACCOUNT_EMAIL)
    if contact is None or service.stats.person_events(ACCOUNT_EMAIL):
        return
    now = emulator.campaign_now()
    for seed, (name, hours) in enumerate(CAMPAIGNS):
        emulator.campaigns.seed(
            name,
            [SAMPLE_LIST],
            sends=None,
            rates=Rates(0.45, 0.09, 0.01, 0.005, 0.01),
            sent_at=now - timedelta(hours=hours),
            rng_seed=20 + seed,
            keep=[contact["contact_id"]],
        )
    service.stats.pull()


def _settings(neon: NeonWindow, shoot: Shoot) -> None:
    page = neon.settings_page
    assert page is not None
    neon.tabs.setCurrentWidget(page)
    _until(lambda: page.form.lists_widget.count() > 0)
    page.form.setCurrentIndex(1)  # Import Settings: the most options on one page
    shoot(neon, "50-neoncrm-settings", 200)
    page.form.setCurrentIndex(0)


def _add_accounts(neon: NeonWindow, shoot: Shoot) -> None:
    page = neon.lists_page
    assert page is not None
    neon.tabs.setCurrentWidget(page)
    _until(lambda: page.row_named(SAMPLE_LIST) is not None)
    row = page.row_named(SAMPLE_LIST)
    if row is None:
        return
    index = page.proxy.mapFromSource(page.model.index(page.model.rows.index(row), 0))
    page.view.selectRow(index.row())
    page.open_list()
    members = page.members_dialog
    assert members is not None
    _until(lambda: members.model.rowCount() > 0 and not members._busy)
    members.choose_records()
    add = members.add_dialog
    assert add is not None
    _until(lambda: bool(add.criteria.fields))
    add.search()
    wait_for(add.searched, 30_000)
    add.view.selectRow(0)
    shoot(add, "51-neoncrm-lists-add-accounts", 200)
    add.reject()
    members.close()


def _account(neon: NeonWindow, shoot: Shoot) -> None:
    page = neon.accounts_page
    assert page is not None
    neon.tabs.setCurrentWidget(page)
    page.search_edit.setText(ACCOUNT)
    page.find()
    wait_for(page.shown, 30_000)
    shoot(neon, "52-neoncrm-account-view", 200)
