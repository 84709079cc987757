"""The lists manager against the emulator: lists, members, adding and removing people."""

from __future__ import annotations

import pytest

from app.core.mapping import FieldMapping
from app.core.records import ContactList, Permission, SourceRecord
from app.sync.facade.values import ListMember
from app.ui.lists.add_records import record_columns
from app.ui.lists.members import member_columns
from app.ui.lists.rows_model import RowsModel
from app.ui.lists_manager import ListRow, ListsDialog, list_columns
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT, Answers

# The shared fixtures (tests/gui/conftest.py is not ours to extend).
fast_client = managers_support.fast_client
synced = managers_support.synced
tasks = managers_support.tasks


def test_models_pass_modeltester(qtmodeltester) -> None:
    lists = RowsModel(list_columns())
    lists.set_rows(
        [
            ListRow(ContactList("l1", "Newsletter", 240), ("Bakery",)),
            ListRow(ContactList("l2", "VIP", None)),
        ]
    )
    qtmodeltester.check(lists)
    assert [lists.index(r, 1).data() for r in range(2)] == ["240", "0"]
    assert lists.index(1, 2).data() == "—"

    members = RowsModel(member_columns())
    members.set_rows(
        [
            ListMember("c1", "ada@example.com", "Ada", "L", Permission.EXPLICIT),
            ListMember("c2", "tom@example.com", permission=Permission.UNSUBSCRIBED),
        ]
    )
    qtmodeltester.check(members)
    assert members.index(1, 3).data() == "Unsubscribed"

    records = RowsModel(record_columns(FieldMapping.of({"Mail": "email", "First": "first_name"})))
    records.set_rows(
        [
            SourceRecord("k1", 2, {"Mail": "a@x.org", "First": "A"}),
            SourceRecord("k2", 3, {"Mail": "b@x.org"}, opted_out=True),
        ]
    )
    qtmodeltester.check(records)
    assert records.index(0, 1).data() == "a@x.org"
    assert records.index(1, 4).data().startswith("Opted out")


@pytest.fixture
def dialog(qtbot, synced, tasks):
    answers = Answers()
    dialog = ListsDialog(synced.service, tasks, confirm=answers.confirm, ask_name=answers.ask_text)
    dialog.answers = answers
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.lists_loaded, timeout=TIMEOUT):
        dialog.show()
    return dialog


def select(dialog: ListsDialog, name: str) -> ListRow:
    row = dialog.row_named(name)
    assert row is not None, [r.name for r in dialog.model.rows]
    index = dialog.proxy.mapFromSource(dialog.model.index(dialog.model.rows.index(row), 0))
    dialog.view.selectRow(index.row())
    assert dialog.selected() == row
    return row


def act(qtbot, dialog: ListsDialog, action) -> str:
    """Run a create/rename/delete and wait until the lists were read again."""
    with qtbot.waitSignal(dialog.lists_loaded, timeout=TIMEOUT):  # noqa: SIM117
        with qtbot.waitSignal(dialog.action_finished, timeout=TIMEOUT) as done:
            action()
    return done.args[0]


def test_lists_show_member_counts_and_profiles(dialog, synced) -> None:
    row = select(dialog, "Newsletter")
    assert row.count == len(synced.emulator.contacts_on_list("Newsletter")) > 200
    assert synced.sample_profile.name in row.used_by
    assert dialog.account.currentText() == "Sandbox Bakery"


def test_create_rename_and_delete_a_list(qtbot, dialog, synced) -> None:
    emulator = synced.emulator
    dialog.answers.text = "  Wholesale   buyers "
    message = act(qtbot, dialog, dialog.new_list)
    assert message == "Created the list “Wholesale buyers”."
    assert emulator.list_id("Wholesale buyers") is not None
    assert dialog.selected().name == "Wholesale buyers"

    dialog.answers.text = "Trade customers"
    act(qtbot, dialog, dialog.rename_list)
    assert emulator.list_id("Wholesale buyers") is None
    assert emulator.list_id("Trade customers") is not None
    assert dialog.answers.prompts[-1] == ("Rename list", "Wholesale buyers")

    act(qtbot, dialog, dialog.delete_list)
    question = dialog.answers.asked[-1]
    assert question.text == "Delete the list “Trade customers” and its 0 members?"
    assert emulator.list_id("Trade customers") is None
    assert dialog.row_named("Trade customers") is None


