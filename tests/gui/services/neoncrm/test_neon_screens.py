"""The NeonCRM window against the emulators: the Lists page (linked lists with their status,
create, edit, delete), a list's members with "Add accounts", the account view and its push."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.connectors.neoncrm.linked_lists import ListStatus, statuses
from app.core.records import Permission
from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator
from app.ui.service_views import views
from app.ui.services.neoncrm.account_view import AccountsPage
from app.ui.services.neoncrm.add_accounts import AddAccountsDialog
from app.ui.services.neoncrm.context import NeonScreens
from app.ui.services.neoncrm.lists_page import NeonListsPage
from app.ui.services.neoncrm.window import NeonWindow
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT, Answers

fast_client = managers_support.fast_client
tasks = managers_support.tasks
PROFILE = "NeonCRM accounts → Newsletter"


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


class ListAnswers(Answers):
    """Answers the list's name-and-status question too."""

    status: ListStatus = ListStatus.ACTIVE

    def ask_list(
        self,
        parent: Any,
        title: str,
        name: str,
        status: ListStatus,
        on_ok: Callable[[str, ListStatus], None],
    ) -> None:
        self.prompts.append((title, name))
        if self.yes:
            on_ok(self.text or name, self.status)


@pytest.fixture
def page(qtbot, screens) -> NeonListsPage:
    answers = ListAnswers()
    page = NeonListsPage(screens, confirm=answers.confirm, ask=answers.ask_list)
    page.answers = answers
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.lists_loaded, timeout=TIMEOUT):
        page.show()
    return page


def select(page: NeonListsPage, name: str) -> None:
    row = page.row_named(name)
    assert row is not None, [r.name for r in page.model.rows]
    index = page.proxy.mapFromSource(page.model.index(page.model.rows.index(row), 0))
    page.view.selectRow(index.row())


def act(qtbot, page: NeonListsPage, action: Callable[[], None]) -> str:
    with qtbot.waitSignal(page.lists_loaded, timeout=TIMEOUT):  # noqa: SIM117
        with qtbot.waitSignal(page.action_finished, timeout=TIMEOUT) as done:
            action()
    return str(done.args[0])


def shown(page: NeonListsPage) -> list[tuple[str, str, str]]:
    model = page.model
    return [tuple(model.index(r, c).data() for c in range(3)) for r in range(model.rowCount())]


def test_the_window_is_in_the_file_menu_through_the_registry(qtbot, screens) -> None:
    found = views("neoncrm")
    assert found is not None and found.screen_action == "&NeonCRM lists and accounts…"
    window = found.open_screen(screens.service, screens.tasks, None, None)
    qtbot.addWidget(window)
    assert isinstance(window, NeonWindow)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Lists",
        "Accounts",
        "Settings",
    ]
    assert window.profile_combo.currentText() == PROFILE
    assert views("xero").screen_action == ""  # a service without a window of its own


def test_the_lists_page_shows_linked_lists_and_creates_edits_and_deletes(qtbot, page) -> None:
    screens = page.screens
    assert [(name, status) for name, status, _ in shown(page)] == [("Newsletter", "Active")]
    newsletter = int(shown(page)[0][2].replace(",", ""))
    assert newsletter >= 29  # the pushed individuals
    assert page.status.text() == "1 list linked with NeonCRM"

    page.answers.text, page.answers.status = "Spring appeal", ListStatus.HIDDEN
    said = act(qtbot, page, page.new_list)
    assert said == "Created the list “Spring appeal”."
    assert ("Spring appeal", "Hidden", "0") in shown(page)
    assert page.status.text() == "2 lists linked with NeonCRM"
    conn = screens.neon_connection()
    assert ListStatus.HIDDEN in statuses(conn.settings).values()

    select(page, "Spring appeal")
    page.answers.text, page.answers.status = "Spring appeal 2026", ListStatus.ACTIVE
    said = act(qtbot, page, page.edit_list)
    assert said == "Saved “Spring appeal 2026”: Active."
    assert ("Spring appeal 2026", "Active", "0") in shown(page)
    assert "Spring appeal 2026" in {
        cl.name for cl in screens.service.lists.contact_lists(screens.cc_id)
    }

    select(page, "Spring appeal 2026")
    said = act(qtbot, page, page.delete_list)
    assert said == "Deleted the list “Spring appeal 2026”."
    assert page.answers.asked[-1].title == "Delete list"
    assert [name for name, _, _ in shown(page)] == ["Newsletter"]
    assert page.status.text() == "1 list linked with NeonCRM"
    assert "Spring appeal 2026" not in {
        cl.name for cl in screens.service.lists.contact_lists(screens.cc_id)
    }


