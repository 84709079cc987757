"""The last write phase: Constant Contact's campaign activity back to a source that takes it.

A source that implements ``CampaignActivitySink`` (Salesforce) and whose profile asks for it
gets, after its records:

- **email responses**: for each email campaign sent in the last 90 days, the people whose
  activity the statistics kept since the last run, each with the furthest they went and
  their new opens and clicks. The statistics are pulled first when the last pull is over an
  few minutes old (this run holds the account already, so the pull runs here, not as a job;
  a pull between the nightly ones reads only the campaigns of the last 72 hours).
- **events**: each Constant Contact event of the last 90 days (and to come) with its
  registrants, read from the Event Management API; an event whose registrations did not
  change since the last run is not handed again.

Each registrant and recipient carries the source record this profile linked to the contact
(when it did) and whether the contact is unsubscribed. What was handed is remembered per
profile (``CampaignResponseRepository``) only once the source took it, so a stopped run
hands it again (the source's writes are safe to repeat). What the source refused is said in
the run's message; it never fails the records the run synced.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.connectors.base import CampaignActivitySink
from app.connectors.campaign_reports import CampaignReportsClient
from app.connectors.cc_events import EventsClient
from app.connectors.registry import source_words
from app.core.campaign_responses import (
    EVENT_WINDOW_DAYS,
    TASK_KINDS,
    ActivityReport,
    CcEvent,
    EmailResponses,
    Response,
    ResponseEvent,
    member_status,
)
from app.core.email_address import email_key
from app.core.errors import AppError, Cancelled, QuotaExceeded
from app.core.profiles import SyncProfile
from app.core.records import Permission
from app.store.campaign_pull_repo import CampaignPullRepository
from app.store.campaign_response_repo import CampaignResponseRepository, HandedBack
from app.sync.stats_pull import FULL_EVERY, AccountPull

if TYPE_CHECKING:
    from app.sync.engine import PushEngine

log = logging.getLogger(__name__)

WINDOW = timedelta(days=EVENT_WINDOW_DAYS)
PULL_FRESH = timedelta(minutes=5)  # statistics pulled this recently are used as they are
EVENT_KEY, DIGEST_KEY = "event:{}", "digest:{}"


class Lookup:
    """Who a Constant Contact contact is to this profile: its linked source record, and
    whether it is unsubscribed (from the local copy of the account)."""

    def __init__(self, eng: PushEngine, profile: SyncProfile) -> None:
        d = eng.d
        self.by_contact: dict[str, str] = {}
        self.by_email: dict[str, str] = {}
        for key, detail in d.links.load_details(profile.saved_id).items():
            contact_id, email = detail[0], detail[1]
            if detail[5] == "removed":
                continue
            if contact_id:
                self.by_contact.setdefault(str(contact_id), key)
            if email:
                self.by_email.setdefault(email_key(str(email)), key)
        index = d.mirror.email_index(d.connection_id)
        self.unsubscribed = {
            email
            for email, (_cid, permission, _lists) in index.items()
            if permission == Permission.UNSUBSCRIBED
        }

    def key_of(self, contact_id: str, email: str) -> str | None:
        return self.by_contact.get(contact_id) or self.by_email.get(email_key(email))


def activity_to_source(eng: PushEngine, profile: SyncProfile, cp: dict[str, Any]) -> None:
    source = eng.source
    if not isinstance(source, CampaignActivitySink):
        return
    wanted = source.activity_wanted()
    if not wanted.anything:
        return
    repo = CampaignResponseRepository()
    state = repo.state(profile.saved_id)
    lookup = Lookup(eng, profile)
    report = ActivityReport()
    problem = ""
    try:
        if wanted.emails:
            report.add(_emails(eng, profile, source, repo, state, lookup))
        if wanted.events:
            report.add(_events(eng, profile, source, repo, state, lookup))
    except (QuotaExceeded, Cancelled):
        raise
    except AppError as exc:
        log.error(
            "campaign activity for %r not written: %s (%s)", profile.name, exc.message, exc.details
        )
        problem = exc.message
    cp["activity_note"] = activity_words(report, source_words(profile.source.kind), problem)


def activity_words(report: ActivityReport, service: str, problem: str = "") -> str:
    """One sentence for the run's message: what went back, and what did not."""
    where = service or "the source"
    parts = []
    if report.campaigns:
        parts.append(
            f"Campaign activity in {where}: {report.campaigns:,} campaign"
            f"{'s' if report.campaigns != 1 else ''}, {report.created:,} added, "
            f"{report.updated:,} updated"
        )
        if report.people_created:
            parts.append(f"{report.people_created:,} new people added as leads")
        if report.not_found:
            parts.append(f"{report.not_found:,} people not in {where}, left out")
    if report.failed:
        shown = "; ".join(report.failed[:3])
        more = f" (and {len(report.failed) - 3:,} more)" if len(report.failed) > 3 else ""
        parts.append(f"{where} refused {len(report.failed):,}: {shown}{more}")
    if problem:
        parts.append(f"Campaign activity was not written to {where}: {problem}")
    return ". ".join(parts)


# -- email responses -----------------------------------------------------------------------


