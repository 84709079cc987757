"""Which run an undo undoes, and what it did (or, in a preview, will do) to each journal entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.errors import ConfigError
from app.core.outcomes import RunStatus
from app.core.plural import counted, plural
from app.store.journal_repo import JournalRepository
from app.sync.undo_plan import Step

UNDOABLE = (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS)


@dataclass
class UndoReport:
    """What an undo did (or, for a dry run, will do) for every journal entry of a run."""

    undo_of: int
    dry_run: bool
    steps: list[Step]
    run_id: int | None = None
    status: str = ""
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    source_name: str = "the source"

    def tally(self) -> dict[str, int]:
        out = {"restore" if self.dry_run else "restored": 0, "skipped": 0, "failed": 0}
        for s in self.steps:
            key = s.outcome or "restore"
            out[key] = out.get(key, 0) + 1
        out["total"] = len(self.steps)
        out["unsubscribes_kept"] = sum(1 for s in self.steps if s.unsubscribe)
        out["source_opt_outs_kept"] = sum(1 for s in self.steps if s.opt_out_kept)
        out["source_created_kept"] = sum(1 for s in self.steps if s.created_kept)
        return out

    def removals(self) -> tuple[int, int]:
        """(contacts it deletes from Constant Contact, records it removes from the source)."""
        live = [s for s in self.steps if s.outcome in (None, "restored")]
        return sum(1 for s in live if s.delete), sum(1 for s in live if s.source_archive)

    def summary_text(self, remove_created: bool = False) -> str:
        """The report in a sentence; ``remove_created``: as it reads once the user chose to
        remove what the run created (a preview is made without that choice)."""
        c = self.tally()
        done = c.get("restore", 0) if self.dry_run else c.get("restored", 0)
        verb = "would restore" if self.dry_run else "restored"
        text = (
            f"Undo of run {self.undo_of}: {verb} {done}, skipped {c['skipped']}, "
            f"failed {c['failed']} (of {counted(c['total'], 'change', 'changes')})"
        )
        if c["unsubscribes_kept"]:
            kept = counted(c["unsubscribes_kept"], "unsubscribe", "unsubscribes")
            text += f". {kept} kept: only the person can opt back in"
        if c["source_opt_outs_kept"]:
            kept = counted(c["source_opt_outs_kept"], "opt-out mark", "opt-out marks")
            text += f". {kept} kept in {self.source_name}: only the person can opt back in"
        if c["source_created_kept"]:
            n = c["source_created_kept"]
            fate = "archived (unless changed there since)"
            if not remove_created:
                fate = plural(n, "stays there", "stay there")
            created = counted(n, "record", "records")
            text += f". {created} the sync created in {self.source_name} {fate}"
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "undo_of": self.undo_of,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "status": self.status,
            "message": self.message or self.summary_text(),
            "counts": self.tally(),
            "entries": [s.as_json() for s in self.steps],
        }


def undo_target(runs: Any, journal: JournalRepository, profile_id: int, run_id: int | None) -> int:
    """The run to undo: ``run_id``, or the profile's last completed sync.

    Raises:
        ConfigError: no such run, a dry run, an undo, or a run made before the journal.
    """
    if run_id is None:
        for summary in runs.history(profile_id, limit=200):
            if summary.dry_run or summary.status not in UNDOABLE:
                continue
            if "undo_of" in runs.checkpoint(summary.run_id):
                continue
            run_id = summary.run_id
            break
        if run_id is None:
            raise ConfigError("This profile has no completed sync to undo.")
    summary = runs.get(run_id)
    if summary is None or summary.profile_name != _profile_name(runs, profile_id):
        raise ConfigError(f"Run {run_id} is not a run of this profile.")
    if summary.dry_run:
        raise ConfigError(f"Run {run_id} was a dry run: it changed nothing to undo.")
    if "undo_of" in runs.checkpoint(run_id):
        raise ConfigError(f"Run {run_id} is itself an undo; it cannot be undone.")
    if not journal.has_journal(run_id):
        raise ConfigError(
            f"Run {run_id} has nothing to undo: it changed nothing in Constant Contact, "
            "or it was made before ContactBridge kept an undo journal."
        )
    return run_id


def _profile_name(runs: Any, profile_id: int) -> str:
    last = runs.last_run(profile_id)
    return last.profile_name if last is not None else ""
