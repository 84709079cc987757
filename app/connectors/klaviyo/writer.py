"""Writing a run's planned contacts to Klaviyo, chunk by chunk: bulk imports, then consent.

1. Every pending chunk that carries profiles goes up as one bulk import job (the job's id is
   checkpointed at once, so a resumed run polls it instead of sending it again; an import
   sent twice would only update the same profiles, keyed by ``external_id``).
2. Each job is polled until it ends; the profiles it refused are read back from its import
   errors, each a failed record with Klaviyo's reason.
3. Consent, only for contacts whose profile is in Klaviyo: subscriptions (≤1,000 a call, as
   historical imports), unsubscribes (≤100) or suppression jobs (≤100, polled), as planned.
   Before subscribing anyone, the addresses Klaviyo holds suppressed are read once: nobody
   suppressed there is subscribed (a subscription would lift an unsubscribe), and they are
   remembered as opted out.
4. The chunk's records are settled: outcome, reason and memo together.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from app.connectors.base import PendingWrite, WriteLedger, Written
from app.connectors.klaviyo.client import BulkJob, KlaviyoClient, NoJobId
from app.connectors.klaviyo.plan import OUT, Memo
from app.core.errors import RemoteError
from app.core.outcomes import Outcome
from app.core.store_types import ACTION_OUTCOME, RecordAction

log = logging.getLogger(__name__)

SUBSCRIBE_BATCH, UNSUBSCRIBE_BATCH, SUPPRESS_BATCH = 1000, 100, 100
POLL_FIRST, POLL_MOST = 0.25, 10.0  # seconds between looks at a job: doubling, capped
JOB_PATIENCE = 30 * 60.0  # a job still running after this stops the run (it resumes)
JOBS = "import_jobs"  # in the run's memo: chunk -> job id
T = TypeVar("T")


@dataclass
class _Chunk:
    number: int
    items: list[PendingWrite]
    failed: dict[int, str] = field(default_factory=dict)  # record id -> reason
    kept_out: set[int] = field(default_factory=set)  # not subscribed: suppressed in Klaviyo
    consent_failed: dict[int, str] = field(default_factory=dict)

    def imported(self) -> list[PendingWrite]:
        return [i for i in self.items if i.record_id not in self.failed]


class Writer:
    """Writes one run's pending chunks (``Destination.write``)."""

    def __init__(
        self,
        client: KlaviyoClient,
        ledger: WriteLedger,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client, self.ledger, self.clock = client, ledger, clock
        run: dict[str, Any] = ledger.memo.setdefault("run", {})
        self.jobs: dict[str, str] = run.setdefault(JOBS, {})
        self._suppressed: set[str] | None = None

    def write(self) -> None:
        pending = self.ledger.pending_chunks()
        chunks = [_Chunk(n, self.ledger.chunk(n)) for n in pending]
        for chunk in chunks:  # every import goes up first: Klaviyo works on them together
            self._submit(chunk)
        for chunk in chunks:
            self.ledger.raise_if_cancelled()
            self._finish_import(chunk)
            self._consent(chunk)
            self._settle(chunk)

    # -- imports ----------------------------------------------------------------------------

    def _submit(self, chunk: _Chunk) -> None:
        profiles = [i for i in chunk.items if i.payload.get("profile")]
        if not profiles or str(chunk.number) in self.jobs:
            return
        self.ledger.raise_if_cancelled()
        lists = list(profiles[0].payload.get("lists") or [])
        sent_at = self.client.now()
        try:
            job_id = self.client.start_import([i.payload["profile"] for i in profiles], lists)
        except NoJobId:
            job_id = self._find_job(len(profiles), sent_at)
            if not job_id:  # sent again: an import is an upsert, nobody is doubled
                job_id = self.client.start_import([i.payload["profile"] for i in profiles], lists)
        self.jobs[str(chunk.number)] = job_id
        self.ledger.save()
        log.info(
            "Klaviyo import job %s: %d profiles (chunk %d)", job_id, len(profiles), chunk.number
        )

    def _find_job(self, count: int, sent_at: datetime) -> str:
        """The job an answer without an id made: the newest of that size since we sent it."""
        known = set(self.jobs.values())
        floor = sent_at - timedelta(seconds=5)
        for job in self.client.recent_import_jobs():
            try:
                made = datetime.fromisoformat(job.created_at)
            except ValueError:
                continue
            if job.total == count and made >= floor and job.job_id not in known:
                return job.job_id
        return ""

    def _finish_import(self, chunk: _Chunk) -> None:
        job_id = self.jobs.get(str(chunk.number))
        if not job_id:
            return
        job = self._wait(lambda: self.client.import_job(job_id), f"import job {job_id}")
        with_profile = [i for i in chunk.items if i.payload.get("profile")]
        if job.status != "complete":
            reason = f"Klaviyo ended the import job {job.status} (nothing in it was imported)"
            chunk.failed.update({i.record_id: reason for i in with_profile})
            return
        if job.failed:
            by_key = {i.key: i.record_id for i in with_profile}
            by_email = {i.email.lower(): i.record_id for i in with_profile}
            for problem in self.client.import_errors(job_id):
                attrs = problem.original.get("attributes") or {}
                record_id = by_key.get(str(attrs.get("external_id") or "")) or by_email.get(
                    str(attrs.get("email") or "").lower()
                )
                if record_id is not None:
                    chunk.failed[record_id] = f"Klaviyo refused this profile: {problem.reason}"

    def _wait(self, look: Callable[[], BulkJob], what: str) -> BulkJob:
        """Look at a job until it ends: often at first, then less (Klaviyo says nothing of
        how long a job takes)."""
        started, pause = self.clock(), POLL_FIRST
        while True:
            job = look()
            if job.finished:
                return job
            if self.clock() - started > JOB_PATIENCE:
                raise RemoteError(
                    f"Klaviyo has not finished its {what} after {JOB_PATIENCE / 60:.0f} "
                    "minutes. Sync again later: the run picks up where it stopped."
                )
            self.ledger.raise_if_cancelled()
            self.client.sleep(pause)
            pause = min(pause * 2, POLL_MOST)

    # -- consent ----------------------------------------------------------------------------

    def _consent(self, chunk: _Chunk) -> None:
        ready = chunk.imported()
        wanted: dict[str, list[PendingWrite]] = {}
        for item in ready:
            consent = str(item.payload.get("consent") or "")
            if consent:
                wanted.setdefault(consent, []).append(item)
        if wanted.get("subscribe"):
            suppressed = self._suppressed_now()
            people = []
            for item in wanted["subscribe"]:
                if item.email.lower() in suppressed:
                    chunk.kept_out.add(item.record_id)
                else:
                    people.append(item)
            self._batches(
                chunk,
                people,
                SUBSCRIBE_BATCH,
                lambda batch: self.client.subscribe(
                    [(i.email, str(i.payload["consented_at"])) for i in batch]
                ),
            )
        self._batches(
            chunk,
            wanted.get("unsubscribe", []),
            UNSUBSCRIBE_BATCH,
            lambda batch: self.client.unsubscribe([i.email for i in batch]),
        )
        self._batches(chunk, wanted.get("suppress", []), SUPPRESS_BATCH, self._suppress)

    def _suppressed_now(self) -> set[str]:
        if self._suppressed is None:
            self._suppressed = self.client.suppressed_emails()
        return self._suppressed

    def _suppress(self, batch: Sequence[PendingWrite]) -> None:
        job_id = self.client.start_suppression([i.email for i in batch])
        job = self._wait(lambda: self.client.suppression_job(job_id), f"suppression job {job_id}")
        if job.status != "complete":
            raise RemoteError(f"Klaviyo ended the suppression job {job.status}.")
        if self._suppressed is not None:
            self._suppressed.update(i.email.lower() for i in batch)

    def _batches(
        self,
        chunk: _Chunk,
        items: Sequence[PendingWrite],
        size: int,
        send: Callable[[Sequence[PendingWrite]], None],
    ) -> None:
        """Send in batches; a batch Klaviyo refuses fails its records, with its words."""
        for batch in _batched(items, size):
            self.ledger.raise_if_cancelled()
            try:
                send(batch)
            except RemoteError as exc:
                if exc.status == 0 or exc.status >= 500:
                    raise  # not an answer about these people: the run stops and resumes
                chunk.consent_failed.update({i.record_id: exc.message for i in batch})

    # -- settle -----------------------------------------------------------------------------

    def _settle(self, chunk: _Chunk) -> None:
        written = []
        for item in chunk.items:
            payload = item.payload
            new = Memo.parse(str(payload.get("memo") or ""))
            kept = payload.get("kept")
            old = Memo.parse(str(kept)) if kept is not None else None
            if item.record_id in chunk.failed:
                written.append(
                    Written(
                        item.record_id,
                        item.key,
                        item.email,
                        Outcome.FAILED,
                        chunk.failed[item.record_id],
                    )
                )
                continue
            if item.record_id in chunk.consent_failed:
                # The profile is in Klaviyo; its consent is sent again next run.
                keep = Memo(new.fingerprint, old.consent if old else "")
                reason = (
                    f"Klaviyo refused the consent change: {chunk.consent_failed[item.record_id]}"
                )
                written.append(
                    Written(
                        item.record_id, item.key, item.email, Outcome.FAILED, reason, keep.text()
                    )
                )
                continue
            detail = None
            if item.record_id in chunk.kept_out:
                new = Memo(new.fingerprint, OUT)
                detail = (
                    "Not subscribed in Klaviyo: it holds this address suppressed (unsubscribed "
                    "or bounced there); only the person can opt back in"
                )
            outcome = ACTION_OUTCOME.get(RecordAction(item.action), Outcome.UPDATED)
            written.append(
                Written(item.record_id, item.key, item.email, outcome, "", new.text(), detail)
            )
        self.ledger.settle(written)


def _batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
