"""Step 1 with awkward files: a workbook's sheet chooser, headings below title lines, and
the warning for a guessed text encoding, as the user sees them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWizard

from app.core.profiles import SourceSpec, SyncProfile
from app.ui.profile_wizard.flow import Step
from tests.connectors.hostile.workbooks import workbook_bytes
from tests.gui.profile_wizard.test_wizard import WAIT_MS, click, error_text, fill_source_page

BOOK = {
    "Notes": [["Read me first"], ["Exported on Monday"]],
    "Contacts": [
        ["Email", "First name", "Last name"],
        ["ann@example.com", "Ann", "Lee"],
        ["bo@example.com", "Bo", "Chan"],
    ],
}


def book(tmp_path: Path, sheets: dict = BOOK, name: str = "customers.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(workbook_bytes(sheets))
    return path


def headers(page) -> list[str]:  # type: ignore[no-untyped-def]
    model = page.preview_model
    return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]


def choose(qtbot, combo, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``text`` with the keyboard, as a user does (Up/Down on the focused combo)."""
    combo.setFocus()
    key = Qt.Key.Key_Up if combo.findText(text) < combo.currentIndex() else Qt.Key.Key_Down
    while combo.currentText() != text:
        qtbot.keyClick(combo, key)


def test_a_workbook_with_several_sheets_offers_them_with_the_pick_explained(
    qtbot, make_wizard, tmp_path
):
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, book(tmp_path))
    page = wizard.page_for(Step.SOURCE)
    chooser = page.sheet_chooser
    assert chooser.isVisible()
    assert [chooser.combo.itemText(i) for i in range(chooser.combo.count())] == list(BOOK)
    assert chooser.combo.currentText() == "Contacts"
    assert chooser.hint.text() == (
        'ContactBridge picked "Contacts" because it has an email column.'
    )
    assert headers(page) == ["Email", "First name", "Last name"]


def test_choosing_another_sheet_reloads_and_survives_back_and_next(
    qtbot, make_wizard, service, tmp_path
):
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, book(tmp_path))
    page = wizard.page_for(Step.SOURCE)
    choose(qtbot, page.sheet_chooser.combo, "Notes")
    assert headers(page) == ["Read me first"]
    assert page.sheet_chooser.warning.text() == (
        'The sheet "Notes" has no email column. Choose the sheet that holds your contacts.'
    )
    choose(qtbot, page.sheet_chooser.combo, "Contacts")
    assert headers(page)[0] == "Email" and page.sheet_chooser.warning.isHidden()

    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: wizard.currentId() == Step.CONSTANT_CONTACT, timeout=WAIT_MS)
    wizard.back()
    assert page.sheet_chooser.combo.currentText() == "Contacts"
    assert headers(page)[0] == "Email"
    assert wizard.draft.to_profile().source.settings["sheet"] == "Contacts"


def test_a_file_with_one_sheet_or_none_shows_no_chooser(qtbot, make_wizard, tmp_path):
    wizard = make_wizard()
    page = wizard.page_for(Step.SOURCE)
    fill_source_page(qtbot, wizard, book(tmp_path, {"Contacts": BOOK["Contacts"]}))
    assert page.sheet_chooser.isHidden() and headers(page)[0] == "Email"
    page.set_file(str(_write(tmp_path / "list.csv", "Email,Name\na@x.com,Ann\n")))
    assert page.sheet_chooser.isHidden()
    assert "sheet" not in wizard.draft.to_profile().source.settings


def test_a_new_file_gets_its_sheet_picked_again(qtbot, make_wizard, tmp_path):
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, book(tmp_path))
    page = wizard.page_for(Step.SOURCE)
    choose(qtbot, page.sheet_chooser.combo, "Notes")
    other = {"Archive": [["Old"]], "People": [["E-mail"], ["cy@example.com"]]}
    page.set_file(str(book(tmp_path, other, "other.xlsx")))
    assert page.sheet_chooser.combo.currentText() == "People"
    assert wizard.draft.file_sheet == ""  # picked, not chosen: a changed workbook is re-picked


