"""The NeonCRM client against the emulator: sign-in, hosts, version, search, accounts, faults."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests

from app.connectors.http import RetryPolicy, build_session
from app.connectors.neoncrm.client import NeonClient
from app.core.errors import AuthError, ConfigError, RateLimited, RemoteError
from app.sandbox.neoncrm import (
    TRIAL_API_KEY,
    TRIAL_ORG_ID,
    TRIAL_ORG_NAME,
    NeonCrmEmulator,
    merged_sample_ids,
)
from tests.connectors.neoncrm.conftest import Sleeps

MakeClient = Callable[..., NeonClient]
EVERYONE = [{"field": "Account ID", "operator": "NOT_BLANK"}]


def test_it_says_which_org_and_api_user_it_is_connected_as(client: NeonClient) -> None:
    who = client.whoami()
    assert who.org_name == "Maple Street Community Kitchen"
    assert who.org_id == "maplestreet"
    assert who.user_name == "Dana Whitfield"
    assert who.app_url == "https://maplestreet.app.neoncrm.com"


def test_every_call_names_the_api_version(neon: NeonCrmEmulator, make_client: MakeClient) -> None:
    sent: list[str | None] = []
    session = build_session()

    def seen(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        sent.append(response.request.headers.get("NEON-API-VERSION"))

    session.hooks["response"].append(seen)
    client = make_client(neon, session=session)
    client.whoami()
    list(client.search(EVERYONE, ["Account ID"]))
    assert sent and set(sent) == {"2.11"}
    session.close()


def test_a_trial_org_answers_on_the_trial_host_only(
    neon: NeonCrmEmulator, make_client: MakeClient
) -> None:
    trial = make_client(neon, root=neon.trial_url, org_id=TRIAL_ORG_ID, api_key=TRIAL_API_KEY)
    assert trial.whoami().org_name == TRIAL_ORG_NAME
    wrong_host = make_client(neon, org_id=TRIAL_ORG_ID, api_key=TRIAL_API_KEY)
    with pytest.raises(AuthError, match="NeonCRM did not accept the org ID and API key"):
        wrong_host.whoami()


def test_a_wrong_key_is_refused_in_neons_words_and_never_shown(
    neon: NeonCrmEmulator, make_client: MakeClient
) -> None:
    client = make_client(neon, api_key="not-the-key-123")
    with pytest.raises(AuthError) as caught:
        client.whoami()
    assert "Api key is invalid." in caught.value.message
    assert "not-the-key-123" not in str(caught.value) + str(caught.value.details)


def test_an_org_id_and_key_are_required_in_plain_words(neon: NeonCrmEmulator) -> None:
    with pytest.raises(ConfigError, match="org ID"):
        NeonClient(neon.api_url, " ", "k")
    with pytest.raises(ConfigError, match="API key"):
        NeonClient(neon.api_url, "maplestreet", "")


def test_search_reads_every_page_of_at_most_200(neon: NeonCrmEmulator, client: NeonClient) -> None:
    neon.seed_bulk("maplestreet", 450)
    neon.reset_counts()
    ids = [row["Account ID"] for row in client.search(EVERYONE, ["Account ID"])]
    assert len(ids) == len(set(ids)) == 450 + 44 - 1  # the merged duplicate is gone
    assert neon.request_counts()["POST /accounts/search"] == 3  # 200 + 200 + 93
    assert [int(i) for i in ids] == sorted(int(i) for i in ids)
    assert client.count(EVERYONE) == len(ids)


def test_search_fields_name_the_last_modified_date_and_custom_fields(client: NeonClient) -> None:
    fields = client.search_fields()
    names = {f.name for f in fields.standard}
    assert "Account Last Modified Date" in names
    assert "Email Opt-Out" in names
    custom = {f.name for f in fields.custom}
    assert {"Preferred Language", "Volunteer Interests"} <= custom
    assert all(f.field_id.isdigit() for f in fields.custom)


def test_a_merged_accounts_old_id_answers_with_the_survivor(
    neon: NeonCrmEmulator, client: NeonClient
) -> None:
    old, survivor = merged_sample_ids(neon)
    found = client.get_account(old)
    assert found is not None
    assert found["individualAccount"]["accountId"] == survivor  # HTTP 222 is a success
    assert client.get_account("999999") is None  # 404 with an empty body


def test_any_2xx_is_a_success_even_with_no_json(neon: NeonCrmEmulator, client: NeonClient) -> None:
    (account_id,) = neon.find_by_email("maplestreet", "zoe.king@example.com")
    neon.faults.force("PATCH /accounts/*", "222")
    client.patch_account(account_id, {"individualAccount": {"email1OptOut": True}})
    neon.faults.force("PATCH /accounts/*", "204")
    client.patch_account(account_id, {"individualAccount": {"email1OptOut": True}})
    client.patch_account(account_id, {"individualAccount": {"email1OptOut": True}})  # empty 200
    assert neon.account(account_id)["individualAccount"]["email1OptOut"] is True
    neon.faults.force("POST /accounts/search", "222")
    assert client.count(EVERYONE) > 0


def test_a_429_is_retried_with_growing_waits(
    neon: NeonCrmEmulator, client: NeonClient, sleeps: Sleeps
) -> None:
    neon.faults.force("POST /accounts/search", "429", times=3)
    assert client.count(EVERYONE) > 0
    assert len(sleeps) == 3  # Neon sends no Retry-After: the session backs off by itself
    assert sleeps[2] > sleeps[0]
    assert neon.request_counts()["POST /accounts/search"] == 4


def test_too_many_429s_end_in_a_plain_message(
    neon: NeonCrmEmulator, make_client: MakeClient
) -> None:
    client = make_client(neon, retry=RetryPolicy(throttle_attempts=2))
    neon.faults.force("GET /properties/*", "429", times=5)
    with pytest.raises(RateLimited, match="NeonCRM is busy"):
        client.whoami()


@pytest.mark.parametrize("kind", ["500", "503"])
def test_server_errors_are_retried_where_harmless(
    neon: NeonCrmEmulator, client: NeonClient, kind: str
) -> None:
    neon.faults.force("POST /accounts/search", kind, times=2)
    assert client.count(EVERYONE) > 0  # a search only reads: safe to repeat
    neon.faults.force("POST /accounts", kind, times=1)
    body = {"individualAccount": {"primaryContact": {"firstName": "A", "lastName": "B"}}}
    with pytest.raises(RemoteError, match="NeonCRM had a problem on its side"):
        client.create_account(body)  # a create is never repeated blind
    assert neon.request_counts()["POST /accounts"] == 1


def test_a_refused_search_says_what_neon_said(client: NeonClient) -> None:
    with pytest.raises(RemoteError) as caught:
        list(client.search([{"field": "No Such Field", "operator": "EQUAL", "value": "x"}], [1]))
    assert "Search key is invalid." in caught.value.message


def test_searches_wait_their_turn_instead_of_being_refused(
    limited: NeonCrmEmulator, make_client: MakeClient
) -> None:
    """Neon runs one account search at a time per org: a second one waits for the first
    in the client (shared gates), so the emulator never has to answer 429."""
    first, second = make_client(limited), make_client(limited)
    gate = limited.hold("POST /accounts/search")
    results: list[int] = []
    runner = threading.Thread(target=lambda: results.append(first.count(EVERYONE)))
    runner.start()
    assert gate.entered.wait(10)
    waiting = threading.Thread(target=lambda: results.append(second.count(EVERYONE)))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()  # held back by the client, not refused by Neon
    gate.release()
    runner.join(10)
    waiting.join(10)
    assert len(results) == 2 and results[0] == results[1]
    assert limited.request_counts()["POST /accounts/search"] == 2  # no 429 retried


def test_custom_fields_are_listed_with_their_account_type(client: NeonClient) -> None:
    fields = {f["name"]: f for f in client.custom_fields()}
    assert fields["Sponsorship Level"]["accountSettings"]["accountType"] == "Company"
    assert fields["Preferred Language"]["displayType"] == "Dropdown"
