"""The mapping page's custom fields against the sandbox: offer the account's, create new ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt

from app.ui.profile_wizard.flow import ProfileDraft, Step
from app.ui.profile_wizard.wizard import ProfileWizard

WAIT_MS = 15_000


@pytest.fixture
def sandbox(tmp_path) -> Iterator[object]:
    from app.sync.bootstrap import open_service

    handle = open_service(sandbox=True, home=tmp_path / "home")
    yield handle
    handle.close()


@pytest.fixture
def mapping_page(qtbot, sandbox):
    """The wizard over the sandbox's sample file, shown on its mapping page."""
    service = sandbox.service
    sandbox.emulator.create_custom_field("Loyalty tier")
    conn = service.connections.default_connection()
    columns, _ = service.profiles.preview_source(_spec(sandbox), 1)
    draft = ProfileDraft(
        name="Cakes",
        file_path=str(sandbox.sample_csv),
        columns=columns,
        connection_id=conn.id,
        main_list="Newsletter",
        mapping={t: s for s, t in service.profiles.suggest_mapping(columns).as_dict().items()},
    )
    wizard = ProfileWizard(service)
    wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    wizard.draft.__dict__.update(draft.__dict__)
    wizard.setStartId(Step.MAPPING)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.page_for(Step.MAPPING)
    qtbot.waitUntil(page.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.remote_fields is not None, timeout=WAIT_MS)
    page.wizard_ref = wizard  # the page lives as long as its wizard: keep the wizard alive
    return page


def _spec(sandbox):
    from app.core.profiles import SourceSpec

    return SourceSpec("file", {"path": str(sandbox.sample_csv)})


def test_the_accounts_custom_fields_are_offered(qtbot, mapping_page):
    page = mapping_page
    labels = [page.existing_combo.itemText(i) for i in range(1, page.existing_combo.count())]
    assert labels == ["Loyalty tier"]
    page.existing_combo.activated.emit(1)
    assert "cf:Loyalty tier" in page.combos
    page.set_column("cf:Loyalty tier", "Customer Type")
    assert page.draft.mapping["cf:Loyalty tier"] == "Customer Type"
    # Typing the name of a field the account has adds it, and offers no "create".
    page.custom_edit.setText("loyalty TIER")
    assert not page.create_custom_button.isEnabled()


def test_a_custom_field_is_created_from_the_mapping_page(qtbot, mapping_page, sandbox):
    page = mapping_page
    qtbot.keyClicks(page.custom_edit, "Favourite cake")
    assert page.create_custom_button.isEnabled()
    qtbot.mouseClick(page.create_custom_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cf:Favourite cake" in page.combos, timeout=WAIT_MS)
    assert page.custom_edit.text() == ""
    assert "Created “Favourite cake”" in page.custom_status.text()
    assert "Favourite cake" in [
        page.existing_combo.itemText(i) for i in range(page.existing_combo.count())
    ]
    fields = sandbox.service.connections.custom_fields(page.draft.connection_id)
    assert {(f.label, f.name, f.type) for f in fields} >= {
        ("Favourite cake", "favourite_cake", "string")
    }


def test_a_failed_creation_is_shown_inline(qtbot, mapping_page, sandbox):
    page = mapping_page
    present = len(sandbox.service.connections.custom_fields(page.draft.connection_id))
    for n in range(100 - present):  # fill the account up to Constant Contact's 100 fields
        sandbox.emulator.create_custom_field(f"Field {n}")
    page.custom_edit.setText("One too many")
    qtbot.mouseClick(page.create_custom_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.custom_error.text()), timeout=WAIT_MS)
    assert page.custom_error.text().startswith("Could not create the custom field: ")
    assert "100" in page.custom_error.text()
    assert "cf:One too many" not in page.combos
    assert page.create_custom_button.isEnabled()  # the user may try again
