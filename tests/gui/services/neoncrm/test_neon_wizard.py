"""The wizard's NeonCRM panel (connection, which accounts, NeonCRM's three settings pages)
and the connections manager's form, in sandbox mode (the real service, store and emulators)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWizard

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.core.profiles import AmbiguousMatch, OptOutHandling
from app.sandbox.neoncrm import API_KEY
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.services.neoncrm.connection import ConnectDialog, account_line

WAIT_MS = 20_000
KIND = "neoncrm"
ACCOUNT = "Maple Street Community Kitchen (maplestreet)"


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Iterator[object]:
    from app.sync.bootstrap import open_service

    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    yield handle
    handle.close()


def press_next(qtbot, wizard: QWizard, expected: Step) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=WAIT_MS)


def open_wizard(qtbot, service):
    wizard = ProfileWizard(service)
    wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    qtbot.addWidget(wizard)
    wizard.show()
    source = wizard.page_for(Step.SOURCE)
    qtbot.mouseClick(source.kind_buttons[KIND], Qt.MouseButton.LeftButton)
    panel = source.panels[KIND]
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    return wizard, source, panel


def column_values(model, name: str) -> list[str]:
    col = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == name
    )
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_the_panel_connects_previews_and_starts_as_neoncrms_integration(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    cc_id = service.connections.default_connection().id
    for name in ("Newsletter", "Volunteers"):
        service.lists.create(cc_id, name)
    wizard, source, panel = open_wizard(qtbot, service)
    qtbot.keyClicks(source.name_edit, "Board to Newsletter")

    assert panel.form.org_edit.text() == "maplestreet"
    assert panel.form.key_edit.echoMode() is QLineEdit.EchoMode.Password
    assert panel.form.key_edit.text() == API_KEY
    assert panel.status_label.text().startswith(f"✔ Connected to NeonCRM: {ACCOUNT}")
    assert "API user Dana Whitfield" in panel.status_label.text()
    assert panel.count_label.text() == "43 accounts match"
    assert "Organization" not in " ".join(column_values(source.preview_model, "Email 1"))
    assert wizard.draft.mapping["home_phone"] == "Phone 1"  # the fixed standard mapping
    assert wizard.draft.mapping["cf:Source"] == "Source"

    options = wizard.draft.options
    assert options.optout_to_source and options.clear_optout_on_resubscribe
    assert options.opt_out_handling is OptOutHandling.UNSUBSCRIBE
    assert options.scheduled_optouts_only and options.poll_minutes == 30
    form = panel.settings_form
    assert [form.tabText(i) for i in range(form.count())] == [
        "Unsubscribe Settings",
        "Import Settings",
        "Push Settings",
    ]
    assert "every 30 minutes" in form.resync_note.text()

    # Which accounts: Neon's own fields and operators.
    row = panel.criteria.add_row()
    row.field_combo.setCurrentIndex(row.field_combo.findData("Individual Type"))
    row.operator_combo.setCurrentIndex(row.operator_combo.findData("EQUAL"))
    row.value_edit.setText("Board Member")
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.count_label.text() == "3 accounts match"
    assert set(column_values(source.preview_model, "Last Name")) == {"Chen", "Park", "Lewis"}

    # Import Settings: on, several matches make a new account, only the Newsletter list.
    form.setCurrentIndex(1)
    form.import_check.setChecked(True)
    form.rule_combo.setCurrentIndex(form.rule_combo.findData(AmbiguousMatch.CREATE.value))
    lists = form.lists_widget
    assert lists.count() > 1
    for i in range(lists.count()):
        item = lists.item(i)
        if item.text() != "Newsletter":
            item.setCheckState(Qt.CheckState.Unchecked)
    # Push Settings: one more Additional Contact Field.
    extras = form.extras_widget
    item = next(
        extras.item(i)
        for i in range(extras.count())
        if extras.item(i).text() == "Volunteer Interests"
    )
    item.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "Volunteer Interests" in wizard.draft.columns
    assert wizard.draft.mapping["cf:Volunteer Interests"] == "Volunteer Interests"
    # Unsubscribe Settings: the NeonCRM → Constant Contact direction off.
    no = next(b for b in form.neon_to_cc.buttons() if b.property("value") is False)
    no.click()
    assert wizard.draft.options.opt_out_handling is OptOutHandling.SKIP

    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    cc.list_edit.setText("Board")
    for step in (Step.OPTIONS, Step.MAPPING, Step.FILTERS, Step.SCHEDULE):
        press_next(qtbot, wizard, step)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )
    stored = service.profiles.get_by_name("Board to Newsletter")
    assert stored.source.settings["connection_id"] == conn.id
    assert stored.source.settings["criteria"] == [
        {"field": "Individual Type", "operator": "EQUAL", "value": "Board Member"}
    ]
    newsletter = next(
        cl.list_id
        for cl in service.lists.contact_lists(stored.connection_id)
        if cl.name == "Newsletter"
    )
    assert stored.options.import_from_cc and stored.options.import_lists == (newsletter,)
    assert stored.options.import_ambiguous is AmbiguousMatch.CREATE
    assert stored.options.opt_out_handling is OptOutHandling.SKIP
    summary = service.runs.sync(stored.id)
    assert summary.counts.failed == 0
    assert sandbox.emulator.get_contact("james.chen@example.net") is not None


def test_a_refused_key_is_said_plainly_and_saves_nothing(qtbot, sandbox):
    service = sandbox.service
    before = service.connections.connections_of(KIND)
    _wizard, source, panel = open_wizard(qtbot, service)
    panel.form.org_edit.setText("someone-else")
    panel.form.key_edit.setText("wrong-key")
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    error = source.findChild(QLabel, "error_source_connection")
    assert "NeonCRM did not accept the org ID and API key" in error.text()
    assert "OrgId is invalid." in error.text()
    assert service.connections.connections_of(KIND) == before


def test_the_connections_manager_form_and_words(qtbot, sandbox):
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    assert account_line(conn) == f"Connected to NeonCRM: {ACCOUNT}. API user Dana Whitfield."
    dialog = ConnectDialog(None, True, conn)
    qtbot.addWidget(dialog)
    assert dialog.form.options() == {
        "environment": "production",
        "org_id": "maplestreet",
        "api_key": API_KEY,
    }
    again = service.connections.connect_source(
        KIND,
        "NeonCRM",
        None,
        conn.id,
        options={
            **dialog.form.options(),
            "api_key": "",  # blank keeps the saved key
        },
    )
    assert again.id == conn.id and service.secrets.load_token(conn.id) == {"api_key": API_KEY}
