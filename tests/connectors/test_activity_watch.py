"""A wait on several bulk activities, on a simulated clock: one request per look, a moving
progress bar that never claims the end early, and a Cancel that stops it between slices.

The service here is a stand-in that works through its activities in turn at a set pace
(the emulator over HTTP is in test_cc_client.py); time passes only when the watch waits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.connectors.activity_watch import LIST_MARGIN, SLICE, ActivityWatch
from app.connectors.base import ActivityStatus
from app.core.errors import Cancelled


@dataclass
class Service:
    """Activities worked through one at a time, ``pace`` items a second, from ``t = 0``."""

    pace: float
    now: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    others: int = 0  # activities of another client, newer than ours
    gets: int = 0
    lists: int = 0

    def send(self, activity_id: str, items: int) -> None:
        self.sizes[activity_id] = items

    def status(self, activity_id: str, *, shortened: bool = False) -> ActivityStatus:
        before = 0
        for other, items in self.sizes.items():
            if other == activity_id:
                break
            before += items
        items = self.sizes[activity_id]
        done = int(min(items, max(0.0, self.now * self.pace - before)))
        errors = self.errors.get(activity_id, ())
        return ActivityStatus(
            activity_id,
            "completed" if done >= items else "processing",
            percent_done=done * 100 // items,
            items_total=items,
            error_count=len(errors),
            errors=errors[:1] if shortened else errors,
        )

    # -- what the watch calls ------------------------------------------------------------------

    def get_activity(self, activity_id: str) -> ActivityStatus:
        self.gets += 1
        return self.status(activity_id)

    def list_activities(self, limit: int = 50) -> list[ActivityStatus]:
        self.lists += 1
        newest_first = [ActivityStatus(f"other-{n}", "completed") for n in range(self.others)] + [
            self.status(i, shortened=True) for i in reversed(self.sizes)
        ]
        return newest_first[:limit]

    def wait(self, seconds: float) -> bool:
        self.now += seconds
        return False


def watch_of(service: Service, **options) -> tuple[ActivityWatch, list[tuple[int, int]]]:
    shown: list[tuple[int, int]] = []
    watch = ActivityWatch(
        service,
        clock=lambda: service.now,
        wait=options.pop("wait", service.wait),
        sent={i: (0.0, n) for i, n in service.sizes.items()},
        on_progress=lambda done, total: shown.append((done, total)),
        **options,
    )
    for activity_id in service.sizes:
        watch.add(activity_id)
    return watch, shown


def wait_all(watch: ActivityWatch) -> list[ActivityStatus]:
    finished = []
    while watch.pending:
        finished += watch.wait()
    return finished


def test_three_big_imports_cost_one_request_per_look_and_few_looks():
    service = Service(pace=1_000.0)  # 51 s of work
    for n in range(3):
        service.send(f"import-{n}", 17_000)
    watch, _ = watch_of(service)

    finished = wait_all(watch)

    assert {s.activity_id for s in finished} == set(service.sizes)
    assert all(s.succeeded for s in finished)
    assert service.lists == watch.looks <= 3  # polling every 10 s would take 6
    assert service.gets == 0
    assert service.now <= 51 * 1.2  # and the end is seen soon after it comes


def test_one_activity_is_read_on_its_own():
    service = Service(pace=10_000.0)
    service.send("import-0", 240)
    watch, _ = watch_of(service)

    (status,) = watch.wait()

    assert status.succeeded
    assert (service.gets, service.lists) == (1, 0)
    assert service.now <= 1.0  # a small import is seen within a second


def test_progress_moves_between_looks_but_only_a_look_says_all_is_done():
    service = Service(pace=500.0)
    for n in range(2):
        service.send(f"import-{n}", 10_000)
    watch, shown = watch_of(service)

    wait_all(watch)

    done = [d for d, _ in shown]
    assert done == sorted(done)  # never backwards
    assert len(shown) > 2 * watch.looks  # the bar moved between looks
    assert shown[-1] == (20_000, 20_000)
    assert [d for d, t in shown if d == t] == [20_000]  # all done only once a look says so


def test_an_activity_missing_from_the_list_is_read_on_its_own():
    service = Service(pace=10_000.0, others=5)
    service.send("import-0", 1_000)
    service.send("import-1", 1_000)
    watch, _ = watch_of(service)
    service.others = 2 + LIST_MARGIN  # another client started more activities meanwhile

    finished = wait_all(watch)

    assert len(finished) == 2
    assert service.gets >= 1  # the older of ours fell off the page


def test_a_finished_import_whose_errors_the_list_shortened_is_read_whole():
    service = Service(pace=10_000.0)
    service.send("import-0", 1_000)
    service.send("import-1", 1_000)
    service.errors["import-1"] = ("Row 3: invalid email address", "Row 9: invalid email address")
    watch, _ = watch_of(service)

    finished = {s.activity_id: s for s in wait_all(watch)}

    assert finished["import-1"].errors == service.errors["import-1"]
    assert service.gets == 1  # only that one


def test_cancel_stops_the_wait_at_the_next_slice_without_another_look():
    service = Service(pace=10.0)
    service.send("import-0", 17_000)
    slices: list[float] = []

    def wait(seconds: float) -> bool:
        slices.append(seconds)
        service.now += seconds
        return service.now > 30  # the user cancels after half a minute

    watch, _ = watch_of(service, wait=wait)
    with pytest.raises(Cancelled):
        wait_all(watch)

    assert max(slices) <= SLICE
    assert service.now <= 30 + SLICE
    assert watch.looks == service.gets <= 3


def test_activities_added_while_waiting_are_counted_in():
    service = Service(pace=2_000.0)
    service.send("import-0", 10_000)
    watch, shown = watch_of(service)
    finished = watch.wait()
    service.send("import-1", 10_000)
    watch.add("import-1", 10_000)  # not sent by this client: looked at at once

    finished += wait_all(watch)

    assert [s.activity_id for s in finished] == ["import-0", "import-1"]
    assert shown[-1] == (20_000, 20_000)


def test_an_activity_sent_after_the_watch_began_is_timed_from_its_sending():
    """The engine starts watching before it sends: the client's record of what it sent,
    empty then, is the one the watch reads, so the first look waits for the work."""
    service = Service(pace=2_000.0)
    sent: dict[str, tuple[float, int]] = {}
    watch = ActivityWatch(service, clock=lambda: service.now, wait=service.wait, sent=sent)
    service.send("import-0", 10_000)
    sent["import-0"] = (service.now, 10_000)
    watch.add("import-0")

    (status,) = watch.wait()

    assert status.succeeded
    assert watch.looks == 1  # not looked at at once, as one sent before a restart would be


def test_an_activity_of_unknown_size_is_looked_at_less_and_less_often():
    """A list deletion started elsewhere, whose status says nothing of its size yet."""

    class Silent(Service):
        def status(self, activity_id: str, *, shortened: bool = False) -> ActivityStatus:
            finished = self.now >= 600
            return ActivityStatus(activity_id, "completed" if finished else "processing")

    service = Silent(pace=1.0)
    service.send("delete-0", 1)
    watch = ActivityWatch(service, clock=lambda: service.now, wait=service.wait)
    watch.add("delete-0")  # not sent by this client

    (status,) = watch.wait()

    assert status.succeeded
    assert watch.looks <= 14  # backing off up to one look every 2 minutes; not every second
