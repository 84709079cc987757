"""The NeonCRM account view's campaigns, from the campaign statistics pulled from the
Constant Contact emulator, and what disconnecting NeonCRM forgets (and keeps)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from PySide6.QtCore import Qt

from app.connectors.neoncrm.linked_lists import (
    LastPush,
    ListStatus,
    last_push,
    record_push,
    set_status,
    statuses,
)
from app.core.store_types import ConnectionStatus
from app.sandbox.constant_contact.campaign_activity import Rates
from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator
from app.ui.services.neoncrm.account_campaigns import NO_STATS
from app.ui.services.neoncrm.account_view import AccountsPage
from app.ui.services.neoncrm.context import NeonScreens
from app.ui.stats.person import PersonActivityDialog
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT

fast_client = managers_support.fast_client
tasks = managers_support.tasks
PROFILE = "NeonCRM accounts → Newsletter"
CARLOS = "carlos.mendez@example.com"


@pytest.fixture
def pushed(sandbox, fast_client) -> Any:
    """The sandbox after one push of the NeonCRM sample profile (Newsletter has members)."""
    profile = sandbox.service.profiles.named(PROFILE)
    sandbox.service.runs.sync(profile.id)
    return sandbox


@pytest.fixture
def screens(pushed, tasks) -> NeonScreens:
    profile = pushed.service.profiles.named(PROFILE)
    return NeonScreens(pushed.service, tasks, profile)


def seed_campaigns(pushed) -> None:
    """Two finished campaigns to the Newsletter, which Carlos opened and clicked, and one to
    a list he is not on."""
    emu = pushed.emulator
    emu.clear_campaigns()
    carlos = emu.get_contact(CARLOS)["contact_id"]
    now = emu.campaign_now()
    for name, days in (("May news", 20), ("June news", 5)):
        emu.campaigns.seed(
            name,
            ["Newsletter"],
            sends=None,
            rates=Rates(0.5, 0.1, 0.0, 0.0, 0.0),
            sent_at=now - timedelta(days=days),
            keep=[carlos],
        )
    emu.seed_campaign("Bakers only", ["Bakers"], sends=5, sent_at=now - timedelta(days=4))


def show(qtbot, page: AccountsPage, text: str) -> None:
    page.search_edit.setText(text)
    with qtbot.waitSignal(page.shown, timeout=TIMEOUT):
        page.find()


def test_the_account_view_shows_the_accounts_campaigns_after_a_pull(qtbot, screens, pushed):
    page = AccountsPage(screens)
    qtbot.addWidget(page)
    section = page.campaigns
    show(qtbot, page, "Mendez")
    assert section.summary.text() == NO_STATS  # never pulled: where to pull them
    assert section.model.rowCount() == 0 and not section.all_button.isEnabled()

    seed_campaigns(pushed)
    report = screens.service.stats.pull()
    assert report.stopped is None
    show(qtbot, page, "Mendez")
    assert section.summary.text() == "Received 2 campaigns · opened 2 · clicked a link in 2"
    rows = section.model.rows
    assert [r.campaign_name for r in rows] == ["June news", "May news"]  # newest first
    assert all(r.opens >= 1 and r.clicks >= 1 and not r.bounced for r in rows)
    headers = [
        section.model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(section.model.columnCount())
        if not section.view.isColumnHidden(i)
    ]
    assert headers == ["Campaign", "Sent", "Opens", "Clicks", "Unsubscribed", "Bounced"]
    assert section.view.isVisibleTo(page)

    # "All activity…" opens the person view of the account's email.
    section.all_button.click()
    dialog = section.person_dialog
    assert isinstance(dialog, PersonActivityDialog)
    assert (dialog.email, dialog.person_name) == (CARLOS, "Carlos Mendez")
    qtbot.waitSignal(dialog.events_loaded, timeout=TIMEOUT).wait()
    assert {e.campaign_name for e in dialog.model.rows} == {"June news", "May news"}
    dialog.close()

    # An account the campaigns did not reach says so, in words.
    show(qtbot, page, "petrov")  # opted out in NeonCRM: never pushed
    assert section.summary.text().startswith("No campaign has been sent to ")
    assert section.model.rowCount() == 0 and not section.view.isVisibleTo(page)


def test_disconnecting_neoncrm_forgets_its_lists_and_pushes_and_keeps_imported_accounts(
    screens, pushed
) -> None:
    service = screens.service
    neon: NeonCrmEmulator = pushed.emulators["neoncrm"]
    (last,) = service.runs.history(screens.profile_id, 1)
    assert last.extra["to_source.created"] > 0  # the import created accounts in NeonCRM
    accounts_before = len(neon.account_ids(ORG_ID))
    links_before = service.store.links.count(screens.profile_id)
    newsletter = next(
        cl for cl in service.lists.contact_lists(screens.cc_id) if cl.name == "Newsletter"
    )
    set_status(service.connections, screens.neon_id, newsletter.list_id, ListStatus.HIDDEN)
    record_push(
        service.connections, screens.neon_id, "42", LastPush("2026-06-01T10:00:00+00:00", (), True)
    )
    settings = screens.neon_connection().settings
    assert statuses(settings) and last_push(settings, "42") is not None

    service.connections.disconnect(screens.neon_id)

    conn = screens.neon_connection()
    assert conn.status is ConnectionStatus.DISCONNECTED
    assert "lists" not in conn.settings and "pushes" not in conn.settings
    assert conn.settings.get("org_id") == ORG_ID  # reconnecting needs only the key again
    assert service.secrets.load_token(screens.neon_id) is None
    # Nothing is deleted in NeonCRM, and the links to the accounts imports created stay.
    assert len(neon.account_ids(ORG_ID)) == accounts_before
    assert service.store.links.count(screens.profile_id) == links_before > 0
    # The Constant Contact side is another connection: untouched.
    assert newsletter.name in {cl.name for cl in service.lists.contact_lists(screens.cc_id)}
