"""The campaign statistics pull against the emulator: first, incremental, resumable, in quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.connectors.campaign_reports import CampaignReportsClient
from app.core.campaign_stats import KIND_OF_REPORT
from app.core.errors import ConfigError
from app.core.outcomes import Outcome
from app.core.records import Permission, RemoteContact
from app.store.db import db
from app.sync.bootstrap import ServiceHandle
from app.sync.planner import Reason
from app.sync.progress import CancelToken
from app.sync.stats_pages import OVERLAP
from tests.sync.conftest import PhaseReporter

PAGE = 50  # small pages, so that a pull of a few hundred rows pages
REPORTS = tuple(KIND_OF_REPORT)
TRACKING = "/tracking/"


class Account:
    """The sandbox's service and emulator, with what the tests compare."""

    def __init__(self, handle: ServiceHandle) -> None:
        self.handle = handle
        self.service: Any = handle.service
        assert handle.emulator is not None
        self.emulator: Any = handle.emulator
        self.emulator.clear_campaigns()  # no sample campaigns: these tests count
        self.conn = self.service.connections.default_connection()
        self.service.stats.puller.page_size = PAGE

    def seed(self, sends: int = 400, **kw: Any) -> str:
        return self.emulator.seed_campaign("June news", ["Newsletter"], sends=sends, **kw)

    def pull(self, **kw: Any) -> Any:
        return self.service.stats.pull(**kw)

    def kept(self) -> list[tuple[str, ...]]:
        """Every event kept, by its dedupe key (duplicates would show twice)."""
        rows = db.execute_sql(
            'SELECT activity_id, kind, contact_id, "at", link FROM campaign_event'
        ).fetchall()
        return sorted(tuple(r) for r in rows)

    def everything(self) -> list[tuple[str, ...]]:
        """Every row of every report of every campaign, read afresh to the end."""
        client = CampaignReportsClient(self.service.connections.cc_client(self.conn.id).api)
        out = []
        for campaign in self.service.stats.campaigns():
            if campaign.status == "Draft":
                continue  # no reports
            _info, activities = client.campaign(campaign.campaign_id)
            for activity_id, _role in activities:
                for report in REPORTS:
                    href = None
                    while True:
                        page = client.tracking_page(activity_id, report, href)
                        out += [
                            (r.activity_id, r.kind, r.contact_id, r.at, r.link) for r in page.rows
                        ]
                        href = page.next_href
                        if href is None:
                            break
        return sorted(out)

    def report_requests(self) -> dict[str, int]:
        """Requests to each tracking report since the counts were reset."""
        counts: dict[str, int] = {}
        for endpoint, n in self.emulator.request_counts().items():
            if TRACKING in endpoint:
                name = endpoint.rsplit("/", 1)[-1]
                counts[name] = counts.get(name, 0) + n
        return counts


@pytest.fixture
def account(sandbox: ServiceHandle) -> Account:
    return Account(sandbox)


def test_first_pull_keeps_every_campaign_count_and_event(account: Account) -> None:
    campaign_id = account.seed(sends=400)
    draft = account.emulator.create_draft_campaign("Autumn draft")

    report = account.pull()

    assert report.stopped is None
    assert (report.campaigns, report.campaigns_new, report.activities) == (2, 2, 1)
    assert report.events_new == report.events_total == len(account.kept())
    assert account.kept() == account.everything()  # nothing missed, nothing twice
    june = account.service.stats.campaign(campaign_id)
    assert (june.name, june.status, june.sends) == ("June news", "Done", 400)
    assert june.opens == 120 and june.open_rate == pytest.approx(0.3)
    people = account.service.stats.people(campaign_id)
    assert len(people) == 400 and sum(p.opens > 0 for p in people) == 120
    assert account.service.stats.campaign(draft).sent_at is None
    # Every report was read, each to its end; the marks say how far.
    assert {k.split("/")[1] for k in report.marks} == set(REPORTS)
    assert account.service.stats.has_data()


def test_incremental_pull_fetches_only_the_new_rows(account: Account) -> None:
    campaign_id = account.seed(sends=400)
    account.pull()
    before = set(account.kept())

    added = account.emulator.add_campaign_activity(campaign_id, 0.05)
    account.emulator.reset_counts()
    report = account.pull()
    pages = account.report_requests()

    assert added > 0 and report.events_new == added
    after = set(account.kept())
    assert len(after - before) == added
    # Only "did not open" went: of people who opened now.
    assert {key[1] for key in before - after} <= {"did_not_open"}
    assert after == set(account.everything())
    # Sends and did-not-opens were read once, after the campaign was done.
    assert "sends" not in pages and "didnotopens" not in pages
    # The new opens and clicks fill under a page each; the activity stats said the other
    # reports had nothing new, so they were not read.
    assert pages == {"opens": 1, "clicks": 1}

    account.emulator.reset_counts()
    quiet = account.pull()
    assert quiet.events_new == 0 and account.report_requests() == {}


