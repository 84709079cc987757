"""The sandbox's Klaviyo: ``start_sandbox``, the sample account, state kept between launches,
and Python seeding and inspection at a bench's scale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from app.sandbox.klaviyo import (
    API_KEY,
    SAMPLE_LIST,
    KlaviyoEmulator,
    sample_connection,
    seed_samples,
    serve_forever,
    start_sandbox,
)
from tests.sandbox.serving import serve_forever_lines


def test_start_sandbox_seeds_the_sample_account_once(tmp_path: Path) -> None:
    state = tmp_path / "klaviyo.sqlite3"
    emu = start_sandbox(state, False, True)
    try:
        assert emu.base_url.startswith("http://127.0.0.1:")
        assert emu.api_url == emu.base_url + "/api"
        assert [item["name"] for item in emu.lists()] == [SAMPLE_LIST]
        assert emu.profile_count() == 0
        emu.add_list("Made in the sandbox")
    finally:
        emu.stop()
    again = start_sandbox(state, False, True)
    try:
        assert sorted(item["name"] for item in again.lists()) == [
            SAMPLE_LIST,
            "Made in the sandbox",
        ]
        answer = requests.get(
            again.api_url + "/lists",
            headers={
                "Authorization": f"Klaviyo-API-Key {sample_connection()['api_key']}",
                "revision": "2026-07-15",
            },
            timeout=10,
        )
        assert answer.status_code == 200
    finally:
        again.stop()


def test_without_samples_the_account_has_its_key_and_nothing_else(tmp_path: Path) -> None:
    emu = start_sandbox(tmp_path / "bare.sqlite3", True, False)
    try:
        assert emu.lists() == [] and emu.metrics() == []
        answer = requests.get(
            emu.api_url + "/lists",
            headers={"Authorization": f"Klaviyo-API-Key {API_KEY}", "revision": "2026-07-15"},
            timeout=10,
        )
        assert answer.status_code == 200
        assert answer.headers["ratelimit-limit"].startswith("75,")  # limits on
    finally:
        emu.stop()


def test_seeding_and_counting_at_bench_scale_keeps_every_profile_and_event(tmp_path: Path) -> None:
    emu = KlaviyoEmulator(tmp_path / "bench.sqlite3", enforce_limits=False)
    try:
        ids = emu.add_profiles(
            {"email": f"p{i}@example.com", "external_id": f"cc:{i}", "subscribed": i % 2 == 0}
            for i in range(5000)
        )
        base = datetime(2026, 6, 1, tzinfo=UTC)
        stored = emu.add_events(
            {
                "metric": metric,
                "email": f"p{i}@example.com",
                "time": base + timedelta(minutes=i),
                "unique_id": f"{metric}:{i}",
                "backfill": True,
            }
            for i in range(5000)
            for metric in ("Received Email", "Opened Email", "Clicked Email")
        )
        assert len(ids) == 5000 and stored == 15_000
        assert emu.event_counts(integration="api") == {
            "Received Email": 5000,
            "Opened Email": 5000,
            "Clicked Email": 5000,
        }
        assert emu.consent_counts() == {"SUBSCRIBED": 2500, "NEVER_SUBSCRIBED": 2500}
        assert emu.profile_by_external_id("cc:4321")["email"] == "p4321@example.com"
        assert emu.resubscribed_after_opt_out() == []
    finally:
        emu.stop()


def test_serve_forever_says_where_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "served.sqlite3"
    with serve_forever_lines(serve_forever, path, 2, seed=seed_samples) as said:
        api_url = said[0].split(": ", 1)[1]
        answer = requests.get(
            api_url + "/lists",
            headers={"Authorization": f"Klaviyo-API-Key {API_KEY}", "revision": "2026-07-15"},
            timeout=10,
        )
        assert [item["attributes"]["name"] for item in answer.json()["data"]] == [SAMPLE_LIST]