def test_a_taken_name_is_refused_in_plain_words(qtbot, dialog, synced, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr("app.ui.lists_manager.show_error", lambda parent, exc: shown.append(exc))
    dialog.answers.text = "newsletter"  # list names are unique, whatever their case
    dialog.new_list()
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
    assert "already a list named" in shown[0].message
    assert dialog.status.text() == "That did not work; nothing was changed."


def test_delete_names_the_list_its_members_and_its_profiles(dialog, synced) -> None:
    row = select(dialog, "Newsletter")
    dialog.answers.yes = False
    dialog.delete_list()
    (question,) = dialog.answers.asked
    assert row.count > 1
    assert question.text == f"Delete the list “Newsletter” and its {row.count:,} members?"
    assert synced.sample_profile.name in question.details
    assert synced.emulator.list_id("Newsletter") is not None  # not answered: nothing deleted


def test_renaming_a_profiles_list_renames_it_in_the_profile(qtbot, dialog, synced) -> None:
    select(dialog, "Newsletter")
    dialog.answers.text = "Monthly news"
    act(qtbot, dialog, dialog.rename_list)
    profile = synced.service.profiles.get(synced.sample_profile.id)
    assert profile.main_list == "Monthly news"
    assert synced.emulator.list_id("Monthly news") is not None


@pytest.fixture
def members(qtbot, dialog):
    select(dialog, "Newsletter")
    dialog.open_list()
    members = dialog.members_dialog
    members.answers = dialog.answers  # the dialog passes its questions on
    qtbot.addWidget(members)
    qtbot.waitSignal(members.members_loaded, timeout=TIMEOUT).wait()
    return members


def test_members_are_listed(members, synced) -> None:
    emails = {m.email for m in members.model.rows}
    assert emails == synced.emulator.contacts_on_list("Newsletter")
    grace = next(m for m in members.model.rows if m.email == "grace.hopper@example.com")
    assert grace.first_name == "Grace"
    assert grace.permission is Permission.EXPLICIT


def test_add_records_but_never_an_unsubscribed_contact(qtbot, members, synced) -> None:
    service, emulator = synced.service, synced.emulator
    new_list = emulator.create_list("Workshop sign-ups")
    records = service.profiles.source_records(synced.sample_profile.id)
    wanted = [r for r in records if r.row in (2, 3)]
    alan = next(r for r in records if r.values["Email Address"] == "alan.turing@example.com")
    opted_out = next(r for r in records if r.opted_out)
    members.contact_list = ContactList(new_list, "Workshop sign-ups", 0)

    with qtbot.waitSignal(members.members_loaded, timeout=TIMEOUT):  # noqa: SIM117
        with qtbot.waitSignal(members.members_changed, timeout=TIMEOUT):
            members.add_records(synced.sample_profile.id, [*wanted, alan, opted_out])

    expected = {r.values["Email Address"].lower() for r in wanted}
    assert emulator.contacts_on_list("Workshop sign-ups") == expected
    assert {m.email for m in members.model.rows} == expected
    assert members.banner.title.text() == "Added 2 to “Workshop sign-ups”; 2 not added"
    body = members.banner.body.text()
    assert "alan.turing@example.com — Unsubscribed in Constant Contact" in body
    assert "Opted out in the source" in body


def test_pick_records_from_a_profile(qtbot, members, synced) -> None:
    members.choose_records()
    picker = members.picker
    qtbot.waitSignal(picker.records_loaded, timeout=TIMEOUT).wait()
    assert picker.profile.currentText()
    picker.profile.setCurrentIndex(picker.profile.findText(synced.sample_profile.name))
    if picker.model.rowCount() == 0:
        qtbot.waitSignal(picker.records_loaded, timeout=TIMEOUT).wait()
    assert not picker.add_button.isEnabled()  # nothing chosen yet, and it says so beside it
    assert picker.add_blocked.text() == "Select the records to add in the table above."
    picker.search.setText("grace.hopper@")
    picker.view.selectAll()
    assert picker.add_button.isEnabled() and picker.add_button.text() == "Add 1 to list"
    assert picker.add_blocked.text() == ""
    with qtbot.waitSignal(picker.records_chosen, timeout=TIMEOUT) as chosen:
        picker.add_button.click()
    profile_id, records = chosen.args
    assert profile_id == synced.sample_profile.id
    assert [r.values["Email Address"] for r in records] == ["grace.hopper@example.com"]


def test_remove_members(qtbot, members, synced) -> None:
    before = synced.emulator.contacts_on_list("Newsletter")
    members.search.setText("grace.hopper@")
    members.view.selectAll()
    assert members.remove_button.isEnabled()
    with qtbot.waitSignal(members.members_loaded, timeout=TIMEOUT):  # noqa: SIM117
        with qtbot.waitSignal(members.members_changed, timeout=TIMEOUT):
            members.remove_selected()

    question = members.answers.asked[-1]
    assert question.text == "Remove grace.hopper@example.com from “Newsletter”?"
    after = synced.emulator.contacts_on_list("Newsletter")
    assert after == before - {"grace.hopper@example.com"}
    assert synced.emulator.get_contact("grace.hopper@example.com") is not None  # still in CC
