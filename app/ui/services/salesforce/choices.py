"""SyncApps' Salesforce options, each with its explanation, on the Salesforce panel.

Each box writes the draft: the profile's options (``SyncOptions``: the engine's) or the
Salesforce source settings (``SalesforceSourceSettings``). The Options step shows the
engine's options again, with the same values.

The two directions exclude each other: "don't send Salesforce records to Constant Contact"
(one way from Constant Contact: its new contacts and unsubscribes only) turns the import
from Constant Contact on, and "don't add new Constant Contact contacts to Salesforce" off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from app.connectors.salesforce import ConvertedLeads, ObjectType
from app.core.profiles import ImportScope, OptOutHandling
from app.core.transforms import StateFormat
from app.ui.profile_wizard.widgets import hint_label

if TYPE_CHECKING:
    from app.ui.profile_wizard.flow import ProfileDraft

CONTEXT = "SalesforceChoices"  # the class below: its self.tr() translates in this context


@dataclass(frozen=True)
class Choice:
    """One box: its words, its explanation, and how it reads and writes the draft."""

    key: str
    text: str
    why: str
    read: Callable[[ProfileDraft], bool]
    write: Callable[[ProfileDraft, bool], None]
    leads_only: bool = False


def _options(draft: ProfileDraft, **changes: object) -> None:
    draft.options = replace(draft.options, **changes)  # type: ignore[arg-type]


def _set(draft: ProfileDraft, key: str, value: object) -> None:
    draft.source_settings[key] = value


def _no_push(draft: ProfileDraft, checked: bool) -> None:
    # One way from Constant Contact is only for bringing its contacts in.
    _options(draft, push_to_cc=not checked, **({"import_from_cc": True} if checked else {}))


def _converted(draft: ProfileDraft, checked: bool) -> None:
    choice = ConvertedLeads.REMOVE if checked else ConvertedLeads.FOLLOW
    draft.source_settings["converted_leads"] = choice.value
    if checked:  # they come off the list as records that left the source do
        _options(draft, remove_deleted=True)


CHOICES: tuple[Choice, ...] = (
    Choice(
        "no_push",
        QT_TRANSLATE_NOOP(CONTEXT, "Don't send Salesforce records to Constant Contact"),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "One way, from Constant Contact: only its new contacts become Salesforce "
            "records, and its unsubscribes tick Email Opt Out. Nothing in Salesforce is "
            "sent to Constant Contact.",
        ),
        lambda d: not d.options.push_to_cc,
        _no_push,
    ),
    Choice(
        "one_way",
        QT_TRANSLATE_NOOP(CONTEXT, "Don't add new Constant Contact contacts to Salesforce"),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "One way, from Salesforce. Untick it to add people who are on your Constant "
            "Contact main list but not in Salesforce as new records there (people who "
            "unsubscribed never are).",
        ),
        lambda d: not d.options.import_from_cc,
        lambda d, on: _options(d, import_from_cc=not on),
    ),
    Choice(
        "all_active",
        QT_TRANSLATE_NOOP(
            CONTEXT, "Add new contacts from all of Constant Contact, not just the main list"
        ),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "Every active contact Salesforce lacks becomes a new record; one already in "
            "Salesforce with the same email is linked to it, not added again.",
        ),
        lambda d: d.options.import_scope is ImportScope.ALL_ACTIVE,
        lambda d, on: _options(
            d, import_scope=ImportScope.ALL_ACTIVE if on else ImportScope.MAIN_LIST
        ),
    ),
    Choice(
        "unsubscribe",
        QT_TRANSLATE_NOOP(CONTEXT, "Unsubscribe people whose “Email Opt Out” is ticked"),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "Ticked: they are unsubscribed in Constant Contact too. Unticked: they are left "
            "out of the sync, and stay as they are in Constant Contact.",
        ),
        lambda d: d.options.opt_out_handling is OptOutHandling.UNSUBSCRIBE,
        lambda d, on: _options(
            d, opt_out_handling=OptOutHandling.UNSUBSCRIBE if on else OptOutHandling.SKIP
        ),
    ),
    Choice(
        "keep_opt_out",
        QT_TRANSLATE_NOOP(
            CONTEXT, "Don't tick “Email Opt Out” when someone unsubscribes in Constant Contact"
        ),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "By default an unsubscribe in Constant Contact ticks Email Opt Out on the "
            "Salesforce record, so everyone using Salesforce sees it.",
        ),
        lambda d: not d.options.optout_to_source,
        lambda d, on: _options(d, optout_to_source=not on),
    ),
    Choice(
        "deleted",
        QT_TRANSLATE_NOOP(CONTEXT, "Take records deleted in Salesforce off the main list"),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "Also people who leave the ticked campaigns. Nobody is deleted from Constant "
            "Contact: they are only taken off the list.",
        ),
        lambda d: d.options.remove_deleted,
        lambda d, on: _options(d, remove_deleted=on),
    ),
    Choice(
        "converted",
        QT_TRANSLATE_NOOP(CONTEXT, "Take converted leads off the main list"),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "Unticked: a converted lead stays on the list as the contact it became, kept up "
            "to date from that contact (one person, one Constant Contact contact). Ticked: "
            "it comes off the list at the next sync, as deleted leads do.",
        ),
        lambda d: d.source_settings.get("converted_leads") == ConvertedLeads.REMOVE.value,
        _converted,
        leads_only=True,
    ),
    Choice(
        "unknown_last",
        QT_TRANSLATE_NOOP(
            CONTEXT, "Use “Unknown” for a blank last name (and a lead's blank company)"
        ),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "For records added to Salesforce: it requires a last name, and a company on a "
            "lead. Unticked, a contact without one is not added, and the results say why.",
        ),
        lambda d: bool(d.source_settings.get("unknown_last_name", True)),
        lambda d, on: _set(d, "unknown_last_name", on),
    ),
    Choice(
        "unknown_first",
        QT_TRANSLATE_NOOP(CONTEXT, "Use “Unknown” for a blank first name"),
        QT_TRANSLATE_NOOP(CONTEXT, "For records added to Salesforce."),
        lambda d: bool(d.source_settings.get("unknown_first_name", False)),
        lambda d, on: _set(d, "unknown_first_name", on),
    ),
    Choice(
        "new_on_email_change",
        QT_TRANSLATE_NOOP(
            CONTEXT, "Add a new Constant Contact contact when an email changes in Salesforce"
        ),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "Unticked (best for most): the same Constant Contact contact takes the new "
            "address, keeping its lists, history and consent. Ticked: the new address "
            "becomes a contact of its own, with no history; the old one stays on your lists "
            "and keeps getting your emails until you remove it. Someone who unsubscribed is "
            "never added under a new address.",
        ),
        lambda d: d.options.new_contact_on_email_change,
        lambda d, on: _options(d, new_contact_on_email_change=on),
    ),
    Choice(
        "no_address",
        QT_TRANSLATE_NOOP(CONTEXT, "Don't send addresses to Constant Contact"),
        QT_TRANSLATE_NOOP(
            CONTEXT, "Street, city, state, postal code and country stay in Salesforce only."
        ),
        lambda d: not d.options.sync_addresses,
        lambda d, on: _options(d, sync_addresses=not on),
    ),
    Choice(
        "state_name",
        QT_TRANSLATE_NOOP(CONTEXT, "Send state names instead of codes (Oregon, not OR)"),
        QT_TRANSLATE_NOOP(
            CONTEXT,
            "With State and Country picklists on, Salesforce holds codes, and ContactBridge "
            "sends them as they are unless this is ticked.",
        ),
        lambda d: d.options.state_format is StateFormat.NAME,
        lambda d, on: _options(d, state_format=StateFormat.NAME if on else StateFormat.CODE),
    ),
)


def start_new(draft: ProfileDraft) -> None:
    """A new Salesforce profile's defaults: one way from Salesforce, opt-outs unsubscribe,
    Constant Contact unsubscribes tick Email Opt Out, states as codes."""
    _options(
        draft,
        opt_out_handling=OptOutHandling.UNSUBSCRIBE,
        optout_to_source=True,
        import_from_cc=False,
        state_format=StateFormat.CODE,
    )
    draft.source_settings.setdefault("unknown_last_name", True)
    draft.source_settings.setdefault("converted_leads", ConvertedLeads.FOLLOW.value)


class SalesforceChoices(QWidget):
    """The boxes, each with its explanation under it.

    Signals:
        changed(): a box changed the draft.
    """

    changed = Signal()

    def __init__(self, draft_of: Callable[[], ProfileDraft], parent: QWidget | None = None):
        super().__init__(parent)
        self._draft_of = draft_of
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        self.hints: dict[str, QWidget] = {}
        for choice in CHOICES:
            box = QCheckBox(self.tr(choice.text), self)
            box.setAccessibleName(box.text())
            box.toggled.connect(lambda on, c=choice: self._toggled(c, on))
            hint = hint_label(self.tr(choice.why), self)
            layout.addWidget(box)
            layout.addWidget(hint)
            self.boxes[choice.key] = box
            self.hints[choice.key] = hint

    def load(self) -> None:
        """Show the draft's values (and only the boxes that fit its object type)."""
        draft = self._draft_of()
        leads = draft.source_settings.get("object_type") == ObjectType.LEAD.value
        for choice in CHOICES:
            box = self.boxes[choice.key]
            box.blockSignals(True)
            box.setChecked(choice.read(draft))
            box.blockSignals(False)
            box.setVisible(leads or not choice.leads_only)
            self.hints[choice.key].setVisible(leads or not choice.leads_only)
        self.boxes["all_active"].setEnabled(draft.options.import_from_cc)
        # One way from Constant Contact sends nothing to it: the push's options do nothing.
        pushing = draft.options.push_to_cc
        self.boxes["one_way"].setEnabled(pushing)
        for key in ("unsubscribe", "deleted", "new_on_email_change", "no_address", "state_name"):
            self.boxes[key].setEnabled(pushing)

    def _toggled(self, choice: Choice, on: bool) -> None:
        draft = self._draft_of()
        choice.write(draft, on)
        if choice.key == "deleted" and not on:
            draft.source_settings["converted_leads"] = ConvertedLeads.FOLLOW.value
        self.load()
        self.changed.emit()
