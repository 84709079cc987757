"""The Klaviyo client against the emulator: headers, paging, jobs, consent calls, and how it
takes Klaviyo's "slow down" answers (with and without ``Retry-After``, in the text only,
Cloudflare's challenge, the daily list limit) and a job answer without its id."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.connectors.base import PendingWrite, Written
from app.connectors.klaviyo.client import KlaviyoClient
from app.connectors.klaviyo.limits import EndpointLimits, TwoWindowLimiter
from app.connectors.klaviyo.writer import Writer
from app.core.errors import AuthError, QuotaExceeded, RemoteError
from app.core.outcomes import Outcome
from app.core.store_types import RecordAction
from app.sandbox.klaviyo import API_KEY, KlaviyoEmulator, seed_samples


class Sleeps(list[float]):
    """Records each sleep and lets that much time pass on its own clock."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 1000.0

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def kl(tmp_path: Path) -> Iterator[KlaviyoEmulator]:
    emu = KlaviyoEmulator(tmp_path / "kl.sqlite3", enforce_limits=True)
    seed_samples(emu)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(kl: KlaviyoEmulator, sleeps: Sleeps) -> Iterator[KlaviyoClient]:
    with KlaviyoClient(
        kl.api_url,
        API_KEY,
        sleep=sleeps,
        clock=sleeps.clock,
        limits=EndpointLimits(enabled=False, sleep=sleeps, clock=sleeps.clock),
    ) as made:
        yield made


def test_lists_are_read_page_by_page_and_made_with_the_revision_and_json_api(
    kl: KlaviyoEmulator, client: KlaviyoClient
) -> None:
    for n in range(12):  # more than a page of ten
        kl.add_list(f"List {n:02}")
    names = [found.name for found in client.lists()]
    assert len(names) == 13 and "Email List" in names
    made = client.create_list("Newsletter")
    assert kl.list_by_name("Newsletter")["id"] == made.list_id
    assert client.stats.by_endpoint["GET /api/lists"] == 2


def test_an_import_is_polled_and_its_refusals_read_back(client: KlaviyoClient) -> None:
    job_id = client.start_import(
        [{"email": "a@example.com", "external_id": "c1"}, {"email": "nope", "external_id": "c2"}],
        [],
    )
    job = client.import_job(job_id)
    while not job.finished:
        job = client.import_job(job_id)
    assert (job.status, job.completed, job.failed) == ("complete", 1, 1)
    (problem,) = list(client.import_errors(job_id))
    assert problem.original["attributes"]["external_id"] == "c2"
    assert "email" in problem.reason.lower()


def test_a_429_waits_as_long_as_klaviyo_says_with_or_without_retry_after(
    kl: KlaviyoEmulator, client: KlaviyoClient, sleeps: Sleeps
) -> None:
    kl.faults.retry_after = 3
    kl.faults.force("GET /api/lists", "429", 1)
    kl.faults.force("GET /api/lists", "429-bare", 1)  # the 2023 answer: the wait in the text
    assert client.lists()
    assert sleeps == [3.0, 3.0]
    kl.faults.omit_retry_after = True
    kl.faults.retry_after = 0
    kl.faults.force("GET /api/lists", "429", 2)  # "in 0 seconds": still a beat
    sleeps.clear()
    assert client.lists()
    assert sleeps == [1.0, 1.0]


def test_a_cloudflare_challenge_backs_off_and_tries_again(
    kl: KlaviyoEmulator, client: KlaviyoClient, sleeps: Sleeps
) -> None:
    kl.faults.force("GET /api/lists", "403-challenge", 2)
    assert client.lists()
    assert len(sleeps) == 2 and 0 < sleeps[0] <= sleeps[1]


def test_the_daily_list_limit_stops_instead_of_waiting_a_day(
    kl: KlaviyoEmulator, client: KlaviyoClient, sleeps: Sleeps
) -> None:
    kl.use_up_daily_list_creations()
    with pytest.raises(QuotaExceeded, match="150 new lists a day") as caught:
        client.create_list("One too many")
    assert caught.value.resets_at is not None
    assert caught.value.resets_at > datetime.now(UTC)
    assert sleeps == []


def test_a_wrong_key_is_an_auth_error_in_klaviyos_words(kl: KlaviyoEmulator) -> None:
    with (
        KlaviyoClient(kl.api_url, "pk_wrong", limits=EndpointLimits(enabled=False)) as wrong,
        pytest.raises(AuthError, match="private API key"),
    ):
        wrong.lists()


def test_a_refused_request_names_klaviyos_reason(client: KlaviyoClient) -> None:
    with pytest.raises(RemoteError, match="Klaviyo said") as caught:
        client.unsubscribe(["x@example.com"] * 101)  # over the 100 a call
    assert caught.value.status == 400


def test_the_limiter_holds_an_endpoint_to_its_burst_and_its_minute() -> None:
    from app.connectors.klaviyo.limits import M

    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = TwoWindowLimiter(M, clock=lambda: now[0], sleep=sleep)
    for _ in range(150):
        limiter.acquire()
    assert now[0] < 60  # 150 in the first minute, ten a second
    assert now[0] >= 14
    limiter.acquire()  # the 151st waits for the minute to pass
    assert now[0] >= 60


class Ledger:
    """A ``WriteLedger`` over plain lists, for the writer alone."""

    def __init__(self, items: list[PendingWrite]) -> None:
        self.memo: dict[str, Any] = {}
        self.items = items
        self.settled: list[Written] = []
        self.saves = 0

    def save(self) -> None:
        self.saves += 1

    def pending_chunks(self) -> list[int]:
        return [0] if len(self.settled) < len(self.items) else []

    def chunk(self, chunk: int) -> list[PendingWrite]:
        return list(self.items)

    def settle(self, written: list[Written]) -> None:
        self.settled.extend(written)

    def raise_if_cancelled(self) -> None:
        pass

    def progress(self, done: int, total: int, message: str) -> None:
        pass


def test_a_job_answer_without_its_id_is_found_and_not_sent_twice(
    kl: KlaviyoEmulator, client: KlaviyoClient
) -> None:
    kl.settings.job_seconds = 0
    items = [
        PendingWrite(
            n,
            f"c{n}",
            f"p{n}@example.com",
            RecordAction.IMPORT_CREATE.value,
            {
                "profile": {"email": f"p{n}@example.com", "external_id": f"c{n}"},
                "lists": [],
                "consent": "subscribe",
                "consented_at": "2025-01-01T00:00:00+00:00",
                "memo": "fp|sub|",  # what the planner keeps once consent is given
                "kept": None,
            },
        )
        for n in range(3)
    ]
    kl.faults.force("POST /api/profile-bulk-import-jobs", "no-job-id", 1)
    ledger = Ledger(items)
    Writer(client, ledger).write()
    assert kl.request_counts()["POST /api/profile-bulk-import-jobs"] == 1
    assert [w.outcome for w in ledger.settled] == [Outcome.CREATED] * 3
    assert {w.memo for w in ledger.settled} == {"fp|sub|"}
    assert kl.consent_counts() == {"SUBSCRIBED": 3}
    assert ledger.saves >= 1  # the job's id was checkpointed before it was looked at
