"""A two-way Xero profile run against the Xero and Constant Contact emulators, for undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.connectors.http import RateLimiter
from app.connectors.xero import client as xero_client
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.connectors.xero.contact_fields import flatten
from app.core.profiles import ImportScope, SyncProfile
from app.sandbox.constant_contact import contact_store as cc_store
from app.sandbox.xero.samples import OPT_OUT_GROUP
from app.sync.bootstrap import ServiceHandle

NEWCOMERS = ("nell.newcomer@example.com", "otto.orchard@example.com")
NEW_CUSTOMER = "wren.newbie@example.com"


class XeroTwoWay:
    """The Xero sample profile, run both ways against both emulators."""

    def __init__(self, handle: ServiceHandle) -> None:
        self.handle = handle
        self.service = handle.service
        self._offset = 0

    @property
    def cc(self) -> Any:
        return self.handle.emulator

    @property
    def xero(self) -> Any:
        return self.handle.emulators["xero"]

    @property
    def profile(self) -> SyncProfile:
        return self.service.profiles.named(XERO_PROFILE_NAME)

    def two_way(self) -> None:
        options = replace(
            self.profile.options,
            import_from_cc=True,
            import_scope=ImportScope.ALL_ACTIVE,
            import_updates_existing=True,
            optout_to_source=True,
        )
        self.service.profiles.save(replace(self.profile, options=options))

    def tick(self) -> None:
        """Move both clocks on, so what happens next is past the last run's watermark."""
        self._offset += 2
        offset = timedelta(seconds=self._offset)
        self.cc.clock = lambda: datetime.now(UTC) + offset
        self.xero.clock = lambda: datetime.now(UTC) + offset

    def run(self) -> Any:
        summary = self.service.runs.sync(self.profile.id)
        assert summary.counts.failed == 0, summary.message
        return summary

    def edit_in_cc(self, email: str, **changes: str) -> None:
        self.tick()
        with self.cc.state.tx() as conn:
            contact_id, doc = cc_store.find_by_email(conn, email)
            doc.update(changes)
            cc_store.touch(doc, self.cc.clock())
            cc_store.update(conn, contact_id, doc)

    def in_cc(self, email: str) -> bool:
        """Whether Constant Contact has a (not deleted) contact with this email."""
        with self.cc.state.tx() as conn:
            row = conn.execute(
                "SELECT 1 FROM contacts WHERE email_lower = ? AND deleted_at IS NULL",
                (email.lower(),),
            ).fetchone()
        return row is not None

    def state(self) -> dict[str, dict[str, str]]:
        """Every Xero contact by id: its columns (not the modified time) and status."""
        out = {}
        for c in self.xero.contacts():
            values = flatten(c)
            values.pop("UpdatedDateUTC")
            out[values["ContactID"]] = values
        return out

    def linked(self) -> list[tuple[str, str]]:
        """(ContactID, email) of active customers the first run pushed, by name."""
        contacts = sorted(self.xero.contacts(), key=lambda c: c["Name"])
        return [
            (c["ContactID"], c["EmailAddress"].lower())
            for c in contacts
            if c.get("EmailAddress")
            and c.get("IsCustomer")
            and c.get("ContactStatus") == "ACTIVE"
            and not c.get("ContactGroups")
        ]


def synced_xero(handle: ServiceHandle, monkeypatch: pytest.MonkeyPatch) -> XeroTwoWay:
    """The Xero sample after one (one-way) sync: Xero's customers linked in Constant Contact.

    The emulators enforce no limit here; the Xero client's 60-a-minute throttle (shared by
    the process) is lifted too, as tests/connectors test it.
    """
    monkeypatch.setattr(xero_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    tw = XeroTwoWay(handle)
    tw.run()
    return tw


def second_run(tw: XeroTwoWay) -> tuple[dict, dict[str, Any]]:
    """Changes in Constant Contact that a two-way run writes to Xero: two renames (import
    updates), an unsubscribe (an opt-out), two newcomers (created in Xero); and a new
    customer in Xero that it creates in Constant Contact. Returns Xero before the run, and
    what the run touched."""
    (renamed, renamed_email), (other, other_email), (quitter, quitter_email) = tw.linked()[:3]
    tw.tick()
    for email in NEWCOMERS:
        first, last = email.split("@")[0].split(".")
        tw.cc.seed_contact(email, first.title(), last.title(), list_names=["Newsletter"])
    tw.edit_in_cc(renamed_email, first_name="Renamed", last_name="InConstantContact")
    tw.edit_in_cc(other_email, first_name="Otherwise")
    tw.tick()
    tw.cc.set_permission(quitter_email, "unsubscribed")
    tw.xero.seed_contact(  # a new customer in Xero: created in Constant Contact
        "Wren Newbie", first_name="Wren", last_name="Newbie", email=NEW_CUSTOMER, is_customer=True
    )
    tw.two_way()
    before = tw.state()
    tw.tick()
    summary = tw.run()
    during = tw.state()
    assert during[renamed]["FirstName"] == "Renamed"  # the run did write to Xero
    assert during[other]["FirstName"] == "Otherwise"
    opt_out = tw.xero.group_id(OPT_OUT_GROUP)
    assert quitter in tw.xero.group_members(opt_out)
    created = {k: v for k, v in during.items() if k not in before}
    assert {v["EmailAddress"] for v in created.values()} >= set(NEWCOMERS)
    assert tw.in_cc(NEW_CUSTOMER)
    touched = {
        "summary": summary,
        "renamed": renamed,
        "other": other,
        "quitter": quitter,
        "created": set(created),
        "during": during,
    }
    return before, touched
