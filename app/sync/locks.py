"""One run per profile, and one sync activity per Constant Contact account, across processes.

Both are OS file locks (filelock) under the app's ``locks`` folder, so the window, the tray,
``run-due`` and the command line all see them, and a killed process releases them. As NeonCRM
locks all sync activity during an import or push, a second activity on the same account waits
for the first; who holds the account is written next to its lock (``Holder``) so the waiter can
say what it waits for. That note is only information: the OS lock alone decides, and a note
left by a process that died is ignored.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout

from app.core.errors import Cancelled, RunLocked
from app.sync.progress import CancelToken

log = logging.getLogger(__name__)

# How often a waiter looks at the lock again. In this process a release wakes it at once.
POLL_SECONDS = 0.25


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
                f'"{self._name}" is already syncing (or waiting to), in this window or another '
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


# -- who holds an account ---------------------------------------------------------------------


class Origin(StrEnum):
    """Which kind of ContactBridge process started an activity."""

    WINDOW = "window"
    COMMAND_LINE = "command line"
    RUN_DUE = "run-due"  # the OS job that runs schedules while the app is closed


class Activity(StrEnum):
    """What holds an account: a profile's run, a change made in the lists manager, or the
    campaign statistics pull."""

    SYNC = "sync"
    DRY_RUN = "dry run"
    RETRY = "retry"
    LIST_ADD = "list add"
    LIST_REMOVE = "list remove"
    LIST_DELETE = "list delete"
    UNDO = "undo"
    STATS_PULL = "statistics pull"


def _now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Holder:
    """Who holds (or waits for) an account, as written next to its lock.

    Attributes:
        activity: what it is doing.
        profile: the profile's name; empty for the lists manager.
        subject: the list's name, for the lists manager's changes.
        origin: the window, the command line or the scheduled background job.
        pid: the process id (a note from a process that is gone is ignored).
        started_at: ISO 8601 local time with its offset.
    """

    activity: Activity
    profile: str = ""
    subject: str = ""
    origin: Origin = Origin.WINDOW
    pid: int = field(default_factory=os.getpid)
    started_at: str = field(default_factory=_now_text)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Holder:
        return cls(
            activity=Activity(data["activity"]),
            profile=str(data.get("profile") or ""),
            subject=str(data.get("subject") or ""),
            origin=Origin(data.get("origin") or Origin.WINDOW),
            pid=int(data["pid"]),
            started_at=str(data.get("started_at") or ""),
        )

    # -- words -------------------------------------------------------------------------------

    def _who(self) -> str:
        if self.activity is Activity.STATS_PULL:
            return "the campaign statistics pull"
        return f'"{self.profile}"' if self.profile else "the lists manager"

    def _doing(self) -> tuple[str, str]:
        """What it does, as "<who> is …", and the word before "this account"."""
        the_list = f"the list “{self.subject}”" if self.subject else "a list"
        return {
            Activity.SYNC: ("syncing", "with"),
            Activity.DRY_RUN: ("doing a dry run", "with"),
            Activity.RETRY: ("retrying its failed records", "with"),
            Activity.LIST_ADD: (f"adding people to {the_list}", "in"),
            Activity.LIST_REMOVE: (f"taking people off {the_list}", "in"),
            Activity.LIST_DELETE: (f"deleting {the_list}", "in"),
            Activity.UNDO: ("undoing a sync", "with"),
            Activity.STATS_PULL: ("reading campaign statistics", "from"),
        }[self.activity]

    def _where(self, my_pid: int) -> str:
        if self.pid == my_pid:
            return "in this window" if self.origin is Origin.WINDOW else "in this command"
        return {
            Origin.WINDOW: "in another ContactBridge window",
            Origin.COMMAND_LINE: "from the command line",
            Origin.RUN_DUE: "by the scheduled background job",
        }[self.origin]

    def _when(self, now: datetime) -> str:
        try:
            started = datetime.fromisoformat(self.started_at).astimezone(now.tzinfo)
        except (ValueError, TypeError):
            return ""
        if started.date() == now.date():
            return f"started {started:%H:%M}, "
        return f"started {started.day} {started:%b %H:%M}, "

    def _context(self, now: datetime | None, my_pid: int | None) -> str:
        now = now or datetime.now().astimezone()
        return f"({self._when(now)}{self._where(os.getpid() if my_pid is None else my_pid)})"

    def waiting_message(self, now: datetime | None = None, my_pid: int | None = None) -> str:
        """E.g. 'Waiting for "Bakery customers → Newsletter" to finish syncing with this
        Constant Contact account (started 10:42, in another ContactBridge window).'"""
        doing, prep = self._doing()
        return (
            f"Waiting for {self._who()} to finish {doing} {prep} this Constant Contact "
            f"account {self._context(now, my_pid)}."
        )

    def busy_message(self, now: datetime | None = None, my_pid: int | None = None) -> str:
        """E.g. 'This Constant Contact account is busy: "Bakery customers → Newsletter" is
        syncing with it (started 10:42, from the command line).'"""
        doing, prep = self._doing()
        return (
            f"This Constant Contact account is busy: {self._who()} is {doing} {prep} it "
            f"{self._context(now, my_pid)}."
        )


UNKNOWN_WAITING = (
    "Waiting for another sync with this Constant Contact account to finish (in another "
    "ContactBridge window or command)."
)
UNKNOWN_BUSY = (
    "This Constant Contact account is busy: another sync with it is going on (in another "
    "ContactBridge window or command)."
)


