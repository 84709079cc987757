"""The plain words the UI uses for run statuses, outcomes and times.

A run's counts and outcomes are worded by ``app.core.vocabulary`` (the one vocabulary every
surface shares); the functions here pass it the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.core.advice import advice
from app.core.outcomes import Outcome, RecordResult, RunStatus, RunSummary
from app.core.vocabulary import (
    FAILED_SUBSCRIPTION_REASON,
    RunTallies,
    Side,
    Term,
    column_label,
    label,
    row_label,
    side_title,
    summary_text,
    words,
)
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


def message_words(summary: RunSummary) -> str:
    """A run's message for history and reports; a failed run's says what to do, as fits its
    error (never "sync again" for a moved file or a deleted list)."""
    if summary.status is RunStatus.FAILED:
        return " ".join(p for p in (summary.message, tr(advice(summary.error_kind))) if p)
    return summary.message


def term_words(t: Term, dry_run: bool, source: str = "") -> str:
    """A tally's caption (tiles, filters, column headers of a run), in the user's language."""
    return label(t, dry_run, source, tr)


def column_words(t: Term, source: str = "") -> str:
    """A tally as a runs table's column header."""
    return column_label(t, source, tr)


def row_words(r: RecordResult, dry_run: bool, source: str = "") -> str:
    """One record's outcome in the words of its tally: "Created in Xero", "Not pushed"..."""
    return row_label(r, dry_run, source, tr)


def row_words_of(dry_run: bool, source: str = "") -> Callable[[RecordResult], str]:
    """``row_words`` for many rows: the words are worked out once per kind of row."""
    cache: dict[tuple[str, str, Outcome, bool, bool], str] = {}

    def words_of(r: RecordResult) -> str:
        key = (
            r.direction,
            r.action,
            r.outcome,
            r.matched_existing,
            r.reason == FAILED_SUBSCRIPTION_REASON,
        )
        found = cache.get(key)
        if found is None:
            found = cache[key] = row_words(r, dry_run, source)
        return found

    return words_of


def run_words(tallies: RunTallies, dry_run: bool, source: str = "") -> str:
    """A run in one line, as the engine stores it in the run's message."""
    return summary_text(tallies, dry_run, source, tr)


def side_words(side: Side, source: str = "") -> str:
    """ "To Constant Contact", "To Xero"."""
    return side_title(side, source, tr)


def hint_words(t: Term, source: str = "") -> str:
    return words(t.hint, source, tr) if t.hint else ""


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
    return seconds_words(max(0, int((b - a).total_seconds())))


def seconds_words(seconds: int | None) -> str:
    """A length of time, e.g. "2 min 05 s" (blank when unknown)."""
    if seconds is None:
        return ""
    if seconds < 60:
        return tr("%1 s").replace("%1", str(seconds))
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return tr("%1 min %2 s").replace("%1", str(minutes)).replace("%2", f"{seconds:02d}")
    hours, minutes = divmod(minutes, 60)
    return tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", f"{minutes:02d}")
