"""The Stats page, a campaign's detail and a person's activity, on the fake service: loading,
the empty state and its pull, opening a campaign, and exports read back."""

from __future__ import annotations

import csv
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.campaign_stats import PullReport
from app.ui.lists.rows_model import ROW_ROLE
from app.ui.stats.detail import CampaignDialog
from app.ui.stats.page import StatsDialog
from app.ui.stats.person import PersonActivityDialog
from app.ui.stats.pull import StatsPuller
from tests.gui import managers_support
from tests.gui.stats.samples import ADA, BO, NEWS, SPRING, with_stats
from tests.helpers.fake_stats import FakeStats

TIMEOUT = managers_support.TIMEOUT
tasks = managers_support.tasks


@pytest.fixture
def service(fake_service):
    return with_stats(fake_service)


def open_page(qtbot, service, tasks, **kwargs) -> StatsDialog:
    page = StatsDialog(service, tasks, StatsPuller(service, tasks), **kwargs)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.campaigns_loaded, timeout=TIMEOUT):
        pass  # the campaigns are read in the background; their answer queues behind this
    return page


def open_detail(qtbot, page: StatsDialog, campaign) -> CampaignDialog:
    row = next(
        r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data(ROW_ROLE) == campaign
    )
    page.view.doubleClicked.emit(page.proxy.index(row, 0))  # as a double-click does
    detail = page.campaign_dialog
    assert isinstance(detail, CampaignDialog)
    with qtbot.waitSignal(detail.details_loaded, timeout=TIMEOUT):
        pass
    return detail


def test_the_page_lists_campaigns_newest_first_and_searches(qtbot, service, tasks) -> None:
    page = open_page(qtbot, service, tasks)
    assert page.stack.currentIndex() == 1
    assert [c.name for c in page.shown_campaigns()][:2] == [NEWS.name, SPRING.name]
    assert page.selected() == NEWS
    assert "every night" in page.hint.text()
    page.search.setText("sale")
    assert [c.name for c in page.shown_campaigns()] == [SPRING.name]
    assert page.shown.text() == "1 of 4 campaigns"
    page.search.clear()
    assert page.shown.text() == "4 campaigns"


def test_no_data_says_how_to_get_it_and_the_pull_fills_the_page(qtbot, fake_service, tasks):
    stats = with_stats(fake_service, FakeStats()).stats
    page = open_page(qtbot, fake_service, tasks)
    assert page.stack.currentIndex() == 0  # the empty state
    assert page.empty_pull_button.isEnabled()
    stats.summaries = [SPRING]  # what the pull brings
    stats.next_pull = PullReport(campaigns=1, campaigns_new=1, events_new=40, events_total=40)
    with qtbot.waitSignal(page.campaigns_loaded, timeout=TIMEOUT):
        page.empty_pull_button.click()
        assert page.pull_bar.state.currentIndex() == 1  # progress and Cancel while it runs
    assert stats.pulls == 1
    assert page.stack.currentIndex() == 1
    assert page.shown_campaigns() == [SPRING]
    assert page.pull_bar.state.currentIndex() == 0
    assert page.pull_bar.status.text() == "Up to date: 1 campaign, 40 new events."


def test_a_cancelled_pull_says_what_was_kept(qtbot, service, tasks) -> None:
    puller = StatsPuller(service, tasks)
    service.stats.hold = threading.Event()
    with qtbot.waitSignal(puller.finished, timeout=TIMEOUT) as finished:
        puller.start()
        puller.cancel()
        service.stats.hold.set()  # the fake pull looks at its token only now: it stops
    assert finished.args[0].stopped == "cancelled"
    assert not puller.is_running()
    assert service.stats.pulls == 0


def test_a_campaign_opens_with_its_counts_chart_and_people(qtbot, service, tasks) -> None:
    page = open_page(qtbot, service, tasks)
    detail = open_detail(qtbot, page, SPRING)
    assert detail.title.text() == "Spring sale"
    assert detail.tiles["opens"].value.text() == "31"
    assert detail.tiles["opens"].note.text() == "31.0 %"
    assert detail.tiles["bounces"].value.text() == "2"
    assert detail.shown.text() == "4 people"
    xs, opens, clicks = detail.chart.series
    assert len(xs) == 2  # 20 and 21 November (the chart fills days between)
    assert (opens, clicks) == ([2, 1], [0, 1])  # Ada and Bo, then Ada again and her click
    assert xs == [date(2026, 11, 20), date(2026, 11, 21)]
    detail.show_choice.setCurrentText("Unsubscribed")
    assert detail.proxy.shown_rows() == [BO]
    detail.show_choice.setCurrentText("Everyone sent to")
    detail.search.setText("lovelace")
    assert detail.proxy.shown_rows() == [ADA]