def test_add_accounts_always_leaves_out_organizations_deceased_dnc_and_opted_out(
    qtbot, page, pushed
) -> None:
    page.answers.text, page.answers.status = "Volunteers", ListStatus.ACTIVE
    act(qtbot, page, page.new_list)
    select(page, "Volunteers")
    page.open_list()
    members = page.members_dialog
    qtbot.waitUntil(lambda: members.model.rowCount() == 0 and not members._busy, timeout=TIMEOUT)
    members.choose_records()
    add: AddAccountsDialog = members.add_dialog
    qtbot.waitUntil(lambda: bool(add.criteria.fields), timeout=TIMEOUT)
    assert "Always left out: organization accounts" in add.intro.text()

    with qtbot.waitSignal(add.searched, timeout=TIMEOUT):
        add.search()
    everyone = {r.values["Email 1"] for r in add.found.records}
    assert add.found.total == len(add.found.records) > 25
    for left_out in (
        "rotary@riverside.example.org",  # an organization
        "grace.whitaker@example.net",  # deceased
        "bob.fitz@example.com",  # Do Not Contact
        "sam.osei@example.com",  # email opted out
    ):
        assert left_out not in everyone
    assert add.count_label.text() == f"{add.found.total} accounts match"
    assert "hannah.schmidt@example.org" in everyone  # consent declined, not flagged: offered,

    row = add.criteria.add_row()
    row.field_combo.setCurrentIndex(row.field_combo.findData("Individual Type"))
    row.operator_combo.setCurrentIndex(row.operator_combo.findData("EQUAL"))
    row.value_edit.setText("Volunteer")
    assert row.field_combo.findData("Deceased") < 0  # the pre-set criteria cannot be undone
    with qtbot.waitSignal(add.searched, timeout=TIMEOUT):
        add.search()
    volunteers = {r.values["Email 1"] for r in add.found.records}
    assert add.count_label.text() == f"{len(volunteers)} accounts match"
    assert "emily.novak@example.org" not in volunteers  # a volunteer, but opted out
    assert "priya.n@example.org" in volunteers

    with qtbot.waitSignal(members.members_changed, timeout=TIMEOUT):
        add.add_all()
    cc = pushed.emulator
    assert cc.contacts_on_list("Volunteers") == volunteers
    assert cc.get_contact("priya.n@example.org")["email_address"]["permission_to_send"] != (
        "unsubscribed"
    )

    # Remove selected accounts.
    qtbot.waitUntil(lambda: members.model.rowCount() == len(volunteers), timeout=TIMEOUT)
    members.view.selectRow(0)
    gone = members.selected()[0].email
    with qtbot.waitSignal(members.members_changed, timeout=TIMEOUT):
        members.remove_selected()
    assert gone not in cc.contacts_on_list("Volunteers")


def test_the_account_view_shows_the_lists_and_pushes_an_account(qtbot, screens, pushed) -> None:
    answers: dict[str, Any] = {"lists": ["Newsletter", "Friends of the kitchen"], "details": False}
    service = screens.service
    service.lists.create(screens.cc_id, "Friends of the kitchen")
    from app.connectors.neoncrm.linked_lists import set_status

    friends = next(
        cl
        for cl in service.lists.contact_lists(screens.cc_id)
        if cl.name == "Friends of the kitchen"
    )
    set_status(service.connections, screens.neon_id, friends.list_id, ListStatus.ACTIVE)
    offered: list[list[str]] = []

    def ask(parent, lists, on, on_ok) -> None:
        offered.append([x.name for x in lists])
        chosen = [x.contact_list for x in lists if x.name in answers["lists"]]
        on_ok(chosen, answers["details"])

    page = AccountsPage(screens, ask=ask)
    qtbot.addWidget(page)
    page.search_edit.setText("Mendez")
    with qtbot.waitSignal(page.shown, timeout=TIMEOUT):
        page.find()
    assert page.title.text().startswith("Carlos Mendez (account ")
    assert page.lists_label.text() == "On: Newsletter. Email permission: Subscribed."
    assert page.push_label.text().startswith("Last push: ")
    assert "by a sync (created)" in page.push_label.text()

    # Push this account: to chosen lists, the subscription only.
    with qtbot.waitSignal(page.shown, timeout=TIMEOUT):
        page.push()
    assert sorted(offered[-1]) == ["Friends of the kitchen", "Newsletter"]
    assert page.lists_label.text() == (
        "On: Friends of the kitchen, Newsletter. Email permission: Subscribed."
    )
    assert "(subscription only)" in page.push_label.text()
    assert page.status.text() == "Pushed to Newsletter, Friends of the kitchen."

    # An opted-out account is never put on a list.
    page.search_edit.setText("petrov")
    with qtbot.waitSignal(page.shown, timeout=TIMEOUT):
        page.find()
    assert "opted out of email in NeonCRM" in page.state_label.text()
    answers["details"] = True
    with qtbot.waitSignal(page.pushed, timeout=TIMEOUT) as done:
        page.push()
    assert done.args[0].startswith("Not pushed.")
    assert pushed.emulator.get_contact("oscar.petrov@example.com") is None


