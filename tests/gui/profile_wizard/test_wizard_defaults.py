"""A new profile starts from the defaults chosen in Settings."""

from __future__ import annotations

import pytest

from app.core.settings import PUSH_CUSTOM_FIELDS, PUSH_UNKNOWN_NAMES
from app.sync.bootstrap import open_service
from app.ui.profile_wizard.wizard import ProfileWizard


@pytest.fixture
def sandbox(tmp_path):
    handle = open_service(sandbox=True, home=tmp_path)
    yield handle
    handle.close()


def test_new_profile_starts_from_the_settings_defaults(qtbot, sandbox) -> None:
    service = sandbox.service
    before = service.profiles.new_options().unknown_for_blank_names
    prefs = service.profiles.preferences()
    service.profiles.save_preferences(prefs.with_value(PUSH_UNKNOWN_NAMES, not before))
    wizard = ProfileWizard(service)
    qtbot.addWidget(wizard)
    assert wizard.draft.options.unknown_for_blank_names is (not before)
    assert wizard.draft.options == service.profiles.new_options()


def test_push_settings_add_custom_fields_for_unmatched_columns(sandbox) -> None:
    service = sandbox.service
    columns = ["Email Address", "First Name", "Customer Type"]
    assert service.profiles.suggest_mapping(columns).source_for("cf:Customer Type") is None
    prefs = service.profiles.preferences()
    service.profiles.save_preferences(prefs.with_value(PUSH_CUSTOM_FIELDS, True))
    mapping = service.profiles.suggest_mapping(columns)
    assert mapping.source_for("cf:Customer Type") == "Customer Type"
    assert mapping.source_for("email") == "Email Address"
