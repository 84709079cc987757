"""Helpers for the Klaviyo emulator tests: a settable clock and a raw JSON:API caller."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import requests

from app.sandbox.klaviyo import API_KEY, KlaviyoEmulator
from tests.sandbox.raw_calls import RawCalls

REVISION = "2026-07-15"
JSONAPI = "application/vnd.api+json"


class KlaviyoApi(RawCalls):
    """Raw calls to one emulator with the sample private key and the current revision."""

    def __init__(self, emulator: KlaviyoEmulator, session: requests.Session) -> None:
        self.emulator = emulator
        self.session = session
        self.key = API_KEY
        self.revision: str | None = REVISION

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {
            "Authorization": f"Klaviyo-API-Key {self.key}",
            "revision": self.revision,
            "Accept": JSONAPI,
        }
        if "json" in kwargs:
            headers["Content-Type"] = JSONAPI
        headers.update(kwargs.pop("headers", {}))
        sent = {k: v for k, v in headers.items() if v is not None}
        url = path if path.startswith("http") else self.emulator.api_url + path
        return self.session.request(method, url, headers=sent, timeout=30, **kwargs)

    # -- shortcuts ---------------------------------------------------------------------

    def create_list(self, name: str, **attrs: Any) -> str:
        answer = self.post(
            "/lists", json={"data": {"type": "list", "attributes": {"name": name, **attrs}}}
        )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["data"]["id"])

    def import_profiles(
        self, profiles: Iterable[Mapping[str, Any]], lists: Iterable[str] = ()
    ) -> requests.Response:
        body: dict[str, Any] = {
            "data": {
                "type": "profile-bulk-import-job",
                "attributes": {
                    "profiles": {
                        "data": [{"type": "profile", "attributes": dict(p)} for p in profiles]
                    }
                },
            }
        }
        list_ids = list(lists)
        if list_ids:
            body["data"]["relationships"] = {
                "lists": {"data": [{"type": "list", "id": i} for i in list_ids]}
            }
        return self.post("/profile-bulk-import-jobs", json=body)

    def run_import(
        self, profiles: Iterable[Mapping[str, Any]], lists: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Import and poll until the job ends; the job's last answer."""
        answer = self.import_profiles(profiles, lists)
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["data"]["id"]
        for _ in range(10):
            job = self.get(f"/profile-bulk-import-jobs/{job_id}").json()["data"]
            if job["attributes"]["status"] in ("complete", "cancelled"):
                return dict(job)
        raise AssertionError("the import job never ended")

    def subscribe(
        self,
        emails: Iterable[str],
        *,
        list_id: str | None = None,
        historical: bool = True,
        consented_at: str | None = "2025-05-01T10:00:00Z",
    ) -> requests.Response:
        marketing: dict[str, Any] = {"consent": "SUBSCRIBED"}
        if consented_at is not None:
            marketing["consented_at"] = consented_at
        data: dict[str, Any] = {
            "type": "profile-subscription-bulk-create-job",
            "attributes": {
                "historical_import": historical,
                "profiles": {
                    "data": [
                        {
                            "type": "profile",
                            "attributes": {
                                "email": e,
                                "subscriptions": {"email": {"marketing": marketing}},
                            },
                        }
                        for e in emails
                    ]
                },
            },
        }
        if list_id:
            data["relationships"] = {"list": {"data": {"type": "list", "id": list_id}}}
        return self.post("/profile-subscription-bulk-create-jobs", json={"data": data})

    def unsubscribe(
        self, emails: Iterable[str], *, list_id: str | None = None
    ) -> requests.Response:
        data: dict[str, Any] = {
            "type": "profile-subscription-bulk-delete-job",
            "attributes": {
                "profiles": {
                    "data": [
                        {
                            "type": "profile",
                            "attributes": {
                                "email": e,
                                "subscriptions": {
                                    "email": {"marketing": {"consent": "UNSUBSCRIBED"}}
                                },
                            },
                        }
                        for e in emails
                    ]
                }
            },
        }
        if list_id:
            data["relationships"] = {"list": {"data": {"type": "list", "id": list_id}}}
        return self.post("/profile-subscription-bulk-delete-jobs", json={"data": data})

    def suppress(self, emails: Iterable[str]) -> requests.Response:
        return self.post(
            "/profile-suppression-bulk-create-jobs",
            json={
                "data": {
                    "type": "profile-suppression-bulk-create-job",
                    "attributes": {
                        "profiles": {
                            "data": [
                                {"type": "profile", "attributes": {"email": e}} for e in emails
                            ]
                        }
                    },
                }
            },
        )

    def event(self, metric: str, email: str, **attrs: Any) -> requests.Response:
        body = {
            "data": {
                "type": "event",
                "attributes": {
                    "properties": attrs.pop("properties", {}),
                    "metric": {"data": {"type": "metric", "attributes": {"name": metric}}},
                    "profile": {"data": {"type": "profile", "attributes": {"email": email}}},
                    **attrs,
                },
            }
        }
        return self.post("/events", json=body)

    def bulk_events(
        self, entries: Iterable[tuple[str, list[dict[str, Any]]]], **entry_attrs: Any
    ) -> requests.Response:
        """``entries`` are (email, events); each event holds ``metric`` and its attributes."""
        data = []
        for email, events in entries:
            items = []
            for event in events:
                attrs = dict(event)
                name = attrs.pop("metric")
                attrs.setdefault("properties", {})
                attrs["metric"] = {"data": {"type": "metric", "attributes": {"name": name}}}
                items.append({"type": "event", "attributes": attrs})
            data.append(
                {
                    "type": "event-bulk-create",
                    "attributes": {
                        "profile": {"data": {"type": "profile", "attributes": {"email": email}}},
                        "events": {"data": items},
                        **entry_attrs,
                    },
                }
            )
        return self.post(
            "/event-bulk-create-jobs",
            json={
                "data": {
                    "type": "event-bulk-create-job",
                    "attributes": {"events-bulk-create": {"data": data}},
                }
            },
        )


def error_of(answer: requests.Response) -> dict[str, Any]:
    """The first JSON:API error of an answer."""
    body = answer.json()
    assert set(body) == {"errors"}, body
    return dict(body["errors"][0])
