"""One active run per profile, enforced across processes (the GUI and the CLI)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from app.core.errors import RunLocked


class ProfileLock:
    """An exclusive lock on one profile's runs, held for the length of a run.

    The lock is an OS file lock, so it is released even if the process is killed.
    """

    def __init__(self, lock_dir: Path, profile_id: int, profile_name: str = "") -> None:
        lock_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(lock_dir / f"profile-{profile_id}.lock"))
        self._name = profile_name or f"#{profile_id}"

    def acquire(self) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise RunLocked(
                f'"{self._name}" is already syncing, in this window or another '
                "ContactBridge process. Wait for that run to finish."
            ) from None

    def release(self) -> None:
        self._lock.release()

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> ProfileLock:
        self.acquire()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
