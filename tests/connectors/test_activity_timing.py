"""When a wait looks at Constant Contact's activities: few looks, none too late, none stuck.

Each look is a request of the 10,000 a day; each second late is a second the user waits.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from app.connectors.activity_timing import Bounds, Pace, PollTimer, simulate

B = Bounds()
sizes = st.lists(st.integers(1, 40_000), min_size=1, max_size=8)
# From 100,000 items a second (the emulator is near 10,000) to 10 a second.
seconds_per_item = st.floats(1e-5, 0.1)


def test_a_small_activity_is_looked_at_within_a_second():
    timer = PollTimer()
    timer.sent(0.0, 240)  # the sandbox's bakery
    assert timer.next_delay(0.0) <= 1.0


def test_a_big_activity_at_a_guessed_pace_is_looked_at_by_the_probe_delay():
    timer = PollTimer()
    timer.sent(0.0, 100_000)
    assert timer.next_delay(0.0) == B.probe_delay


def test_a_measured_pace_is_trusted_up_to_the_longest_gap():
    timer = PollTimer(Pace(100.0, measured=True))
    timer.sent(0.0, 40_000)  # 400 s of work at 100 a second
    assert timer.next_delay(0.0) == B.max_delay


def test_the_second_look_comes_when_the_pace_seen_says_the_work_ends():
    timer = PollTimer()
    timer.sent(0.0, 10_000)
    first = timer.next_delay(0.0)
    timer.seen(first, 1_000)  # 100 a second so far
    end = first + 9_000 / (1_000 / first)
    assert timer.pace.measured
    assert timer.next_delay(first) == min(B.max_delay, (end - first) * B.slack)


def test_an_activity_sent_before_a_restart_is_looked_at_at_once():
    timer = PollTimer()
    timer.sent(5.0, 17_000, known=False)
    assert timer.next_delay(5.0) == 0.0
    timer.seen(5.1, 9_000)  # how far it got before we came back tells nothing of the pace
    assert not timer.pace.measured
    assert timer.next_delay(5.1) > 0


def test_a_stuck_activity_is_looked_at_less_and_less_often_up_to_the_longest_gap():
    timer = PollTimer()
    timer.sent(0.0, 5_000)
    at, gaps = 0.0, []
    while at < 3_600:
        gap = timer.next_delay(at)
        gaps.append(gap)
        at += gap
        timer.seen(at, 0)  # still queued
    assert gaps[2:] == sorted(gaps[2:])
    assert max(gaps) == B.max_delay
    assert len(gaps) <= 2 + math.log2(B.max_delay / B.min_delay) + 3_600 / B.max_delay


def test_activities_sent_later_queue_behind_the_work_left():
    timer = PollTimer(Pace(1_000.0, measured=True))
    timer.sent(0.0, 5_000)
    timer.seen(2.0, 2_000)  # 3 s of work left
    timer.sent(3.0, 4_000)  # 4 s more, after it
    assert timer.predicted_end() == 2.0 + 3.0 + 4.0


@settings(max_examples=300, deadline=None)
@given(sizes=sizes, spi=seconds_per_item)
def test_few_looks_and_none_long_after_the_end(sizes, spi):
    """At any pace: one look to learn it, one at the end it predicts, and while the work
    runs past the longest gap, one per gap; the look that sees the end is never later than
    one gap (or a tenth of the wait) after it. A small activity is looked at after the
    start-up overhead (to be seen at once); when the work is slow, that look finds nothing
    done yet and learns no pace, so it may cost one look more (23 items at 10 a second)."""
    run = simulate(sizes, spi)
    assert run.looks <= 3 + math.ceil(run.done_at / B.max_delay)
    assert run.seen_done_at <= max(run.done_at * B.slack, run.done_at + B.max_delay, B.min_delay)
    assert run.seen_done_at - run.done_at <= max(B.probe_delay, B.max_delay)


@settings(max_examples=200, deadline=None)
@given(sizes=sizes, spi=st.floats(1e-5, 1 / 2_000))
def test_work_as_fast_as_the_guess_takes_one_look_or_two_past_the_probe(sizes, spi):
    run = simulate(sizes, spi)
    if run.done_at <= B.probe_delay:
        assert run.looks == 1
    elif run.done_at <= B.probe_delay + 0.75 * B.max_delay:
        assert run.looks == 2  # the probe measures the pace; the next look sees the end


@settings(max_examples=300, deadline=None)
@given(
    items=st.integers(1, 200_000),
    looks=st.lists(st.tuples(st.floats(0.01, 300), st.integers(0, 200_000)), max_size=6),
    measured=st.booleans(),
    pace=st.floats(1, 100_000),
)
def test_gaps_stay_in_bounds_and_progress_never_runs_ahead(items, looks, measured, pace):
    timer = PollTimer(Pace(pace, measured))
    timer.sent(0.0, items)
    at = 0.0
    for step, done in looks:
        gap = timer.next_delay(at)
        assert B.min_delay <= gap <= B.max_delay
        guesses = [timer.expected(t) for t in sorted((at + gap / 3, at + gap / 2, at + step))]
        assert guesses == sorted(guesses)  # moves forward with time
        assert all(timer.done <= g for g in guesses)  # never below what a look showed
        if timer.done < items:
            assert all(g < items for g in guesses)  # only a look says it is all done
        before = timer.done
        at += step
        timer.seen(at, done)
        assert timer.done == max(before, min(done, items))