def test_a_saved_sheet_that_is_gone_can_be_chosen_again(qtbot, make_wizard, service, tmp_path):
    path = book(tmp_path)
    profile = SyncProfile(
        name="Shop",
        source=SourceSpec("file", {"path": str(path), "sheet": "Customers"}),
        main_list="Newsletter",
        connection_id=1,
        mapping=service.profiles.suggest_mapping(["Email"]),
        id=3,
    )
    service.profiles.add(profile)
    wizard = make_wizard(profile)
    page = wizard.page_for(Step.SOURCE)
    wizard.next()  # shows the problem next to its field
    assert 'no sheet called "Customers"' in error_text(page, "file_path")
    assert page.sheet_chooser.isVisible() and page.sheet_chooser.combo.currentIndex() == -1
    choose(qtbot, page.sheet_chooser.combo, "Contacts")
    assert error_text(page, "file_path") == "" and headers(page)[0] == "Email"
    assert wizard.draft.to_profile().source.settings["sheet"] == "Contacts"


def test_the_mouse_wheel_does_not_change_the_sheet_unless_chosen(
    qtbot, make_wizard, service, tmp_path
):
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, book(tmp_path))
    combo = wizard.page_for(Step.SOURCE).sheet_chooser.combo
    wizard.page_for(Step.SOURCE).name_edit.setFocus()
    reads = service.profiles.preview_calls
    for _ in range(3):
        QApplication.sendEvent(combo, _wheel(combo, up=True))
    assert combo.currentText() == "Contacts" and service.profiles.preview_calls == reads


def test_the_preview_says_title_lines_were_not_read(qtbot, make_wizard, tmp_path):
    path = _write(
        tmp_path / "till.csv",
        "Customer export\nPrinted 3/4/2025\n\nEmail,Name\nann@example.com,Ann\n",
    )
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, path)
    page = wizard.page_for(Step.SOURCE)
    assert headers(page) == ["Email", "Name"]
    assert page.preview_model.headerData(0, Qt.Orientation.Vertical) == "5"
    assert page.preview_caption.text() == (
        "The first 1 rows of the file, with 2 columns. The column headings are on row 4; "
        "the first 3 lines were titles and are not read."
    )


def test_a_guessed_encoding_is_a_visible_warning_above_the_preview(qtbot, make_wizard, tmp_path):
    path = tmp_path / "till.csv"
    path.write_bytes("Email,Name\nzoe@example.com,Zoë\nbob@example.com,Bob\n".encode("cp1252"))
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, path)
    warning = wizard.page_for(Step.SOURCE).preview_warning
    assert warning.isVisible()
    assert warning.text().startswith(
        "ContactBridge is not sure which text encoding this file uses. It read it as "
        "Windows-1252 (Western European). Check the names on row 2: if they look wrong, "
        "save the file as CSV UTF-8"
    )
    path.write_bytes("Email,Name\nzoe@example.com,Zoë\n".encode())
    wizard.page_for(Step.SOURCE).set_file(str(_write(tmp_path / "utf8.csv", path.read_text())))
    assert warning.isHidden()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _wheel(widget, *, up: bool) -> QWheelEvent:  # type: ignore[no-untyped-def]
    centre = QPointF(widget.rect().center())
    return QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(),
        QPoint(0, 120 if up else -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )


def test_rows_that_cannot_be_read_are_named_above_the_preview(qtbot, make_wizard, tmp_path):
    from app.sandbox.till_export import write_till_export

    wizard = make_wizard()
    fill_source_page(qtbot, wizard, write_till_export(tmp_path))
    page = wizard.page_for(Step.SOURCE)
    assert page.preview_warning.isVisible()
    assert page.preview_warning.text() == (
        "Rows 8, 10 and 12 cannot be read: a sync leaves them out and says why for each."
    )
    assert "the first 3 lines were titles and are not read" in page.preview_caption.text()
