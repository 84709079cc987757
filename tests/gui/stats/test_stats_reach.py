"""A person's campaign activity opens from where their name shows up: a run's results (a
row's menu, and the record's details) and a list's members."""

from __future__ import annotations

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.records import ContactList, Permission
from app.sync.facade.values import ListMember, RecordDetails
from app.ui.lists.members import MembersDialog
from app.ui.results.results_view import ResultsView
from app.ui.stats.person import PersonActivityDialog, person_opener
from tests.gui import managers_support
from tests.gui.stats.samples import ADA, with_stats

TIMEOUT = managers_support.TIMEOUT
tasks = managers_support.tasks

RECORD = RecordResult(2, "C1", ADA.email, Outcome.CREATED, name="Ada Lovelace", contact_id="cc")
NO_EMAIL = RecordResult(3, "C2", "", Outcome.SKIPPED, "No email address", name="Bo Li")
SUMMARY = RunSummary(
    run_id=7,
    profile_name="Bakery customers",
    status=RunStatus.COMPLETED,
    counts=RunCounts.of(r.outcome for r in (RECORD, NO_EMAIL)),
    started_at="2026-03-02T10:00:00+00:00",
)


def loaded(qtbot, dialog) -> PersonActivityDialog:
    assert isinstance(dialog, PersonActivityDialog)
    with qtbot.waitSignal(dialog.events_loaded, timeout=TIMEOUT):
        pass
    return dialog


def results_view(qtbot, fake_service, tasks) -> ResultsView:
    service = with_stats(fake_service)
    view = ResultsView(
        tasks,
        details=lambda run, key, email: RecordDetails(None, None),
        person=person_opener(service, tasks),
    )
    qtbot.addWidget(view)
    view.show_run(SUMMARY, (RECORD, NO_EMAIL))
    return view


def test_a_results_row_menu_opens_the_persons_activity(qtbot, fake_service, tasks) -> None:
    view = results_view(qtbot, fake_service, tasks)
    menu = view.push_table.row_menu(RECORD)
    words = [a.text() for a in menu.actions()]
    assert words == ["Record &details…", "&Campaign activity…"]
    menu.actions()[1].trigger()
    person = loaded(qtbot, view.person_dialog)
    assert person.email == ADA.email
    assert person.model.rowCount() == 9  # Ada's events in three campaigns
    # A record without an email has nobody to look up.
    assert not view.push_table.row_menu(NO_EMAIL).actions()[1].isEnabled()


def test_a_records_details_open_the_persons_activity(qtbot, fake_service, tasks) -> None:
    view = results_view(qtbot, fake_service, tasks)
    view.open_details(RECORD)
    details = view.dialog
    assert details is not None and details.activity_button is not None
    details.activity_button.click()
    assert loaded(qtbot, view.person_dialog).email == ADA.email


def test_results_without_stats_offer_no_activity(qtbot, tasks) -> None:
    view = ResultsView(tasks)
    qtbot.addWidget(view)
    view.show_run(SUMMARY, (RECORD,))
    assert [a.text() for a in view.push_table.row_menu(RECORD).actions()] == ["Record &details…"]


def test_a_list_member_opens_their_activity(qtbot, fake_service, tasks) -> None:
    service = with_stats(fake_service)
    newsletter = ContactList("l1", "Newsletter", 2)
    service.lists.members_by_list["l1"] = [
        ListMember("cc-ada", ADA.email, "Ada", "Lovelace", Permission.IMPLICIT),
        ListMember("cc-bo", "bo@example.com", "Bo", "Li", Permission.UNSUBSCRIBED),
    ]
    members = MembersDialog(service, tasks, 1, newsletter)
    qtbot.addWidget(members)
    qtbot.waitSignal(members.members_loaded, timeout=TIMEOUT).wait()
    assert not members.activity_button.isEnabled()  # nobody chosen yet
    members.view.selectAll()
    assert not members.activity_button.isEnabled()  # one person at a time
    members.search.setText("ada@")
    members.view.selectRow(0)
    assert members.activity_button.isEnabled()
    members.activity_button.click()
    person = loaded(qtbot, members.person_dialog)
    assert person.email == ADA.email
    assert "Ada Lovelace" in person.windowTitle() or person.person_name == "Ada Lovelace"
