"""The consent properties (tests/sync/test_engine_properties.py) with NeonCRM as the source:
random accounts (individuals and organizations; opted out, consent declined, deceased, Do Not
Contact), random Constant Contact contacts, random settings and histories, through the
registry's connector, the real engine and both emulators; runs by the user and by the
30-minute check alike.

What must always hold, whatever happens in either service:

- no contact unsubscribed in Constant Contact is re-subscribed or put back on a list;
- nobody is created in Constant Contact but an individual account that may be emailed (not
  opted out, consent not declined, neither deceased nor Do Not Contact);
- an organization's address never reaches Constant Contact through the push;
- every run's counts add up, and once settled a run with nothing changed writes nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.connectors.neoncrm import columns as c
from app.core.profiles import SourceSpec, SyncProfile
from app.sandbox.neoncrm import NeonCrmEmulator
from app.sync.bootstrap import ServiceHandle, open_service
from tests.sync.test_engine_properties import POOL, options_st
from tests.sync.two_way import counts_add_up

KIND = "neoncrm"
LIST = "Supporters"
ORG, KEY = "props-org", "props-neon-key"
WRITES = ("POST /v3", "PUT /v3", "PATCH /v3", "DELETE /v3")

account_st = st.fixed_dictionaries(
    {
        "company": st.booleans(),
        "opted_out": st.booleans(),
        "declined": st.booleans(),
        "deceased": st.booleans(),
        "dnc": st.booleans(),
    }
)
step_st = st.one_of(
    st.tuples(st.just("person_out"), st.sampled_from(POOL)),  # unsubscribes in CC
    st.tuples(st.just("person_in"), st.sampled_from(POOL)),  # opts back in, in CC
    st.tuples(st.just("neon_opt_out"), st.integers(0, 7), st.booleans()),
    st.tuples(st.just("flag"), st.integers(0, 7), st.sampled_from(["deceased", "dnc"])),
    st.tuples(st.just("add"), st.sampled_from(POOL), account_st),
)
world_st = st.fixed_dictionaries(
    {
        "accounts": st.dictionaries(st.sampled_from(POOL), account_st, max_size=5),
        "cc": st.dictionaries(
            st.sampled_from(POOL),
            st.tuples(st.sampled_from(["implicit", "explicit", "unsubscribed"]), st.booleans()),
            max_size=4,
        ),
        "options": options_st,
        "history": st.lists(
            st.tuples(st.lists(step_st, max_size=3), st.booleans()), min_size=1, max_size=3
        ),
    }
)


class Nonprofit:
    """A small NeonCRM org and a profile on it, in a fresh sandbox."""

    def __init__(self, handle: ServiceHandle, world: dict[str, Any]) -> None:
        self.service = handle.service
        self.cc = handle.emulator
        self.neon: NeonCrmEmulator = handle.emulators[KIND]
        self._offset = 0
        self.neon.add_org(ORG, "Props Nonprofit")
        self.neon.add_api_user(ORG, KEY, first="Props", last="User")
        for email, account in world["accounts"].items():
            self.add(email, account)
        conn = self.service.connections.connect_source(
            KIND, "NeonCRM", options={"environment": "production", "org_id": ORG, "api_key": KEY}
        )
        options = replace(world["options"], opt_out_column="", scheduled_optouts_only=True)
        profile = SyncProfile(
            name="Props",
            source=SourceSpec(KIND, {"connection_id": conn.id, "mark_source": False}),
            main_list=LIST,
            connection_id=self.service.connections.default_connection().id,
            options=options,
            mapping=c.push_mapping(mark_source=False),
        )
        self.profile_id = self.service.profiles.save(profile).id

    def add(self, email: str, account: dict[str, bool]) -> None:
        if self.neon.find_by_email(ORG, email):
            return  # each address once (see the generic test's doc)
        if account["company"]:
            self.neon.add_company(ORG, f"Company {email}", email=email)
            return
        self.neon.add_individual(
            ORG,
            "First",
            "Last",
            email,
            opted_out=account["opted_out"],
            consent={"email": "DECLINED"} if account["declined"] else None,
            deceased=account["deceased"],
            do_not_contact=account["dnc"],
        )

    def tick(self, seconds: int = 2) -> None:
        self._offset += seconds
        offset = timedelta(seconds=self._offset)
        self.cc.clock = lambda: datetime.now(UTC) + offset

    def individuals(self) -> list[dict[str, Any]]:
        found = []
        for account_id in self.neon.account_ids(ORG, "INDIVIDUAL"):
            found.append(self.neon.account(account_id)["individualAccount"])
        return found

    def may_be_emailed(self) -> set[str]:
        out = set()
        for a in self.individuals():
            contact = a["primaryContact"]
            if not contact.get("email1") or a["email1OptOut"] or a["noSolicitation"]:
                continue
            if a["consent"]["email"] == "DECLINED" or contact.get("deceased"):
                continue
            out.add(contact["email1"].lower())
        return out

    def organization_emails(self) -> set[str]:
        return {
            (self.neon.account(i)["companyAccount"]["primaryContact"].get("email1") or "").lower()
            for i in self.neon.account_ids(ORG, "COMPANY")
        }

    def apply(self, step: tuple) -> None:
        kind, arg, *rest = step
        if kind in ("person_out", "person_in"):
            contact = self.cc.get_contact(arg)
            current = contact and contact["email_address"]["permission_to_send"]
            wanted = "unsubscribed" if kind == "person_out" else "explicit"
            if contact and current != wanted:
                self.tick()
                self.cc.set_permission(arg, wanted)  # the person's own action
        elif kind == "add":
            self.add(arg, rest[0])
        else:
            ids = self.neon.account_ids(ORG, "INDIVIDUAL")
            if not ids:
                return
            account_id = ids[arg % len(ids)]
            if kind == "neon_opt_out":
                self.neon.set_email_opt_out(account_id, rest[0])
            elif rest[0] == "deceased":
                self.neon.update_account(account_id, {"primaryContact": {"deceased": True}})
            else:
                self.neon.update_account(account_id, {"noSolicitation": True})

    def unsubscribed_now(self) -> set[str]:
        with self.cc.state.tx() as conn:
            rows = conn.execute(
                "SELECT email_lower FROM contacts WHERE permission = 'unsubscribed'"
            ).fetchall()
        return {r[0] for r in rows}

    def check_run(self, scheduled: bool) -> None:
        before = self.unsubscribed_now()
        existing = {e for e in POOL if self.cc.get_contact(e) is not None}
        allowed = self.may_be_emailed()
        summary = self.service.runs.sync(self.profile_id, confirm=True, scheduled=scheduled)
        counts_add_up(self.service, summary)
        assert before <= self.unsubscribed_now()  # nobody was re-subscribed
        for email in before:
            assert not self.cc.get_contact(email)["list_memberships"]  # nor listed
        created = {e for e in POOL if self.cc.get_contact(e) is not None} - existing
        assert created <= allowed  # nobody created who may not be emailed
        # Contact data sent for someone who may not be emailed (an organization's address):
        # an unsubscribe (an opted-out account whose address an organization shares too) is
        # the opposite, and always allowed.
        pushed = {
            r.email
            for r in self.service.runs.results(summary.run_id)
            if r.direction == "push"
            and r.outcome in ("created", "updated")
            and r.action != "unsubscribe"
        }
        assert not pushed & self.organization_emails() - allowed

    def settle_and_check_quiet(self) -> None:
        for _ in range(2):  # imports and resubscribes settle in a run or two
            counts_add_up(self.service, self.service.runs.sync(self.profile_id, confirm=True))
        self.cc.reset_counts()
        self.neon.reset_counts()
        again = self.service.runs.sync(self.profile_id, confirm=True)
        counts_add_up(self.service, again)
        assert [k for k in self.cc.request_counts() if k.startswith(WRITES)] == []
        assert not any(
            k.startswith(("PATCH ", "POST /accounts ")) for k in self.neon.request_counts()
        )


@pytest.fixture(scope="module")
def no_client_throttle():  # type: ignore[no-untyped-def]
    real = cc_client.shared_limiter
    cc_client.shared_limiter = lambda *a, **k: RateLimiter(100_000)
    yield
    cc_client.shared_limiter = real


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(world=world_st)
def test_random_neoncrm_histories_keep_consent_and_counts(no_client_throttle, world):
    with tempfile.TemporaryDirectory() as tmp:
        handle = open_service(
            sandbox=True, home=Path(tmp), enforce_limits=False, with_samples=False
        )
        try:
            org = Nonprofit(handle, world)
            for email, (permission, listed) in world["cc"].items():
                if org.cc.get_contact(email) is None:
                    org.cc.seed_contact(email, "Cc", "Person", permission, [LIST] if listed else [])
            org.tick()
            for steps, scheduled in world["history"]:
                for step in steps:
                    org.apply(step)
                org.tick()
                org.check_run(scheduled)
            org.settle_and_check_quiet()
        finally:
            handle.close()
