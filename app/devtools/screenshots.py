"""Screenshots of every screen, taken from the real app running on the sandbox.

``python main.py --sandbox screenshots DIR`` calls ``take_screenshots``; it needs a
QApplication (``app.application.run(screenshot=DIR)`` makes one) and works offscreen.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import cast

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from app.connectors.wellnessliving.connector import SAMPLE_PROFILE as WL_PROFILE
from app.connectors.xero.connector import SAMPLE_LIST as XERO_LIST_NAME
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.core.errors import NeedsReconnect
from app.core.outcomes import Outcome
from app.devtools.klaviyo_screenshots import shoot_klaviyo
from app.devtools.list_screenshots import shoot_managers
from app.devtools.neoncrm_screenshots import shoot_neoncrm
from app.devtools.salesforce_screenshots import shoot_salesforce
from app.devtools.screenshots_files import shoot_missing_file, shoot_unreadable_rows
from app.devtools.stats_screenshots import shoot_stats
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.bootstrap import ServiceHandle, open_service
from app.sync.engine import IMPORT
from app.sync.locks import Activity, Holder, Origin
from app.sync.service import ContactBridgeService
from app.ui.errors import build_error_dialog
from app.ui.event_wait import wait_for, wait_ms
from app.ui.history import HistoryDialog
from app.ui.main_window import MainWindow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.options import OptionsPage
from app.ui.profile_wizard.pages.source import SourcePage
from app.ui.profile_wizard.wizard import ProfileWizard

log = logging.getLogger(__name__)
SIZE = (1366, 768)  # the most common laptop screen


class _Shooter:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.taken: list[Path] = []

    def __call__(self, widget: QWidget, name: str, settle_ms: int = 150) -> Path:
        if settle_ms:
            wait_ms(settle_ms)
        path = self.out_dir / f"{name}.png"
        widget.grab().save(str(path))
        self.taken.append(path)
        log.info("screenshot %s", path)
        return path


def take_screenshots(out_dir: Path, home: Path | None = None) -> list[Path]:
    """Run the sandbox through its screens and save a PNG of each; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="contactbridge-shots-") as tmp:
        handle = open_service(sandbox=True, home=home or Path(tmp))
        try:
            return _take(handle, _Shooter(out_dir))
        finally:
            handle.close()


def _take(handle: ServiceHandle, shoot: _Shooter) -> list[Path]:
    service = handle.service
    emulator = getattr(handle, "emulator", None)
    window = MainWindow(service)
    window.resize(*SIZE)
    window.show()
    try:
        shoot(window, "01-main-window", 300)
        _shoot_help(window, shoot)

        window.dry_run()
        wait_for(window.runner.run_finished)
        shoot(window, "02-dry-run-plan")

        # A slow import makes the real sync easy to catch in progress.
        if emulator is not None:
            emulator.runner.delay = 2.0
        grabbed: list[bool] = []

        def on_progress(pid: int, phase: str, done: int, total: int, message: str) -> None:
            if not grabbed and phase == IMPORT:
                grabbed.append(True)
                # Grabbed after this slot returns, once the run card shows this report.
                QTimer.singleShot(300, lambda: _shoot_progress(window, shoot))

        window.runner.progress_changed.connect(on_progress)
        window.sync_now()
        wait_for(window.runner.run_finished)
        window.runner.progress_changed.disconnect(on_progress)
        if emulator is not None:
            emulator.runner.delay = 0.0
        shoot(window, "04-sync-results")
        _shoot_record_details(window, shoot)
        window.panel.results.tabs.setCurrentIndex(1)
        shoot(window, "05-error-report")
        window.panel.results.tabs.setCurrentIndex(0)

        pid = window.selected_profile_id()
        assert pid is not None
        profile = service.profiles.get(pid)
        assert profile is not None
        history = HistoryDialog(service, profile, window.tasks, None, window)
        history.show()
        if history.proxy.rowCount():
            wait_for(history.results_shown, 30_000)
        shoot(history, "06-run-history")
        _shoot_undo_preview(history, shoot)
        history.close()

        _shoot_two_way(service, emulator, window, shoot)
        shoot_stats(window, emulator, shoot)

        for name, exc in (
            (
                "07-error-dialog",
                NeedsReconnect(
                    "Constant Contact no longer accepts ContactBridge's sign-in. Connect again "
                    "to continue; nothing was lost.",
                    details="HTTP 401 from the token endpoint: invalid_grant",
                ),
            ),
            ("08-unexpected-error", _sample_bug()),
        ):
            box = build_error_dialog(window, exc)
            assert box is not None
            box.show()
            shoot(box, name)
            box.close()

        _shoot_wizard(service, window, shoot)
        _shoot_new_wizard(service, window, shoot)
        _shoot_xero_source(service, window, shoot)
        _shoot_source_panel(service, window, shoot, "wellnessliving", WL_PROFILE)
        shoot_salesforce(service, window, shoot)
        shoot_neoncrm(service, window, shoot, emulator)
        shoot_klaviyo(service, window, shoot)
        shoot_managers(service, emulator, shoot)
        _shoot_waiting(window, emulator, shoot)
        sample = getattr(handle, "sample_csv", None)
        if sample is not None:
            shoot_unreadable_rows(window, sample.parent, shoot)
            shoot_missing_file(window, sample, shoot)

        for ov in service.profiles.overviews():
            service.profiles.delete(ov.profile.saved_id)
        window.reload_profiles()
        shoot(window, "12-empty-state")
    finally:
        window.close()
    return shoot.taken


