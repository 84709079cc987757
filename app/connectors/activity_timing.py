"""When to look at Constant Contact bulk activities again, from their size and the pace seen.

Every ``GET /activities`` counts against the 10,000 requests a day a key gets, so a wait
looks when the work should be done rather than on a fixed beat. The work is modelled as
one queue (Constant Contact works through an account's activities in turn): activities
join it when they are sent, and it drains at a pace in items a second. The pace starts as
a guess and is replaced by what the looks show (items done between two looks).

Pure: no clock and no I/O. Times are seconds on the caller's clock, from any origin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

START_PACE = 2_000.0  # items a second: a guess, until a look shows the real pace


@dataclass(frozen=True)
class Bounds:
    """Limits on the gap before the next look."""

    min_delay: float = 0.5  # a small activity is still seen at once
    probe_delay: float = 10.0  # while the pace is a guess, look at least this soon
    max_delay: float = 120.0  # a slow or stuck activity is still looked at every 2 minutes
    overhead: float = 0.5  # seconds an activity spends queued and starting, whatever its size
    slack: float = 1.1  # look a little after the predicted end, so that one look suffices


@dataclass(frozen=True)
class Pace:
    """Items a second, and whether a look measured it (else it is a guess or a floor)."""

    items_per_second: float = START_PACE
    measured: bool = False


class PollTimer:
    """The look schedule of one wait on one or more activities.

    Tell it what was sent (``sent``) and what each look showed (``seen``); ask it how long
    to wait before the next look (``next_delay``) and how far the work has probably got
    (``expected``), for a progress bar that moves between looks.
    """

    def __init__(self, pace: Pace | None = None, bounds: Bounds | None = None) -> None:
        self.pace = pace or Pace()
        self.bounds = bounds or Bounds()
        self.total = 0  # items sent, over the whole wait
        self.done = 0  # items done at the last look
        self._sent: list[tuple[float, int]] = []  # (when, items) sent since the last look
        self._look_at: float | None = None
        self._look_total = 0  # items sent before the last look
        self._stalled = False  # the last look showed no progress on work that was left
        self._last_delay = 0.0
        self._look_now = False

    # -- what happened ------------------------------------------------------------------------

    def sent(self, at: float, items: int, *, known: bool = True) -> None:
        """``items`` more were sent at ``at``. ``known=False``: sent earlier (before a restart,
        or by another client), so how far it got is unknown and the next look comes at once."""
        items = max(0, items)
        self.total += items
        self._sent.append((at, items))
        if not known:
            self._look_now = True

    def grow(self, items: int) -> None:
        """An activity sent with ``known=False`` turned out to hold ``items`` (a look said)."""
        self.total += max(0, items)

    def seen(self, at: float, done: int) -> None:
        """A look at ``at`` showed ``done`` items finished, over everything sent so far."""
        done = max(self.done, min(done, self.total))
        start_at, start_done = self._baseline()
        if not self._look_now and at > start_at and done > start_done:
            rate = (done - start_done) / (at - start_at)
            if done < self.total:
                # Work was left at both ends of the interval: the queue never ran dry,
                # so this is the pace itself (queueing and start-up included).
                self.pace = Pace(rate, measured=True)
            elif rate > self.pace.items_per_second:
                # Everything was done by this look, at some moment before it: a floor.
                self.pace = Pace(rate, self.pace.measured)
        self._stalled = self._look_at is not None and done == start_done and done < self.total
        self.done = done
        self._look_at, self._look_total = at, self.total
        self._sent = []
        self._look_now = False

    # -- what to do ---------------------------------------------------------------------------

    def predicted_end(self) -> float:
        """When the queue should be empty, on the caller's clock."""
        pace = max(self.pace.items_per_second, 1e-9)
        free_at: float | None = None
        if self._look_at is not None:
            free_at = self._look_at + (self._look_total - self.done) / pace
        for at, items in sorted(self._sent):
            start = at + self.bounds.overhead
            free_at = (start if free_at is None else max(free_at, start)) + items / pace
        return 0.0 if free_at is None else free_at

    def next_delay(self, at: float) -> float:
        """Seconds to wait from ``at`` before the next look (remembered for backing off)."""
        b = self.bounds
        if self._look_now:
            return 0.0
        gap = (self.predicted_end() - at) * b.slack
        if self._stalled:
            gap = max(gap, 2 * self._last_delay)  # no progress since the last look: back off
        # A guessed pace is checked soon; a measured one (or a queue that is not moving)
        # may be trusted up to the longest gap.
        cap = b.max_delay if self.pace.measured or self._stalled else b.probe_delay
        self._last_delay = min(max(gap, b.min_delay), cap)
        return self._last_delay

    def expected(self, at: float) -> int:
        """Items probably done by ``at``: at least what the last look showed, and never all
        of them (only a look says the work is finished)."""
        if self.total <= self.done:
            return self.done
        start_at, start_done = self._baseline()
        if self._look_at is None:
            start_at += self.bounds.overhead
        guess = start_done + int(max(0.0, at - start_at) * self.pace.items_per_second)
        return max(self.done, min(guess, self.total - 1))

    def _baseline(self) -> tuple[float, int]:
        """The last look, or the first send when there was no look yet."""
        if self._look_at is not None:
            return self._look_at, self.done
        return (min(at for at, _ in self._sent) if self._sent else 0.0), 0


@dataclass(frozen=True)
class Simulated:
    """What a wait would do: how many looks, and when the one that saw the end came."""

    looks: int
    seen_done_at: float
    done_at: float  # when the work really ended


def simulate(
    sizes: Sequence[int],
    seconds_per_item: float,
    pace: Pace | None = None,
    bounds: Bounds | None = None,
) -> Simulated:
    """A wait on activities of these sizes, all sent at once and worked through in turn at a
    true pace of ``1 / seconds_per_item`` (after the start-up overhead): an estimate of the
    looks a real wait takes, e.g. for the bench at sizes it cannot run."""
    timer = PollTimer(pace, bounds)
    overhead = timer.bounds.overhead
    for items in sizes:
        timer.sent(0.0, items)
    done_at = overhead + sum(sizes) * seconds_per_item
    at, looks = 0.0, 0
    while True:
        at += timer.next_delay(at)
        looks += 1
        if at >= done_at:
            return Simulated(looks, at, done_at)
        timer.seen(at, int((at - overhead) / seconds_per_item) if at > overhead else 0)
