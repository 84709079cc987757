"""The mapping page with a single Name column and a date of birth: suggested, previewed as
they will be sent, and warnings that say what a missing name or consent column means."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from app.ui.profile_wizard.flow import Step
from tests.gui.profile_wizard.test_wizard import WAIT_MS, click, next_button, press_next


def _file(tmp_path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _to_mapping(qtbot, wizard, path: Path, attest: bool = True) -> object:
    source = wizard.page_for(Step.SOURCE)
    qtbot.keyClicks(source.name_edit, "People")
    source.set_file(str(path))
    qtbot.waitUntil(source.isComplete, timeout=WAIT_MS)
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    wizard.page_for(Step.CONSTANT_CONTACT).list_edit.setText("Newsletter")
    press_next(qtbot, wizard, Step.OPTIONS)
    options = wizard.page_for(Step.OPTIONS)
    if attest and options.problems().get("consent"):
        qtbot.mouseClick(options.attest_check, Qt.MouseButton.LeftButton)
    click(qtbot, next_button(wizard))
    qtbot.waitUntil(lambda: wizard.currentId() == Step.MAPPING, timeout=WAIT_MS)
    return wizard.page_for(Step.MAPPING)


def test_a_name_column_is_split_and_a_birthday_previewed(qtbot, make_wizard, tmp_path):
    path = _file(
        tmp_path,
        ["Name", "Email", "Birthday"],
        [
            ["Dr. Ada King-Lovelace", "ada@example.com", "1815-12-10"],
            ["Hopper, Grace", "grace@example.com", "12/9/1906"],
        ],
    )
    wizard = make_wizard()
    page = _to_mapping(qtbot, wizard, path)
    assert page.combos["full_name"].currentData() == "Name"  # suggested: no first/last
    assert page.combos["first_name"].currentData() == ""
    assert page.combos["birthday"].currentData() == "Birthday"
    preview = page._samples["full_name"].text()
    assert "Dr. Ada King-Lovelace → Ada / King-Lovelace" in preview
    assert "Hopper, Grace → Grace / Hopper" in preview
    assert "1815-12-10 → 12/10" in page._samples["birthday"].text()
    # A name is mapped, and the user confirmed consent: the no-names line is not shown.
    assert "No names will be sent" not in page.meaning_note.text()
    assert "No consent column" in page.meaning_note.text()
    page.set_column("full_name", "")
    assert "No names will be sent" in page.meaning_note.text()
    assert page.meaning_note.isVisible()
    assert wizard.draft.to_profile().mapping.source_for("birthday") == "Birthday"


def test_a_consent_column_takes_the_consent_warning_away(qtbot, make_wizard, tmp_path):
    path = _file(
        tmp_path,
        ["First Name", "Last Name", "Email", "Email consent"],
        [["Ada", "Lovelace", "ada@example.com", "yes"]],
    )
    wizard = make_wizard()
    page = _to_mapping(qtbot, wizard, path)
    assert wizard.draft.consent_column == "Email consent"  # suggested on the Source page
    assert wizard.draft.options.consent_attested_at == ""  # the column answered the question
    assert page.combos["full_name"].currentData() == ""  # first and last have their own
    assert page.meaning_note.text() == ""