def _shoot_help(window: MainWindow, shoot: Callable[..., Path]) -> None:
    """The first-run welcome (in the sandbox: sample data) and the getting-started guide."""
    window.show_welcome()
    welcome = window.dialog
    if welcome is not None:
        shoot(welcome, "00-welcome", 200)
        welcome.close()
    guide = window.show_guide()
    guide.resize(720, 640)
    shoot(guide, "13-help-guide", 200)
    guide.close()


def _shoot_record_details(window: MainWindow, shoot: Callable[..., Path]) -> None:
    """Double-clicking a result: what was sent and what Constant Contact holds now."""
    results = window.panel.results
    rows = results.push_table.model.rows
    chosen = next((r for r in rows if r.outcome is Outcome.UPDATED and r.detail), None)
    chosen = chosen or next((r for r in rows if r.outcome is Outcome.UPDATED), None)
    chosen = chosen or next((r for r in rows if r.outcome is Outcome.CREATED), None)
    if chosen is None:
        return
    results.open_details(chosen)
    dialog = results.dialog
    if dialog is not None:
        shoot(dialog, "04d-record-details", 200)
        dialog.close()


def _shoot_progress(window: MainWindow, shoot: Callable[..., Path]) -> None:
    """The sync in progress, then the question closing the window asks meanwhile (answered
    "Stay", so the run goes on)."""
    shoot(window, "03-sync-progress", settle_ms=0)
    window.close()
    box = window.close_question
    if box is not None:
        shoot(box, "03c-close-during-sync", 200)
        box.stay_button.click()


def _shoot_waiting(window: MainWindow, emulator: object, shoot: Callable[..., Path]) -> None:
    """The bakery queued behind a sync of the Xero sample started from the command line:
    both send to one Constant Contact account, so it waits its turn and says for what."""
    service = cast(ContactBridgeService, window.service)  # the sandbox's: it holds the locks
    bakery = service.profiles.named(SAMPLE_PROFILE_NAME)
    if bakery.id is None or bakery.connection_id is None:
        return
    # As a "sync" typed in a terminal would note itself (another process's id).
    elsewhere = Holder(
        Activity.SYNC, profile=XERO_PROFILE_NAME, origin=Origin.COMMAND_LINE, pid=os.getpid() + 1
    )
    with service.runs.account_lock(bakery.connection_id).holding(elsewhere):
        window.select_profile(bakery.id)
        window.sync_now()
        if wait_for(window.runner.run_waiting, 30_000):
            shoot(window, "03b-sync-waiting", 300)
    while window.runner.running_ids():
        wait_for(window.runner.run_finished, 60_000)


