"""Holds a Constant Contact account's lock in another process, as another ContactBridge would.

``held_elsewhere(...)`` starts ``python -m tests.sync.lock_holder``, returns once the child says
it holds the lock (a line on its stdout: no sleeping), and releases it when the test says so
(a line on its stdin) or when the ``with`` block ends.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class HeldElsewhere:
    """The child process holding the lock."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc

    @property
    def pid(self) -> int:
        return self.proc.pid

    def release(self) -> None:
        """Let go of the lock and wait for the child to end."""
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("release\n")
            self.proc.stdin.flush()
        assert self.proc.wait(timeout=30) == 0
        self.close()

    def kill(self) -> None:
        """End the child without a chance to clean up, as a crash would."""
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.close()

    def close(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


@contextmanager
def held_elsewhere(
    lock_dir: Path, key: str, profile: str, origin: str = "window", activity: str = "sync"
) -> Iterator[HeldElsewhere]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.sync.lock_holder",
            str(lock_dir),
            key,
            profile,
            origin,
            activity,
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    held = HeldElsewhere(proc)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "held"
        yield held
    finally:
        if proc.poll() is None:
            held.release()
        held.close()


def main(argv: list[str]) -> int:
    from app.sync.locks import AccountLock, Activity, Holder, Origin

    lock_dir, key, profile, origin, activity = argv
    lock = AccountLock(Path(lock_dir), key)
    lock.acquire(Holder(Activity(activity), profile, origin=Origin(origin)), wait=False)
    print("held", flush=True)
    sys.stdin.readline()
    lock.release()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
