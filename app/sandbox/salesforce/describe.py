"""Describe: the org's objects (``/sobjects``) and one object's fields
(``/sobjects/{S}/describe``), built from the schema and the org's settings."""

from __future__ import annotations

from typing import Any

from app.sandbox.salesforce import places
from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.fields import NUMBER_TYPES, SOAP_TYPES, FieldSpec, ObjectSpec
from app.sandbox.salesforce.org import Org

MAX_BATCH_SIZE = 200


def _urls(sobject: ObjectSpec, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{sobject.name}"
    return {
        "sobject": base,
        "describe": f"{base}/describe",
        "rowTemplate": f"{base}/{{ID}}",
    }


def global_entry(sobject: ObjectSpec, version: str) -> dict[str, Any]:
    return {
        "activateable": False,
        "createable": sobject.createable,
        "custom": sobject.custom,
        "customSetting": False,
        "deletable": sobject.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": False,
        "keyPrefix": sobject.prefix,
        "label": sobject.label,
        "labelPlural": sobject.plural,
        "layoutable": True,
        "mergeable": sobject.name in ("Account", "Contact", "Lead"),
        "mruEnabled": True,
        "name": sobject.name,
        "queryable": True,
        "replicateable": sobject.replicateable,
        "retrieveable": True,
        "searchable": True,
        "triggerable": True,
        "undeletable": sobject.deletable,
        "updateable": sobject.updateable,
        "urls": _urls(sobject, version),
    }


def describe_global(org: Org, version: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": MAX_BATCH_SIZE,
        "sobjects": [
            global_entry(o, version) for o in sorted(org.objects().values(), key=lambda o: o.name)
        ],
    }


def field_entry(org: Org, spec: FieldSpec) -> dict[str, Any]:
    kind = spec.type
    picklist: list[dict[str, Any]] = [
        {
            "active": True,
            "defaultValue": v == spec.default,
            "label": v,
            "validFor": None,
            "value": v,
        }
        for v in spec.picklist
    ]
    if spec.name.endswith("CountryCode") and kind == "picklist":
        picklist = places.country_values()
    elif spec.name.endswith("StateCode") and kind == "picklist":
        picklist = places.state_values()
    text_like = kind not in NUMBER_TYPES and kind not in ("boolean", "date", "datetime", "address")
    return {
        "aggregatable": kind not in ("address", "textarea") or spec.length <= 255,
        "autoNumber": False,
        "byteLength": spec.length * 3 if text_like else 0,
        "calculated": spec.name in ("Name",) and not spec.createable,
        "caseSensitive": False,
        "compoundFieldName": _compound_of(spec),
        "controllerName": spec.controller,
        "createable": spec.createable,
        "custom": spec.custom,
        "defaultValue": spec.default if kind != "boolean" else bool(spec.default),
        "defaultedOnCreate": spec.default is not None or spec.name in ("Id", "OwnerId"),
        "dependentPicklist": spec.controller is not None,
        "digits": 0,
        "externalId": spec.external_id,
        "filterable": kind != "address" and not spec.is_long_text,
        "groupable": kind not in ("address", "textarea", "double", "currency", "datetime"),
        "htmlFormatted": False,
        "idLookup": spec.id_lookup,
        "label": spec.label,
        "length": spec.length if text_like else 0,
        "name": spec.name,
        "nameField": spec.name_field,
        "nillable": not spec.required and kind != "boolean" and spec.name != "Id",
        "picklistValues": picklist,
        "polymorphicForeignKey": len(spec.reference_to) > 1,
        "precision": 18 if kind in ("double", "currency") else 0,
        "referenceTo": list(spec.reference_to),
        "relationshipName": spec.relationship,
        "restrictedPicklist": spec.restricted,
        "scale": 2 if kind == "currency" else 0,
        "soapType": SOAP_TYPES.get(kind, "xsd:string"),
        "sortable": kind != "address" and not spec.is_long_text,
        "type": kind,
        "unique": spec.unique,
        "updateable": spec.updateable,
    }


def _compound_of(spec: FieldSpec) -> str | None:
    if spec.type == "address":
        return None
    for suffix in ("Street", "City", "State", "PostalCode", "Country", "StateCode", "CountryCode"):
        if spec.name.endswith(suffix) and spec.type != "reference":
            prefix = spec.name[: -len(suffix)]
            if prefix in ("Mailing", "Other", "Billing", "Shipping", "PersonMailing", ""):
                return f"{prefix}Address"
    return None


def describe_object(org: Org, sobject: ObjectSpec, version: str) -> dict[str, Any]:
    body = global_entry(sobject, version)
    body["fields"] = [field_entry(org, f) for f in sobject.fields.values()]
    body["childRelationships"] = [
        {
            "cascadeDelete": child == "CampaignMember",
            "childSObject": child,
            "field": field,
            "relationshipName": rel,
            "restrictedDelete": False,
        }
        for child, field, rel in sobject.children
    ]
    body["recordTypeInfos"] = _record_types(org, sobject)
    body["urls"] = _urls(sobject, version)
    return body


def _record_types(org: Org, sobject: ObjectSpec) -> list[dict[str, Any]]:
    master = {
        "active": True,
        "available": True,
        "defaultRecordTypeMapping": True,
        "developerName": "Master",
        "master": True,
        "name": "Master",
        "recordTypeId": "012000000000000AAA",
    }
    if sobject.name != "Account" or not org.flag("person_accounts"):
        return [master]
    with org.state.tx() as conn:
        found = [
            r for r in records.scan(conn, "RecordType") if r.data.get("SobjectType") == "Account"
        ]
    types = [
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": not r.data.get("IsPersonType"),
            "developerName": r.data.get("DeveloperName"),
            "master": False,
            "name": r.data.get("Name"),
            "recordTypeId": r.id,
        }
        for r in found
    ]
    return [*types, {**master, "available": False, "defaultRecordTypeMapping": False}]
