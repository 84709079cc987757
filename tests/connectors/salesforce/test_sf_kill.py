"""A Salesforce profile's sync killed outright (power cut, kill -9) resumes from its checkpoint.

The CLI runs in a child process against emulators this test owns (Constant Contact and the
practice Salesforce org), so they outlive the kill and finish what they had accepted, as the
real services would: an import Constant Contact took, or records Salesforce was creating
when the answer never came back. The next sync finishes the same run, sending nothing twice.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.connectors.salesforce import connector as sf_connector
from app.connectors.salesforce.endpoints import LOGIN_URL_ENV
from app.core.profiles import SourceSpec
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.salesforce import SalesforceEmulator, seed_samples
from tests.connectors.salesforce.test_sf_sync_sandbox import members
from tests.helpers.child_cli import child, child_env, child_sandbox, finish, kill, wait_until
from tests.sandbox.held_activities import activity_looks, imports_held
from tests.sandbox.held_requests import requests_held

IMPORT_KEY = "POST /v3/activities/contacts_json_import"
CREATE_KEY = "POST /services/data/vXX.X/composite/sobjects"
LEADS_PROFILE = "Walk-ins → Salesforce leads"
WALK_INS = [f"walk.in{i}@example.com" for i in range(5)]
SAMPLE_SYNC = ("sync", sf_connector.SAMPLE_PROFILE, "--json")
LEADS_SYNC = ("sync", LEADS_PROFILE, "--json")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@pytest.fixture
def services(tmp_path: Path) -> Iterator[tuple[ConstantContactEmulator, SalesforceEmulator]]:
    cc = ConstantContactEmulator(tmp_path / "cc.sqlite3", enforce_limits=False)
    sf = SalesforceEmulator(tmp_path / "sf.sqlite3", enforce_limits=False)
    seed_samples(sf)
    cc.start()
    sf.start()
    try:
        yield cc, sf
    finally:
        cc.stop()
        sf.stop()


def environment(home: Path, cc: ConstantContactEmulator, sf: SalesforceEmulator) -> dict[str, str]:
    return child_env(home, cc, **{LOGIN_URL_ENV: sf.login_url})


def test_killed_mid_import_to_constant_contact_resumes_without_duplicates(
    tmp_path: Path, services: tuple[ConstantContactEmulator, SalesforceEmulator]
) -> None:
    cc, sf = services
    env = environment(tmp_path / "home", cc, sf)
    with imports_held(cc), child(env, *SAMPLE_SYNC) as proc:  # the import in flight when it dies
        wait_until(lambda: activity_looks(cc) >= 1, 90, proc, "the import to be looked at")
        sent = cc.request_counts().get(IMPORT_KEY, 0)
        assert sent >= 1
        kill(proc)

    data = finish(env, *SAMPLE_SYNC)

    assert data["status"] == "completed" and data["run_id"] == 1  # the killed run, finished
    assert cc.request_counts().get(IMPORT_KEY) == sent  # the accepted imports not resent
    with cc.state.tx() as conn:
        emails = [r[0] for r in conn.execute("SELECT email_lower FROM contacts").fetchall()]
    assert [e for e, n in Counter(emails).items() if n > 1] == []
    expected = members(sf, "Spring Wholesale Newsletter") | members(sf, "Holiday Gift Box Launch")
    assert {e.lower() for e in cc.contacts_on_list("Newsletter")} == expected
    assert data["counts"]["created"] == len(expected)


def leads_profile(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """A Lead profile that brings Constant Contact's walk-ins into Salesforce, saved in the
    sandbox the child will open."""
    with child_sandbox(env, monkeypatch, home) as service:
        sample = service.profiles.named(sf_connector.SAMPLE_PROFILE)
        settings = {"connection_id": sample.source.settings["connection_id"], "object_type": "Lead"}
        service.profiles.save(
            replace(
                sample,
                id=None,
                name=LEADS_PROFILE,
                main_list="Walk-ins",
                source=SourceSpec("salesforce", settings),
                options=replace(sample.options, import_from_cc=True),
            )
        )


def test_killed_while_salesforce_creates_records_resumes_without_making_them_twice(
    tmp_path: Path,
    services: tuple[ConstantContactEmulator, SalesforceEmulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cc, sf = services
    home = tmp_path / "home"
    env = environment(home, cc, sf)
    leads_profile(env, monkeypatch, home)
    for i, email in enumerate(WALK_INS):
        cc.seed_contact(email, "Walk", f"In{i}", list_names=["Walk-ins"])
    # Salesforce has taken the creates and is still making them when the process dies
    # without their answer; it finishes them once the child is gone.
    with (
        requests_held(sf.app, "POST", "/composite/sobjects") as creates,
        child(env, *LEADS_SYNC) as proc,
    ):
        wait_until(creates.entered.is_set, 120, proc, "the creates")
        kill(proc)

    def made() -> set[str]:
        return {(x.get("Email") or "").lower() for x in sf.records("Lead")}

    wait_until(
        lambda: set(WALK_INS) <= made(), 30, what="Salesforce to finish the create it had taken"
    )

    data = finish(env, *LEADS_SYNC)

    assert data["status"] == "completed" and data["run_id"] == 1
    leads = Counter((x.get("Email") or "").lower() for x in sf.records("Lead"))
    assert all(leads[email] == 1 for email in WALK_INS)  # recovered, not created again
    assert sf.request_counts().get(CREATE_KEY) == 1
