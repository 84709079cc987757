"""Sign-in as live orgs answer it: PKCE (and its verifier rules), tokens without
``expires_in``, refresh on 401 ``INVALID_SESSION_ID``, rotation, the blocked
username-password flow, and production versus sandbox login hosts."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from app.sandbox.salesforce import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    PASSWORD,
    SANDBOX_USERNAME,
    SECURITY_TOKEN,
    USERNAME,
    SalesforceEmulator,
)
from tests.sandbox.salesforce.sf_support import (
    REDIRECT,
    Api,
    FakeClock,
    authorize,
    code_from,
    pkce,
    token,
)

INVALID_VERIFIER = {"error": "invalid_grant", "error_description": "invalid code verifier"}
EXPIRED_REFRESH = {"error": "invalid_grant", "error_description": "expired access/refresh token"}
AUTH_FAILURE = {"error": "invalid_grant", "error_description": "authentication failure"}


def _sign_in(emu: SalesforceEmulator, session: requests.Session) -> dict:
    verifier, challenge = pkce()
    code = code_from(authorize(emu, session, challenge=challenge))
    answer = token(
        emu,
        session,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_web_server_flow_with_pkce_gives_the_live_token_shape(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    body = _sign_in(emu, session)
    assert "expires_in" not in body
    assert body["instance_url"] == emu.instance_url
    assert body["token_type"] == "Bearer" and body["scope"] == "api refresh_token"
    assert body["issued_at"].isdigit() and body["refresh_token"] and body["signature"]
    org_id, user_id = body["id"].split("/")[-2:]
    assert org_id.startswith("00D") and user_id.startswith("005")
    assert "api_instance_url" in body
    # The access token works on the instance, whose versions list needs no sign-in at all.
    api = Api(emu, session, body["access_token"])
    assert api.get("/limits").status_code == 200


def test_verifier_rules_follow_live_orgs(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    # A verifier with "~" is refused although RFC 7636 allows it.
    tilde = "abc~" + "x" * 60
    _, challenge = pkce(tilde)
    code = code_from(authorize(emu, session, challenge=challenge))
    answer = token(
        emu,
        session,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=tilde,
    )
    assert (answer.status_code, answer.json()) == (400, INVALID_VERIFIER)
    # A verifier that does not match gets the same answer (not invalid_request), and the
    # code is spent by the failed attempt.
    verifier, challenge = pkce()
    code = code_from(authorize(emu, session, challenge=challenge))
    wrong = token(
        emu,
        session,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=pkce()[0],
    )
    assert (wrong.status_code, wrong.json()) == (400, INVALID_VERIFIER)
    again = token(
        emu,
        session,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert again.json()["error"] == "invalid_grant"
    # A challenge with no verifier at all.
    code = code_from(authorize(emu, session, challenge=pkce()[1]))
    missing = token(emu, session, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert missing.json() == INVALID_VERIFIER


def test_an_app_requiring_pkce_refuses_a_request_without_a_challenge(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    params = {
        "response_type": "code",
        "client_id": CONSUMER_KEY,
        "redirect_uri": REDIRECT,
        "state": "st-1",
    }  # no code_challenge
    answer = session.get(
        f"{emu.login_url}/services/oauth2/authorize",
        params=params,
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert query["state"] == ["st-1"]


def test_unknown_consumer_key_and_foreign_callback_stop_at_the_login_page(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    page = session.get(
        f"{emu.login_url}/services/oauth2/authorize",
        params={"response_type": "code", "client_id": "nope", "redirect_uri": REDIRECT},
        timeout=10,
    )
    assert page.status_code == 400 and "invalid_client_id" in page.text
    emu.register_app("strict-app", callbacks=["https://app.example/cb"])
    page = session.get(
        f"{emu.login_url}/services/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": "strict-app",
            "redirect_uri": REDIRECT,
            "code_challenge": pkce()[1],
        },
        timeout=10,
    )
    assert page.status_code == 400 and "redirect_uri_mismatch" in page.text
    unknown = token(emu, session, client_id="nope", grant_type="refresh_token", refresh_token="x")
    assert unknown.json() == {
        "error": "invalid_client_id",
        "error_description": "client identifier invalid",
    }


def test_expired_session_gets_401_and_a_refresh_brings_it_back(
    emu: SalesforceEmulator, session: requests.Session, clock: FakeClock
) -> None:
    body = _sign_in(emu, session)
    api = Api(emu, session, body["access_token"])
    assert api.query("SELECT Id FROM Contact LIMIT 1").status_code == 200
    emu.expire_tokens()
    errors = api.errors(api.query("SELECT Id FROM Contact LIMIT 1"), 401)
    assert errors == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    fresh = token(emu, session, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert fresh.status_code == 200
    assert "refresh_token" not in fresh.json()  # no rotation: the old one keeps working
    assert "expires_in" not in fresh.json() and fresh.json()["instance_url"] == emu.instance_url
    api.access = fresh.json()["access_token"]
    assert api.query("SELECT Id FROM Contact LIMIT 1").status_code == 200
    # Two hours without a call time the session out.
    clock.advance(hours=2, minutes=1)
    assert api.query("SELECT Id FROM Contact LIMIT 1").status_code == 401


def test_rotated_refresh_token_works_once(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    emu.register_app(CONSUMER_KEY, secret=CONSUMER_SECRET, rotate_refresh=True)
    body = _sign_in(emu, session)
    first = token(emu, session, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert first.status_code == 200 and first.json()["refresh_token"] != body["refresh_token"]
    reused = token(emu, session, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert (reused.status_code, reused.json()) == (400, EXPIRED_REFRESH)


def test_revoking_a_refresh_token_ends_its_sessions(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    body = _sign_in(emu, session)
    revoked = session.post(
        f"{emu.login_url}/services/oauth2/revoke", data={"token": body["refresh_token"]}, timeout=10
    )
    assert revoked.status_code == 200
    api = Api(emu, session, body["access_token"])
    assert api.get("/limits").status_code == 401
    again = token(emu, session, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert again.json() == EXPIRED_REFRESH


def test_username_password_flow_is_blocked_until_the_org_allows_it(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    form = {
        "grant_type": "password",
        "client_secret": CONSUMER_SECRET,
        "username": USERNAME,
        "password": PASSWORD + SECURITY_TOKEN,
    }
    blocked = token(emu, session, **form)
    assert (blocked.status_code, blocked.json()) == (400, AUTH_FAILURE)
    emu.allow_password_flow()
    allowed = token(emu, session, **form)
    assert allowed.status_code == 200, allowed.text
    assert "refresh_token" not in allowed.json() and "expires_in" not in allowed.json()
    # A missing security token reads exactly like the blocked flow.
    no_token = token(emu, session, **{**form, "password": PASSWORD})
    assert no_token.json() == AUTH_FAILURE
    no_secret = token(emu, session, **{k: v for k, v in form.items() if k != "client_secret"})
    assert no_secret.json()["error"] == "invalid_client"
    wrong_grant = token(emu, session, grant_type="client_magic")
    assert wrong_grant.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant type not supported",
    }


def test_sandbox_users_sign_in_on_the_test_host_only(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    verifier, challenge = pkce()
    on_login = authorize(emu, session, challenge=challenge, username=SANDBOX_USERNAME)
    assert on_login.status_code == 200 and "check your username and password" in on_login.text
    answer = authorize(
        emu, session, host_url=emu.test_url, challenge=challenge, username=SANDBOX_USERNAME
    )
    code = code_from(answer)
    # A code from the test host is no good on the login host.
    elsewhere = token(
        emu,
        session,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert elsewhere.json()["error"] == "invalid_grant"
    code = code_from(
        authorize(
            emu, session, host_url=emu.test_url, challenge=challenge, username=SANDBOX_USERNAME
        )
    )
    body = token(
        emu,
        session,
        emu.test_url,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    ).json()
    assert body["id"].startswith(emu.test_url) and body["instance_url"] == emu.instance_url
    production = authorize(emu, session, host_url=emu.test_url, challenge=challenge)
    assert production.status_code == 200  # the production user is refused on the test host


def test_userinfo_answers_without_the_limit_header(
    emu: SalesforceEmulator, session: requests.Session
) -> None:
    body = _sign_in(emu, session)
    info = session.get(
        f"{emu.instance_url}/services/oauth2/userinfo",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=10,
    )
    assert info.status_code == 200
    assert info.json()["preferred_username"] == USERNAME
    assert info.json()["updated_at"].endswith("Z")
    assert "Sforce-Limit-Info" not in info.headers


def test_the_sandbox_browser_stand_in_signs_in_and_allows(emu: SalesforceEmulator) -> None:
    """The app's stand-in posts the login form as served: the prefilled sample user."""
    from app.connectors.oauth_loopback import LoopbackReceiver
    from app.sync.sandbox_browser import approve_in_sandbox

    _, challenge = pkce()
    with LoopbackReceiver("st") as receiver:
        url = (
            f"{emu.login_url}/services/oauth2/authorize?response_type=code"
            f"&client_id={CONSUMER_KEY}&state=st&code_challenge={challenge}"
            f"&code_challenge_method=S256&redirect_uri={receiver.redirect_uri}"
        )
        approve_in_sandbox(url)
        params = receiver.wait(5)
    assert params["code"].startswith("aPrx") and params["state"] == "st"
