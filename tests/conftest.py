"""Test-wide setup: headless Qt, an in-memory keyring, and the automatic ``gui`` marker."""

from __future__ import annotations

import os

# Both must be set before Qt or the secret store load: pytest-qt creates the QApplication
# lazily, and the secret store reads the variable when it opens.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CONTACTBRIDGE_KEYRING", "memory")

import pytest

GUI_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a QApplication as ``gui`` (as qutebrowser does)."""
    for item in items:
        if GUI_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
