"""The Klaviyo emulator's gate: the private key and its scopes, the ``revision`` header, the
JSON:API media type, and the headers every answer carries."""

from __future__ import annotations

from app.sandbox.klaviyo import KlaviyoEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo.kl_support import KlaviyoApi, error_of


def test_a_call_without_a_key_is_refused_as_not_authenticated(api: KlaviyoApi) -> None:
    answer = api.get("/lists", headers={"Authorization": None})
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == "application/vnd.api+json"
    assert error_of(answer)["code"] == "not_authenticated"


def test_an_unknown_key_or_another_scheme_fails_authentication(api: KlaviyoApi) -> None:
    api.key = "pk_not_a_real_key"
    answer = api.get("/lists")
    error = error_of(answer)
    assert answer.status_code == 401
    assert error["code"] == "authentication_failed"
    assert error["title"] == error["detail"] == "Incorrect authentication credentials."
    assert "links" not in error and "meta" not in error  # as recorded
    bearer = api.get("/lists", headers={"Authorization": "Bearer pk_sandbox"})
    assert error_of(bearer)["code"] == "authentication_failed"


def test_a_key_without_the_endpoints_scope_is_forbidden(
    kl: KlaviyoEmulator, api: KlaviyoApi
) -> None:
    kl.add_api_key("pk_read_only", ["lists:read", "profiles:read"])
    api.key = "pk_read_only"
    assert api.get("/lists").status_code == 200
    refused = api.post("/lists", json={"data": {"type": "list", "attributes": {"name": "Nope"}}})
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "permission_denied"
    assert kl.list_by_name("Nope") is None


def test_the_revision_header_is_required_and_echoed(api: KlaviyoApi) -> None:
    answer = api.get("/lists")
    assert answer.headers["x-klaviyo-api-revision"] == "2026-07-15"
    api.revision = None
    missing = api.get("/lists")
    assert missing.status_code == 400
    assert error_of(missing)["source"] == {"parameter": "revision"}
    api.revision = "July 2026"
    assert api.get("/lists").status_code == 400
    api.revision = "2026-07-15.pre"
    assert api.get("/lists").status_code == 200


def test_a_revision_older_than_the_endpoint_has_no_valid_revision(
    api: KlaviyoApi, clock: FakeClock
) -> None:
    clock.now = clock.now.replace(year=2025, month=6)  # 2024-02-15 is still supported then
    api.revision = "2024-02-15"
    answer = api.post("/event-bulk-create-jobs", json={"data": {"type": "event-bulk-create-job"}})
    assert answer.status_code == 404
    assert error_of(answer)["detail"] == "No valid revisions found for method"
    assert api.get("/lists").status_code == 200  # lists existed then


def test_a_revision_older_than_two_years_is_gone(api: KlaviyoApi) -> None:
    api.revision = "2024-06-15"  # no longer supported from 2026-06-15
    answer = api.get("/lists")
    assert answer.status_code == 410
    assert error_of(answer)["code"] == "gone"


def test_bodies_may_be_json_api_or_plain_json_but_not_a_form(api: KlaviyoApi) -> None:
    body = {"data": {"type": "list", "attributes": {"name": "Plain"}}}
    plain = api.post("/lists", json=body, headers={"Content-Type": "application/json"})
    assert plain.status_code == 201
    form = api.post("/lists", data={"name": "Form"})
    assert form.status_code == 415
    assert error_of(form)["code"] == "unsupported_media_type"


def test_every_answer_names_the_account_and_the_request(
    api: KlaviyoApi, kl: KlaviyoEmulator
) -> None:
    answer = api.get("/lists")
    assert answer.headers["cid"] == kl.company_id
    assert len(answer.headers["x-klaviyo-req-id"]) == 36
    again = api.get("/lists")
    assert again.headers["x-klaviyo-req-id"] != answer.headers["x-klaviyo-req-id"]


def test_an_unknown_path_is_a_json_api_404(api: KlaviyoApi) -> None:
    answer = api.get("/no-such-thing")
    assert answer.status_code == 404
    assert error_of(answer)["code"] == "not_found"
    assert api.request("PUT", "/lists").status_code == 405


def test_page_size_on_an_endpoint_without_it_is_invalid(api: KlaviyoApi) -> None:
    answer = api.get("/metrics", params={"page[size]": 5})
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["detail"] == "'page_size' is not a valid field for the resource 'metric'."
    assert error["source"]["pointer"] == "/data/attributes/page_size"