def pull_if_stale(eng: PushEngine) -> None:
    """Pull the account's campaign statistics unless a pull just finished."""
    d = eng.d
    api = getattr(d.cc, "api", None)
    if api is None:  # a client without reports (tests' fakes): use what is kept
        return
    pulls = CampaignPullRepository()
    now = d.clock()
    state = pulls.state(d.connection_id)
    if state.pulled_at is not None and now - state.pulled_at < PULL_FRESH:
        return
    full = state.nightly_at is None or now - state.nightly_at >= FULL_EVERY
    pull = AccountPull(
        d.connection_id,
        CampaignReportsClient(api),
        pulls,
        now=d.clock,
        full=full,
        cancel=eng.cancel,
    )
    pulls.set_state(d.connection_id, tried_at=now)
    try:
        pull.run()
    finally:
        pulls.drop_opened_did_not_opens(d.connection_id)
        pulls.apply_optouts_to_mirror(d.connection_id)
    pulls.set_state(d.connection_id, pulled_at=d.clock(), resume_at=None)
    if full:
        pulls.set_state(d.connection_id, nightly_at=now)


def email_responses(
    eng: PushEngine,
    repo: CampaignResponseRepository,
    state: HandedBack,
    lookup: Lookup,
    up_to: int,
) -> list[EmailResponses]:
    """The campaigns with activity kept since the profile's mark, each with the people
    whose activity changed: their status from all their events, their new opens and clicks."""
    d = eng.d
    changed = repo.changed(d.connection_id, state.mark, up_to, d.clock() - WINDOW)
    out = []
    for facts in repo.campaigns(d.connection_id, sorted(changed)):
        events = repo.events_of(
            d.connection_id, facts.campaign_id, changed[facts.campaign_id], up_to
        )
        responses = []
        for contact_id, rows in sorted(events.items()):
            last = rows[-1]
            email = email_key(next((r.email for r in reversed(rows) if r.email), ""))
            responses.append(
                Response(
                    contact_id=contact_id,
                    email=email,
                    name=next((r.name for r in reversed(rows) if r.name), last.name),
                    status=member_status(r.kind for r in rows),
                    events=tuple(
                        ResponseEvent(r.kind, r.at, r.link)
                        for r in rows
                        if r.kind in TASK_KINDS and r.row_id > state.mark
                    ),
                    source_key=lookup.key_of(contact_id, email),
                    unsubscribed=email in lookup.unsubscribed,
                )
            )
        out.append(
            EmailResponses(
                campaign_id=facts.campaign_id,
                name=facts.name or facts.campaign_id,
                sent_at=facts.sent_at,
                responses=tuple(responses),
                target_id=state.targets.get(facts.campaign_id, ""),
            )
        )
    return out


def _emails(
    eng: PushEngine,
    profile: SyncProfile,
    source: CampaignActivitySink,
    repo: CampaignResponseRepository,
    state: HandedBack,
    lookup: Lookup,
) -> ActivityReport:
    pull_if_stale(eng)
    eng.cancel.raise_if_cancelled()
    up_to = repo.newest_id(eng.d.connection_id)
    campaigns = email_responses(eng, repo, state, lookup, up_to)
    report = source.write_email_responses(campaigns) if campaigns else ActivityReport()
    state.targets.update(report.targets)
    state.mark = up_to
    repo.save_state(profile.saved_id, state)
    return report


# -- events --------------------------------------------------------------------------------


def _digest(event: CcEvent) -> str:
    parts = [event.name, str(event.starts_at), str(event.ends_at), event.status]
    for r in sorted(event.registrants, key=lambda r: r.registration_id):
        parts += [r.registration_id, r.email, r.status, r.payment_status, str(r.tickets)]
        parts += [str(r.total), str(r.checked_in), str(r.registered_at), str(r.unsubscribed)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def cc_events(eng: PushEngine, lookup: Lookup, since: datetime) -> list[CcEvent]:
    """The account's events since ``since`` with their registrants, each registrant with
    its linked source record and whether it is unsubscribed."""
    api = getattr(eng.d.cc, "api", None)
    if api is None:
        return []
    client = EventsClient(api)
    out = []
    for item in client.events(since):
        eng.cancel.raise_if_cancelled()
        event = client.event(item)
        people = tuple(
            replace(
                r,
                source_key=lookup.by_email.get(r.email),
                unsubscribed=r.email in lookup.unsubscribed,
            )
            for r in event.registrants
        )
        out.append(replace(event, registrants=people))
    return out


def _events(
    eng: PushEngine,
    profile: SyncProfile,
    source: CampaignActivitySink,
    repo: CampaignResponseRepository,
    state: HandedBack,
    lookup: Lookup,
) -> ActivityReport:
    found = cc_events(eng, lookup, eng.d.clock() - WINDOW)
    changed: list[CcEvent] = []
    digests: dict[str, str] = {}
    for event in found:
        digest = _digest(event)
        if state.targets.get(DIGEST_KEY.format(event.event_id)) == digest:
            continue
        digests[DIGEST_KEY.format(event.event_id)] = digest
        changed.append(
            replace(event, target_id=state.targets.get(EVENT_KEY.format(event.event_id), ""))
        )
    if not changed:
        return ActivityReport()
    report = source.write_events(changed)
    state.targets.update({EVENT_KEY.format(k): v for k, v in report.targets.items()})
    if not report.failed:  # an event the source refused part of is handed again next time
        state.targets.update(digests)
    repo.save_state(profile.saved_id, state)
    return _without_targets(report)


def _without_targets(report: ActivityReport) -> ActivityReport:
    return replace(report, targets={})
