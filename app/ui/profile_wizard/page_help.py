"""What each wizard step is for, in plain words: the text of its "?" button."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.ui.profile_wizard.flow import Step
from app.ui.service_views import services_in_words


def _tr(text: str) -> str:
    return QCoreApplication.translate("PageHelp", text)


_HELP: dict[Step, str] = {
    Step.SOURCE: (
        "<b>Source</b>: where your contacts are kept now. Choose a CSV or Excel file "
        "(<i>Browse…</i>) or a service such as %SERVICES%, and name the profile. "
        "The preview shows the first rows as ContactBridge reads them, numbered as your "
        "spreadsheet numbers them. ContactBridge only reads your file; it never changes it."
    ),
    Step.CONSTANT_CONTACT: (
        "<b>Constant Contact</b>: the account and the <b>main list</b> your contacts go to. "
        "Connect the account once (you sign in in your browser; ContactBridge keeps the "
        "sign-in in your system keyring). Pick an existing list, or type a new name and "
        "ContactBridge creates it on the first sync."
    ),
    Step.OPTIONS: (
        "<b>Options</b>: how addresses and phone numbers are tidied, and what happens to people "
        "who opted out. If your file has a column saying who opted out (or who agreed to "
        "receive email), choose it here. ContactBridge never re-subscribes anyone who "
        "unsubscribed: they are skipped, and the results say so."
    ),
    Step.MAPPING: (
        "<b>Field mapping</b>: which column of your file fills which Constant Contact field. "
        "ContactBridge suggests a match from the column names; change any that are wrong. The "
        "email column is required. A column can fill one field; leave a column as "
        "“Don't sync” to keep it out of Constant Contact."
    ),
    Step.FILTERS: (
        "<b>Filtering</b>: sync only some records, e.g. only customers of one shop. With no "
        "rules every record is synced. The count under the rules shows how many records of "
        "your source match."
    ),
    Step.SCHEDULE: (
        "<b>Scheduling</b>: whether this profile also syncs by itself (every hour, every "
        "day...). You can always press Sync Now. Scheduled syncs start after your first sync. "
        "<b>Preview first</b> saves the profile and shows what a sync would change, without "
        "changing anything; <b>Sync now</b> saves it and syncs."
    ),
}

_GENERAL = (
    "Fill in this step, then press Next. A greyed-out Next says beside it what is still "
    "missing. Help › Getting started explains profiles and syncing."
)


def page_help(step: int) -> str:
    """The help of the wizard step ``step`` (a ``Step`` value), as rich text."""
    try:
        return _tr(_HELP[Step(step)]).replace("%SERVICES%", services_in_words())
    except (ValueError, KeyError):
        return _tr(_GENERAL)
