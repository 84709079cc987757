"""A two-way run on the Xero sample profile keeps each direction's counts apart.

The real service syncs the sandbox's "Xero customers → Newsletter" (the Xero emulator is the
source, the Constant Contact emulator the other side) with imports turned on. What went to
Constant Contact and what went to Xero are counted apart, in the words of
``app.core.vocabulary``, and the same numbers reach the run's message, its stored tallies and
``sync --json``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.connectors.xero.connector import SAMPLE_LIST as XERO_LIST_NAME
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.core.outcomes import RunStatus
from app.core.vocabulary import RunTallies, Side, SideCounts
from app.sync.planner import Reason
from app.sync.summary import summary_json
from tests.sync.two_way import counts_add_up

NEW, EXISTING, LEFT = (
    "newbie@example.com",
    "aroha.walker0@example.com",  # a Xero customer, already in Constant Contact
    "ben.murphy1@example.com",  # a Xero customer who unsubscribed in Constant Contact
)


@pytest.fixture
def xero(sandbox):
    service = sandbox.service
    profile = service.profiles.named(XERO_PROFILE_NAME)
    options = replace(profile.options, import_from_cc=True)
    service.profiles.save(profile.with_changes(options=options))
    cc = sandbox.emulator
    cc.seed_contact(NEW, "New", "Bie", list_names=[XERO_LIST_NAME])
    cc.seed_contact(EXISTING, "Aroha", "Walker", list_names=[XERO_LIST_NAME])
    cc.seed_contact(LEFT, "Ben", "Murphy", permission="unsubscribed")
    return sandbox


def test_two_way_counts_stay_apart_and_agree_everywhere(xero):
    service = xero.service
    summary = service.runs.sync(service.profiles.named(XERO_PROFILE_NAME).id)

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(service, summary)
    rows = service.runs.results(summary.run_id)
    tallies = service.store.runs.tallies(summary.run_id)
    assert tallies == RunTallies.of(rows) == RunTallies.of_summary(summary)
    assert tallies.total == summary.counts.total

    cc, xero_side = tallies.to_constant_contact, tallies.to_source
    pushed = sum(1 for r in rows if r.direction == "push")
    assert cc.total == pushed and xero_side.total == len(rows) - pushed
    # To Constant Contact: new contacts, one matched by email, and the one who unsubscribed
    # there is not put on the list: a failed subscription, counted among those not pushed.
    assert cc.created > 30 and cc.matched == 1 and cc.failed == 0
    assert cc.failed_subscriptions == 1 and cc.skipped > 1
    left = next(r for r in rows if r.email == LEFT and r.direction == "push")
    assert left.reason == Reason.UNSUBSCRIBED
    # To Xero: the new Constant Contact contact is created there, the unsubscribe marked.
    assert xero_side == SideCounts(created=1, opted_out=1)
    assert summary.counts.created == cc.created + xero_side.created
    assert summary.counts.updated == cc.matched + xero_side.opted_out

    assert summary.source_name == "Xero"
    assert summary.message == (
        f"Created in Constant Contact: {cc.created} · Matched to existing contacts: 1 · "
        f"Not pushed: {cc.skipped} (Failed subscriptions: 1) · Created in Xero: 1 · "
        "Marked opted out in Xero: 1"
    )

    data = summary_json(summary, service)
    assert data["directions"] == tallies.as_json()
    assert data["counts"]["matched_existing"] == 1
    assert sum(d["total"] for d in data["directions"].values()) == data["counts"]["total"]
    assert data["directions"][Side.TO_CONSTANT_CONTACT]["failed_subscriptions"] == 1


def test_a_dry_run_counts_the_same_way(xero):
    service = xero.service
    profile_id = service.profiles.named(XERO_PROFILE_NAME).id

    dry = service.runs.sync(profile_id, dry_run=True)
    real = service.runs.sync(profile_id)

    planned, done = RunTallies.of_summary(dry), RunTallies.of_summary(real)
    assert planned == done
    assert dry.message.startswith("Would create in Constant Contact: ")
    assert "Would create in Xero: 1" in dry.message
