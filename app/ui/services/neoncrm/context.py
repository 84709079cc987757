"""What the NeonCRM screens share: the app's service, its task pool, and one NeonCRM profile
(whose Constant Contact account, NeonCRM connection and Push Settings they use)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject

from app.connectors.neoncrm.source import NeonSource
from app.core.profiles import SyncProfile
from app.core.store_types import Connection
from app.sync.facade.api import ContactBridgeApi
from app.sync.workers import BackgroundTasks
from app.ui.profile_wizard.tasks import TaskRunner
from app.ui.settings import UiSettings


def ensure_custom_fields(service: ContactBridgeApi, cc_id: int, labels: Sequence[str]) -> None:
    """Create the Constant Contact custom fields Push Settings fill (the Source mark, the
    Additional Contact Fields) that the account lacks. Call it in a worker."""
    if not labels:
        return
    have = {f.label.casefold() for f in service.connections.custom_fields(cc_id)}
    for label in labels:
        if label.casefold() not in have:
            service.connections.create_custom_field(cc_id, label)
            have.add(label.casefold())


@dataclass
class NeonScreens:
    """The screens' shared state. ``profile`` is a NeonCRM profile (its source's kind)."""

    service: ContactBridgeApi
    tasks: BackgroundTasks
    profile: SyncProfile
    settings: UiSettings | None = None
    _runner: TaskRunner | None = field(default=None, repr=False)

    @property
    def cc_id(self) -> int:
        assert self.profile.connection_id is not None
        return self.profile.connection_id

    @property
    def profile_id(self) -> int:
        return self.profile.saved_id

    @property
    def neon_id(self) -> int:
        return int(self.profile.source.settings.get("connection_id") or 0)

    def neon_connection(self) -> Connection | None:
        return self.service.connections.connection(self.neon_id)

    def open_source(self) -> NeonSource:
        """The profile's NeonCRM source (call in a worker: it may read the keyring)."""
        source = self.service.profiles.open_source(self.profile.source)
        assert isinstance(source, NeonSource)
        return source

    def run(
        self,
        owner: QObject,
        fn: Callable[[Any], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        """Call ``fn(cancel_token)`` in a worker; ``on_done`` or ``on_failed`` runs in the
        main thread, unless ``owner`` was deleted meanwhile or ``shutdown()`` came first."""
        if self._runner is None:
            self._runner = TaskRunner(max_threads=2)
        alive = [True]
        owner.destroyed.connect(lambda *_a: alive.__setitem__(0, False))

        def done(result: Any) -> None:
            if alive[0]:
                on_done(result)

        def failed(exc: Exception) -> None:
            if alive[0]:
                on_failed(exc)

        self._runner.run(fn, done, failed)

    def shutdown(self) -> None:
        """Cancel the screens' work (its answers are dropped) and wait for the threads."""
        if self._runner is not None:
            self._runner.shutdown()
