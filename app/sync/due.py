"""Which profiles are due to run, and when to look again: pure arithmetic, no Qt, no I/O.

The scheduler in the window and the ``run-due`` command both decide with these functions, so
the app open and the app closed behave the same. The time arithmetic itself is
``app.core.schedule.next_run_at``; a run missed while the computer slept is due once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from datetime import UTC, datetime, time, timedelta

from app.connectors import registry
from app.core.profiles import OptOutHandling, SyncProfile
from app.core.schedule import Schedule, ScheduleKind, next_run_at

# A timer may fire a little early; a profile due within this much of "now" is due now.
SLACK = timedelta(seconds=1)
# The longest the scheduler waits between two looks, so a changed clock, a wake-up from sleep
# or a profile edited elsewhere (the CLI) are noticed within a minute.
MAX_WAIT = timedelta(seconds=60)

ProfileWithLastRun = tuple[SyncProfile, datetime | None]


def local_now() -> datetime:
    """The current local time, timezone-aware: schedules are local wall-clock times."""
    return datetime.now().astimezone()


def parse_started(text: str | None, now: datetime) -> datetime | None:
    """A stored run start (ISO 8601, UTC) in the same kind of time as ``now``.

    ``now`` aware: converted to ``now``'s zone. ``now`` naive: read as local time, naive.
    Returns None for empty or unreadable text (a profile never run).
    """
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if now.tzinfo is None:
        return value.astimezone().replace(tzinfo=None)
    return value.astimezone(now.tzinfo)


def with_last_runs(
    profiles: Iterable[SyncProfile],
    started: Mapping[int, str],
    now: datetime,
    attempted: Mapping[int, datetime] | None = None,
) -> list[ProfileWithLastRun]:
    """Pair each saved profile with the start of its last run.

    Args:
        profiles: the saved profiles (ids set).
        started: ``RunRepository.last_started()``: profile id -> ISO start text of its
            last sync (undo runs and dry runs are not syncs: they never put off the next).
        now: the clock's time, to convert the stored times to.
        attempted: when this process last started each profile itself. A run that failed
            before it was recorded (no connection, a missing file) still counts, so a broken
            profile is retried on its schedule, not on every look.
    """
    attempted = attempted or {}
    out: list[ProfileWithLastRun] = []
    for profile in profiles:
        if profile.id is None:
            continue
        last = parse_started(started.get(profile.id), now)
        tried = attempted.get(profile.id)
        if tried is not None and (last is None or tried > last):
            last = tried
        out.append((profile, last))
    return out


def polls(profile: SyncProfile) -> bool:
    """Whether the profile watches Constant Contact for unsubscribes and new contacts, which
    it does at least every ``poll_minutes`` whatever its schedule (NeonCRM's periodic
    unsubscribe sync).

    A profile whose runs on their own resync only unsubscribes (``scheduled_optouts_only``)
    polls when unsubscribes go either way: a source opt-out to Constant Contact, or a
    Constant Contact unsubscribe (or resubscribe) back to a writable source.
    """
    opts = profile.options
    if not profile.into_constant_contact:  # a migration copies what changed, every period
        return opts.poll_minutes > 0
    if opts.poll_minutes <= 0:
        return False
    found = registry.find(profile.source.kind)
    two_way = found is not None and found.writable
    if opts.scheduled_optouts_only:
        back = two_way and bool(opts.optout_to_source or opts.clear_optout_on_resubscribe)
        return back or opts.opt_out_handling is OptOutHandling.UNSUBSCRIBE
    return two_way and bool(opts.optout_to_source or opts.import_from_cc)


def polling_started(profile: SyncProfile, last_run: datetime | None) -> bool:
    """Whether the profile polls now: it ``polls`` and has synced at least once.

    Polling waits for the user's first sync of the profile (a sample profile in the sandbox
    never syncs by itself on first launch); a schedule the user chose runs on its own, and
    polling starts after that first run.
    """
    return polls(profile) and last_run is not None


AFTER_FIRST_SYNC = "two-way checks start after your first sync"
COPIES_AFTER_FIRST_SYNC = "starts after your first sync"


def schedule_words(profile: SyncProfile, synced: bool = True) -> str:
    """How often the profile runs by itself, in the words the window and ``run-due`` share.

    A two-way profile that polls runs every ``poll_minutes`` whatever its schedule, so a
    "Manual" one reads "Every 30 minutes (two-way)", never "Manual". Until its first sync
    (``synced`` False) it does not poll, and says so: "Manual (two-way checks start after
    your first sync)".
    """
    schedule = profile.schedule
    if not polls(profile):
        return schedule.describe()
    minutes = max(5, profile.options.poll_minutes)
    if not profile.into_constant_contact:
        every = Schedule(ScheduleKind.INTERVAL, every_minutes=minutes).describe()
        return every if synced else f"{every} ({COPIES_AFTER_FIRST_SYNC})"
    if not synced:
        return f"{schedule.describe()} ({AFTER_FIRST_SYNC})"
    interval = schedule.kind is ScheduleKind.INTERVAL and not schedule.problems()
    why = "unsubscribes" if profile.options.scheduled_optouts_only else "two-way"
    if interval and schedule.every_minutes <= minutes:
        return schedule.describe()  # the schedule already runs it at least that often
    every = Schedule(ScheduleKind.INTERVAL, every_minutes=minutes).describe()
    if schedule.kind in (ScheduleKind.MANUAL, ScheduleKind.INTERVAL) or schedule.problems():
        return f"{every} ({why})"  # polling is the only, or the more frequent, run
    return f"{schedule.describe()} and {every[0].lower()}{every[1:]} ({why})"


def next_check_at(
    profile: SyncProfile, last_run: datetime | None, now: datetime
) -> datetime | None:
    """When the profile is next due: its schedule, or its polling period if that comes first
    (polling only once the profile has synced: ``polling_started``)."""
    when = next_run_at(profile.schedule, last_run, now)
    if polling_started(profile, last_run):
        every = Schedule(ScheduleKind.INTERVAL, every_minutes=max(5, profile.options.poll_minutes))
        poll = next_run_at(every, last_run, now)
        if poll is not None and (when is None or poll < when):
            when = poll
    return when


def is_scheduled(profile: SyncProfile) -> bool:
    """Whether the profile runs on its own (a valid schedule but Manual, or polling)."""
    scheduled = profile.schedule.kind is not ScheduleKind.MANUAL
    return (scheduled and not profile.schedule.problems()) or polls(profile)


def due_profiles(
    profiles_with_last_run: Iterable[ProfileWithLastRun],
    now: datetime,
    running: Set[int] = frozenset(),
) -> list[SyncProfile]:
    """The profiles due at ``now``, in the order given; manual and running ones never are."""
    due: list[SyncProfile] = []
    for profile, last_run in profiles_with_last_run:
        if profile.id is None or profile.id in running:
            continue
        when = next_check_at(profile, last_run, now)
        if when is not None and when <= now + SLACK:
            due.append(profile)
    return due


def next_due_at(
    profiles_with_last_run: Iterable[ProfileWithLastRun],
    now: datetime,
    skip: Set[int] = frozenset(),
) -> datetime | None:
    """The earliest time any profile not in ``skip`` is due; None when none is scheduled."""
    times = [
        when
        for profile, last_run in profiles_with_last_run
        if profile.id is not None and profile.id not in skip
        if (when := next_check_at(profile, last_run, now)) is not None
    ]
    return min(times, default=None)


def wait_before_next_look(
    profiles_with_last_run: Iterable[ProfileWithLastRun],
    now: datetime,
    skip: Set[int] = frozenset(),
    cap: timedelta = MAX_WAIT,
) -> timedelta:
    """How long to wait before looking again: until the next due time, at most ``cap``.

    Running profiles belong in ``skip``: they are "due now" by their old last run, and
    looking again at once would spin; their run ending triggers a new look instead.
    """
    when = next_due_at(profiles_with_last_run, now, skip)
    if when is None:
        return cap
    return max(timedelta(0), min(cap, when - now))


# -- the campaign statistics pull (``service.stats``) ----------------------------------------

NIGHTLY_AT = time(2, 0)  # local time: "nightly" pulls after 02:00, as NeonCRM's nightly pull
HOURLY = timedelta(hours=1)


def next_stats_pull_at(
    schedule: str, since: datetime, resume_at: datetime | None = None
) -> datetime | None:
    """When the statistics pull is next due.

    Args:
        schedule: "nightly", "hourly" or "off" (None: never by itself).
        since: when a pull last started (else when the account was connected), local aware
            time: "nightly" is the first 02:00 after it, "hourly" an hour after it.
        resume_at: a pull the daily quota stopped resumes then (after the quota's reset),
            whatever the schedule says.
    """
    if schedule == "off":
        return None
    if resume_at is not None:
        return resume_at.astimezone(since.tzinfo)
    if schedule == "hourly":
        return since + HOURLY
    night = datetime.combine(since.date(), NIGHTLY_AT, tzinfo=since.tzinfo)
    return night if night > since else night + timedelta(days=1)