def test_overlapping_pulls_keep_late_rows_once(account: Account) -> None:
    account.seed(sends=400, sent_at=None)
    first = account.pull()
    for hours in (1, 6, 24):  # late opens and clicks keep arriving for 72 hours
        arrived = account.emulator.advance_campaign_clock(hours)
        again = account.pull()
        assert again.events_new == arrived
    assert account.kept() == account.everything()
    assert len(account.kept()) > first.events_total


def test_a_pull_stopped_by_the_quota_resumes_where_it_stopped(account: Account) -> None:
    account.seed(sends=400)
    account.emulator.faults.force(
        "GET /v3/reports/email_reports/*/tracking/sends", "quota_exceeded"
    )

    stopped = account.pull()

    assert stopped.stopped == "quota" and "daily" in stopped.message.lower()
    state = account.service.store.campaign_pull.state(account.conn.id)
    assert state.resume_at is not None  # the schedule tries again after the reset
    assert account.service.stats.next_pull_at(state.resume_at) == state.resume_at
    kept = len(account.kept())
    assert 0 < kept < len(account.everything())

    account.emulator.reset_counts()
    resumed = account.pull()

    assert resumed.stopped is None
    assert resumed.events_total == kept + resumed.events_new
    assert account.kept() == account.everything()
    assert account.service.store.campaign_pull.state(account.conn.id).resume_at is None


def test_cancel_and_resume_keep_each_event_once(account: Account) -> None:
    account.seed(sends=800)
    cancel = CancelToken()

    def stop_midway(phase: str, done: int, total: int) -> None:
        if phase.startswith("Reading who") and done == 3:
            cancel.cancel()

    stopped = account.pull(progress=PhaseReporter(stop_midway), cancel=cancel)

    assert stopped.stopped == "cancelled" and stopped.events_new > 0
    account.emulator.reset_counts()
    resumed = account.pull()
    assert resumed.stopped is None
    # What was read before the stop was not read again: only the reports it had not
    # finished, and sends (800 rows, 16 pages) once.
    assert account.report_requests().get("sends", 0) == 800 // PAGE
    assert account.kept() == account.everything()


def test_disconnecting_purges_the_accounts_statistics_and_keeps_the_rest(
    account: Account,
) -> None:
    account.seed(sends=100)
    account.pull()
    profiles_before = account.service.profiles.list()

    account.service.connections.disconnect(account.conn.id)

    assert account.service.stats.campaigns() == [] and not account.service.stats.has_data()
    assert account.kept() == []
    assert account.service.profiles.list() == profiles_before
    with pytest.raises(ConfigError):
        account.pull()  # no connected account left


def test_opt_outs_and_hard_bounces_from_tracking_reach_the_next_sync(two_way: Any) -> None:
    from tests.sync.two_way import LIST

    tw = two_way.setup(optout_to_source=True)
    tw.emulator.clear_campaigns()
    emails = [f"member{i}@example.com" for i in range(40)]
    for i, email in enumerate(emails):
        tw.source.add(email, f"First{i}", f"Last{i}", "Co")
    tw.run()
    tw.tick()  # the campaign's opt-outs come after the sync's own writes
    tw.emulator.campaigns.clock = tw.emulator.clock
    campaign_id = tw.emulator.seed_campaign(
        "Members news", [LIST], optout_rate=0.1, bounce_rate=0.3, rng_seed=3
    )

    tw.service.stats.pull()

    people = tw.service.stats.people(campaign_id)
    opted_out = {p.email for p in people if p.unsubscribed}
    bounced = {p.email for p in people if p.hard_bounced} - opted_out
    assert opted_out and bounced  # the seed gives both kinds
    summary = tw.run()

    for email in opted_out:  # marked opted out in the source, never re-subscribed
        assert tw.source.key_of(email) in tw.source.opted_out
        assert tw.permission(email) == "unsubscribed"
    pushed = tw.by_key(summary)
    for email in bounced:  # skipped with the reason, not sent again
        row = pushed[tw.source.key_of(email)]
        assert (row.outcome, row.reason) == (Outcome.SKIPPED, Reason.HARD_BOUNCED)


