"""A NeonCRM profile's sync killed outright (power cut, kill -9) resumes from its checkpoint.

The CLI runs in a child process against emulators this test owns (Constant Contact and the
sample nonprofit's NeonCRM), so they outlive the kill and finish what they had accepted, as
the real services would: an import Constant Contact took, or an account NeonCRM was
creating when the answer never came back. The next sync finishes the same run, sending
nothing twice.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors.neoncrm import connector as neon_connector
from app.connectors.neoncrm.hosts import URL_ENV
from app.core.outcomes import Outcome
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator, seed_samples
from tests.helpers.child_cli import child, child_env, child_sandbox, finish, kill, wait_until
from tests.sandbox.held_activities import activity_looks, imports_held

SYNC = ("sync", neon_connector.SAMPLE_PROFILE, "--json")
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
    return child_env(home, cc, **{URL_ENV: neon.base_url})


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
    with imports_held(cc), child(env, *SYNC) as proc:  # the import in flight when it dies
        wait_until(lambda: activity_looks(cc) >= 1, 90, proc, "the import to be looked at")
        sent = cc.request_counts().get(IMPORT_KEY, 0)
        assert sent >= 1
        kill(proc)

    data = finish(env, *SYNC)

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
    with child(env, *SYNC) as proc:
        wait_until(first.entered.is_set, 120, proc, "the first create")
        second = neon.hold(CREATE_KEY)
        first.release()
        wait_until(second.entered.is_set, 60, proc, "the second create")
        kill(proc)
    second.release()  # NeonCRM finishes the create it had taken

    def made() -> set[str]:
        return set(neon.account_ids(ORG_ID)) - before

    wait_until(lambda: len(made()) >= 2, 30, what="NeonCRM to finish the create it had taken")
    assert len(made()) == 2
    creates = neon.request_counts().get(CREATE_KEY, 0)
    assert creates == 2

    data = finish(env, *SYNC)

    assert data["status"] == "completed" and data["run_id"] == 1
    for email in WALK_INS:  # recovered or created once, never twice
        assert len(neon.find_by_email(ORG_ID, email)) == 1, email
    assert neon.request_counts().get(CREATE_KEY) == creates + len(WALK_INS) - 2
    new = {neon.account(i)["individualAccount"]["primaryContact"]["email1"] for i in made()}
    assert new == set(WALK_INS)
    with child_sandbox(env, monkeypatch, tmp_path / "home") as service:  # the child's data
        rows = service.runs.results(data["run_id"])
        linked = {r.email: (r.outcome, r.source_id) for r in rows if r.direction == "import"}
    assert set(linked) == set(WALK_INS)  # each walk-in ends with one outcome: created...
    for email, (outcome, source_id) in linked.items():  # ...linked to its own account
        assert outcome is Outcome.CREATED, email
        assert [source_id] == neon.find_by_email(ORG_ID, email), email