def test_a_person_opens_from_the_campaign_with_all_their_campaigns(qtbot, service, tasks) -> None:
    page = open_page(qtbot, service, tasks)
    detail = open_detail(qtbot, page, SPRING)
    detail.search.setText("ada@")
    detail.view.selectRow(0)
    detail.person_button.click()
    person = detail.person_dialog
    assert isinstance(person, PersonActivityDialog)
    with qtbot.waitSignal(person.events_loaded, timeout=TIMEOUT):
        pass
    assert person.email == ADA.email
    shown = person.proxy.shown_rows()
    assert shown[0].campaign_name == NEWS.name  # newest first
    assert {e.campaign_name for e in shown} == {"Spring sale", "November news", "Summer picnic"}
    assert "Received 3 campaigns · opened 2" in person.summary.text()
    lines = person.history_proxy.shown_rows()  # a line a campaign, newest sent first
    assert [h.campaign_name for h in lines] == ["November news", "Spring sale", "Summer picnic"]
    spring = lines[1]
    assert (spring.opens, spring.clicks, spring.forwards) == (2, 1, 1)
    assert spring.links == ("https://shop.example.com/sale",)
    assert person.shown.text() == "3 campaigns"
    person.tabs.setCurrentIndex(1)
    assert person.kind.isEnabled()
    person.kind.setCurrentText("Clicked a link")
    assert [e.link for e in person.proxy.shown_rows()] == ["https://shop.example.com/sale"]


def test_exports_write_the_rows_shown_to_csv_and_excel(qtbot, service, tasks, tmp_path) -> None:
    chosen: list[str] = []
    page = open_page(
        qtbot,
        service,
        tasks,
        choose_file=lambda parent, t, f, suggested, on: chosen.append(suggested),
    )
    page.export.export("xlsx")
    assert Path(chosen[0]).name.startswith("Campaign stats – ")
    assert chosen[0].endswith(" campaigns.xlsx")
    page.search.setText("news")
    out = tmp_path / "campaigns.csv"
    with qtbot.waitSignal(page.export.export_finished, timeout=TIMEOUT) as done:
        page.export.export_to(out, "csv")
    assert done.args == [str(out), 1]
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["Campaign", "Sent", "Sends", "Opens", "Open rate (%)"]
    assert rows[1][0] == "November news"
    assert rows[1][2:5] == ["9", "6", "66.7"]

    page.search.clear()
    detail = open_detail(qtbot, page, SPRING)
    book = tmp_path / "spring.xlsx"
    with qtbot.waitSignal(detail.export.export_finished, timeout=TIMEOUT):
        detail.export.export_to(book, "xlsx")
    sheet = load_workbook(book).active
    values = list(sheet.values)
    assert values[0][:4] == ("Email", "Name", "Opens", "Clicks")
    assert {row[0] for row in values[1:]} == {p.email for p in service.stats.people("c-spring")}
    ada = next(row for row in values if row[0] == ADA.email)
    assert ada[2] == 3  # a number, not words
    assert detail.export.suggested_path("csv").name.startswith("Spring sale – ")


class _Unreachable(FakeStats):
    def pull(self, progress=None, cancel=None):
        from app.core.errors import NetworkError

        raise NetworkError("Constant Contact could not be reached.")


def test_a_failed_pull_says_why_and_can_be_tried_again(qtbot, fake_service, tasks) -> None:
    with_stats(fake_service, _Unreachable())
    page = open_page(qtbot, fake_service, tasks)
    with qtbot.waitSignal(page.puller.failed, timeout=TIMEOUT):
        page.empty_pull_button.click()
    assert page.pull_bar.status.text() == (
        "The pull stopped: Constant Contact could not be reached."
    )
    assert page.empty_pull_button.isEnabled()  # try again
    assert not page.puller.is_running()
