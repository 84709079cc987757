"""Contract tests: the Xero emulator's answers and the Xero client's requests against Xero's spec.

The specs (shared/specs/xero-accounting.yaml and xero-identity.yaml) are reference material kept
outside the project; these tests skip when they are absent. Each is loaded once per session and
a few defects in it are patched in memory, each listed in ``_patch_accounting``/``_patch_identity``.
Only answers the spec describes (200, 204 and 400 here) are validated; 401/403/404/429, which it
declares no body for, are checked by status and body in tests/sandbox/xero. Paths are the
spec's own: the client must call ``/Connections`` as xero-identity.yaml writes it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import yaml

from app.connectors.http import RateLimiter
from app.connectors.oauth import TokenManager, normalize_token
from app.connectors.xero import SCOPES, XeroClient, XeroSource, XeroUrls
from app.connectors.xero.endpoints import DEFAULT_CONNECTIONS_URL, ORGANISATION_SCOPES
from app.sandbox.kit.request_counts import path_template
from app.sandbox.xero import DEMO_TENANT_ID, XeroEmulator
from app.secrets import SecretStore

pytestmark = pytest.mark.contract

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
ACCOUNTING = SPECS / "xero-accounting.yaml"
IDENTITY = SPECS / "xero-identity.yaml"


def _drop_security(spec: dict[str, Any]) -> None:
    # OAuth2 security makes openapi-core warn "Unsupported scheme type" (an error under
    # filterwarnings=error). Bearer handling is tested in tests/sandbox/xero instead.
    spec.pop("security", None)
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)


def _patch_accounting(spec: dict[str, Any]) -> None:
    """Fix the vendor spec where it cannot describe the emulator on loopback; each fix is narrow."""
    # 1. The server is the production host; point it at any loopback port instead.
    spec["servers"] = [
        {"url": "http://127.0.0.1:{port}/api.xro/2.0", "variables": {"port": {"default": "80"}}}
    ]
    # 2. See _drop_security.
    _drop_security(spec)
    # 3. /Contacts/{ContactNumber} and /Contacts/{ContactID} are the same template, so a path
    #    finder may pick either; keep the ContactID one, which documents GET and POST.
    spec["paths"].pop("/Contacts/{ContactNumber}", None)


def _patch_identity(spec: dict[str, Any]) -> None:
    # 1. Loopback server, as above.
    spec["servers"] = [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": "80"}}}]
    _drop_security(spec)
    # 2. createdDateUtc/updatedDateUtc claim format date-time, but Xero (and the spec's own
    #    example) writes them without a zone, e.g. "2019-12-07T18:46:19.5165400"; the emulator
    #    copies Xero, so only the format is dropped.
    connection = spec["components"]["schemas"]["Connection"]["properties"]
    for name in ("createdDateUtc", "updatedDateUtc"):
        connection[name].pop("format", None)


@functools.cache
def _raw(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.cache
def _load(path: Path, patch: Callable[[dict[str, Any]], None]) -> Any:
    from openapi_core import Config, OpenAPI

    spec = copy.deepcopy(_raw(path))
    patch(spec)
    # The accounting spec has string defaults on booleans (default: "false"), which the
    # spec validator rejects; request and response validation do not mind.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


@pytest.fixture(scope="session")
def specs() -> tuple[Any, Any]:
    for path in (ACCOUNTING, IDENTITY):
        if not path.is_file():
            pytest.skip(f"Xero spec absent: {path}")
    return _load(ACCOUNTING, _patch_accounting), _load(IDENTITY, _patch_identity)


class Validator:
    """Checks one request/response pair against the spec for its path; collects problems."""

    def __init__(self, specs: tuple[Any, Any]) -> None:
        self.accounting, self.identity = specs
        self.problems: list[str] = []
        self.checked = 0

    def check(self, response: requests.Response, *, invalid: bool = False) -> None:
        from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

        prepared = response.request
        path = requests.utils.urlparse(prepared.url).path
        if path.startswith("/identity/"):
            return  # token and consent endpoints: form posts the identity spec does not list
        identity = path.lower().startswith("/connections")  # any case reaches the identity spec
        spec = self.identity if identity else self.accounting
        request = RequestsOpenAPIRequest(prepared)
        request_errors = [repr(e.__cause__ or e) for e in spec.iter_request_errors(request)]
        if bool(request_errors) != invalid:
            self.problems.append(f"{prepared.method} {path}: request {request_errors}")
        if response.status_code in (200, 204, 400):
            wrapped = RequestsOpenAPIResponse(response)
            errors = [repr(e.__cause__ or e) for e in spec.iter_response_errors(request, wrapped)]
            if errors:
                self.problems.append(
                    f"{prepared.method} {path} -> {response.status_code}: {errors}"
                )
        self.checked += 1

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.check(response)


@pytest.fixture
def xero(tmp_path: Path) -> Iterator[XeroEmulator]:
    with XeroEmulator(tmp_path / "xero.sqlite3", enforce_limits=False) as emu:
        yield emu


@pytest.fixture
def validator(specs: tuple[Any, Any]) -> Validator:
    return Validator(specs)


def test_emulator_answers_match_the_spec(xero: XeroEmulator, validator: Validator) -> None:
    a = xero.seed_contact("Ada", email="ada@example.com", is_customer=True, groups=["VIP"])
    token = xero.issue_token()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": DEMO_TENANT_ID}
    with requests.Session() as session:

        def call(method: str, path: str, expect: int, **kwargs: Any) -> Any:
            url = (xero.base_url if path.startswith("/Connections") else xero.api_url) + path
            sent = {**headers, **kwargs.pop("headers", {})}
            response = session.request(method, url, headers=sent, timeout=10, **kwargs)
            assert response.status_code == expect, response.text
            validator.check(response)
            return response.json() if response.content else None

        connections = call("GET", "/Connections", 200)
        call("GET", f"/Connections?authEventId={connections[0]['authEventId']}", 200)
        organisation = call("GET", "/Organisation", 200)["Organisations"][0]
        assert organisation["OrganisationID"] == DEMO_TENANT_ID
        call("GET", "/Contacts?page=1&pageSize=10&includeArchived=true&summaryOnly=false", 200)
        call("GET", '/Contacts?where=ContactStatus%3D%3D"ACTIVE"&order=Name%20ASC', 200)
        call("GET", f"/Contacts?IDs={a}&searchTerm=ada", 200)
        call(
            "GET",
            "/Contacts?page=1",
            200,
            headers={"If-Modified-Since": "2020-02-06T12:17:43.202-08:00"},
        )
        call("GET", f"/Contacts/{a}", 200)
        made = call(
            "PUT",
            "/Contacts",
            200,
            json={"Contacts": [{"Name": "Bo", "EmailAddress": "bo@example.com"}]},
        )
        bo = made["Contacts"][0]["ContactID"]
        call("POST", "/Contacts", 200, json={"Contacts": [{"ContactID": bo, "FirstName": "Bo"}]})
        call("POST", f"/Contacts/{bo}", 200, json={"Contacts": [{"LastName": "Baker"}]})
        call("PUT", "/Contacts", 400, json={"Contacts": [{"Name": "Ada"}]})
        call("PUT", "/Contacts?summarizeErrors=false", 200, json={"Contacts": [{"Name": "Ada"}]})
        groups = call("GET", "/ContactGroups", 200)["ContactGroups"]
        group = call("PUT", "/ContactGroups", 200, json={"ContactGroups": [{"Name": "News"}]})
        news = group["ContactGroups"][0]["ContactGroupID"]
        call("PUT", f"/ContactGroups/{news}/Contacts", 200, json={"Contacts": [{"ContactID": bo}]})
        call("GET", f"/ContactGroups/{news}", 200)
        call("POST", f"/ContactGroups/{news}", 200, json={"ContactGroups": [{"Name": "Newsy"}]})
        call("DELETE", f"/ContactGroups/{news}/Contacts/{bo}", 204)
        call("DELETE", f"/ContactGroups/{groups[0]['ContactGroupID']}/Contacts", 204)
    assert validator.problems == []
    assert validator.checked == 20


@pytest.mark.parametrize("path", ["/Contacts", "/Organisation"])
def test_missing_tenant_header_is_invalid_per_spec(
    xero: XeroEmulator, validator: Validator, path: str
) -> None:
    token = xero.issue_token()["access_token"]
    response = requests.get(
        xero.api_url + path, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 403
    validator.check(response, invalid=True)
    assert validator.problems == []


def test_each_route_needs_the_scopes_the_spec_declares(specs: tuple[Any, Any]) -> None:
    """The security section of each operation, e.g. GET /Organisation: accounting.settings or
    accounting.settings.read. Xero lists a read-write scope and its read-only twin in one
    requirement, and accepts either (the emulator does too)."""
    from app.sandbox.xero.server import ROUTES

    paths = _raw(ACCOUNTING)["paths"]
    for method, path, _handler, scopes in ROUTES:
        operation = paths[path_template(path)][method.lower()]
        declared = {scope for need in operation["security"] for scope in need["OAuth2"]}
        assert declared == scopes, f"{method} {path}"
    organisation = paths["/Organisation"]["get"]["security"][0]["OAuth2"]
    assert set(organisation) == ORGANISATION_SCOPES
    # The app asks for a scope that allows it, and one the spec knows.
    known = _raw(ACCOUNTING)["components"]["securitySchemes"]["OAuth2"]["flows"]
    assert set(SCOPES) - {"offline_access"} <= set(known["authorizationCode"]["scopes"])
    assert set(SCOPES) & ORGANISATION_SCOPES


def test_connections_is_served_and_called_at_the_specs_path(
    specs: tuple[Any, Any], xero: XeroEmulator
) -> None:
    declared = set(_raw(IDENTITY)["paths"])
    assert declared == {"/Connections", "/Connections/{id}"}
    assert urlsplit(xero.connections_url).path == "/Connections"
    assert urlsplit(DEFAULT_CONNECTIONS_URL).path == "/Connections"
    assert urlsplit(XeroUrls(xero.api_url, xero.identity_url).tenants_url).path == "/Connections"


def test_client_requests_match_the_spec(xero: XeroEmulator, validator: Validator) -> None:
    for i in range(12):
        xero.seed_contact(f"C{i:02d}", email=f"c{i}@example.com", is_customer=i % 2 == 0)
    xero.seed_contact("Grouped", groups=["Newsletter"])
    store = SecretStore.session_only()
    store.save_token(1, normalize_token(xero.issue_token("app"), datetime.now(UTC).timestamp()))
    urls = XeroUrls(xero.api_url, xero.identity_url)  # /Connections: the client's own path
    with requests.Session() as session:
        session.hooks["response"].append(validator.hook)
        client = XeroClient(
            urls,
            TokenManager(1, store, "app", urls.token_url),
            DEMO_TENANT_ID,
            session=session,
            limiter=RateLimiter(100_000),
            page_size=5,
        )
        assert len(client.list_connections()) == 2
        organisation = client.get_organisation()
        assert (organisation.name, organisation.country_code) == ("Demo Bakery Ltd", "NZ")
        since = datetime.now(UTC) - timedelta(days=1)
        assert len(list(client.iter_contacts(modified_since=since, include_archived=True))) == 13
        source = XeroSource(client, customers_only=True, group_names=())
        assert len(list(source.iter_records())) == 6
        assert len(list(XeroSource(client, group_names=["Newsletter"]).iter_records())) == 1
        keys = source.create_records([{"FirstName": "New", "EmailAddress": "new@example.com"}])
        source.update_records({keys[0]: {"City": "Nelson", "Mobile": "021"}})
        source.set_opted_out(keys, True)
        source.set_opted_out(keys, False)
        assert len(client.get_contacts(keys)) == 1
    assert validator.problems == []
    assert validator.checked >= 15