def test_tracking_opt_outs_reach_the_local_copy_before_its_next_refresh(account: Account) -> None:
    campaign_id = account.seed(sends=200, optout_rate=0.05)
    people = account.service.stats.people(campaign_id)  # none yet: not pulled
    assert people == []
    account.pull()
    people = account.service.stats.people(campaign_id)
    # The local copy as a refresh before the campaign left it: everyone subscribed.
    mirror = account.service.store.mirror
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    mirror.upsert_contacts(
        account.conn.id,
        [
            RemoteContact(p.contact_id, p.email, Permission.EXPLICIT, updated_at=long_ago)
            for p in people
        ],
    )
    # One of them opted back in after the campaign (a newer change): left alone.
    back = next(p for p in people if p.unsubscribed)
    mirror.upsert_contacts(
        account.conn.id,
        [
            RemoteContact(
                back.contact_id,
                back.email,
                Permission.EXPLICIT,
                updated_at=datetime.now(UTC) + timedelta(days=1),
            )
        ],
    )

    account.pull()

    index = mirror.email_index(account.conn.id)
    opted_out = {p.email for p in people if p.unsubscribed}
    assert len(opted_out) == 10
    for email in opted_out - {back.email}:
        assert index[email][1] is Permission.UNSUBSCRIBED
    assert index[back.email][1] is Permission.EXPLICIT
    assert sum(index[p.email][1] is Permission.UNSUBSCRIBED for p in people) == 9


def test_a_late_row_pages_below_the_mark_is_found_by_the_overlap(account: Account) -> None:
    account.service.stats.puller.page_size = 10
    campaign_id = account.seed(sends=2000)
    first = account.pull()
    activity = account.emulator.campaign_activity_id(campaign_id)
    mark = datetime.fromisoformat(first.marks[f"{activity}/opens"])
    opens = db.execute_sql(
        'SELECT "at" FROM campaign_event WHERE kind = \'open\' ORDER BY "at" DESC'
    ).fetchall()
    # An open reported only now that happened before the 25th newest one read: the third
    # page back, still within the two hours' overlap.
    at = datetime.fromisoformat(opens[24][0]) - timedelta(milliseconds=1)
    assert mark - at < OVERLAP
    someone = account.service.stats.people(campaign_id)[0]
    with account.emulator.state.tx() as conn:
        (act,) = conn.execute(
            "SELECT act FROM campaign_activities WHERE campaign_activity_id = ?", (activity,)
        ).fetchone()
        conn.execute(
            "INSERT INTO tracking (act, kind, contact_id, email, at_ms, latest, device)"
            " VALUES (?, 'opens', ?, ?, ?, 0, 'mobile')",
            (act, someone.contact_id, someone.email, int(at.timestamp() * 1000)),
        )
    account.emulator.reset_counts()

    again = account.pull()

    assert again.events_new == 1
    assert account.report_requests() == {"opens": 3}  # down to it, and no further
    assert account.kept() == account.everything()


def test_the_pull_waits_for_a_sync_holding_the_account(account: Account) -> None:
    from app.sync.locks import Activity, Holder

    account.seed(sends=50)
    runs = account.service.runs
    lock = runs.account_lock(account.conn.id)
    cancel = CancelToken()
    with lock.holding(Holder(Activity.SYNC, profile="Bakery customers")):
        account.emulator.reset_counts()
        cancel.cancel()  # gives up waiting at once
        report = account.pull(cancel=cancel)
    assert report.stopped == "cancelled" and report.requests == 0
    assert not [k for k in account.emulator.request_counts() if "/emails" in k]
    assert account.pull().stopped is None  # the account free again, it pulls


def test_a_connection_made_without_campaign_access_is_told_to_reconnect(account: Account) -> None:
    from app.core.errors import AuthError

    account.seed(sends=20)
    with account.emulator.state.tx() as conn:  # a token from before statistics asked for it
        conn.execute("UPDATE oauth_access SET scope = 'contact_data account_read offline_access'")
    with pytest.raises(AuthError, match="Connect the account again"):
        account.pull()


def test_an_hourly_pull_reads_recent_campaigns_and_the_nightly_one_all(account: Account) -> None:
    old = account.emulator.seed_campaign(
        "Spring sale", ["Newsletter"], sends=100, sent_at=datetime.now(UTC) - timedelta(days=10)
    )
    recent = account.seed(sends=100)
    account.pull()  # the first pull reads everything
    old_added = account.emulator.add_campaign_activity(old, 0.1)
    recent_added = account.emulator.add_campaign_activity(recent, 0.1)

    hourly = account.pull()  # within the day: only the last 72 hours' campaigns

    assert hourly.events_new == recent_added and hourly.activities == 1
    state = account.service.store.campaign_pull
    state.set_state(account.conn.id, nightly_at=datetime.now(UTC) - timedelta(hours=21))
    nightly = account.pull()
    assert nightly.events_new == old_added and nightly.activities == 2
    assert account.kept() == account.everything()
