"""Faults in the two-way phases: every run ends complete or resumable, and once resumed (or
its failures retried) Constant Contact and the source hold what a clean run gives.

The scenario touches every new phase: an email change, a removal, a source opt-out, a
Constant Contact unsubscribe, and a new contact to import.
"""

from __future__ import annotations

from collections import Counter

import pytest

from app.core.errors import AppError, NetworkError, QuotaExceeded
from app.core.outcomes import RunStatus
from app.core.profiles import ImportScope, OptOutHandling
from app.sync.progress import CancelToken
from tests.sync.conftest import PhaseReporter
from tests.sync.two_way import LIST, TwoWay, counts_add_up

EMAILS = [f"member{i}@example.com" for i in range(6)]
NEW_CC = "joined.in.cc@example.com"
RENAMED = "member0.new@example.com"


def scenario(tw: TwoWay) -> None:
    tw.setup(
        import_from_cc=True,
        import_scope=ImportScope.MAIN_LIST,
        remove_deleted=True,
        opt_out_handling=OptOutHandling.UNSUBSCRIBE,
    )
    for i, email in enumerate(EMAILS):
        tw.source.add(email, f"F{i}", f"L{i}", "Co")
    assert tw.run().status is RunStatus.COMPLETED
    tw.source.records[tw.source.key_of(EMAILS[0])]["Email"] = RENAMED  # email change
    del tw.source.records[tw.source.key_of(EMAILS[1])]  # deleted in the source
    tw.source.opted_out.add(tw.source.key_of(EMAILS[2]))  # opted out in the source
    tw.person(EMAILS[3], "unsubscribed")  # unsubscribed in Constant Contact
    tw.tick()
    tw.emulator.seed_contact(NEW_CC, "Joined", "Later", list_names=[LIST])
    tw.emulator.reset_counts()


def expected() -> dict:
    on_list = {RENAMED, EMAILS[4], EMAILS[5], NEW_CC}
    return {
        "on_list": on_list,
        "unsubscribed": {EMAILS[2], EMAILS[3]},
        "source": sorted([RENAMED, EMAILS[2], EMAILS[3], EMAILS[4], EMAILS[5], NEW_CC]),
        "source_opted_out": {EMAILS[2], EMAILS[3]},
        "kept_in_cc": {EMAILS[1]},  # removed from the list, never deleted
    }


def state(tw: TwoWay) -> dict:
    emails = tw.contact_emails()
    assert [e for e, n in Counter(emails).items() if n > 1] == []
    src = sorted(v["Email"].lower() for v in tw.source.records.values())
    assert len(src) == len(set(src)), "a record was created twice in the source"
    return {
        "on_list": tw.on_list(),
        "unsubscribed": {e for e in EMAILS if tw.permission(e) == "unsubscribed"},
        "source": src,
        "source_opted_out": {tw.source.records[k]["Email"] for k in tw.source.opted_out},
        "kept_in_cc": {EMAILS[1]} & set(emails),
    }


def drive(tw: TwoWay, **kwargs) -> list[RunStatus]:
    """Run until done: resume stopped runs, then retry what failed. Returns the statuses."""
    statuses: list[RunStatus] = []
    for _ in range(6):
        try:
            summary = tw.run(**kwargs)
        except (AppError, ConnectionResetError):
            statuses.append(RunStatus.FAILED)
            continue
        kwargs = {}
        statuses.append(summary.status)
        counts_add_up(tw.service, summary)
        if summary.status is RunStatus.COMPLETED_WITH_ERRORS:
            retried = tw.service.runs.retry_failed(summary.run_id)
            counts_add_up(tw.service, retried)
            statuses.append(retried.status)
            if retried.status is RunStatus.COMPLETED:
                return statuses
        elif summary.status is RunStatus.COMPLETED:
            return statuses
    pytest.fail(f"never completed: {statuses}")


def test_clean_run(two_way):
    scenario(two_way)
    assert drive(two_way) == [RunStatus.COMPLETED]
    assert state(two_way) == expected()
    two_way.emulator.reset_counts()
    two_way.source.writes.clear()
    two_way.run()
    assert two_way.writes() == [] and two_way.source.writes == []


CC_FAULTS = [
    ("PUT /v3/contacts/*", "500"),
    ("PUT /v3/contacts/*", "reset"),
    ("PUT /v3/contacts/*", "throttled"),
    ("PUT /v3/contacts/*", "quota_exceeded"),
    ("GET /v3/contacts/*", "503"),
    ("POST /v3/activities/remove_list_memberships", "503"),
    ("POST /v3/activities/remove_list_memberships", "reset"),
    ("POST /v3/activities/remove_list_memberships", "quota_exceeded"),
    ("GET /v3/activities/*", "quota_exceeded"),
    ("GET /v3/contacts", "quota_exceeded"),
]


@pytest.mark.parametrize(("pattern", "kind"), CC_FAULTS)
def test_constant_contact_faults(two_way, pattern, kind):
    scenario(two_way)
    two_way.emulator.faults.force(pattern, kind)

    statuses = drive(two_way)

    assert statuses[-1] is RunStatus.COMPLETED
    if kind == "quota_exceeded":
        assert statuses[0] is RunStatus.PAUSED
    assert state(two_way) == expected()


@pytest.mark.parametrize("state_", ["failed", "timed_out"])
def test_failed_activities_are_retried(two_way, state_):
    scenario(two_way)
    two_way.emulator.faults.fail_next_activity(state_, ["Something broke."])
    two_way.emulator.faults.fail_next_activity(state_, ["Something broke."])

    statuses = drive(two_way)

    assert RunStatus.COMPLETED_WITH_ERRORS in statuses
    assert state(two_way) == expected()


@pytest.mark.parametrize(
    ("op", "exc"),
    [
        ("create", AppError("Xero refused it.")),
        ("create", NetworkError("Xero could not be reached.")),
        ("create", QuotaExceeded("Xero's daily limit is used up.")),
        ("opt_out", AppError("Xero refused it.")),
        ("opt_out", QuotaExceeded("Xero's daily limit is used up.")),
    ],
)
def test_source_faults(two_way, op, exc):
    scenario(two_way)
    two_way.source.fail_next[op] = exc

    statuses = drive(two_way)

    assert statuses[-1] is RunStatus.COMPLETED
    assert state(two_way) == expected()


def test_lost_answer_from_the_source_creates_nothing_twice(two_way):
    scenario(two_way)
    two_way.source.lose_answer = True  # created, then the process "dies" before recording

    statuses = drive(two_way)

    assert statuses[0] is RunStatus.FAILED and statuses[-1] is RunStatus.COMPLETED
    assert state(two_way) == expected()


@pytest.mark.parametrize("phase_index", range(4, 10))
def test_cancel_in_any_write_phase_then_resume(two_way, phase_index):
    from app.core.phases import PHASES

    scenario(two_way)
    cancel = CancelToken()
    target = PHASES[phase_index]

    class Stopper(PhaseReporter):
        def phase(self, name: str, total: int = 0) -> None:
            super().phase(name, total)
            if name == target:
                cancel.cancel()

    stopped = two_way.run(reporter=Stopper(), cancel=cancel)
    assert stopped.status is RunStatus.CANCELLED

    statuses = drive(two_way)

    assert statuses == [RunStatus.COMPLETED]
    assert state(two_way) == expected()
    history = two_way.service.runs.history(two_way.profile_id)
    assert history[0].run_id == stopped.run_id  # resumed, not a new run
