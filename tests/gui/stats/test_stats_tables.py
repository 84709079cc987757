"""The statistics tables: every model passes Qt's model tester, numbers and dates sort as
numbers and dates, and the search and the "Show" choice keep the right rows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.lists.rows_model import ROW_ROLE, RowsModel
from app.ui.stats.columns import CAMPAIGN_KEYS, campaign_columns, event_columns, people_columns
from app.ui.stats.dashboard_choices import PanelChoices, recent
from app.ui.stats.detail import people_choices
from app.ui.stats.tables import RowFilterProxy, SortedRowsModel, stats_table
from tests.gui.stats.samples import (
    ADA,
    BO,
    CAMPAIGNS,
    CY,
    DI,
    DRAFT,
    EVENTS,
    NEWS,
    OLD,
    PEOPLE,
    SPRING,
)

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


def names(proxy) -> list[str]:
    return [proxy.index(r, 0).data(ROW_ROLE).name for r in range(proxy.rowCount())]


def test_every_stats_model_passes_the_model_tester(qtmodeltester) -> None:
    for columns, rows in (
        (campaign_columns(), CAMPAIGNS),
        (people_columns(), PEOPLE),
        (event_columns(), EVENTS),
    ):
        model = SortedRowsModel(columns)
        model.set_rows(rows)
        qtmodeltester.check(model)
        proxy = RowFilterProxy()
        proxy.setSourceModel(model)
        proxy.set_search("example")
        qtmodeltester.check(proxy)
    panel = RowsModel(campaign_columns(PanelChoices().columns))
    panel.set_rows(recent(CAMPAIGNS, PanelChoices()))
    qtmodeltester.check(panel)


def test_the_campaigns_table_shows_counts_and_rates(qapp) -> None:
    model = SortedRowsModel(campaign_columns())
    model.set_rows([SPRING])
    words = [model.index(0, c).data() for c in range(model.columnCount())]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(CAMPAIGN_KEYS))]
    assert headers[:4] == ["Campaign", "Sent", "Sends", "Opens"]
    assert words[0] == "Spring sale"
    assert words[2:] == [
        "100", "31", "31.0 %", "9", "9.0 %", "2", "2.0 %", "1", "1.0 %", "3"
    ]  # fmt: skip
    assert model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole)  # numbers right-aligned


def test_numbers_dates_and_rates_sort_as_such(qapp) -> None:
    model, proxy, view = stats_table(campaign_columns(), "Campaigns", sort_column=1)
    model.set_rows(CAMPAIGNS)
    column = {k: i for i, k in enumerate(CAMPAIGN_KEYS)}
    view.sortByColumn(column["sends"], ASC)  # 0, 9, 40, 100 — not "100" before "40"
    assert names(proxy) == [DRAFT.name, NEWS.name, OLD.name, SPRING.name]
    view.sortByColumn(column["sent"], DESC)  # newest first, the draft (never sent) last
    assert names(proxy) == [NEWS.name, SPRING.name, OLD.name, DRAFT.name]
    view.sortByColumn(column["open_rate"], DESC)  # 66.7 %, 31 %, 25 %, 0 %
    assert names(proxy) == [NEWS.name, SPRING.name, OLD.name, DRAFT.name]
    model.set_rows(list(reversed(CAMPAIGNS)))  # new rows keep the order chosen
    assert names(proxy) == [NEWS.name, SPRING.name, OLD.name, DRAFT.name]


def test_sorting_keeps_the_selection_on_its_row(qapp) -> None:
    model, proxy, view = stats_table(people_columns(), "People")
    model.set_rows(PEOPLE)
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(ROW_ROLE) is CY)
    view.selectRow(row)
    view.sortByColumn(2, DESC)  # opens
    chosen = view.selectionModel().selectedRows()
    assert [i.data(ROW_ROLE) for i in chosen] == [CY]


def test_search_and_show_keep_the_right_people(qapp) -> None:
    model, proxy, _view = stats_table(people_columns(), "People")
    model.set_rows(PEOPLE)
    proxy.set_search("shop.example.com/hours")  # a link clicked
    assert proxy.shown_rows() == [ADA]
    proxy.set_search("  TWOMBLY cy ")  # words in any order and case
    assert proxy.shown_rows() == [CY]
    proxy.set_search("")
    choices = dict(people_choices())
    for words, expected in (
        ("Opened", {ADA, BO}),
        ("Clicked a link", {ADA}),
        ("Forwarded", {ADA}),
        ("Unsubscribed", {BO}),
        ("Bounced", {CY}),
        ("Did not open", {DI}),
        ("Everyone sent to", set(PEOPLE)),
    ):
        proxy.set_keep(choices[words])
        assert set(proxy.shown_rows()) == expected, words
    proxy.set_keep(choices["Opened"])
    proxy.set_search("bo@")
    assert proxy.shown_rows() == [BO]


def test_people_show_links_bounces_and_their_source_record(qapp) -> None:
    model = SortedRowsModel(people_columns())
    model.set_rows([ADA, CY])
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    ada = dict(zip(header, (model.index(0, c).data() for c in range(len(header))), strict=True))
    cy = dict(zip(header, (model.index(1, c).data() for c in range(len(header))), strict=True))
    assert ada["Links clicked"] == "https://shop.example.com/sale, https://shop.example.com/hours"
    assert ada["In your records"] == "C0000001 · Bakery customers → Newsletter"
    assert cy["Bounced"] == "Yes — address does not exist (B)"
