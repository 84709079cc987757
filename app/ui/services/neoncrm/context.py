"""What the NeonCRM screens share: the app's service, its task pool, and one NeonCRM profile
(whose Constant Contact account, NeonCRM connection and Push Settings they use)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject

from app.connectors.neoncrm.source import NeonSource
from app.core.profiles import SyncProfile
from app.core.store_types import Connection
from app.sync.facade.api import ContactBridgeApi
from app.sync.workers import BackgroundTasks, TaskToken
from app.ui.lists.tasks import run_task
from app.ui.settings import UiSettings


@dataclass
class NeonScreens:
    """The screens' shared state. ``profile`` is a NeonCRM profile (its source's kind)."""

    service: ContactBridgeApi
    tasks: BackgroundTasks
    profile: SyncProfile
    settings: UiSettings | None = None

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
        fn: Callable[[TaskToken], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        run_task(owner, self.tasks, fn, on_done, on_failed)