def test_an_unsubscribed_contact_shows_it_and_stays_off_every_list(qtbot, screens, pushed) -> None:
    neon: NeonCrmEmulator = pushed.emulators["neoncrm"]
    pushed.emulator.set_permission("zoe.king@example.com", "unsubscribed")
    page = AccountsPage(
        screens, ask=lambda parent, lists, on, on_ok: on_ok([x.contact_list for x in lists], True)
    )
    qtbot.addWidget(page)
    (zoe,) = neon.find_by_email(ORG_ID, "zoe.king@example.com")
    page.search_edit.setText(zoe)
    with qtbot.waitSignal(page.shown, timeout=TIMEOUT):
        page.find()
    assert page.facts.contact.member.permission is Permission.UNSUBSCRIBED
    assert "Email permission: Unsubscribed" in page.lists_label.text()
    with qtbot.waitSignal(page.pushed, timeout=TIMEOUT) as done:
        page.push()
    assert done.args[0].startswith("Not pushed.")
    contact = pushed.emulator.get_contact("zoe.king@example.com")
    assert contact["email_address"]["permission_to_send"] == "unsubscribed"


def test_the_settings_page_saves_the_profile_and_makes_its_custom_fields(qtbot, screens) -> None:
    from PySide6.QtCore import Qt

    from app.core.profiles import AmbiguousMatch
    from app.ui.services.neoncrm.window import SettingsPage

    page = SettingsPage(screens)
    qtbot.addWidget(page)
    page.load()
    form = page.form
    qtbot.waitUntil(lambda: form.lists_widget.count() > 0, timeout=TIMEOUT)
    assert form.import_check.isChecked()  # the sample has import turned on
    form.rule_combo.setCurrentIndex(form.rule_combo.findData(AmbiguousMatch.LINK.value))
    form.source_check.setChecked(True)
    extras = form.extras_widget
    extras.item(1).setCheckState(Qt.CheckState.Checked)  # Individual Type
    no = next(b for b in form.cc_to_neon.buttons() if b.property("value") is False)
    no.click()
    assert not form.resubscribe_box.isEnabled()  # only asked when opting out in NeonCRM
    with qtbot.waitSignal(page.saved, timeout=TIMEOUT) as done:
        page.save()
    saved = done.args[0]
    assert saved.options.import_ambiguous is AmbiguousMatch.LINK
    assert not saved.options.optout_to_source and not saved.options.clear_optout_on_resubscribe
    assert saved.mapping.as_dict()["Source"] == "cf:Source"
    assert saved.mapping.as_dict()["Individual Type"] == "cf:Individual Type"
    labels = {f.label for f in screens.service.connections.custom_fields(screens.cc_id)}
    assert {"Source", "Individual Type"} <= labels
    # assert screens.service.runs.sync(saved.id).counts.failed == 0


def test_a_push_or_import_ends_with_a_notification_in_neoncrms_words(screens) -> None:
    from app.ui.notifications import INFO, run_notification

    (last,) = screens.service.runs.history(screens.profile_id, 1)
    title, body, level = run_notification(last, "Newsletter")
    assert (title, level) == ("Sync finished", INFO)
    assert body.startswith(f"{PROFILE}: Created in Constant Contact: ")
    # The import's new accounts (Constant Contact's contacts who were not in NeonCRM), and
    # those it could not write, as the run counted them.
    created, skipped = last.extra["to_source.created"], last.extra["to_source.skipped"]
    assert created > 0 and skipped > 0
    assert f"Created in NeonCRM: {created} · Not written to NeonCRM: {skipped}" in body
