"""The Constant Contact v3 client: lists, custom fields, contacts and bulk activities."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import requests

from app.connectors.activity_timing import Pace, PollTimer
from app.connectors.activity_watch import ActivityWatch
from app.connectors.auth import BearerAuth, TokenProvider
from app.connectors.base import ActivityStatus, RequestStats
from app.connectors.endpoints import ServiceUrls
from app.connectors.http import (
    CONSTANT_CONTACT,
    DEFAULT_TIMEOUT,
    ApiSession,
    EncodedJson,
    RateLimiter,
    RetryPolicy,
    constant_contact_message,
    shared_limiter,
)
from app.connectors.import_chunks import encode_import_body
from app.connectors.wire import (
    WirePolicy,
    daily_quota_in_body,
    next_utc_midnight,
    throttle_on_429,
)
from app.core.errors import ConflictError, NotFound
from app.core.fields import IMPORT_MAX_BYTES, IMPORT_MAX_CONTACTS, custom_key
from app.core.records import ContactList, CustomField, Permission, RemoteContact

CONTACT_INCLUDES = "custom_fields,list_memberships,phone_numbers,street_addresses"
# A 409 for an email names the contact that has it (the wording since 2022).
EMAIL_OWNER_RE = re.compile(r"already exists for contact ([0-9A-Fa-f-]{36})")
CONTACTS_PAGE = 500
LISTS_PAGE = 500  # the spec's text says 1-500 (its schema says 1000)
CUSTOM_FIELDS_PAGE = 100
MAX_LIST_IDS = 50
MAX_LISTS_FILTER = 25
MAX_CONTACT_IDS = 500
OPT_OUT_REASON_MAX = 255

# Top-level fields a PUT keeps only if we send them back: a PUT replaces the contact, so a
# scalar left out is cleared. Arrays left out are kept, so a PUT never sends them back.
_PUT_SCALARS = (
    "first_name",
    "last_name",
    "job_title",
    "company_name",
    "birthday_month",
    "birthday_day",
    "anniversary",
)
_ADDRESS_FIELDS = {"street": "street", "city": "city", "state": "state", "postal_code": "zip"}

# How Constant Contact is spoken to: OAuth 2 bearer tokens (PKCE, rotating refresh tokens).
# A 429 is either "throttled" (the per-second limit: back off) or "quota_exceeded" (the key's
# 10,000 requests a day: stop until 00:00 UTC). Its error bodies carry `error_message`.
WIRE = WirePolicy(
    service=CONSTANT_CONTACT,
    signals=(
        daily_quota_in_body(429, "quota_exceeded", resets=next_utc_midnight),
        throttle_on_429(),
    ),
    message_of=constant_contact_message,
)


class ConstantContactClient:
    """Implements ``app.connectors.base.ConstantContact`` over the v3 REST API.

    Args:
        urls: where the API lives (see ``endpoints.constant_contact_urls``).
        token_manager: gives access tokens (an ``oauth.TokenManager``).
        session: a session from ``http.build_session``; one is made if omitted.
        stats: counts every request by ``METHOD /v3/path-template``.
        limiter: the client-side throttle; defaults to the one shared by every client of
            the same API key (the token manager's ``client_id``) in this process.
        sleep: waits between activity polls and retries (injectable for tests).
        clock: monotonic seconds, for the throttle and for timing bulk activities.

    Attributes:
        activity_pace: how fast Constant Contact worked through this client's last bulk
            activities; the next wait plans its looks with it (see ``activity_timing``).
    """

    def __init__(
        self,
        urls: ServiceUrls,
        token_manager: TokenProvider,
        *,
        session: requests.Session | None = None,
        stats: RequestStats | None = None,
        limiter: RateLimiter | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, safe as a default
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.urls = urls
        if limiter is None:
            limiter = shared_limiter(str(getattr(token_manager, "client_id", "default")))
        self.api = ApiSession(
            urls.api_url,
            WIRE.signed_by(BearerAuth(token_manager)),
            session=session,
            limiter=limiter,
            stats=stats,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
            clock=clock,
            now=now,
        )
        self._sleep = sleep
        self._clock = clock
        self._sent: dict[str, tuple[float, int]] = {}  # activity id -> (sent at, items)
        self.activity_pace = Pace()
        self._field_names: dict[str, str] = {}
        # Page sizes: the API's maximum by default; tests lower them to exercise paging.
        self.contacts_page_size = CONTACTS_PAGE
        self.lists_page_size = LISTS_PAGE
        self.custom_fields_page_size = CUSTOM_FIELDS_PAGE

    @property
    def stats(self) -> RequestStats:
        return self.api.stats

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> ConstantContactClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- account ----------------------------------------------------------------------------

    def get_account_summary(self) -> dict[str, Any]:
        return dict(self.api.get("/account/summary") or {})

    # -- lists ------------------------------------------------------------------------------

    def list_contact_lists(self) -> list[ContactList]:
        params = {"limit": self.lists_page_size, "include_membership_count": "all"}
        return [_to_list(item) for item in self._pages("/contact_lists", params, "lists")]

    def find_list_by_name(self, name: str) -> ContactList | None:
        """The list of this name, capitals aside: Constant Contact refuses "newsletter" when
        "Newsletter" exists, so that is the list a profile naming "newsletter" means.

        The ``name`` filter first (one request); whether it ignores case is not documented,
        so when it finds nothing every list is compared (only before a list is created).
        """
        wanted = name.casefold()
        params = {"limit": self.lists_page_size, "include_membership_count": "all"}
        for query in ({**params, "name": name}, params):
            items = list(self._pages("/contact_lists", query, "lists"))
            same = [i for i in items if str(i.get("name", "")).casefold() == wanted]
            if same:  # the exact spelling first, should an old account hold both
                return _to_list(next((i for i in same if i.get("name") == name), same[0]))
        return None

    def create_list(self, name: str, description: str = "") -> ContactList:
        body = {"name": name, "favorite": False, "description": description}
        try:
            # A repeat after a lost answer gives a 409, which the lookup below settles.
            return _to_list(self.api.post("/contact_lists", json=body, idempotent=True))
        except ConflictError:
            existing = self.find_list_by_name(name)
            if existing is None:
                raise
            return existing

    def rename_list(self, list_id: str, name: str) -> ContactList:
        """Give a list a new name, keeping its description and favorite mark (GET, PUT)."""
        path = {"list_id": list_id}
        current = self.api.get("/contact_lists/{list_id}", path_params=path) or {}
        body = {
            "name": name,
            "favorite": bool(current.get("favorite", False)),
            "description": str(current.get("description") or ""),
        }
        return _to_list(self.api.put("/contact_lists/{list_id}", path_params=path, json=body))

    def delete_list(self, list_id: str) -> str:
        """Delete a list (its contacts stay in the account); returns the activity id."""
        data = self.api.request(
            "DELETE", "/contact_lists/{list_id}", path_params={"list_id": list_id}
        )
        return str((data or {}).get("activity_id", ""))

    def iter_list_members(self, list_id: str) -> Iterator[RemoteContact]:
        """The contacts on one list, page by page (deleted contacts are on no list)."""
        for contact in self.iter_contacts(lists=[list_id], status="all"):
            if not contact.deleted:
                yield contact

    # -- custom fields ----------------------------------------------------------------------

    def list_custom_fields(self) -> list[CustomField]:
        params = {"limit": self.custom_fields_page_size}
        fields = [
            _to_custom_field(item)
            for item in self._pages("/contact_custom_fields", params, "custom_fields")
        ]
        self._field_names = {f.custom_field_id: f.name for f in fields}
        return fields

    def create_custom_field(self, label: str, type: str = "string") -> CustomField:
        try:
            data = self.api.post(
                "/contact_custom_fields", json={"label": label, "type": type}, idempotent=True
            )
        except ConflictError:
            for existing in self.list_custom_fields():  # labels are unique in any letter case
                if existing.label.casefold() == label.casefold():
                    return existing
            raise
        field = _to_custom_field(data)
        self._field_names[field.custom_field_id] = field.name
        return field

    # -- contacts ---------------------------------------------------------------------------

    def get_contact_by_email(self, email: str) -> RemoteContact | None:
        params = {"email": email, "status": "all", "include": CONTACT_INCLUDES}
        data = self.api.get("/contacts", params=params) or {}
        for item in data.get("contacts", []):
            address = (item.get("email_address") or {}).get("address", "")
            if address.lower() == email.lower():
                return self._to_contact(item)
        return None

    def iter_contacts(
        self,
        *,
        updated_after: datetime | None = None,
        status: str = "all",
        lists: Sequence[str] = (),
        optout_after: datetime | None = None,
    ) -> Iterator[RemoteContact]:
        """Every matching contact once, page by page (500 a page); deleted ones by default.

        ``optout_after`` finds contacts who unsubscribed after a time (with ``status``
        "unsubscribed"), however long ago their other details changed.

        More than 25 list ids are queried in groups of 25 (the API's limit), without repeats.
        Contacts added or changed while the pages are read are not lost (see
        :meth:`_read_contacts`).
        """
        params: dict[str, Any] = {
            "status": status,
            # Addresses and phones too: two-way profiles compare them and import them.
            "include": CONTACT_INCLUDES,
            "limit": self.contacts_page_size,
        }
        if updated_after is not None:
            params["updated_after"] = _iso(updated_after)
        if optout_after is not None:
            params["optout_after"] = _iso(optout_after)
        groups = [lists[i : i + MAX_LISTS_FILTER] for i in range(0, len(lists), MAX_LISTS_FILTER)]
        seen: dict[str, Any] = {}
        for group in groups or [()]:
            query = dict(params, lists=",".join(group)) if group else params
            yield from self._read_contacts(query, seen)

    def _read_contacts(
        self, params: Mapping[str, Any], seen: dict[str, Any]
    ) -> Iterator[RemoteContact]:
        """The contacts of one query, each once, although the pages shift while being read.

        Constant Contact pages by page number, newest first. A contact added or changed
        between two page reads goes to the front and pushes the rest back: a row shows up
        again on the next page (yielded once: ``seen`` maps contact id -> ``updated_at`` as
        read), and the moved contact sits on a page already read. So after a read of several
        pages the front is read again, until a page holds only contacts seen unchanged.
        """
        pages = 0
        for page in self._page_data("/contacts", params):
            pages += 1
            for item in page.get("contacts", []):
                if item["contact_id"] not in seen:
                    seen[item["contact_id"]] = item.get("updated_at")
                    yield self._to_contact(item)
        if pages < 2:
            return  # one page is read at once: nothing can have moved
        for page in self._page_data("/contacts", params):
            settled = True
            for item in page.get("contacts", []):
                if seen.get(item["contact_id"], "") != item.get("updated_at"):
                    settled = False
                if item["contact_id"] not in seen:
                    seen[item["contact_id"]] = item.get("updated_at")
                    yield self._to_contact(item)
            if settled:
                return

    def count_contacts(self, *, updated_after: datetime | None = None) -> int:
        """How many contacts (any status, deleted too) changed after a time: one request."""
        params: dict[str, Any] = {"status": "all", "limit": 1, "include_count": "true"}
        if updated_after is not None:
            params["updated_after"] = _iso(updated_after)
        data = self.api.get("/contacts", params=params) or {}
        return int(data.get("contacts_count") or 0)

    def unsubscribe_contact(self, contact_id: str, reason: str = "") -> None:
        """Mark the contact unsubscribed, keeping every other field (GET, merge, PUT)."""
        path = {"contact_id": contact_id}
        current = self.api.get("/contacts/{contact_id}", path_params=path)
        body = put_body(current, update_source="Account")
        body["email_address"]["permission_to_send"] = Permission.UNSUBSCRIBED.value
        if reason:
            body["email_address"]["opt_out_reason"] = reason[:OPT_OUT_REASON_MAX]
        self.api.put("/contacts/{contact_id}", path_params=path, json=body)

    def update_contact_email(self, contact_id: str, new_email: str) -> RemoteContact:
        """Give the contact a new email address, keeping every other field (GET, merge, PUT).

        Consent is untouched: the PUT sends back the permission it read. Returns the contact
        as it now is; no PUT is sent when it already has that address.

        Raises:
            ConflictError: another contact already has ``new_email`` (never merged here);
                its ``existing_id`` is that contact's id when Constant Contact named it.
        """
        path = {"contact_id": contact_id}
        includes = {"include": CONTACT_INCLUDES}
        current = self.api.get("/contacts/{contact_id}", path_params=path, params=includes)
        address = ((current or {}).get("email_address") or {}).get("address") or ""
        if address.lower() == new_email.lower():
            return self._to_contact(current)
        body = put_body(current, update_source="Account")
        body["email_address"]["address"] = new_email
        try:
            updated = self.api.put("/contacts/{contact_id}", path_params=path, json=body)
        except ConflictError as exc:
            found = EMAIL_OWNER_RE.search(exc.body or "")
            exc.existing_id = exc.existing_id or (found.group(1) if found else "")
            raise
        # The answer echoes only what was sent: lists and fields are as read before the PUT.
        now = {k: v for k, v in (updated or {}).items() if k in ("email_address", "updated_at")}
        return self._to_contact({**current, "email_address": body["email_address"], **now})

    def delete_contact(self, contact_id: str) -> None:
        """Delete a contact (it leaves every list). One already deleted is no error."""
        try:
            self.api.request(
                "DELETE", "/contacts/{contact_id}", path_params={"contact_id": contact_id}
            )
        except NotFound:
            return

    def clear_contact_fields(self, contact_id: str, keys: Sequence[str]) -> None:
        """Empty these fields of the contact (the import's flat keys: names, ``*_phone``,
        address parts), keeping every other field and its consent (GET, merge, PUT).

        A bulk import sets values but cannot empty one. Phones and the address are sent
        back only when one of them is emptied (a PUT leaves arrays it is not sent alone).
        """
        wanted = {k for k in keys if clearable(k)}
        if not wanted:
            return
        path = {"contact_id": contact_id}
        includes = {"include": CONTACT_INCLUDES}
        current = self.api.get("/contacts/{contact_id}", path_params=path, params=includes)
        body = put_body(current, update_source="Account")
        for key in wanted & set(_PUT_SCALARS):
            body.pop(key, None)
        if any(k.endswith("_phone") for k in wanted):
            body["phone_numbers"] = [
                {"phone_number": p.get("phone_number", ""), "kind": p.get("kind") or "other"}
                for p in current.get("phone_numbers") or []
                if f"{p.get('kind') or 'other'}_phone" not in wanted
            ]
        address_keys = {**_ADDRESS_FIELDS, "country": "country"}
        if wanted & set(address_keys.values()):
            addresses = current.get("street_addresses") or []
            kept = [{k: a[k] for k in ("kind", *address_keys) if a.get(k)} for a in addresses[:1]]
            for a in kept:
                for cc_key, flat_key in address_keys.items():
                    if flat_key in wanted:
                        a.pop(cc_key, None)
            body["street_addresses"] = [a for a in kept if set(a) - {"kind"}]
        self.api.put("/contacts/{contact_id}", path_params=path, json=body)

    # -- bulk activities --------------------------------------------------------------------

    def start_contacts_import(
        self, import_data: Sequence[Mapping[str, str]], list_ids: Sequence[str]
    ) -> str:
        """Start a JSON import; returns the activity id. Use ``chunk_import_items`` first."""
        if not import_data:
            raise ValueError("Nothing to import.")
        if not 1 <= len(list_ids) <= MAX_LIST_IDS:
            raise ValueError(f"An import needs 1 to {MAX_LIST_IDS} lists, not {len(list_ids)}.")
        if len(import_data) > IMPORT_MAX_CONTACTS:
            raise ValueError(
                f"An import takes at most {IMPORT_MAX_CONTACTS} contacts, not {len(import_data)}."
            )
        body = EncodedJson(encode_import_body(import_data, list_ids))
        if len(body.data) >= IMPORT_MAX_BYTES:
            raise ValueError(f"An import must be under 4 MB; this one is {len(body.data)} bytes.")
        # Retried after a reset or 5xx although it is a POST: a repeat may start a second
        # activity, which is harmless because an import is an idempotent upsert by email.
        data = self.api.post("/activities/contacts_json_import", json=body, idempotent=True)
        return self._started(data, len(import_data))

    def get_activity(self, activity_id: str) -> ActivityStatus:
        data = self.api.get("/activities/{activity_id}", path_params={"activity_id": activity_id})
        return to_activity(data)

    def list_activities(self, limit: int = 50) -> list[ActivityStatus]:
        """The account's most recent bulk activities, newest first (one page, 1-500)."""
        data = self.api.get("/activities", params={"limit": max(1, min(limit, 500))}) or {}
        return [to_activity(item) for item in data.get("activities") or ()]

    def watch_activities(
        self,
        *,
        should_stop: Callable[[float], bool] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_look: Callable[[Sequence[ActivityStatus]], None] | None = None,
    ) -> ActivityWatch:
        """A wait on several bulk activities at once: ``add`` them, then ``wait`` returns
        those a look finds finished. One request per look, whatever their number; looks
        come when the activities' sizes and the pace seen say the work should be done.

        ``should_stop(seconds)`` does the waiting and returns True to cancel
        (``CancelToken.wait`` fits); it is called with at most half a second, so Cancel is
        seen at once. ``on_progress(done, total)`` counts items, expected between looks.
        """

        def learn(pace: Pace) -> None:
            self.activity_pace = pace

        return ActivityWatch(
            self,
            clock=self._clock,
            wait=should_stop or self._sleep_then_go_on,
            timer=PollTimer(self.activity_pace),
            sent=self._sent,
            on_progress=on_progress,
            on_look=on_look,
            on_pace=learn,
        )

    def wait_for_activity(
        self,
        activity_id: str,
        *,
        should_stop: Callable[[float], bool] | None = None,
        on_progress: Callable[[ActivityStatus], None] | None = None,
    ) -> ActivityStatus:
        """Wait until the activity finishes, looking when its size and the pace seen say it
        should be done (see ``watch_activities``); ``on_progress`` gets each look's status.

        ``should_stop(seconds)`` does the waiting and returns True to cancel
        (``CancelToken.wait`` fits); cancelling raises :class:`Cancelled`. A failed activity
        is returned, not raised: check ``succeeded`` and ``errors``.
        """

        def looked(statuses: Sequence[ActivityStatus]) -> None:
            if on_progress is not None:
                for status in statuses:
                    on_progress(status)

        watch = self.watch_activities(should_stop=should_stop, on_look=looked)
        watch.add(activity_id)
        return watch.wait()[0]

    def _started(self, data: Mapping[str, Any], items: int) -> str:
        """The new activity's id, remembered with its size and when it was sent."""
        activity_id = str(data["activity_id"])
        self._sent[activity_id] = (self._clock(), items)
        return activity_id

    def _sleep_then_go_on(self, seconds: float) -> bool:
        if seconds > 0:
            self._sleep(seconds)
        return False

    def remove_list_memberships(self, list_ids: Sequence[str], contact_ids: Sequence[str]) -> str:
        """Take the contacts off the lists, 500 contacts per activity; the last activity id.

        Returns "" when there is nothing to remove.
        """
        if not 1 <= len(list_ids) <= MAX_LIST_IDS:
            raise ValueError(f"Give 1 to {MAX_LIST_IDS} lists, not {len(list_ids)}.")
        activity_id = ""
        for start in range(0, len(contact_ids), MAX_CONTACT_IDS):
            chunk = list(contact_ids[start : start + MAX_CONTACT_IDS])
            body = {"source": {"contact_ids": chunk}, "list_ids": list(list_ids)}
            # Removing a membership twice changes nothing, so a repeat is safe.
            data = self.api.post("/activities/remove_list_memberships", json=body, idempotent=True)
            activity_id = self._started(data, len(chunk))
        return activity_id

    def add_list_memberships(self, list_ids: Sequence[str], contact_ids: Sequence[str]) -> str:
        """Put existing contacts on the lists, 500 per activity; the last activity id.

        Constant Contact leaves out unsubscribed contacts. Returns "" for no contacts.
        """
        if not 1 <= len(list_ids) <= MAX_LIST_IDS:
            raise ValueError(f"Give 1 to {MAX_LIST_IDS} lists, not {len(list_ids)}.")
        activity_id = ""
        for start in range(0, len(contact_ids), MAX_CONTACT_IDS):
            chunk = list(contact_ids[start : start + MAX_CONTACT_IDS])
            body = {"source": {"contact_ids": chunk}, "list_ids": list(list_ids)}
            # Adding a membership twice changes nothing, so a repeat is safe.
            data = self.api.post("/activities/add_list_memberships", json=body, idempotent=True)
            activity_id = self._started(data, len(chunk))
        return activity_id

    def delete_contacts(self, contact_ids: Sequence[str]) -> str:
        """Delete the contacts (they leave every list) with the contact_delete activity,
        500 per activity; the last activity id, or "" for no contacts.

        Deleting a contact deleted already changes nothing, so a repeat is safe. An id the
        account has no contact for is named in the activity's errors (``deletion_errors``).
        """
        activity_id = ""
        for start in range(0, len(contact_ids), MAX_CONTACT_IDS):
            chunk = list(contact_ids[start : start + MAX_CONTACT_IDS])
            data = self.api.post(
                "/activities/contact_delete", json={"contact_ids": chunk}, idempotent=True
            )
            activity_id = self._started(data, len(chunk))
        return activity_id

    # -- helpers ----------------------------------------------------------------------------

    def _pages(
        self, template: str, params: Mapping[str, Any], key: str
    ) -> Iterator[dict[str, Any]]:
        """Items of every page, following the relative ``_links.next.href`` cursor links."""
        for page in self._page_data(template, params):
            yield from page.get(key, [])

    def _page_data(self, template: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every page's body; the last page has no ``_links`` (or no ``next`` in them)."""
        data = self.api.get(template, params=dict(params)) or {}
        while True:
            yield data
            href = ((data.get("_links") or {}).get("next") or {}).get("href")
            if not href:
                return
            data = self.api.get(template, url=href) or {}

    def _to_contact(self, data: Mapping[str, Any]) -> RemoteContact:
        unknown = {
            cf.get("custom_field_id")
            for cf in data.get("custom_fields") or []
            if cf.get("custom_field_id") not in self._field_names
        }
        if unknown:
            self.list_custom_fields()
        return to_remote_contact(data, self._field_names)


def clearable(key: str) -> bool:
    """Whether ``clear_contact_fields`` can empty this flat key (custom fields: no)."""
    return (
        key in _PUT_SCALARS
        or key.endswith("_phone")
        or key in _ADDRESS_FIELDS.values()
        or key == "country"
    )


def to_remote_contact(data: Mapping[str, Any], field_names: Mapping[str, str]) -> RemoteContact:
    """A ``ContactResource`` as a core ``RemoteContact``; fields use the import's flat names."""
    email = data.get("email_address") or {}
    try:
        permission = Permission(email.get("permission_to_send") or "not_set")
    except ValueError:
        permission = Permission.NOT_SET
    fields: dict[str, str] = {}
    for key in _PUT_SCALARS:
        if data.get(key) not in (None, ""):
            fields[key] = str(data[key])
    for phone in data.get("phone_numbers") or []:
        kind = phone.get("kind") or "other"
        fields.setdefault(f"{kind}_phone", str(phone.get("phone_number", "")))
    addresses = data.get("street_addresses") or []
    if addresses:
        for cc_key, flat_key in _ADDRESS_FIELDS.items():
            if addresses[0].get(cc_key):
                fields[flat_key] = str(addresses[0][cc_key])
        if addresses[0].get("country"):
            fields["country"] = str(addresses[0]["country"])
    for cf in data.get("custom_fields") or []:
        name = field_names.get(cf.get("custom_field_id", ""))
        if name:
            fields[custom_key(name)] = str(cf.get("value", ""))
    return RemoteContact(
        contact_id=str(data["contact_id"]),
        email=str(email.get("address", "")),
        permission=permission,
        list_ids=frozenset(data.get("list_memberships") or ()),
        fields=fields,
        updated_at=_parse_time(data.get("updated_at")),
        deleted=bool(data.get("deleted_at")) or data.get("status") == "deleted",
    )


def put_body(current: Mapping[str, Any], update_source: str) -> dict[str, Any]:
    """A ``ContactPutRequest`` that changes nothing of ``current`` (a GET of the contact).

    A PUT replaces the contact: the email address is required and a scalar left out is
    cleared, so both are sent back as read. Arrays left out are kept as they are (an empty
    one would clear them), so none is sent: that also leaves list memberships alone even if
    a membership activity changed them since the GET.
    """
    body: dict[str, Any] = {k: current[k] for k in _PUT_SCALARS if current.get(k) is not None}
    email = current.get("email_address") or {}
    body["email_address"] = {
        "address": email.get("address"),
        "permission_to_send": email.get("permission_to_send"),
    }
    if email.get("opt_out_reason"):
        body["email_address"]["opt_out_reason"] = email["opt_out_reason"]
    body["update_source"] = update_source
    if current.get("sms_channel"):
        body["sms_channel"] = current["sms_channel"]
    return body


def to_activity(data: Mapping[str, Any]) -> ActivityStatus:
    status = data.get("status") or {}
    errors = tuple(
        str(e.get("message", e)) if isinstance(e, Mapping) else str(e)
        for e in data.get("activity_errors") or ()
    )
    return ActivityStatus(
        activity_id=str(data["activity_id"]),
        state=str(data.get("state", "")),
        percent_done=int(data.get("percent_done") or 0),
        items_total=int(status.get("items_total_count") or 0),
        items_completed=int(status.get("items_completed_count") or 0),
        error_count=int(status.get("error_count") or 0),
        cannot_add_to_list_count=int(status.get("cannot_add_to_list_count") or 0),
        errors=errors,
        completed_at=_parse_time(data.get("completed_at")),
        started_at=_parse_time(data.get("started_at") or data.get("created_at")),
    )


def deletion_errors(status: ActivityStatus, contact_ids: Sequence[str]) -> dict[str, str]:
    """What a contact_delete activity said of each of ``contact_ids`` it could not delete,
    in plain words, by contact id (its errors name the contact)."""
    out: dict[str, str] = {}
    for message in status.errors:
        for contact_id in contact_ids:
            if contact_id and contact_id in message:
                out[contact_id] = (
                    "Constant Contact has no contact with this ID any more, so it could not "
                    "delete it (it may have been removed for good)"
                    if "not found" in message.lower()
                    else f"Constant Contact could not delete this contact: {message}"
                )
    return out


def _to_list(data: Mapping[str, Any]) -> ContactList:
    count = data.get("membership_count")
    return ContactList(
        list_id=str(data["list_id"]),
        name=str(data.get("name", "")),
        membership_count=int(count) if count is not None else None,
        description=str(data.get("description") or ""),
    )


def _to_custom_field(data: Mapping[str, Any]) -> CustomField:
    label = str(data.get("label", ""))
    return CustomField(
        custom_field_id=str(data["custom_field_id"]),
        name=str(data.get("name") or label.replace(" ", "_")),
        label=label,
        type=str(data.get("type") or "string"),
    )


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
