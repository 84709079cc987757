"""WellnessLiving's OpenAPI subset for the contract tests, loaded once and patched narrowly.

The spec (shared/specs/wellnessliving-clients.openapi.yaml) is reference material kept outside
the project; tests skip, saying why, when it is absent. The patches below are the loader
quirks listed for it in shared/specs/SOURCES.md, each kept as narrow as it can be.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

SPEC_PATH = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "specs"
    / "wellnessliving-clients.openapi.yaml"
)
# Required by the generator, but empty is their normal value (SOURCES.md quirk 3): the
# vendor's SDKs send them empty and the service takes that.
EMPTY_ALLOWED = {
    "/Core/Passport/Login/Enter/Notepad.json": ("get", ("s_type",)),
    "/Wl/Login/Member/LoginMemberListAll.json": ("get", ("uid_last",)),
    "/Wl/Report/Data.json": ("get", ("id_report_group", "id_report_view", "s_filter", "s_sort")),
}
# Components that parameters $ref and that carry a 3.1 type list (quirk 2).
PARAMETER_COMPONENTS = ("RsReportPageSid", "Wl.Profile.RegisterSourceSid")


@functools.cache
def raw_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.load(
            handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    return spec


def _single_type(schema: dict[str, Any]) -> None:
    """``type: [T, 'null']`` → ``type: T``: openapi-core 0.23 request validation crashes on
    type lists in parameters and form fields (quirk 2)."""
    kinds = schema.get("type")
    if isinstance(kinds, list) and "null" in kinds and len(kinds) == 2:
        schema["type"] = next(k for k in kinds if k != "null")


def _patch(spec: dict[str, Any], *, keep_security: bool) -> None:
    # 1. The servers are the production hosts; point at any loopback port instead.
    spec["servers"] = [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": "80"}}}]
    # 2. Security: the spec declares only BearerAuth (a JWT from JwtToken.json), yet clients
    #    sign every request with `Authorization: 20150518,...` and cookies, which the spec does
    #    not declare (quirk 5). Signed calls are checked against a copy without security;
    #    bearer calls against one that keeps it, except for the notepad and the sign-in,
    #    which cannot need the token they lead to.
    if not keep_security:
        spec.pop("security", None)
    for path in (
        "/Core/Passport/Login/Enter/Notepad.json",
        "/Core/Passport/Login/Enter/Enter.json",
    ):
        for operation in spec["paths"][path].values():
            operation["security"] = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                for field in media["schema"].get("properties", {}).values():
                    _single_type(field)
            for parameter in operation.get("parameters", ()):
                if "schema" in parameter:
                    _single_type(parameter["schema"])
                # 3. See EMPTY_ALLOWED.
                allowed = EMPTY_ALLOWED.get(path)
                if allowed and method == allowed[0] and parameter.get("name") in allowed[1]:
                    parameter["required"] = False
    schemas = spec["components"]["schemas"]
    for name in PARAMETER_COMPONENTS:
        _single_type(schemas[name])
    # 4. PHP arrays (quirk 4): a report's a_data and a_total are keyed objects on the live
    #    service ({is_more, a_row[]} and totals by client type), and empty ones arrive as [].
    data = spec["paths"]["/Wl/Report/Data.json"]["get"]["responses"]["200"]["content"]
    properties = data["application/json"]["schema"]["properties"]
    for name in ("a_data", "a_total"):
        properties[name]["type"] = ["array", "object"]
    #    a_structure is keyed by k_field: each value is still checked against the item schema,
    #    except x_value, whose shape depends on the field (the address is {s_city, ...}).
    edit = spec["paths"]["/Wl/Profile/Edit/Edit.json"]["get"]["responses"]["200"]["content"]
    structure = edit["application/json"]["schema"]["properties"]["a_structure"]
    item = structure.pop("items")
    item["properties"]["x_value"].pop("type")
    structure["type"] = "object"
    structure["additionalProperties"] = item


@functools.cache
def _load(keep_security: bool) -> Any:
    from openapi_core import Config, OpenAPI

    spec = copy.deepcopy(raw_spec())
    _patch(spec, keep_security=keep_security)
    # info.license has both identifier and url, which 3.1 forbids (quirk 1); skip the spec
    # validator rather than edit the file.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def load(*, keep_security: bool = False) -> Any:
    if not SPEC_PATH.is_file():
        pytest.skip(f"WellnessLiving spec absent: {SPEC_PATH}")
    return _load(keep_security)
