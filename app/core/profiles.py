"""A sync profile: one source joined to one Constant Contact account and its main list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.schedule import Schedule
from app.core.transforms import CountryFormat, PhoneFormat, StateFormat

# Profiles saved before sources had kinds read spreadsheet files.
DEFAULT_SOURCE_KIND = "file"
# The hub every profile has on one side: a profile's destination unless it is the source.
CONSTANT_CONTACT = "constant_contact"


@dataclass(frozen=True)
class SourceSpec:
    """Which source (a kind in ``app/connectors/registry.py``) and its non-secret settings
    (a file path, a connection id, a tenant...).

    The registry describes and opens it; core knows no service by name.
    """

    kind: str = DEFAULT_SOURCE_KIND
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return str(self.settings.get("path", ""))


class OptOutHandling(StrEnum):
    """What to do with a source record marked opted out."""

    SKIP = "skip"  # leave it out of the push
    UNSUBSCRIBE = "unsubscribe"  # unsubscribe the Constant Contact contact too


class ImportScope(StrEnum):
    """Which Constant Contact contacts an import into the source considers."""

    MAIN_LIST = "main_list"  # members of the profile's main list
    ALL_ACTIVE = "all_active"  # every contact that is not deleted


class AmbiguousMatch(StrEnum):
    """What an import does when several source records match a contact by name and email."""

    SKIP = "skip"  # import nothing and report it
    CREATE = "create"  # create a new source record
    LINK = "link"  # link to one of them (the first the source lists)


@dataclass(frozen=True)
class SyncOptions:
    """The push options (wizard step 3). Each has a one-line tooltip in ``OPTION_HELP``."""

    unknown_for_blank_names: bool = False
    sync_addresses: bool = True
    sync_phones: bool = True
    opt_out_handling: OptOutHandling = OptOutHandling.SKIP
    opt_out_column: str = ""  # a source column whose truthy value means "opted out"
    update_existing: bool = True  # update contacts that already exist in Constant Contact
    # False: one way from Constant Contact. The source's records are read (to match and to
    # mark opt-outs) but none is sent; only new contacts and unsubscribes go to the source.
    push_to_cc: bool = True
    # An email changed in the source makes a new Constant Contact contact for the new
    # address (the old contact stays as it is) instead of changing the address in place.
    new_contact_on_email_change: bool = False
    # Two-way sync (used only when the source can be written to).
    import_from_cc: bool = False  # bring Constant Contact contacts into the source
    import_scope: ImportScope = ImportScope.MAIN_LIST
    # Only contacts on these Constant Contact lists (ids) are imported; () = the scope alone.
    import_lists: tuple[str, ...] = ()
    import_ambiguous: AmbiguousMatch = AmbiguousMatch.SKIP
    import_updates_existing: bool = False  # CC changes to linked contacts update the source
    optout_to_source: bool = True  # a CC unsubscribe marks the source record opted out
    clear_optout_on_resubscribe: bool = False  # a CC resubscribe clears the source's mark
    remove_deleted: bool = False  # take deleted / filtered-out records off the main list
    poll_minutes: int = 30  # how often the scheduler looks for opt-outs and changes
    # Runs that start on their own (the schedule, the periodic check) resync only unsubscribes
    # and resubscribes; contact data goes to Constant Contact only when the user syncs.
    scheduled_optouts_only: bool = False
    guard_share: float = 0.10  # ask before unsubscribing/removing more than this share...
    guard_count: int = 50  # ...or more than this many of the profile's synced contacts
    state_format: StateFormat = StateFormat.AS_IS
    country_format: CountryFormat = CountryFormat.AS_IS
    phone_format: PhoneFormat = PhoneFormat.AS_IS
    phone_region: str = ""  # alpha-2 region for numbers without "+"; blank: the record's country
    # When the user confirmed that everyone in the source agreed to receive email (ISO 8601,
    # UTC), as Constant Contact's own upload asks; "" = not confirmed (see flow.consent_problem).
    consent_attested_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> SyncOptions:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for name, kind in _ENUM_OPTIONS.items():
            if name in kwargs:
                kwargs[name] = kind(kwargs[name])
        if "import_lists" in kwargs:
            kwargs["import_lists"] = tuple(str(x) for x in kwargs["import_lists"] or ())
        return cls(**kwargs)


_ENUM_OPTIONS: dict[str, type[StrEnum]] = {
    "opt_out_handling": OptOutHandling,
    "import_scope": ImportScope,
    "import_ambiguous": AmbiguousMatch,
    "state_format": StateFormat,
    "country_format": CountryFormat,
    "phone_format": PhoneFormat,
}


OPTION_HELP: dict[str, str] = {
    "unknown_for_blank_names": 'Fill a blank first or last name with "Unknown" so greetings '
    "never read oddly.",
    "sync_addresses": "Send street, city, state, postal code and country to Constant Contact.",
    "sync_phones": "Send phone numbers to Constant Contact.",
    "consent_attested_at": "You confirmed that everyone in this source agreed to receive email "
    "from your business (Constant Contact asks this of every upload); the time is kept with "
    "the profile.",
    "opt_out_handling": "What to do with people your source marks as opted out: leave them out, "
    "or also unsubscribe them in Constant Contact.",
    "opt_out_column": "The column that marks a person as opted out (yes, true, 1 or x).",
    "update_existing": "Update names and details of contacts already in Constant Contact; "
    "when off, only new contacts are added.",
    "push_to_cc": "Send the source's records to Constant Contact. Off: one way from Constant "
    "Contact; only its new contacts and unsubscribes go into the source, and nothing is sent "
    "to Constant Contact.",
    "new_contact_on_email_change": "When an email address changes in the source, add the new "
    "address to Constant Contact as a new contact and leave the old contact as it is (with "
    "its history, lists and consent), instead of changing the address on the same contact.",
    "import_from_cc": "Add Constant Contact contacts that are not in your source yet as new "
    "records there (never people who unsubscribed).",
    "import_scope": "Import from the main list only, or from every active contact.",
    "import_lists": "Import only contacts on these Constant Contact lists (all lists when "
    "none is chosen).",
    "scheduled_optouts_only": "Runs that start on their own only resync unsubscribes and "
    "resubscribes; contact details go to Constant Contact only when you sync yourself.",
    "import_ambiguous": "When several source records share a contact's name and email: skip "
    "it, create a new record, or link it to one of them.",
    "import_updates_existing": "Also bring changes made in Constant Contact into existing "
    "source records (off: only brand-new contacts go back, as most CRMs' own integrations do).",
    "optout_to_source": "When someone unsubscribes in Constant Contact, mark them opted out "
    "in the source.",
    "clear_optout_on_resubscribe": "When someone opts back in at Constant Contact, clear the "
    "opt-out mark in the source.",
    "remove_deleted": "Take people deleted from the source, or no longer matching the "
    "filters, off the main list (they are never deleted from Constant Contact).",
    "poll_minutes": "While ContactBridge runs, sync at least this often (in minutes) to pick "
    "up unsubscribes and new contacts, whatever the schedule.",
    "guard_share": "Ask before a run unsubscribes or removes more than this share of the "
    "profile's contacts.",
    "guard_count": "Ask before a run unsubscribes or removes more than this many contacts.",
    "state_format": "Send states and provinces as codes (OR) or as full names (Oregon), the "
    '"retrieve state name instead of state code" choice; values not recognised stay as they are.',
    "country_format": "Send every spelling of a country (USA, U.S., United States of America) "
    "as one name or one ISO code; values not recognised stay as they are, with a warning.",
    "phone_format": "Send phone numbers in one format (E.164, international or national); "
    "numbers that cannot be read stay as they are, with a warning.",
    "phone_region": "The country of phone numbers written without +country code (US, CA, AU, "
    "GB...); when blank, the contact's own country is used.",
}


@dataclass(frozen=True)
class SyncProfile:
    """One sync profile. ``id`` is None until the store saves it."""

    name: str
    source: SourceSpec
    main_list: str
    connection_id: int | None = None
    options: SyncOptions = field(default_factory=SyncOptions)
    mapping: FieldMapping = field(default_factory=FieldMapping)
    filters: FilterGroup = field(default_factory=FilterGroup)
    schedule: Schedule = field(default_factory=Schedule)
    id: int | None = None
    destination: SourceSpec = field(default_factory=lambda: SourceSpec(CONSTANT_CONTACT))

    def with_changes(self, **changes: Any) -> SyncProfile:
        return replace(self, **changes)

    @property
    def saved_id(self) -> int:
        """``id`` of a profile the store has saved; asking it of an unsaved one is a bug."""
        if self.id is None:
            raise ValueError(f"The profile {self.name!r} has not been saved.")
        return self.id

    @property
    def into_constant_contact(self) -> bool:
        """Records go into Constant Contact (a file, a CRM); else Constant Contact is the
        source and the destination another service (a migration to Klaviyo)."""
        return self.destination.kind == CONSTANT_CONTACT
