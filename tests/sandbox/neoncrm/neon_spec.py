"""Neon CRM's own OpenAPI spec (v2.11) for the contract tests, loaded once, patched narrowly.

The spec (shared/specs/neon-crm-v2.11.yaml) is reference material kept outside the project;
tests skip, saying why, when it is absent. It is loaded without validation: it has duplicate
operationIds, and its response codes (and OAuth scopes) are YAML integers, turned into
strings here (shared/specs/SOURCES.md). The other patches make it say what live answers do
(shared/notes/neoncrm-real-behaviour.md); each is listed in ``_patch``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

SPEC_PATH = Path(__file__).resolve().parents[3].parent / "shared" / "specs" / "neon-crm-v2.11.yaml"
# Component schemas of the answers the emulator gives: live sends ``null`` for any value
# that is not set (recorded: customFields' groupId, dataType, optionValues and *Settings;
# search pagination's sortColumn and sortDirection; accounts' empty fields).
NULLABLE = (
    "IndividualAccount",
    "CompanyAccount",
    "Contact",
    "Address",
    "Consent",
    "Origin",
    "IdNamePair",
    "CodeNamePair",
    "Dob",
    "Timestamps",
    "Login",
    "GenerosityIndicator",
    "AccountRoleApi",
    "ShippingAddress",
    "CustomField",
    "Pagination",
    "AccountSearchResultItem",
    "CustomFieldData",
    "CustomFieldOption",
    "AccountCustomFieldData",
    "EventCustomFieldData",
    "MemberShipCustomFieldData",
    "ProductCustomFieldData",
    "OrganizationProfile",
    "SystemUser",
)


def _string_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


@functools.cache
def raw_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    # Quirk: 1,013 response codes (and the OAuth2 scopes) are integers.
    strings: dict[str, Any] = _string_keys(spec)
    return strings


def _patch(spec: dict[str, Any]) -> None:
    # 1. The servers are Neon's hosts; point both at any loopback port, as the emulator does.
    spec["servers"] = [
        {"url": "http://127.0.0.1:{port}/v2", "variables": {"port": {"default": "80"}}},
        {"url": "http://127.0.0.1:{port}/trial/v2", "variables": {"port": {"default": "80"}}},
    ]
    schemas = spec["components"]["schemas"]
    # 2. Nulls where nothing is set (see NULLABLE).
    for name in NULLABLE:
        schema = schemas[name]
        schema["nullable"] = True
        for prop in schema.get("properties", {}).values():
            if "$ref" not in prop:
                prop["nullable"] = True
                if "enum" in prop:  # OAS 3.0: a nullable enum must list null itself
                    prop["enum"] = [*prop["enum"], None]
    # 3. outputFields' custom fields are {displayName, id:<integer>} live, not CustomField.
    schemas["OutputFields"]["properties"]["customFields"]["items"] = {
        "type": "object",
        "properties": {"displayName": {"type": "string"}, "id": {"type": "integer"}},
        "required": ["displayName", "id"],
    }
    # 4. Search rows are flat objects of strings or null, not objects of objects.
    rows = schemas["SearchResponse"]["properties"]["searchResults"]["items"]
    rows["additionalProperties"] = {"type": "string", "nullable": True}
    # 5. Requests name output fields by name or integer id, and list values as strings.
    schemas["SearchRequest"]["properties"]["outputFields"]["items"] = {
        "oneOf": [{"type": "string"}, {"type": "integer"}]
    }
    schemas["SearchCriteria"]["properties"]["valueList"]["items"] = {"type": "string"}
    # 6. A PATCH answers 200 with a body practitioners could not read as JSON (the spec
    #    promises AccountIdResult); the body is not checked.
    spec["paths"]["/accounts/{id}"]["patch"]["responses"]["200"].pop("content")
    # 9. Account writes and searches answer 400 with Neon's list of {code, message}
    #    (recorded for search); the spec declares that body on other endpoints only.
    messages = {
        "description": "Bad Request",
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/APIMessage"}}
            }
        },
    }
    for path, method in (
        ("/accounts", "post"),
        ("/accounts/search", "post"),
        ("/accounts/{id}", "put"),
        ("/accounts/{id}", "patch"),
    ):
        spec["paths"][path][method]["responses"].setdefault("400", messages)
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                content = response.get("content")
                # 7. ``content: {}`` declares no body (401, 403, 404); openapi-core would
                #    demand one. Live 404s are empty; 401s carry Neon's code list.
                if content == {}:
                    response.pop("content")
                # 8. Answers are declared as ``*/*``, which openapi-core reads as bytes;
                #    live answers are JSON.
                elif content is not None and "*/*" in content:
                    content["application/json"] = content.pop("*/*")


@functools.cache
def _load() -> Any:
    from openapi_core import Config, OpenAPI

    spec = _string_keys(raw_spec())
    _patch(spec)
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def load() -> Any:
    if not SPEC_PATH.is_file():
        pytest.skip(f"Neon CRM spec absent: {SPEC_PATH}")
    return _load()
