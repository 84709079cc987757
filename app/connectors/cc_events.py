"""Constant Contact's events (the Event Management API): events and their registrations.

It speaks through the contacts client's ``ApiSession`` (``ConstantContactClient.api``), as
the campaign reports client does: the same sign-in, retries, throttle and quota stop. The
scope is ``campaign_data``.

- ``GET /events``: every event, 100 a page (the most), ``next_cursor`` to page on;
- ``GET /events/{event_id}``: an event's details, among them its ``default_track``, whose
  ``track_id`` the registrations need;
- ``GET /events/{event_id}/tracks/{track_id}/registrations``: its registrants, paged the
  same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from app.connectors.campaign_reports import parse_time
from app.connectors.http import ApiSession
from app.core.campaign_responses import CcEvent, Registrant
from app.core.email_address import email_key

PAGE = 100  # the most an events or registrations page gives
LEFT_OUT = frozenset({"DRAFT", "DELETED", "ERROR"})  # never held, or gone


def _text(item: Mapping[str, Any], key: str) -> str:
    return str(item.get(key) or "").strip()


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def registrant(item: Mapping[str, Any]) -> Registrant | None:
    """A registration as the app keeps it; None without an email address."""
    email = email_key(_text(item, "email_address"))
    if not email:
        return None
    try:
        tickets = int(item.get("tickets") or 0)
    except (TypeError, ValueError):
        tickets = 0
    checked = _text(item, "checkin_status").upper() in ("CHECKED_IN", "PARTIALLY_CHECKED_IN")
    return Registrant(
        registration_id=_text(item, "registration_id"),
        email=email,
        first_name=_text(item, "first_name"),
        last_name=_text(item, "last_name"),
        registered_at=parse_time(item.get("registration_time")),
        status=_text(item, "registration_status").upper(),
        payment_status=_text(item, "payment_status").upper(),
        tickets=tickets,
        total=_number(item.get("total")),
        checked_in=checked,
    )


class EventsClient:
    """Reads the account's events and their registrants.

    Attributes:
        requests: the requests this client made (each page is one).
    """

    def __init__(self, api: ApiSession, page_size: int = PAGE) -> None:
        self.api = api
        self.page_size = page_size
        self.requests = 0

    def _get(self, template: str, **kwargs: Any) -> dict[str, Any]:
        self.requests += 1
        return dict(self.api.get(template, **kwargs) or {})

    def _pages(
        self, template: str, path_params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"limit": str(self.page_size)}
        while True:
            data = self._get(template, path_params=dict(path_params or {}), params=params)
            yield data
            cursor = _text(data, "next_cursor")
            if not cursor or not data.get("records"):
                return
            params = {"limit": str(self.page_size), "next": cursor}

    def events(self, since: datetime) -> Iterator[dict[str, Any]]:
        """The events that start (or, without a start, were made) at ``since`` or later,
        drafts and deleted ones left out: each as the listing gives it."""
        for data in self._pages("/events"):
            for item in data.get("records") or ():
                if not item.get("event_id") or _text(item, "status").upper() in LEFT_OUT:
                    continue
                when = parse_time(item.get("start_time")) or parse_time(item.get("create_time"))
                if when is not None and when >= since:
                    yield dict(item)

    def track_of(self, event_id: str) -> str:
        """The event's default track (its registrations live under it)."""
        data = self._get("/events/{event_id}", path_params={"event_id": event_id})
        return _text(data.get("default_track") or {}, "track_id")

    def registrants(self, event_id: str, track_id: str) -> Iterator[Registrant]:
        template = "/events/{event_id}/tracks/{track_id}/registrations"
        for data in self._pages(template, {"event_id": event_id, "track_id": track_id}):
            for item in data.get("records") or ():
                found = registrant(item)
                if found is not None:
                    yield found

    def event(self, item: Mapping[str, Any]) -> CcEvent:
        """An event of the listing with all its registrants."""
        event_id = _text(item, "event_id")
        track = self.track_of(event_id)
        people = tuple(self.registrants(event_id, track)) if track else ()
        return CcEvent(
            event_id=event_id,
            name=_text(item, "name") or _text(item, "title") or event_id,
            status=_text(item, "status").upper(),
            starts_at=parse_time(item.get("start_time")),
            ends_at=parse_time(item.get("end_time")),
            registrants=people,
            description=_text(item, "description"),
        )
