"""The plain words the UI uses for run statuses, outcomes and times."""

from __future__ import annotations

from datetime import datetime

from app.core.outcomes import Outcome, RunStatus, RunSummary
from app.ui.i18n import tr
from app.ui.theme import Tone


def status_words(summary: RunSummary | None, running: bool = False) -> tuple[str, Tone]:
    """How the profiles list describes a profile's last run, with the color it gets."""
    if running:
        return tr("Syncing…"), Tone.INFO
    if summary is None:
        return tr("Not synced yet"), Tone.NEUTRAL
    failed = summary.counts.failed
    match summary.status:
        case RunStatus.COMPLETED:
            return tr("Synced"), Tone.SUCCESS
        case RunStatus.COMPLETED_WITH_ERRORS:
            return tr("Synced, %n failed", n=failed), Tone.WARNING
        case RunStatus.CANCELLED:
            return tr("Cancelled — sync again to finish"), Tone.NEUTRAL
        case RunStatus.PAUSED:
            return tr("Paused until the daily limit resets"), Tone.WARNING
        case RunStatus.FAILED:
            return tr("Did not finish"), Tone.ERROR
        case RunStatus.DRY_RUN:
            return tr("Dry run only"), Tone.INFO
        case RunStatus.RUNNING | RunStatus.PENDING:
            return tr("Interrupted — sync again to finish"), Tone.WARNING
    return str(summary.status), Tone.NEUTRAL  # pragma: no cover - every status is above


def outcome_words(outcome: Outcome, dry_run: bool) -> str:
    """One record's outcome, as the results table shows it."""
    if dry_run:
        return {
            Outcome.CREATED: tr("Would create"),
            Outcome.UPDATED: tr("Would update"),
            Outcome.UNCHANGED: tr("No change"),
            Outcome.SKIPPED: tr("Would not push"),
            Outcome.FAILED: tr("Failed"),
        }[outcome]
    return {
        Outcome.CREATED: tr("Created"),
        Outcome.UPDATED: tr("Updated"),
        Outcome.UNCHANGED: tr("Unchanged"),
        Outcome.SKIPPED: tr("Not pushed"),
        Outcome.FAILED: tr("Failed"),
    }[outcome]


def record_words(
    outcome: Outcome,
    dry_run: bool,
    direction: str = "push",
    action: str = "",
    source: str = "",
) -> str:
    """One record's outcome in words that fit which way it went.

    A push row reads as ``outcome_words``; a row that brought a Constant Contact contact into
    the source reads "Added to Xero" or "Not added"; an opt-out row reads "Marked opted out".
    ``source`` names the source ("Xero"); blank reads "the source".
    """
    where = source or tr("the source")
    if direction == "import":
        if outcome is Outcome.FAILED:
            return tr("Failed")
        if outcome is Outcome.SKIPPED:
            return tr("Would not add") if dry_run else tr("Not added")
        if outcome is Outcome.UNCHANGED or action == "import_link":
            text = tr("Would link to a record in %1") if dry_run else tr("Linked to a record in %1")
        elif outcome is Outcome.UPDATED:
            text = tr("Would update in %1") if dry_run else tr("Updated in %1")
        else:
            text = tr("Would add to %1") if dry_run else tr("Added to %1")
        return text.replace("%1", where)
    if direction == "optout":
        if outcome is Outcome.FAILED:
            return tr("Failed")
        if outcome is Outcome.SKIPPED:
            return tr("Would not mark") if dry_run else tr("Not marked")
        if outcome is Outcome.UNCHANGED:
            return tr("No change") if dry_run else tr("Unchanged")
        if action == "opt_in":
            return tr("Would clear the opt-out mark") if dry_run else tr("Opt-out mark cleared")
        return tr("Would mark opted out") if dry_run else tr("Marked opted out")
    if outcome is Outcome.UPDATED and action == "remove":
        return (
            tr("Would remove from the main list") if dry_run else tr("Removed from the main list")
        )
    if outcome is Outcome.UPDATED and action == "unsubscribe":
        return tr("Would unsubscribe") if dry_run else tr("Unsubscribed")
    return outcome_words(outcome, dry_run)


def skipped_words(dry_run: bool, two_way: bool) -> str:
    """The name of the "skipped" tile and filter: "Not pushed" only when all rows are pushes."""
    if two_way:
        return tr("Would skip") if dry_run else tr("Skipped")
    return tr("Would not push") if dry_run else tr("Not pushed")


OUTCOME_TONES: dict[Outcome, Tone] = {
    Outcome.CREATED: Tone.SUCCESS,
    Outcome.UPDATED: Tone.INFO,
    Outcome.UNCHANGED: Tone.NEUTRAL,
    Outcome.SKIPPED: Tone.WARNING,
    Outcome.FAILED: Tone.ERROR,
}


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 timestamp from the store, in local time (None when blank or unreadable)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.astimezone() if value.tzinfo else value


def when_words(text: str, now: datetime | None = None) -> str:
    """A stored timestamp as people say it: "Today 14:05", "Yesterday 09:12", "3 Mar 2025 …"."""
    value = parse_time(text)
    if value is None:
        return text or tr("Never")
    now = now or datetime.now(value.tzinfo)
    days = (now.date() - value.date()).days
    clock = value.strftime("%H:%M")
    if days == 0:
        return tr("Today %1").replace("%1", clock)
    if days == 1:
        return tr("Yesterday %1").replace("%1", clock)
    if value.year == now.year:
        return f"{value.day} {value.strftime('%b')} {clock}"
    return f"{value.day} {value.strftime('%b %Y')} {clock}"


def duration_words(started: str, finished: str) -> str:
    """How long a run took, e.g. "2 min 05 s" (blank when unknown)."""
    a, b = parse_time(started), parse_time(finished)
    if a is None or b is None:
        return ""
    seconds = max(0, int((b - a).total_seconds()))
    if seconds < 60:
        return tr("%1 s").replace("%1", str(seconds))
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return tr("%1 min %2 s").replace("%1", str(minutes)).replace("%2", f"{seconds:02d}")
    hours, minutes = divmod(minutes, 60)
    return tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", f"{minutes:02d}")
