"""A NeonCRM profile's sync killed outright (power cut, kill -9) resumes from its checkpoint.

The CLI runs in a child process against emulators this test owns (Constant Contact and the
sample nonprofit's NeonCRM), so they outlive the kill and finish what they had accepted, as
the real services would: an import Constant Contact took, or an account NeonCRM was
creating when the answer never came back. The next sync finishes the same run, sending
nothing twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.connectors.neoncrm import connector as neon_connector
from app.connectors.neoncrm.hosts import URL_ENV
from app.core.outcomes import Outcome
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator, seed_samples
from tests.sandbox.held_activities import activity_looks, imports_held

ROOT = Path(__file__).resolve().parents[3]
PROFILE = neon_connector.SAMPLE_PROFILE
IMPORT_KEY = "POST /v3/activities/contacts_json_import"
SEARCH_KEY = "POST /accounts/search"
CREATE_KEY = "POST /accounts"
WALK_INS = [f"walk.in{i}@example.com" for i in range(5)]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@pytest.fixture
def services(tmp_path: Path) -> Iterator[tuple[ConstantContactEmulator, NeonCrmEmulator]]:
    cc = ConstantContactEmulator(tmp_path / "cc.sqlite3", enforce_limits=False)
    neon = NeonCrmEmulator(tmp_path / "neon.sqlite3", enforce_limits=False)
    seed_samples(neon)
    cc.start()
    neon.start()
    try:
        yield cc, neon
    finally:
        cc.stop()
        neon.stop()


def environment(home: Path, cc: ConstantContactEmulator, neon: NeonCrmEmulator) -> dict[str, str]:
    return dict(
        os.environ,
        CONTACTBRIDGE_HOME=str(home),
        CONTACTBRIDGE_CC_API_URL=cc.api_url,
        CONTACTBRIDGE_CC_AUTH_URL=cc.auth_url,
        **{URL_ENV: neon.base_url},
    )


def sync_process(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--sandbox", "sync", PROFILE, "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_until(condition: Callable[[], bool], timeout: float, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the sync ended before the condition held:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the sync")
        time.sleep(0.02)  # polling a condition, not waiting for a guessed duration


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def finish(env: dict[str, str]) -> dict[str, Any]:
    again = sync_process(env)
    out, err = again.communicate(timeout=180)
    assert again.returncode == 0, err
    data: dict[str, Any] = json.loads(out)
    counts = data["counts"]
    assert (
        sum(counts[k] for k in ("created", "updated", "unchanged", "skipped", "failed"))
        == counts["total"]
    )
    return data


def pushable(neon: NeonCrmEmulator) -> set[str]:
    """Emails of the sample's individual accounts that may be pushed: Email 1 not opted out,
    email consent not declined, not deceased, not Do Not Contact (read from the emulator)."""
    emails = set()
    for account_id in neon.account_ids(ORG_ID, "INDIVIDUAL"):
        account = neon.account(account_id)["individualAccount"]
        contact = account.get("primaryContact") or {}
        email = (contact.get("email1") or "").lower()
        if (
            email
            and not account.get("email1OptOut")
            and (account.get("consent") or {}).get("email") != "DECLINED"
            and not contact.get("deceased")
            and not account.get("noSolicitation")
        ):
            emails.add(email)
    return emails


def cc_emails(cc: ConstantContactEmulator) -> list[str]:
    with cc.state.tx() as conn:
        return [r[0] for r in conn.execute("SELECT email_lower FROM contacts").fetchall()]


def test_killed_mid_import_to_constant_contact_resumes_without_duplicates(
    tmp_path: Path, services: tuple[ConstantContactEmulator, NeonCrmEmulator]
) -> None:
    cc, neon = services
    env = environment(tmp_path / "home", cc, neon)
    with imports_held(cc):  # the import is still in flight when the process dies
        proc = sync_process(env)
        try:
            wait_until(lambda: activity_looks(cc) >= 1, 90, proc)
            sent = cc.request_counts().get(IMPORT_KEY, 0)
            assert sent >= 1
            kill(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    data = finish(env)

    assert data["status"] == "completed" and data["run_id"] == 1  # the killed run, finished
    assert cc.request_counts().get(IMPORT_KEY) == sent  # the accepted imports not resent
    emails = cc_emails(cc)
    assert [e for e, n in Counter(emails).items() if n > 1] == []
    expected = pushable(neon)
    assert {e.lower() for e in cc.contacts_on_list("Newsletter")} == expected
    assert set(emails) == expected  # nobody opted out, deceased or an organization sent
    assert data["counts"]["created"] == len(expected)


def test_killed_while_neoncrm_creates_accounts_resumes_without_making_them_twice(
    tmp_path: Path,
    services: tuple[ConstantContactEmulator, NeonCrmEmulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cc, neon = services
    env = environment(tmp_path / "home", cc, neon)
    for i, email in enumerate(WALK_INS):
        cc.seed_contact(email, "Walk", f"In{i}", "explicit", ["Walk-ins"])
    before = set(neon.account_ids(ORG_ID))
    # The first account is made and answered, the second is still being made when the
    # process dies; neither answer was checkpointed (NeonCRM creates one account a call).
    first = neon.hold(CREATE_KEY)
    proc = sync_process(env)
    try:
        wait_until(first.entered.is_set, 120, proc)
        second = neon.hold(CREATE_KEY)
        first.release()
        wait_until(second.entered.is_set, 60, proc)
        kill(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    second.release()  # NeonCRM finishes the create it had taken

    def made() -> set[str]:
        return set(neon.account_ids(ORG_ID)) - before

    deadline = time.monotonic() + 30
    while len(made()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the emulator's state, not a guessed duration
    assert len(made()) == 2
    creates = neon.request_counts().get(CREATE_KEY, 0)
    assert creates == 2

    data = finish(env)

    assert data["status"] == "completed" and data["run_id"] == 1
    for email in WALK_INS:  # recovered or created once, never twice
        assert len(neon.find_by_email(ORG_ID, email)) == 1, email
    assert neon.request_counts().get(CREATE_KEY) == creates + len(WALK_INS) - 2
    new = {neon.account(i)["individualAccount"]["primaryContact"]["email1"] for i in made()}
    assert new == set(WALK_INS)
    linked = import_rows(env, monkeypatch, tmp_path / "home", data["run_id"])
    assert set(linked) == set(WALK_INS)  # each walk-in ends with one outcome: created...
    for email, (outcome, source_id) in linked.items():  # ...linked to its own account
        assert outcome is Outcome.CREATED, email
        assert [source_id] == neon.find_by_email(ORG_ID, email), email


def import_rows(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, home: Path, run_id: int
) -> dict[str, tuple[Outcome, str]]:
    """The run's import results (outcome and the NeonCRM account linked), by email, read
    from the data folder the child used."""
    from app.sync.bootstrap import open_service

    for key, value in env.items():
        if key.startswith("CONTACTBRIDGE_"):
            monkeypatch.setenv(key, value)
    handle = open_service(sandbox=True, home=home, enforce_limits=False)
    try:
        rows = handle.service.runs.results(run_id)
        return {r.email: (r.outcome, r.source_id) for r in rows if r.direction == "import"}
    finally:
        handle.close()
