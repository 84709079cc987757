"""The kit's fault knobs, as an admin call sets them: forced answers by endpoint pattern,
numeric knobs, a bad kind refused with a message, and ``clear`` undoing it all."""

from __future__ import annotations

import pytest

from app.sandbox.kit.forced_faults import ForcedFaults


class Faults(ForcedFaults):
    FORCE_KINDS = ("429", "500", "timeout")
    INT_KNOBS = ("retry_after",)
    BOOL_KNOBS = ("quiet",)

    retry_after = 1
    quiet = False


def test_a_forced_answer_hits_only_matching_calls_and_only_so_many_times() -> None:
    faults = Faults()
    faults.configure({"force": [{"pattern": "POST /contacts*", "kind": "429", "times": 2}]})
    assert faults.take_forced("GET /contacts") is None
    assert faults.take_forced("POST /contacts/{id}") == "429"
    assert faults.take_forced("POST /contacts") == "429"
    assert faults.take_forced("POST /contacts") is None


def test_knobs_are_set_with_their_types_and_clear_resets_them() -> None:
    faults = Faults()
    faults.configure(
        {"latency_ms": "20", "error_rate": 1, "retry_after": "7", "quiet": 1, "seed": 3}
    )
    assert (faults.latency_ms, faults.retry_after, faults.quiet, faults.seed) == (20.0, 7, True, 3)
    assert faults.roll_error()
    faults.force("*", "500")
    faults.clear()
    assert (faults.latency_ms, faults.error_rate) == (0.0, 0.0)
    assert not faults.roll_error() and faults.take_forced("GET /x") is None


def test_an_unknown_kind_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown fault kind 'teapot'.*'429'"):
        Faults().configure({"force": [{"pattern": "*", "kind": "teapot"}]})
