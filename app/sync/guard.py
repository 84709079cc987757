"""The blast-radius guard: a run that would unsubscribe or remove many contacts stops first.

Unsubscribes cannot be undone (only the person can opt back in), and a mass removal is
usually a mistake in a filter or a source file. So before writing anything, a run that would
unsubscribe or remove more than the profile's share (default 10 %) or number (default 50) of
the contacts it has synced stops and asks. The stopped run becomes a preview, so its results
show exactly who would be affected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.core.errors import NeedsConfirmation
from app.core.outcomes import RunStatus
from app.core.plural import counted
from app.core.profiles import SyncOptions, SyncProfile
from app.core.store_types import RecordAction

if TYPE_CHECKING:
    from app.store.runs_repo import RunRepository

# Below this many, the share rule never asks: on a list of 20, two opt-outs are 10 %, and a
# scheduled run that stops for them every time protects no one.
SHARE_MINIMUM = 5


@dataclass(frozen=True)
class BlastRadius:
    """What a planned run would take away, against what the profile has synced."""

    unsubscribes: int
    removals: int
    synced: int

    @property
    def total(self) -> int:
        return self.unsubscribes + self.removals

    def exceeds(self, opts: SyncOptions) -> bool:
        if self.total > opts.guard_count:
            return True
        if self.total < SHARE_MINIMUM or self.synced <= 0:
            return False
        return self.total > opts.guard_share * self.synced

    def describe(self) -> str:
        parts = []
        if self.unsubscribes:
            who = counted(self.unsubscribes, "contact", "contacts")
            parts.append(f"unsubscribe {who} in Constant Contact")
        if self.removals:
            who = counted(self.removals, "contact", "contacts")
            parts.append(f"remove {who} from the main list")
        what = " and ".join(parts) or "change nothing"
        of = f" of the {self.synced:,} this profile has synced" if self.synced else ""
        return f"This sync would {what}{of}"


def confirmation_error(
    radius: BlastRadius, opts: SyncOptions, profile_name: str, run_id: int
) -> NeedsConfirmation:
    """The error a run raises when it stops for confirmation (nothing was written)."""
    share = f"{opts.guard_share:.0%}"
    message = (
        f"{radius.describe()}, more than the {share} or {opts.guard_count:,} contacts "
        "allowed without asking. Nothing was changed; the run's results list everyone "
        "affected. To go ahead, sync again with confirmation "
        f'(command line: sync "{profile_name}" --confirm).'
    )
    return NeedsConfirmation(
        message,
        unsubscribes=radius.unsubscribes,
        removals=radius.removals,
        synced=radius.synced,
        run_id=run_id,
    )


def check_blast_radius(
    runs: RunRepository,
    profile: SyncProfile,
    run_id: int,
    cp: dict[str, Any],
    *,
    dry_run: bool,
    confirm: bool,
) -> None:
    """The engine's guard phase: passes, notes it (dry run), or stops the run as a preview.

    Raises:
        NeedsConfirmation: a real, unconfirmed run is over the limits; it is now a preview.
    """
    if cp.get("guard_passed"):
        return  # a resumed run was checked (or confirmed) already
    radius = BlastRadius(
        unsubscribes=runs.count_action(run_id, RecordAction.UNSUBSCRIBE.value),
        removals=runs.count_action(run_id, RecordAction.REMOVE.value),
        synced=int(cp.get("synced", 0)),
    )
    if radius.exceeds(profile.options):
        if dry_run:
            cp["guard_note"] = f"{radius.describe()}: a real run will ask to confirm first."
        elif not confirm:
            err = confirmation_error(radius, profile.options, profile.name, run_id)
            runs.finalize_planned(run_id)
            runs.mark_dry_run(run_id)
            counts = runs.counts(run_id)
            runs.finish(run_id, RunStatus.DRY_RUN, counts, err.message)
            raise err
    cp["guard_passed"] = True
