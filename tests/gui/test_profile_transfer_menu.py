"""Profiles › Duplicate, Export… and Import… in the window, with the command line's checks."""

from __future__ import annotations

import json

import pytest

from PySide6.QtWidgets import QMessageBox

from app.ui.main_window import MainWindow
from app.ui.profile_transfer_actions import Taken

BAKERY = "Bakery customers → Newsletter"


@pytest.fixture
def window(qtbot, sandbox):
    window = MainWindow(sandbox.service)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown()


def profiles_menu_action(window: MainWindow, text: str):
    menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Profiles"
    )
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def settings_of(profile) -> tuple:
    return (
        profile.source,
        profile.main_list,
        profile.connection_id,
        profile.options,
        profile.mapping,
        profile.filters,
        profile.schedule,
    )


def test_duplicate_export_and_import_round_trip(qtbot, window, sandbox, tmp_path, monkeypatch):
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr("app.ui.export_path.user_documents_dir", lambda: str(documents))
    service = sandbox.service
    bakery = service.profiles.get_by_name(BAKERY)
    service.runs.sync(bakery.id)  # the original has history; a copy must not
    window.reload_profiles()
    window.select_profile(bakery.id)

    # Duplicate: "Name (copy)", the same settings, no history.
    profiles_menu_action(window, "Duplicate").trigger()
    copy = service.profiles.get_by_name(f"{BAKERY} (copy)")
    assert copy is not None and copy.id != bakery.id
    assert settings_of(copy) == settings_of(bakery)
    assert service.runs.history(copy.id) == []
    assert window.selected_profile_id() == copy.id

    # Export…: offered in the documents folder under the profile's name and the date.
    window.select_profile(bakery.id)
    file = tmp_path / "bakery.json"
    offered: list[str] = []

    def ask_export(parent, suggested):
        offered.append(suggested)
        return str(file)

    window.transfer.ask_export_file = ask_export
    profiles_menu_action(window, "Export…").trigger()
    assert offered and offered[0].startswith(str(documents / f"{BAKERY} – "))
    assert json.loads(file.read_text(encoding="utf-8"))["name"] == BAKERY

    # Import… of a name that exists: asked; "Import as a copy" takes the next free name.
    window.transfer.ask_import_file = lambda parent: str(file)
    questions: list[tuple[str, str]] = []

    def answer(choice):
        def ask(parent, name, copy_name):
            questions.append((name, copy_name))
            return choice

        return ask

    window.transfer.ask_name_taken = answer(Taken.COPY)
    profiles_menu_action(window, "Import…").trigger()
    assert questions == [(BAKERY, f"{BAKERY} (copy 2)")]
    imported = service.profiles.get_by_name(f"{BAKERY} (copy 2)")
    assert imported is not None and settings_of(imported)[:2] == settings_of(bakery)[:2]
    assert window.selected_profile_id() == imported.id

    # "Replace" keeps the profile (its id, so its history and links).
    count = len(service.profiles.list())
    window.transfer.ask_name_taken = answer(Taken.REPLACE)
    profiles_menu_action(window, "Import…").trigger()
    assert len(service.profiles.list()) == count
    replaced = service.profiles.get_by_name(BAKERY)
    assert replaced.id == bakery.id and service.runs.history(bakery.id)
    # Cancel changes nothing.
    window.transfer.ask_name_taken = answer(Taken.CANCEL)
    profiles_menu_action(window, "Import…").trigger()
    assert len(service.profiles.list()) == count


def test_import_refuses_what_the_command_line_refuses(qtbot, window, sandbox, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}', encoding="utf-8")
    count = len(sandbox.service.profiles.list())
    window.transfer.ask_import_file = lambda parent: str(bad)
    profiles_menu_action(window, "Import…").trigger()
    box = window.findChild(QMessageBox, "errorDialog")
    assert box is not None
    assert '"notes.json" is not a ContactBridge profile export' in box.informativeText()
    assert "Profiles › Export…" in box.informativeText()
    assert len(sandbox.service.profiles.list()) == count
