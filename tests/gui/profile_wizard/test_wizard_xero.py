"""The profile wizard with Xero as the source, in sandbox mode (real service and emulators)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.connectors.http import RateLimiter
from app.connectors.oauth import normalize_token
from app.core.outcomes import Outcome
from app.sandbox.xero import DEMO_SHORT_CODE, DEMO_TENANT_ID
from app.sync.bootstrap import SANDBOX_CLIENT_ID
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard

WAIT_MS = 15_000


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Iterator[object]:
    """The sandbox with no rate limits: the process-wide 60-a-minute throttle per Xero
    organisation would otherwise carry over from test to test (they share the demo one)."""
    from app.connectors.xero import client as xero_client
    from app.sync.bootstrap import open_service

    monkeypatch.setattr(xero_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    yield handle
    handle.close()


def press_next(qtbot, wizard: QWizard, expected: Step) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=WAIT_MS)


def make(qtbot, service) -> ProfileWizard:
    wizard = ProfileWizard(service)
    wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def choose_xero(qtbot, wizard: ProfileWizard) -> object:
    source = wizard.page_for(Step.SOURCE)
    qtbot.mouseClick(source.kind_buttons["xero"], Qt.MouseButton.LeftButton)
    assert source.panels["xero"].isVisible() and not source.file_box.isVisible()
    qtbot.waitUntil(lambda: not source.panels["xero"].busy, timeout=WAIT_MS)
    return source


def preview_column(model, name: str) -> int:
    return next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == name
    )


def test_create_and_run_a_xero_profile_in_the_sandbox(qtbot, sandbox):
    service = sandbox.service
    wizard = make(qtbot, service)
    source = choose_xero(qtbot, wizard)
    qtbot.keyClicks(source.name_edit, "Xero wholesale")
    xero_conn = service.connections.connections_of("xero")[0]
    assert source.panels["xero"].status_label.text() == "✔ Connected to Xero: Demo Bakery Ltd (NZ)"

    # Sign in again (in a worker), then narrow to one contact group.
    qtbot.mouseClick(source.panels["xero"].connect_button, Qt.MouseButton.LeftButton)
    assert source.panels["xero"].cancel_button.isVisible()
    assert not source.isComplete()
    qtbot.waitUntil(lambda: not source.panels["xero"].busy, timeout=WAIT_MS)
    assert [c.id for c in service.connections.connections_of("xero")] == [
        xero_conn.id
    ]  # no duplicate
    all_rows = source.preview_model.rowCount()
    assert all_rows > 0 and "contacts from Xero" in source.preview_caption.text()
    combo = source.panels["xero"].group_combo
    index = combo.findText("Wholesale")
    assert index > 0 and combo.findText("Email opt-out") < 0
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: not source.panels["xero"].busy, timeout=WAIT_MS)
    assert 0 < source.preview_model.rowCount() <= all_rows
    assert wizard.draft.source_settings["group_ids"] == [combo.itemData(index)]
    preview = source.preview_model
    email_col = preview_column(preview, "EmailAddress")
    shown = {
        preview.index(i, email_col).data().lower(): int(
            preview.headerData(i, Qt.Orientation.Vertical)
        )
        for i in range(preview.rowCount())
    }
    assert sorted(shown.values()) == list(range(1, preview.rowCount() + 1))
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)

    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    cc.list_edit.setText("Xero wholesale")
    press_next(qtbot, wizard, Step.OPTIONS)

    options = wizard.page_for(Step.OPTIONS)
    assert options.two_way_box.isVisible() and not options.read_only_note.isVisible()
    assert not options.opt_out_combo.isVisible() and options.service_optout_hint.isVisible()
    options.checkboxes["import_from_cc"].click()
    assert options.choice_combos["import_scope"].isEnabled()
    assert wizard.draft.options.import_from_cc
    press_next(qtbot, wizard, Step.MAPPING)

    mapping = wizard.page_for(Step.MAPPING)
    assert mapping.combos["email"].currentData() == "EmailAddress"
    press_next(qtbot, wizard, Step.FILTERS)
    press_next(qtbot, wizard, Step.SCHEDULE)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )

    stored = service.profiles.get_by_name("Xero wholesale")
    assert stored is not None and stored == wizard.saved_profile
    assert stored.source.kind == "xero"
    assert dict(stored.source.settings) == {
        "connection_id": xero_conn.id,
        "customers_only": True,
        "group_ids": wizard.draft.source_settings["group_ids"],
    }
    summary = service.runs.sync(stored.id)
    results = service.runs.results(summary.run_id)
    counts = summary.counts
    assert counts.failed == 0
    assert counts.total == len(results)
    assert counts.total == sum(1 for r in results for o in Outcome if r.outcome is o)
    assert any(r.direction == "push" and r.outcome is Outcome.CREATED for r in results)
    # The row of each contact in the results is the row the wizard's preview showed it on,
    # and its ContactID and name are there too.
    pushed = {r.email: r for r in results if r.direction == "push" and r.email}
    assert {email: pushed[email].row for email in shown} == shown
    assert all(len(pushed[email].source_id) == 36 for email in shown)  # a Xero ContactID
    assert any(r.name for r in pushed.values())


def test_two_way_section_is_hidden_for_a_file(qtbot, sandbox):
    wizard = make(qtbot, sandbox.service)
    source = wizard.page_for(Step.SOURCE)
    source.name_edit.setText("File profile")
    source.set_file(str(sandbox.sample_csv))
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    cc.list_edit.setText("File list")
    press_next(qtbot, wizard, Step.OPTIONS)
    options = wizard.page_for(Step.OPTIONS)
    assert not options.two_way_box.isVisible()
    assert options.read_only_note.isVisible()
    assert options.read_only_note.text() == (
        "A file source is read only: contacts go one way, to Constant Contact."
    )
    assert options.checkboxes["remove_deleted"].isVisible()  # for every source
    assert options.guard_share_spin.value() == 10 and options.guard_count_spin.value() == 50
    options.guard_count_spin.setValue(20)
    assert wizard.draft.options.guard_count == 20
    for name in ("remove_deleted", "import_from_cc", "optout_to_source"):
        assert options.checkboxes[name].toolTip()


def test_switching_back_to_a_file_reads_the_file_again(qtbot, sandbox):
    wizard = make(qtbot, sandbox.service)
    source = wizard.page_for(Step.SOURCE)
    source.set_file(str(sandbox.sample_csv))
    file_columns = list(wizard.draft.columns)
    choose_xero(qtbot, wizard)
    assert wizard.draft.columns != file_columns
    qtbot.mouseClick(source.kind_buttons["file"], Qt.MouseButton.LeftButton)
    assert wizard.draft.columns == file_columns
    assert source.file_box.isVisible() and not source.panels["xero"].isVisible()


def test_the_page_names_the_organisation_and_follows_a_switch(qtbot, sandbox):
    wizard = make(qtbot, sandbox.service)
    source = choose_xero(qtbot, wizard)
    panel = source.panels["xero"]
    assert panel.status_label.text() == "✔ Connected to Xero: Demo Bakery Ltd (NZ)"
    assert panel.status_label.toolTip() == (
        f"Demo Bakery Ltd, New Zealand, short code {DEMO_SHORT_CODE}"
    )
    combo = panel.tenant_combo
    assert combo.isVisible() and combo.currentText() == "Demo Bakery Ltd"
    index = combo.findText("Harbour Café Ltd")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.status_label.text() == "✔ Connected to Xero: Harbour Café Ltd (AU)"
    assert "Australia" in panel.status_label.toolTip()


def test_an_older_connection_asks_to_reconnect_to_show_the_name(qtbot, sandbox):
    """A token from before ContactBridge asked for accounting.settings.read: the page works,
    says how to see the name, and signing in again shows it."""
    service, xero = sandbox.service, sandbox.emulators["xero"]
    (conn,) = service.connections.connections_of("xero")
    old = xero.issue_token(SANDBOX_CLIENT_ID, scope="offline_access accounting.contacts")
    service.secrets.save_token(conn.id, normalize_token(old, time.time()))
    service.connections.select_source_account(
        conn.id, DEMO_TENANT_ID
    )  # re-reads: no organisation now
    assert "organisation" not in service.connections.connections_of("xero")[0].settings

    wizard = make(qtbot, service)
    source = choose_xero(qtbot, wizard)
    panel = source.panels["xero"]
    assert panel.status_label.text() == (
        "✔ Connected to Xero. Reconnect Xero to show the organisation name."
    )
    assert source.preview_model.rowCount() > 0  # contacts still read: nothing failed
    assert panel.connect_button.text() == "Sign in to &Xero again"

    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.status_label.text() == "✔ Connected to Xero: Demo Bakery Ltd (NZ)"
    assert [c.id for c in service.connections.connections_of("xero")] == [conn.id]
