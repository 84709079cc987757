"""Contract tests: the Klaviyo emulator's routes, limits and answers against Klaviyo's own
OpenAPI spec (see ``kl_spec`` for the two places the live service differs from it)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.sandbox.klaviyo import KlaviyoEmulator
from app.sandbox.klaviyo.routes import ROUTES
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo import kl_spec
from tests.sandbox.klaviyo.kl_support import KlaviyoApi
from tests.sandbox.spec_validator import Validator

pytestmark = pytest.mark.contract


def _spec_path(rule: str) -> str:
    return re.sub(r"<(\w+)>", r"{\1}", rule)


def _rate(text: str) -> int:
    return int(text.split("/")[0])


@pytest.fixture
def spec() -> Any:
    return kl_spec.load()


def test_every_route_is_a_spec_operation_with_its_limits_and_scopes(spec: Any) -> None:
    for route in ROUTES:
        operation = kl_spec.operation(route.method, _spec_path(route.path))
        limits = operation["x-klaviyo-ratelimit"]
        assert (route.tier.burst, route.tier.steady) == (
            _rate(limits["burst"]),
            _rate(limits["steady"]),
        ), route.key
        assert route.tier.daily == (_rate(limits["daily"]) if "daily" in limits else None), (
            route.key
        )
        assert route.scopes == set(operation["x-klaviyo-scopes"]), route.key


def test_the_endpoints_taking_a_page_size_are_the_specs(spec: Any) -> None:
    for route in ROUTES:
        operation = kl_spec.operation(route.method, _spec_path(route.path))
        names = {p.get("name") for p in operation.get("parameters", ())}
        assert route.sized == ("page[size]" in names), route.key


def test_the_list_daily_limit_is_the_specs_150(spec: Any) -> None:
    assert kl_spec.operation("POST", "/api/lists")["x-klaviyo-ratelimit"]["daily"] == "150/d"
    create = next(r for r in ROUTES if r.key == "POST /api/lists")
    assert create.tier.daily == 150


def test_a_migrations_calls_and_answers_match_the_spec(
    kl: KlaviyoEmulator, api: KlaviyoApi, spec: Any, clock: FakeClock
) -> None:
    validator = Validator(spec)
    api.session.hooks["response"].append(validator.hook)
    # lists
    api.get("/lists", params={"page[size]": 1})
    list_id = api.create_list("CC – Newsletter")
    api.get(f"/lists/{list_id}")
    api.patch(
        f"/lists/{list_id}",
        json={"data": {"type": "list", "id": list_id, "attributes": {"name": "CC Newsletter"}}},
    )
    api.get("/lists", params={"filter": 'equals(name,"CC Newsletter")'})
    # a bulk import and its relationships
    job = api.import_profiles(
        [
            {"email": "ada@example.com", "first_name": "Ada", "external_id": "cc:1"},
            {"email": "not-an-email", "external_id": "cc:2"},
        ],
        [list_id],
    ).json()["data"]
    api.get("/profile-bulk-import-jobs")
    for _ in range(3):
        api.get(f"/profile-bulk-import-jobs/{job['id']}", params={"include": "lists"})
    for tail in (
        "lists",
        "relationships/lists",
        "profiles",
        "relationships/profiles",
        "import-errors",
    ):
        api.get(f"/profile-bulk-import-jobs/{job['id']}/{tail}")
    # profiles
    found = api.get(
        "/profiles",
        params={
            "filter": 'equals(external_id,"cc:1")',
            "additional-fields[profile]": "subscriptions",
        },
    ).json()
    pid = found["data"][0]["id"]
    api.get(f"/profiles/{pid}", params={"additional-fields[profile]": "subscriptions"})
    api.patch(
        f"/profiles/{pid}",
        json={"data": {"type": "profile", "id": pid, "attributes": {"last_name": "Lovelace"}}},
    )
    created = api.post(
        "/profiles",
        json={"data": {"type": "profile", "attributes": {"email": "grace@example.com"}}},
    )
    api.post(
        "/profile-import",
        json={
            "data": {
                "type": "profile",
                "attributes": {"email": "grace@example.com", "first_name": "Grace"},
            }
        },
    )
    api.get(f"/profiles/{pid}/lists")
    api.get(f"/profiles/{pid}/relationships/lists")
    # list membership
    other = created.json()["data"]["id"]
    api.post(
        f"/lists/{list_id}/relationships/profiles",
        json={"data": [{"type": "profile", "id": other}]},
    )
    api.get(f"/lists/{list_id}/profiles")
    api.get(f"/lists/{list_id}/relationships/profiles")
    api.delete(
        f"/lists/{list_id}/relationships/profiles",
        json={"data": [{"type": "profile", "id": other}]},
    )
    # consent
    api.subscribe(["ada@example.com"], list_id=list_id)
    api.unsubscribe(["grace@example.com"], list_id=list_id)
    sup = api.suppress(["bounced@example.com"]).json()["data"]
    api.get("/profile-suppression-bulk-create-jobs")
    api.get(f"/profile-suppression-bulk-create-jobs/{sup['id']}")
    # events
    api.event(
        "Opened Email",
        "ada@example.com",
        unique_id="cc:open:1",
        time="2026-08-01T10:00:00Z",
        backfill=True,
    )
    api.bulk_events(
        [
            (
                "ada@example.com",
                [
                    {
                        "metric": "Clicked Email",
                        "unique_id": "cc:click:1",
                        "time": "2026-08-02T10:00:00Z",
                    }
                ],
            )
        ],
        backfill=True,
    )
    events = api.get("/events", params={"include": "metric,profile"}).json()
    api.get(f"/events/{events['data'][0]['id']}")
    metrics = api.get("/metrics").json()
    api.get(f"/metrics/{metrics['data'][0]['id']}")
    # ends
    scratch = api.create_list("Scratch")
    api.delete(f"/lists/{scratch}")
    assert validator.problems == []
    served = {key.split(" -> ")[0] for key in validator.checked}
    assert len(served) >= 30
    templates = {r.key for r in ROUTES}
    assert set(kl.request_counts()) == templates


def test_error_answers_match_the_specs_error_schema(api: KlaviyoApi, spec: Any) -> None:
    validator = Validator(spec)
    api.session.hooks["response"].append(validator.hook)
    assert api.get("/lists/NOPE00").status_code == 404
    assert api.get("/profiles", params={"filter": "equals(email,me@test.com)"}).status_code == 400
    api.post(
        "/profiles", json={"data": {"type": "profile", "attributes": {"email": "x@example.com"}}}
    )
    assert (
        api.post(
            "/profiles",
            json={"data": {"type": "profile", "attributes": {"email": "x@example.com"}}},
        ).status_code
        == 409
    )
    api.emulator.faults.force("GET /api/metrics", "429")
    assert api.get("/metrics").status_code == 429
    api.key = "pk_wrong"
    assert api.get("/lists").status_code == 401
    assert validator.problems == []
