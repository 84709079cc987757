"""The run panel's two-way actions: confirming a run the guard stopped, retrying failures."""

from __future__ import annotations

from app.core.errors import NeedsConfirmation
from app.core.outcomes import RunCounts, RunStatus, RunSummary
from app.ui.run_actions import RetryFailedBar


def summary(failed: int, dry_run: bool = False) -> RunSummary:
    return RunSummary(
        7, "Shop", RunStatus.COMPLETED_WITH_ERRORS, RunCounts(created=1, failed=failed), dry_run
    )


def test_retry_bar_shows_only_for_real_runs_with_failures(qtbot):
    bar = RetryFailedBar()
    qtbot.addWidget(bar)
    bar.show_for(summary(0))
    assert bar.isHidden()
    bar.show_for(summary(3, dry_run=True))
    assert bar.isHidden()
    bar.show_for(summary(3))
    assert not bar.isHidden()
    assert bar.label.text() == "3 records failed in this run."
    with qtbot.waitSignal(bar.retry_requested) as got:
        bar.button.click()
    assert got.args == [7]
    assert not bar.button.isEnabled()


class Runner:
    def __init__(self) -> None:
        self.started: list[tuple[int, dict]] = []

    def is_running(self, profile_id: int) -> bool:
        return False

    def start(self, profile_id: int, **kwargs: object) -> None:
        self.started.append((profile_id, kwargs))


def needs_confirmation() -> NeedsConfirmation:
    return NeedsConfirmation("would unsubscribe 60", unsubscribes=60, removals=0, synced=70)


def test_confirmed_run_is_started_again_with_confirm(qtbot):
    from app.ui.run_panel import RunPanel

    asked = []
    panel = RunPanel.__new__(RunPanel)  # only the confirmation logic, no widgets needed
    panel.runner = Runner()
    panel.confirm = lambda parent, exc: asked.append(exc.unsubscribes) or True
    assert RunPanel.confirm_and_rerun(panel, 4, needs_confirmation())
    assert asked == [60]
    assert panel.runner.started == [(4, {"confirm": True})]

    panel.runner = Runner()
    panel.confirm = lambda parent, exc: False
    assert RunPanel.confirm_and_rerun(panel, 4, needs_confirmation())
    assert panel.runner.started == []
