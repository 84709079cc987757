"""The WellnessLiving API client: staff sign-in, the All Clients report, profiles, subscriptions.

Signing in (``Notepad.json`` then ``Enter.json``) starts a staff session held in the host's
cookies; every later call is signed and carries them. The client signs in on its first call,
and again, once, when WellnessLiving says the session ended (``user-out``, ``notepad-create``,
``csrf``). A sign-in that belongs to the other data centre is refused with a message naming
the region to choose (``Notepad.json`` says where the login lives).

Reading clients costs one report page per 256 clients (``Report/Data.json``, the All Clients
report: names, email, groups) plus, per client, one subscription read (``Subscribe.json``) and
one profile read (``Profile/Edit/Edit.json``: city and client type). WellnessLiving has no
"changed since" query in these endpoints, so every read is a full read.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import requests

from app.connectors.base import RequestStats
from app.connectors.http import RateLimiter
from app.connectors.wellnessliving.answers import (
    ClientProfile,
    ClientRow,
    ClientType,
    ConnectionCheck,
    ReportPage,
    StaffLogin,
    Subscription,
)
from app.connectors.wellnessliving.errors import SessionExpired, WellnessLivingError
from app.connectors.wellnessliving.regions import (
    DATA_CENTRE_LABELS,
    DataCentre,
    Environment,
    Region,
    data_centre,
    host_for,
)
from app.connectors.wellnessliving.signing import password_hash
from app.connectors.wellnessliving.transport import Application, RetryPolicy, SignedTransport
from app.connectors.wellnessliving.values import as_bool, as_key, as_list, as_map, as_text
from app.core.errors import AuthError, ConfigError, RemoteError

log = logging.getLogger(__name__)

NOTEPAD = "Core/Passport/Login/Enter/Notepad.json"
ENTER = "Core/Passport/Login/Enter/Enter.json"
MEMBER_LIST = "Wl/Login/Member/LoginMemberListAll.json"
LOGIN = "Wl/Login/Login.json"
PROFILE = "Wl/Profile/Edit/Edit.json"
SUBSCRIBE = "Wl/Business/User/Subscribe/Subscribe.json"
REPORT = "Wl/Report/Data.json"

LOGIN_LIST_ALL = 33  # RsReportSid: the All Clients report (Clients tab)
MEMBER_PAGE = 150  # LoginMemberListAll's default page size
MAX_REPORT_PAGES = 10_000  # 2.5 million clients: a guard against a report that never ends
# RsFieldGeneralSid ids in a profile's a_structure
NAME_LAST, NAME_FIRST, LOGIN_FIELD, ADDRESS, MEMBER, STATUS = 1, 2, 3, 9, 11, 14


class WellnessLivingClient:
    """Calls WellnessLiving for one business, signed in as one staff member.

    Args:
        application: the application id and secret WellnessLiving issued.
        staff: the staff login.
        business_key: the business's key (``k_business``), issued with the application.
        region, environment: which host serves the business (see ``regions``).
        connect_to: connect there instead of the real host (the sandbox's address).
        session, limiter, stats, sleep, now, retry: passed to :class:`SignedTransport`.
    """

    def __init__(
        self,
        application: Application,
        staff: StaffLogin,
        business_key: str,
        *,
        region: Region | str = Region.US,
        environment: Environment | str = Environment.PRODUCTION,
        connect_to: str | None = None,
        session: requests.Session | None = None,
        limiter: RateLimiter | None = None,
        stats: RequestStats | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        retry: RetryPolicy | None = None,
    ) -> None:
        if not business_key.strip():
            raise ConfigError("Enter the WellnessLiving business key for this connection.")
        self.region = Region(region)
        self.environment = Environment(environment)
        self.staff = staff
        self.business_key = business_key.strip()
        self.transport = SignedTransport(
            application,
            host_for(self.region, self.environment),
            connect_to=connect_to,
            session=session,
            limiter=limiter,
            stats=stats,
            sleep=sleep,
            now=now,
            retry=retry or RetryPolicy(),
        )
        self._signed_in = False

    @property
    def host(self) -> str:
        return self.transport.host

    @property
    def stats(self) -> RequestStats:
        return self.transport.stats

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> WellnessLivingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- signing in -------------------------------------------------------------------------

    def sign_in(self) -> None:
        """Start a staff session: ask for a notepad, then send the login and hashed password."""
        self.transport.forget_session()
        self._signed_in = False
        what = "signing in"
        try:
            pad = self.transport.call(
                "GET", NOTEPAD, params={"s_login": self.staff.login, "s_type": ""}, what=what
            )
            self._check_data_centre(pad.get("id_region"))
            notepad = as_text(pad.get("s_notepad"))
            if as_text(pad.get("s_hash")) not in ("", "sha3") or not notepad:
                raise RemoteError(
                    "WellnessLiving asked for a kind of sign-in ContactBridge does not know "
                    f"({as_text(pad.get('s_hash'))!r}).",
                    200,
                    json.dumps(pad)[:500],
                )
            self.transport.call(
                "POST",
                ENTER,
                form={
                    "json_data": "",
                    "s_captcha": "",
                    "s_login": self.staff.login,
                    "s_notepad": notepad,
                    "s_password": password_hash(self.staff.password, notepad),
                    "s_remember": "",
                    "url_return": "",
                },
                idempotent=False,
                what=what,
            )
        except WellnessLivingError as exc:
            raise AuthError(
                "WellnessLiving did not accept the staff sign-in for "
                f"{self.staff.login}. Check the login and password."
                + (f' WellnessLiving said: "{exc.said}"' if exc.said else ""),
                details=f"status {exc.answer_status}",
            ) from None
        self._signed_in = True
        log.info("Signed in to WellnessLiving (%s)", self.host)

    def _check_data_centre(self, value: Any) -> None:
        key = as_key(value)
        if not key.isdigit() or int(key) not in {d.value for d in DataCentre}:
            return
        theirs = DataCentre(int(key))
        if theirs is not data_centre(self.region):
            raise ConfigError(
                f"This WellnessLiving login belongs to the {DATA_CENTRE_LABELS[theirs]} "
                "data centre. Choose that region for the connection and try again."
            )

    def _call(
        self,
        method: str,
        resource: str,
        what: str,
        *,
        params: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A call that needs the staff session: signs in first, and again once if it ended."""
        if not self._signed_in:
            self.sign_in()
        try:
            return self.transport.call(method, resource, params=params, form=form, what=what)
        except SessionExpired:
            log.info("WellnessLiving ended the session; signing in again")
            self.sign_in()
            return self.transport.call(method, resource, params=params, form=form, what=what)

    # -- clients ----------------------------------------------------------------------------

    def report_page(self, page: int) -> ReportPage:
        """One page (256 rows) of the All Clients report, from page 0."""
        data = self._call(
            "GET",
            REPORT,
            "reading the All Clients report",
            params={
                "id_report": LOGIN_LIST_ALL,
                "id_report_group": "",
                "id_report_view": "",
                "i_page": page,
                "k_business": self.business_key,
                "s_filter": "",
                "s_sort": "",
            },
        )
        report = as_map(data.get("a_data"))
        rows = tuple(_client_row(r) for r in as_list(report.get("a_row")) if isinstance(r, dict))
        types: dict[str, ClientType] = {}
        counted = 0
        for key, total in as_map(data.get("a_total")).items():
            entry = as_map(total)
            types[as_key(key)] = ClientType(
                as_key(key), as_text(entry.get("s_title")), bool(as_bool(entry.get("is_prospect")))
            )
            value = as_key(entry.get("s_value"))
            counted += int(value) if value.isdigit() else 0
        more = bool(as_bool(report.get("is_more")))
        return ReportPage(tuple(r for r in rows if r.uid), types, more, counted)

    def iter_report_pages(self) -> Iterator[ReportPage]:
        """Every page of the All Clients report, until it says there is no more."""
        for page in range(MAX_REPORT_PAGES):
            found = self.report_page(page)
            yield found
            if not found.more or not found.rows:
                return

    def get_profile(self, uid: str) -> ClientProfile:
        data = self._call(
            "GET",
            PROFILE,
            "reading a client's profile",
            params={"is_staff": True, "k_business": self.business_key, "uid": uid},
        )
        fields: dict[int, Any] = {}
        for item in as_map(data.get("a_structure")).values():
            general = as_key(as_map(item).get("id_field_general"))
            if general.isdigit():
                fields.setdefault(int(general), as_map(item).get("x_value"))
        address = as_map(fields.get(ADDRESS))
        return ClientProfile(
            uid=uid,
            first_name=as_text(fields.get(NAME_FIRST)),
            last_name=as_text(fields.get(NAME_LAST)),
            email=_email(fields.get(LOGIN_FIELD)),
            city=as_text(address.get("s_city")),
            client_type=as_key(_scalar(fields.get(STATUS), "k_login_type")),
            member_id=as_text(fields.get(MEMBER)),
        )

    def get_subscription(self, uid: str) -> Subscription:
        data = self._call(
            "GET",
            SUBSCRIBE,
            "reading a client's email subscription",
            params={"k_business": self.business_key, "uid": uid},
        )
        return Subscription(
            as_bool(data.get("is_subscribe")), as_bool(data.get("is_subscribe_sms"))
        )

    def set_email_subscription(self, uid: str, subscribed: bool) -> None:
        """Turn the client's email subscription to the business's news on or off (SMS is
        left as it is)."""
        self._call(
            "PUT",
            SUBSCRIBE,
            "changing a client's email subscription",
            params={"is_subscribe": subscribed, "k_business": self.business_key, "uid": uid},
        )

    def iter_member_uids(self, page_size: int = MEMBER_PAGE) -> Iterator[str]:
        """The keys of every active client (``LoginMemberListAll``), in pages."""
        last = ""
        while True:
            data = self._call(
                "GET",
                MEMBER_LIST,
                "listing the active clients",
                params={
                    "i_page_size": page_size,
                    "k_business": self.business_key,
                    "uid_last": last,
                },
            )
            uids = [as_key(u) for u in as_list(data.get("a_uid")) if as_key(u)]
            yield from uids
            if len(uids) < page_size or uids[-1] == last:
                return
            last = uids[-1]

    def check_connection(self) -> ConnectionCheck:
        """Sign in and read the report's first page: proves the login, business and host."""
        self.sign_in()
        first = self.report_page(0)
        clients = first.clients or len(first.rows)
        return ConnectionCheck(self.host, clients, tuple(first.client_types.values()))


def _client_row(row: Mapping[str, Any]) -> ClientRow:
    api = as_map(row.get("a_data_api"))
    since = as_map(row.get("dt_since_local"))
    date = as_text(since.get("dt_date"))
    return ClientRow(
        uid=as_key(row.get("uid")),
        first_name=as_text(api.get("s_firstname")),
        last_name=as_text(api.get("s_lastname")),
        email=as_text(api.get("s_mail")),
        groups=tuple(k for k in (as_key(g) for g in as_list(api.get("a_member_group"))) if k),
        client_since="" if date.startswith("0000") else date,
        member_id=as_text(row.get("member")),
    )


def _scalar(value: Any, key: str) -> Any:
    return as_map(value).get(key) if isinstance(value, Mapping) else value


def _email(value: Any) -> str:
    if isinstance(value, Mapping):
        return as_text(value.get("s_mail") or value.get("text_mail") or value.get("s_login"))
    return as_text(value)
