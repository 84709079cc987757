"""Raw callers for the Neon CRM emulator tests: a settable clock and a Basic-auth session."""

from __future__ import annotations

from typing import Any

import requests

from app.sandbox.neoncrm import NeonCrmEmulator


class RawNeon:
    """Requests to one host of the emulator, signed in with an org id and API key."""

    def __init__(
        self,
        emulator: NeonCrmEmulator,
        org_id: str,
        api_key: str,
        *,
        trial: bool = False,
        version: str | None = "2.11",
    ) -> None:
        self.emulator = emulator
        self.base = emulator.trial_url if trial else emulator.api_url
        self.session = requests.Session()
        self.session.auth = (org_id, api_key)
        if version is not None:
            self.session.headers["NEON-API-VERSION"] = version

    def close(self) -> None:
        self.session.close()

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.base + path, timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def search(
        self,
        criteria: list[dict[str, Any]],
        outputs: list[Any],
        *,
        page: int = 0,
        size: int = 200,
        **pagination: Any,
    ) -> requests.Response:
        body = {
            "searchFields": criteria,
            "outputFields": outputs,
            "pagination": {"currentPage": page, "pageSize": size, **pagination},
        }
        return self.call("POST", "/accounts/search", json=body)

    def search_rows(self, criteria: list[dict[str, Any]], outputs: list[Any]) -> list[Any]:
        answer = self.search(criteria, outputs)
        assert answer.status_code == 200, answer.text
        rows: list[Any] = answer.json()["searchResults"]
        return rows

    def account(self, account_id: str) -> dict[str, Any]:
        answer = self.get(f"/accounts/{account_id}")
        assert answer.status_code in (200, 222), answer.text
        body: dict[str, Any] = answer.json()
        return body.get("individualAccount") or body["companyAccount"]


def codes(response: requests.Response) -> list[str]:
    """The ``code`` of each ``{code, message}`` in an error answer."""
    return [item["code"] for item in response.json()]


def criterion(field: str, operator: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"field": field, "operator": operator, **extra}
    if value is not None:
        item["value"] = value
    return item
