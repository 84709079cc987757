"""The Stats screens on the real service and the Constant Contact emulator: campaigns sent to
the sample list are pulled in the background, with progress, and read back per person."""

from __future__ import annotations

from app.devtools.stats_screenshots import seed_sample_campaigns
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.stats.detail import CampaignDialog
from app.ui.stats.page import StatsDialog
from app.ui.stats.person import PersonActivityDialog
from app.ui.stats.pull import StatsPuller
from tests.gui import managers_support

TIMEOUT = 120_000
fast_client = managers_support.fast_client
tasks = managers_support.tasks
synced = managers_support.synced


def test_a_pull_fills_the_page_and_the_people_link_to_their_records(qtbot, synced, tasks):
    service = synced.service
    puller = StatsPuller(service, tasks)
    page = StatsDialog(service, tasks, puller)
    qtbot.addWidget(page)
    qtbot.waitSignal(page.campaigns_loaded, timeout=TIMEOUT).wait()
    assert page.stack.currentIndex() == 0  # nothing pulled yet: how to get it
    seed_sample_campaigns(synced.emulator)  # sent to the sample profile's list
    progress: list[tuple[int, int, str]] = []
    puller.progress_changed.connect(lambda *args: progress.append(args))
    with qtbot.waitSignal(page.campaigns_loaded, timeout=TIMEOUT):
        page.empty_pull_button.click()
    assert progress  # the bar moved while the pull ran in the background
    sent = [c for c in page.shown_campaigns() if c.sent_at is not None]
    assert all(c.sends > 0 for c in sent)
    names = {c.name for c in page.shown_campaigns()}  # the sandbox's own samples besides
    assert {"Spring sale: 20% off cakes", "Autumn menu", "Christmas opening hours"} <= names

    spring = next(c for c in sent if c.name.startswith("Spring sale"))
    detail = page.open_campaign(spring)
    assert isinstance(detail, CampaignDialog)
    qtbot.waitSignal(detail.details_loaded, timeout=TIMEOUT).wait()
    people = detail.model.rows
    assert len(people) == spring.sends
    assert sum(p.opens > 0 for p in people) == spring.opens
    linked = [p for p in people if p.source_label]
    assert linked and {p.source_label for p in linked} == {SAMPLE_PROFILE_NAME}
    clicker = next(p for p in people if p.clicks)
    detail.open_person(clicker)
    person = detail.person_dialog
    assert isinstance(person, PersonActivityDialog)
    qtbot.waitSignal(person.events_loaded, timeout=TIMEOUT).wait()
    kinds = {e.kind for e in person.model.rows if e.campaign_id == spring.campaign_id}
    assert {"send", "open", "click"} <= kinds
