"""Contract tests: every request the Constant Contact client sends, checked against the spec.

The emulator's side is checked in test_cc_emulator_contract.py; here the client is driven
through each operation the engine uses, its requests are recorded as they go over the wire,
and each is validated (with the emulator's answer) against Constant Contact's own spec.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from app.connectors.constant_contact import ConstantContactClient
from app.connectors.endpoints import ServiceUrls
from app.connectors.http import RateLimiter, build_session
from app.connectors.oauth import TokenManager, normalize_token
from app.sandbox.constant_contact import ConstantContactEmulator
from app.secrets import SecretStore

pytestmark = pytest.mark.contract


class Recorder:
    """A response hook keeping every exchange the client's session makes."""

    def __init__(self) -> None:
        self.exchanges: list[requests.Response] = []

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.exchanges.append(response)


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[tuple[ConstantContactClient, Recorder, Any]]:
    emulator = ConstantContactEmulator(tmp_path / "cc.sqlite3", enforce_limits=False)
    emulator.start()
    store = SecretStore.session_only()
    store.save_token(1, normalize_token(emulator.issue_token("contract"), 0.0))
    urls = ServiceUrls(emulator.api_url, emulator.auth_url)
    tokens = TokenManager(1, store, "contract", urls.token_url, clock=lambda: 1.0)
    session = build_session()
    recorder = Recorder()
    session.hooks["response"].append(recorder)
    client = ConstantContactClient(
        urls, tokens, session=session, limiter=RateLimiter(max_calls=10_000, period=1.0)
    )
    try:
        yield client, recorder, emulator
    finally:
        client.close()
        emulator.stop()


def test_every_client_request_and_answer_follow_the_spec(recorded, openapi) -> None:
    from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

    client, recorder, emulator = recorded
    emulator.seed_contact("grace@example.com", first_name="Grace", permission="explicit")
    emulator.seed_contact("gone@example.com", permission="unsubscribed")

    client.get_account_summary()
    listed = client.create_list("Newsletter", "Kept in sync by ContactBridge")
    assert client.find_list_by_name("Newsletter").list_id == listed.list_id
    assert [lst.name for lst in client.list_contact_lists()] == ["Newsletter"]
    field = client.create_custom_field("Favourite cake")
    assert field.label == "Favourite cake"
    assert [f.name for f in client.list_custom_fields()] == [field.name]
    assert client.get_contact_by_email("grace@example.com") is not None
    activity = client.start_contacts_import(
        [
            {
                "email": "ada@example.com",
                "first_name": "Ada",
                "city": "London",
                "phone": "+44 20 7946 0958",
                f"cf:{field.name}": "Lemon",
            },
            {"email": "grace@example.com", "last_name": "Hopper"},
        ],
        [listed.list_id],
    )
    status = client.wait_for_activity(activity, should_stop=lambda seconds: False)
    assert status.succeeded
    contacts = list(client.iter_contacts(status="all"))
    assert {c.email for c in contacts} == {
        "ada@example.com",
        "grace@example.com",
        "gone@example.com",
    }
    since = datetime(2020, 1, 1, tzinfo=UTC)
    unsubscribed = client.iter_contacts(status="unsubscribed", optout_after=since)
    assert [c.email for c in unsubscribed] == ["gone@example.com"]
    assert list(client.iter_contacts(updated_after=status.completed_at)) == []
    ada = next(c for c in contacts if c.email == "ada@example.com")
    client.remove_list_memberships([listed.list_id], [ada.contact_id])
    client.unsubscribe_contact(ada.contact_id, "Asked by phone")

    operations = set()
    for response in recorder.exchanges:
        request = RequestsOpenAPIRequest(response.request)
        problems = [repr(e.__cause__ or e) for e in openapi.iter_request_errors(request)]
        assert problems == [], f"{response.request.method} {response.request.url}: {problems}"
        answer = RequestsOpenAPIResponse(response)
        problems = [repr(e.__cause__ or e) for e in openapi.iter_response_errors(request, answer)]
        assert problems == [], f"{response.request.method} {response.request.url}: {problems}"
        operations.add((response.request.method, response.request.path_url.split("?")[0]))
    # Every operation the engine depends on went over the wire and was checked.
    methods_paths = {f"{m} {p.split('/v3')[1].split('/')[1]}" for m, p in operations}
    assert {
        "GET account",
        "POST contact_lists",
        "GET contact_lists",
        "POST contact_custom_fields",
        "GET contact_custom_fields",
        "GET contacts",
        "PUT contacts",
        "POST activities",
        "GET activities",
    } <= methods_paths
