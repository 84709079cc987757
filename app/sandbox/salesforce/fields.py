"""What the emulator knows of a field and of an object: the values describe shows and the
rules writes and queries follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Types whose values are text in JSON; the others are booleans, numbers or compounds.
TEXT_TYPES = frozenset(
    {"id", "string", "email", "phone", "url", "textarea", "picklist", "multipicklist", "reference"}
)
NUMBER_TYPES = frozenset({"double", "currency", "int", "percent"})
# Long text areas: selecting one halves a query page, as live orgs do.
LONG_TEXT = 255
SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "address": "urn:address",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of an sObject.

    ``required``: must have a value on create (not nillable, not defaulted). ``picklist``:
    the values; ``restricted`` picklists refuse others. ``compound``: for an address, the
    prefix of its parts (``Mailing``).
    """

    name: str
    type: str
    label: str
    length: int = 0
    required: bool = False
    createable: bool = True
    updateable: bool = True
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    controller: str | None = None
    id_lookup: bool = False
    external_id: bool = False
    unique: bool = False
    custom: bool = False
    default: Any = None
    compound: str | None = None
    name_field: bool = False

    @property
    def is_long_text(self) -> bool:
        return self.type == "textarea" and self.length > LONG_TEXT


@dataclass
class ObjectSpec:
    """One sObject: its names, key prefix, fields in describe order, and what it allows."""

    name: str
    label: str
    plural: str
    prefix: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    custom: bool = False
    replicateable: bool = True
    children: list[tuple[str, str, str]] = field(default_factory=list)  # (object, field, rel)

    def add(self, *specs: FieldSpec) -> None:
        for spec in specs:
            self.fields[spec.name] = spec

    def field(self, name: str) -> FieldSpec | None:
        """The field named ``name``, ignoring case as SOQL and the REST API do."""
        found = self.fields.get(name)
        if found is not None:
            return found
        lowered = name.lower()
        return next((f for f in self.fields.values() if f.name.lower() == lowered), None)

    def relationship(self, name: str) -> FieldSpec | None:
        lowered = name.lower()
        return next(
            (
                f
                for f in self.fields.values()
                if f.relationship and f.relationship.lower() == lowered
            ),
            None,
        )


def text(name: str, label: str, length: int, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "string", label, length, **kw)


def ref(name: str, label: str, to: tuple[str, ...], relationship: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "reference", label, 18, reference_to=to, relationship=relationship, **kw)


def flag(name: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "boolean", label, default=False, **kw)


def read_only(spec: FieldSpec) -> FieldSpec:
    return FieldSpec(
        **{**spec.__dict__, "createable": False, "updateable": False, "required": False}
    )


def pick(name: str, label: str, values: tuple[str, ...], **kw: Any) -> FieldSpec:
    return FieldSpec(
        name,
        "picklist",
        label,
        255 if "length" not in kw else kw.pop("length"),
        picklist=values,
        **kw,
    )


def system_fields(owner: bool = True) -> list[FieldSpec]:
    users = ("User",)
    specs = [
        FieldSpec("Id", "id", "Record ID", 18, createable=False, updateable=False, id_lookup=True),
        read_only(flag("IsDeleted", "Deleted")),
    ]
    if owner:
        specs.append(ref("OwnerId", "Owner ID", users, "Owner", createable=True))
    specs += [
        read_only(FieldSpec("CreatedDate", "datetime", "Created Date")),
        read_only(ref("CreatedById", "Created By ID", users, "CreatedBy")),
        read_only(FieldSpec("LastModifiedDate", "datetime", "Last Modified Date")),
        read_only(ref("LastModifiedById", "Last Modified By ID", users, "LastModifiedBy")),
        read_only(FieldSpec("SystemModstamp", "datetime", "System Modstamp")),
    ]
    return specs


def address(prefix: str, label: str, *, picklists: bool) -> list[FieldSpec]:
    """The parts of an address, its code picklists when enabled, and the compound field."""
    name = f"{prefix}Address" if prefix else "Address"
    specs = [
        FieldSpec(f"{prefix}Street", "textarea", f"{label} Street", 255),
        text(f"{prefix}City", f"{label} City", 40),
        text(f"{prefix}State", f"{label} State/Province", 80),
        text(f"{prefix}PostalCode", f"{label} Zip/Postal Code", 20),
        text(f"{prefix}Country", f"{label} Country", 80),
    ]
    if picklists:
        specs += [
            FieldSpec(
                f"{prefix}StateCode",
                "picklist",
                f"{label} State/Province Code",
                10,
                restricted=True,
                controller=f"{prefix}CountryCode",
            ),
            FieldSpec(
                f"{prefix}CountryCode", "picklist", f"{label} Country Code", 10, restricted=True
            ),
        ]
    specs.append(read_only(FieldSpec(name, "address", f"{label} Address", compound=prefix)))
    return specs


def address_parts(prefix: str, picklists: bool) -> dict[str, str]:
    """Compound key → field name, in the order a live compound address lists its keys."""
    parts = {
        "city": f"{prefix}City",
        "country": f"{prefix}Country",
        "countryCode": f"{prefix}CountryCode",
        "geocodeAccuracy": "",
        "latitude": "",
        "longitude": "",
        "postalCode": f"{prefix}PostalCode",
        "state": f"{prefix}State",
        "stateCode": f"{prefix}StateCode",
        "street": f"{prefix}Street",
    }
    if not picklists:
        del parts["countryCode"], parts["stateCode"]
    return parts
