"""Screenshots of campaign statistics: the Stats page (empty, then filled), a campaign's
detail, a person's activity, and the main window's "Recent campaigns" panel.

``shoot_stats(window, emulator, shoot)`` fits into ``app.devtools.screenshots._take`` after a
sync of the bakery sample (its Newsletter list then has members to send to). It pulls the
sandbox's own sample campaigns through the window, as "Pull campaign stats now" does; when
there are none, it sends a few from the emulator and pulls again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.ui.event_wait import wait_for
from app.ui.main_window import MainWindow
from app.ui.stats.detail import CampaignDialog
from app.ui.stats.page import StatsDialog
from app.ui.stats.panel_dialog import PanelChoicesDialog
from app.ui.stats.person import PersonActivityDialog

Shoot = Callable[..., Path]
SAMPLE_LIST = "Newsletter"


def seed_sample_campaigns(emulator: Any) -> None:
    """Three campaigns sent to the sample list at different times, and a draft."""
    now = emulator.campaign_now()
    for name, days, opens, clicks, seed in (
        ("Summer picnic invitation", 60, 0.34, 0.06, 3),
        ("Autumn menu", 12, 0.41, 0.11, 2),
        ("Spring sale: 20% off cakes", 2, 0.29, 0.08, 1),
    ):
        emulator.seed_campaign(
            name,
            [SAMPLE_LIST],
            open_rate=opens,
            click_rate=clicks,
            bounce_rate=0.02,
            optout_rate=0.01,
            forward_rate=0.01,
            sent_at=now - timedelta(days=days),
            rng_seed=seed,
        )
    emulator.create_draft_campaign("Christmas opening hours")
    emulator.advance_campaign_clock(6)  # late opens keep coming for the newest one


def shoot_stats(window: MainWindow, emulator: Any, shoot: Shoot) -> None:
    window.show_stats()
    page = window.dialog
    assert isinstance(page, StatsDialog)
    page.resize(1240, 700)
    wait_for(page.campaigns_loaded, 10_000)
    if not page.model.rowCount():
        shoot(page, "40-campaign-stats-empty", 200)
    window.stats_puller.start()
    wait_for(page.campaigns_loaded, 120_000)
    if emulator is not None and not any(c.sent_at for c in page.shown_campaigns()):
        seed_sample_campaigns(emulator)  # a sandbox without sample campaigns of its own
        window.stats_puller.start()
        wait_for(page.campaigns_loaded, 120_000)
    shoot(page, "41-campaign-stats", 300)

    campaign = next((c for c in page.shown_campaigns() if c.sent_at and c.clicks), None)
    if campaign is not None:
        detail = page.open_campaign(campaign)
        wait_for(detail.details_loaded, 60_000)
        _choose_a_clicker(detail)
        shoot(detail, "42-campaign-detail", 400)
        _shoot_person(detail, shoot)
        detail.close()
    page.close()

    window.stats_panel.reload()
    wait_for(window.stats_panel.campaigns_loaded, 10_000)
    shoot(window, "43-main-window-recent-campaigns", 300)
    window.customize_panel()
    dialog = window.dialog
    if isinstance(dialog, PanelChoicesDialog):
        shoot(dialog, "44-recent-campaigns-customize", 200)
        dialog.reject()


def _choose_a_clicker(detail: CampaignDialog) -> None:
    """Select the first person who clicked, so the detail shows links and the button."""
    for row, person in enumerate(detail.proxy.shown_rows()):
        if person.clicks:
            detail.view.selectRow(row)
            return


def _shoot_person(detail: CampaignDialog, shoot: Shoot) -> None:
    detail.open_selected_person()
    person = detail.person_dialog
    if isinstance(person, PersonActivityDialog):
        wait_for(person.events_loaded, 30_000)
        shoot(person, "45-person-activity", 300)
        person.close()