def _shoot_two_way(
    service: ContactBridgeService,
    emulator: ConstantContactEmulator | None,
    window: MainWindow,
    shoot: _Shooter,
) -> None:
    """The Xero sample profile synced both ways: a new Constant Contact contact comes into
    Xero, one already there is matched, and one who unsubscribed is refused by the list and
    marked opted out in Xero."""
    profile = service.profiles.named(XERO_PROFILE_NAME)
    options = replace(profile.options, import_from_cc=True)
    service.store.profiles.save(profile.with_changes(options=options))
    if emulator is not None:
        seed = emulator.seed_contact
        seed("mere.tane@example.com", "Mere", "Tane", list_names=[XERO_LIST_NAME])
        seed("aroha.walker0@example.com", "Aroha", "Walker", list_names=[XERO_LIST_NAME])
        seed("ben.murphy1@example.com", "Ben", "Murphy", permission="unsubscribed")
    window.reload_profiles()
    window.select_profile(profile.saved_id)
    window.sync_now()
    wait_for(window.runner.run_finished, 60_000)
    shoot(window, "04-sync-results-two-way")


def _shoot_undo_preview(history: HistoryDialog, shoot: Callable[..., Path]) -> None:
    """The preview of "Undo this run…" for the sync just made (nothing is undone)."""
    if not history.undo_button.isEnabled():
        return
    history.undo_button.click()
    if not wait_for(history.undo_previewed, 30_000) or history.preview is None:
        return
    history.preview.resize(1100, 640)
    shoot(history.preview, "06b-undo-preview")
    history.preview.reject()


def _sample_bug() -> Exception:
    empty: dict[str, str] = {}
    try:
        empty["profile"]
    except KeyError as exc:
        return exc
    raise AssertionError("unreachable")


def _shoot_wizard(
    service: ContactBridgeService, window: MainWindow, shoot: Callable[..., Path]
) -> None:
    """Walk the wizard over the sample profile (all filled in) and grab each page."""
    profile = service.profiles.overviews()[0].profile
    wizard = ProfileWizard(service, window, profile=profile)
    wizard.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
    wizard.show()
    wizard.restart()
    seen: set[int] = set()
    n = 0
    while wizard.currentId() not in seen:
        seen.add(wizard.currentId())
        n += 1
        wait_ms(400)  # pages load previews and lists in the background
        shoot(wizard, f"09-wizard-{n}-{_slug(wizard.currentPage().title())}", settle_ms=0)
        page = wizard.currentPage()
        if isinstance(page, OptionsPage) and page.problems().get("consent"):
            page.attest_check.setChecked(True)  # a profile saved before the question: answer it
            shoot(wizard, f"09-wizard-{n}b-consent-confirmed", settle_ms=0)
        wizard.next()
        wait_ms(50)
        QApplication.processEvents()
    wizard.reject()


def _shoot_new_wizard(
    service: ContactBridgeService, window: MainWindow, shoot: Callable[..., Path]
) -> None:
    """A new profile's first page: Next is off, and the line above it says why."""
    wizard = ProfileWizard(service, window)
    wizard.show()
    wizard.restart()
    wait_ms(200)
    shoot(wizard, "09-wizard-0-new-next-blocked")
    wizard.done(0)  # nothing entered: closes without asking


def _shoot_xero_source(
    service: ContactBridgeService, window: MainWindow, shoot: Callable[..., Path]
) -> None:
    """The Xero sample profile's first page: the organisation, its filters and a preview."""
    profile = service.profiles.named(XERO_PROFILE_NAME)
    wizard = ProfileWizard(service, window, profile=profile)
    wizard.show()
    wizard.restart()
    page = wizard.page_for(Step.SOURCE)
    assert isinstance(page, SourcePage)
    panel = page.panels["xero"]
    deadline = time.monotonic() + 30
    while panel.busy and time.monotonic() < deadline:  # groups and preview load in workers
        wait_ms(50)
    shoot(wizard, "09-wizard-xero-1-source")
    wizard.reject()


def _shoot_source_panel(
    service: ContactBridgeService,
    window: MainWindow,
    shoot: Callable[..., Path],
    kind: str,
    profile_name: str,
) -> None:
    """A service's sample profile on the wizard's first page: its panel and a preview."""
    profile = service.profiles.named(profile_name)
    wizard = ProfileWizard(service, window, profile=profile)
    wizard.show()
    wizard.restart()
    page = wizard.page_for(Step.SOURCE)
    assert isinstance(page, SourcePage)
    panel = page.panels[kind]
    deadline = time.monotonic() + 30
    while panel.busy and time.monotonic() < deadline:  # the connection and preview load
        wait_ms(50)
    shoot(wizard, f"09-wizard-{kind}-1-source")
    wizard.reject()


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:30]