class AccountBusy(RunLocked):
    """Another activity holds the Constant Contact account, and the caller chose not to wait.

    Attributes:
        holder: who holds it, when known.
    """

    title = "Constant Contact account busy"

    def __init__(self, holder: Holder | None) -> None:
        super().__init__(holder.busy_message() if holder else UNKNOWN_BUSY)
        self.holder = holder


def waiting_words(holder: Holder | None) -> str:
    """The line a waiter shows: who it waits for, or that someone unknown holds the account."""
    return holder.waiting_message() if holder else UNKNOWN_WAITING


def account_key(connection_id: int, settings: Mapping[str, Any] | None = None) -> str:
    """What identifies a Constant Contact account for locking.

    The account's own id (``encoded_account_id``, kept as the connection's ``account_id``
    setting since it was connected) when known, so two connections to one account share a
    lock; else the connection id.
    """
    settings = settings or {}
    account = str(settings.get("account_id") or "")
    if not account:
        return f"connection-{connection_id}"
    sandbox = "sandbox-" if settings.get("sandbox") else ""
    return "cc-" + sandbox + re.sub(r"[^A-Za-z0-9_.-]", "_", account)


# -- the account lock -------------------------------------------------------------------------


class _Ticket:
    """One waiter's place in the queue (compared by identity: two waiters may look alike)."""

    __slots__ = ("holder",)

    def __init__(self, holder: Holder) -> None:
        self.holder = holder


class _LocalQueue:
    """The waiters of one account in this process, first come first served."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.waiting: deque[_Ticket] = deque()


_queues: dict[str, _LocalQueue] = {}
_queues_lock = threading.Lock()


def _local_queue(path: Path) -> _LocalQueue:
    with _queues_lock:
        return _queues.setdefault(str(path.resolve()), _LocalQueue())


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        import ctypes

        # typeshed declares windll for Windows only, and mypy checks as on Linux.
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(code.value == 259)  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class AccountLock:
    """One sync activity at a time on a Constant Contact account, across processes.

    Args:
        lock_dir: the app's locks folder.
        key: ``account_key(...)`` of the account.
    """

    def __init__(self, lock_dir: Path, key: str) -> None:
        lock_dir.mkdir(parents=True, exist_ok=True)
        self.key = key
        self._path = lock_dir / f"account-{key}.lock"
        self._info = lock_dir / f"account-{key}.holder.json"
        self._lock = FileLock(str(self._path))
        self._queue = _local_queue(self._path)
        self._held: Holder | None = None

    def current_holder(self) -> Holder | None:
        """Who holds the account, from the note next to the lock; None when unknown or when
        the note was left by a process that is gone."""
        try:
            holder = Holder.from_mapping(json.loads(self._info.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return holder if _pid_alive(holder.pid) else None

    def acquire(
        self,
        holder: Holder,
        *,
        wait: bool = True,
        cancel: CancelToken | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Take the account, waiting while another activity holds it.

        Args:
            holder: who takes it (written next to the lock while held).
            wait: False raises ``AccountBusy`` at once instead of waiting.
            cancel: stops the wait (raises ``Cancelled``).
            on_wait: told what the wait is for, each time that changes (a sentence), and
                ``""`` once the account is taken after a wait. Called in this thread.

        Raises:
            AccountBusy: the account is held and ``wait`` is False.
            Cancelled: ``cancel`` was set while waiting.
        """
        queue, ticket = self._queue, _Ticket(holder)
        with queue.cond:
            queue.waiting.append(ticket)
        announced = ""
        try:
            while True:
                with queue.cond:
                    ahead = queue.waiting[0]
                if ahead is ticket and self._try_lock():
                    # Noted before leaving the queue, so the next in it names this one.
                    # "started 10:42" means when it got the account, not when it began to wait.
                    self._held = replace(holder, started_at=_now_text())
                    self._write_note(self._held)
                    break
                other = self.current_holder() or (None if ahead is ticket else ahead.holder)
                if not wait:
                    raise AccountBusy(other)
                message = waiting_words(other)
                if on_wait is not None and message != announced:
                    on_wait(message)
                announced = message
                if cancel is not None:
                    cancel.raise_if_cancelled()
                with queue.cond:
                    queue.cond.wait(POLL_SECONDS)
                if cancel is not None and cancel.cancelled:
                    raise Cancelled("Cancelled while waiting; nothing was changed.")
        finally:
            with queue.cond:
                queue.waiting.remove(ticket)
                queue.cond.notify_all()
        if announced and on_wait is not None:
            on_wait("")

    def release(self) -> None:
        holder, self._held = self._held, None
        if holder is None:
            return
        try:
            if self.current_holder() == holder:
                self._info.unlink(missing_ok=True)
        except OSError as exc:  # only information: the lock below is what counts
            log.warning("could not remove %s: %s", self._info, exc)
        finally:
            self._lock.release()
            with self._queue.cond:
                self._queue.cond.notify_all()

    @contextmanager
    def holding(
        self,
        holder: Holder,
        *,
        wait: bool = True,
        cancel: CancelToken | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> Iterator[AccountLock]:
        """``acquire`` for the length of a ``with`` block."""
        self.acquire(holder, wait=wait, cancel=cancel, on_wait=on_wait)
        try:
            yield self
        finally:
            self.release()

    def _try_lock(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def _write_note(self, holder: Holder) -> None:
        tmp = self._info.with_name(f"{self._info.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            tmp.write_text(holder.to_json(), encoding="utf-8")
            os.replace(tmp, self._info)
        except OSError as exc:  # a waiter then says "another sync", which is still true
            log.warning("could not write %s: %s", self._info, exc)
