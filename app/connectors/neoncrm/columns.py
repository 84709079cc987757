"""The source's columns: NeonCRM's fixed standard mapping, and up to 15 extra fields.

The standard mapping is the one NeonCRM's own Constant Contact integration uses, in its
words, and cannot be changed there ("What account data is created?"):

======================  ======================  ==========================================
Constant Contact        NeonCRM (column)        search output field read
======================  ======================  ==========================================
First Name              First Name              First Name
Last Name               Last Name               Last Name
Company                 Company Name            Company Name
Email                   Email 1                 Email 1
Home / Work / Mobile    Phone 1 / 2 / 3         Phone 1 / 2 / 3 Number
Other phone             Fax                     Fax Number
Street / City / ...     Address Line 1, City,   Address Line 1, City, State/Province,
                        State, Zip Code,        Zip Code, Country (address type
                        Country                 Personal: Constant Contact's home address)
Job Title               Title                   Job Title
(custom field Source)   Source                  always "NeonCRM"
======================  ======================  ==========================================

Extra fields (Push Settings' "Additional Contact Fields", at most 15) come from Middle Name,
Individual Type, and the org's account and individual custom fields; each becomes a column
mapped to a Constant Contact custom field of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.core.errors import ConfigError
from app.core.fields import custom_key
from app.core.mapping import FieldMapping

ACCOUNT_ID = "Account ID"
FIRST_NAME = "First Name"
LAST_NAME = "Last Name"
COMPANY = "Company Name"
EMAIL = "Email 1"
TITLE = "Title"
PHONE_1, PHONE_2, PHONE_3, FAX = "Phone 1", "Phone 2", "Phone 3", "Fax"
ADDRESS_1, CITY, STATE, ZIP, COUNTRY = "Address Line 1", "City", "State", "Zip Code", "Country"
SOURCE = "Source"
SOURCE_VALUE = "NeonCRM"
EMAIL_OPT_OUT = "Email Opt-Out"
MIDDLE_NAME = "Middle Name"
INDIVIDUAL_TYPE = "Individual Type"
MAX_EXTRA = 15  # Push Settings' "up to 15 Additional Contact Fields"

# Column -> the search output field that fills it.
OUTPUTS: dict[str, str] = {
    ACCOUNT_ID: "Account ID",
    FIRST_NAME: "First Name",
    LAST_NAME: "Last Name",
    COMPANY: "Company Name",
    EMAIL: "Email 1",
    TITLE: "Job Title",
    PHONE_1: "Phone 1 Number",
    PHONE_2: "Phone 2 Number",
    PHONE_3: "Phone 3 Number",
    FAX: "Fax Number",
    ADDRESS_1: "Address Line 1",
    CITY: "City",
    STATE: "State/Province",
    ZIP: "Zip Code",
    COUNTRY: "Country",
    EMAIL_OPT_OUT: "Email Opt-Out",
}
# Read for the decisions, never shown as columns.
ACCOUNT_TYPE_OUT = "Account Type"
DECEASED_OUT = "Deceased"
DO_NOT_CONTACT_OUT = "Do Not Contact"
EMAIL_CONSENT_OUT = "Email Consent"
STATUS_OUTPUTS = (ACCOUNT_TYPE_OUT, DECEASED_OUT, DO_NOT_CONTACT_OUT, EMAIL_CONSENT_OUT)

# The fixed standard mapping: column -> Constant Contact field key.
STANDARD_MAPPING: dict[str, str] = {
    FIRST_NAME: "first_name",
    LAST_NAME: "last_name",
    COMPANY: "company_name",
    EMAIL: "email",
    TITLE: "job_title",
    PHONE_1: "home_phone",
    PHONE_2: "work_phone",
    PHONE_3: "mobile_phone",
    FAX: "other_phone",
    ADDRESS_1: "street",
    CITY: "city",
    STATE: "state",
    ZIP: "zip",
    COUNTRY: "country",
}
SOURCE_TARGET = custom_key(SOURCE)  # Constant Contact custom field "Source"
STANDARD_COLUMNS: tuple[str, ...] = (
    ACCOUNT_ID,
    *STANDARD_MAPPING,
    SOURCE,
    EMAIL_OPT_OUT,
)


@dataclass(frozen=True)
class ExtraField:
    """One Additional Contact Field: Middle Name, Individual Type, or a custom field.

    ``key`` is what settings keep (``middle_name``, ``individual_type``, ``custom:<id>``);
    ``column`` the source column and the Constant Contact custom field's name.
    """

    key: str
    column: str
    output: str | int  # the search output field (a custom field by its integer id)

    @property
    def target(self) -> str:
        return custom_key(self.column)


MIDDLE = ExtraField("middle_name", MIDDLE_NAME, "Middle Name")
TYPES = ExtraField("individual_type", INDIVIDUAL_TYPE, "Individual Type")


def custom_extra(field_id: str, name: str, taken: Iterable[str] = ()) -> ExtraField:
    """A custom field as an extra column; a name already taken gets the field's id
    ("Emergency Contact (#7)"): two Neon fields may share a display name."""
    column = name.strip() or f"Custom field {field_id}"
    if column in set(taken) or column in STANDARD_COLUMNS:
        column = f"{column} (#{field_id})"
    return ExtraField(f"custom:{field_id}", column, int(field_id))


def available_extras(custom: Mapping[str, str]) -> list[ExtraField]:
    """Every field Push Settings may offer: Middle Name, Individual Type, then the custom
    fields (id → display name) in the order given."""
    found = [MIDDLE, TYPES]
    names: list[str] = [MIDDLE_NAME, INDIVIDUAL_TYPE]
    for field_id, name in custom.items():
        extra = custom_extra(field_id, name, names)
        found.append(extra)
        names.append(extra.column)
    return found


def chosen_extras(keys: Sequence[str], custom: Mapping[str, str]) -> list[ExtraField]:
    """The extras a profile chose, in its order (a custom field deleted in Neon is dropped).

    Raises:
        ConfigError: more than 15 were chosen.
    """
    if len(keys) > MAX_EXTRA:
        raise ConfigError(
            f"NeonCRM pushes at most {MAX_EXTRA} Additional Contact Fields; this profile "
            f"chooses {len(keys)}. Remove some in Push Settings."
        )
    by_key = {e.key: e for e in available_extras(custom)}
    return [by_key[k] for k in keys if k in by_key]


def push_mapping(extras: Sequence[ExtraField] = (), *, mark_source: bool = True) -> FieldMapping:
    """The fixed standard mapping, the Source mark, and the extras as custom fields."""
    pairs = dict(STANDARD_MAPPING)
    if mark_source:
        pairs[SOURCE] = SOURCE_TARGET
    for extra in extras:
        pairs[extra.column] = extra.target
    return FieldMapping.of(pairs)
