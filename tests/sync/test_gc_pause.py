"""The collector pause that keeps the window smooth during big runs."""

from __future__ import annotations

import gc
import threading

from app.sync.gc_pause import gc_paused


def test_pause_nests_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer run is still going
    assert gc.isenabled()


def test_overlapping_runs_in_threads_resume_once_both_end() -> None:
    inside, release = threading.Event(), threading.Event()

    def other_run() -> None:
        with gc_paused():
            inside.set()
            release.wait(10)

    t = threading.Thread(target=other_run)
    t.start()
    inside.wait(10)
    with gc_paused():
        pass
    assert not gc.isenabled()  # the other run has not ended
    release.set()
    t.join(10)
    assert gc.isenabled()


def test_collector_resumes_after_an_error() -> None:
    try:
        with gc_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
