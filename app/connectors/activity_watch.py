"""Waiting on Constant Contact bulk activities: few looks, a prompt Cancel, a moving progress bar.

A look is one request whatever the number of activities waited on: ``GET /activities/{id}``
for one, the account's recent activities (``GET /activities?limit=N``) for several. When
to look is worked out by ``activity_timing.PollTimer`` from the activities' sizes and the
pace the looks show. Between looks the wait goes by in short slices, so that Cancel is
seen at once and the progress bar moves on the expected pace; slices cost no request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from app.connectors.activity_timing import Pace, PollTimer
from app.connectors.base import ActivityStatus
from app.core.errors import Cancelled

SLICE = 0.5  # seconds: the longest single wait between two checks for Cancel
LIST_MARGIN = 10  # a look at several asks for this many more, for others' activities between
LIST_MAX = 500  # the most GET /activities gives in one page


class ActivityLooker(Protocol):
    """The two reads a watch makes."""

    def get_activity(self, activity_id: str) -> ActivityStatus: ...

    def list_activities(self, limit: int = 50) -> list[ActivityStatus]: ...


def items_done(status: ActivityStatus, items: int) -> int:
    """Items of an activity done, as a look reports it (a count, else its percentage)."""
    if status.finished:
        return items
    done = status.items_completed or status.percent_done * items // 100
    return max(0, min(done, items))


class ActivityWatch:
    """Waits on bulk activities, looking as seldom as their size and the pace allow.

    ``add`` the activities to wait on; ``wait`` blocks until a look finds one or more of
    them finished, and returns those (the others stay watched). Activities may be added
    between waits: the look schedule counts them in.

    Args:
        looker: the client whose reads the looks are.
        clock: monotonic seconds.
        wait: waits up to the given seconds and returns True to cancel (``CancelToken.wait``).
        timer: the look schedule, with the pace learned so far.
        sent: when (on ``clock``) and with how many items this client sent each activity;
            one it did not send is looked at at once.
        on_progress: ``(done, total)`` items over the watched activities, after each look
            and, between looks, as expected from the pace (never backwards, never all
            done before a look says so).
        on_look: every status a look returned (real ones only).
        on_pace: the pace after each look, to be remembered for the next wait.
    """

    def __init__(
        self,
        looker: ActivityLooker,
        *,
        clock: Callable[[], float],
        wait: Callable[[float], bool],
        timer: PollTimer | None = None,
        sent: Mapping[str, tuple[float, int]] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_look: Callable[[Sequence[ActivityStatus]], None] | None = None,
        on_pace: Callable[[Pace], None] | None = None,
    ) -> None:
        self.looker = looker
        self.timer = timer or PollTimer()
        self._clock, self._wait = clock, wait
        self._sent = sent if sent is not None else {}
        self._on_progress, self._on_look, self._on_pace = on_progress, on_look, on_pace
        self._pending: dict[str, int | None] = {}  # activity id -> items (None: not known yet)
        self._progress: dict[str, int] = {}  # items done of each one still in flight
        self._finished_items = 0
        self._reported = (-1, -1)
        self.looks = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, activity_id: str, items: int | None = None) -> None:
        """Watch an activity. ``items``: its size, when the client did not send it itself."""
        if activity_id in self._pending:
            return
        sent = self._sent.get(activity_id)
        if sent is not None:
            at, size = sent
            self._pending[activity_id] = size
            self.timer.sent(at, size)
        else:  # sent before a restart, or by another client: how far it got is unknown
            self._pending[activity_id] = items
            self.timer.sent(self._clock(), items or 0, known=False)

    def wait(self) -> list[ActivityStatus]:
        """Block until a look finds watched activities finished; their final statuses.

        Raises:
            Cancelled: ``wait`` returned True.
        """
        if not self._pending:
            return []
        self._report(self.timer.expected(self._clock()))
        while True:
            self._pause(self.timer.next_delay(self._clock()))
            statuses = self._look()
            self.looks += 1
            finished = self._take(statuses)
            self.timer.seen(self._clock(), self._finished_items + sum(self._progress.values()))
            if self._on_pace is not None:
                self._on_pace(self.timer.pace)
            if self._on_look is not None:
                self._on_look(statuses)
            self._report(self.timer.done)
            if finished:
                return finished

    # -- inside -------------------------------------------------------------------------------

    def _pause(self, seconds: float) -> None:
        """Wait ``seconds`` in slices, checking for Cancel and moving the progress on."""
        if seconds <= 0:
            if self._wait(0):
                raise Cancelled()
            return
        left = seconds
        while left > 1e-9:
            step = min(SLICE, left)
            if self._wait(step):
                raise Cancelled()
            left -= step
            if left > 1e-9:
                self._report(self.timer.expected(self._clock()))

    def _look(self) -> list[ActivityStatus]:
        """One request for every watched activity (more only for ones the list lacks)."""
        ids = list(self._pending)
        if len(ids) == 1:
            return [self.looker.get_activity(ids[0])]
        limit = min(LIST_MAX, len(ids) + LIST_MARGIN)
        found = {s.activity_id: s for s in self.looker.list_activities(limit)}
        statuses = [found.get(i) or self.looker.get_activity(i) for i in ids]
        # The list is read for its states; a finished activity whose list entry holds fewer
        # errors than it counts is read on its own, so no refused row goes unnamed.
        return [
            self.looker.get_activity(s.activity_id)
            if s.finished and s.error_count > len(s.errors)
            else s
            for s in statuses
        ]

    def _take(self, statuses: Sequence[ActivityStatus]) -> list[ActivityStatus]:
        """Count what the look showed; the finished ones leave the watch."""
        finished = []
        for status in statuses:
            items = self._pending.get(status.activity_id)
            if status.activity_id not in self._pending:
                continue
            if items is None:  # its size is known now (a new job may give none: count 1)
                items = max(1, status.items_total)
                self._pending[status.activity_id] = items
                self.timer.grow(items)
            if status.finished:
                finished.append(status)
                self._finished_items += items
                del self._pending[status.activity_id]
                self._progress.pop(status.activity_id, None)
            else:
                self._progress[status.activity_id] = items_done(status, items)
        return finished

    def _report(self, done: int) -> None:
        if self._on_progress is None:
            return
        done, total = max(done, self._reported[0]), self.timer.total  # never backwards
        if (done, total) == self._reported:
            return
        self._reported = (done, total)
        self._on_progress(done, total)
