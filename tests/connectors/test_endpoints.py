"""Service URLs: defaults, settings and the environment override."""

from __future__ import annotations

from app.connectors.endpoints import SCOPES, ServiceUrls, constant_contact_urls


def test_defaults():
    urls = constant_contact_urls(environ={})
    assert urls == ServiceUrls(
        "https://api.cc.email/v3", "https://authz.constantcontact.com/oauth2/default/v1"
    )
    assert urls.token_url == "https://authz.constantcontact.com/oauth2/default/v1/token"
    assert urls.authorize_url.endswith("/v1/authorize")
    assert urls.device_authorize_url.endswith("/v1/device/authorize")
    assert urls.api_origin == "https://api.cc.email"
    assert urls.api_base_path == "/v3"


def test_environment_overrides_settings():
    settings = {"cc_api_url": "http://settings/v3", "cc_auth_url": "http://settings/auth"}
    env = {
        "CONTACTBRIDGE_CC_API_URL": "http://127.0.0.1:9/v3/",
        "CONTACTBRIDGE_CC_AUTH_URL": "http://127.0.0.1:9/oauth2/default/v1",
    }
    assert constant_contact_urls(settings, environ={}).api_url == "http://settings/v3"
    urls = constant_contact_urls(settings, environ=env)
    assert urls.api_url == "http://127.0.0.1:9/v3"
    assert urls.auth_url == "http://127.0.0.1:9/oauth2/default/v1"
    assert urls.api_origin == "http://127.0.0.1:9"


def test_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("CONTACTBRIDGE_CC_API_URL", "http://localhost:1/v3")
    monkeypatch.delenv("CONTACTBRIDGE_CC_AUTH_URL", raising=False)
    urls = constant_contact_urls()
    assert urls.api_url == "http://localhost:1/v3"
    assert urls.auth_url.startswith("https://authz.constantcontact.com")


def test_scopes_ask_for_refresh_tokens_and_campaign_reports():
    """Contacts, the account's name, campaign statistics, and a refresh token to keep them."""
    assert set(SCOPES) == {"contact_data", "campaign_data", "account_read", "offline_access"}
