"""After its imports, a run leaves the local copy of the account complete and skips nobody.

Constant Contact's bulk import returns no ids. A small import is read back at the end of
the run; a big one is recorded from what was sent, and a count of everything changed since
the last read tells whether anyone else changed a contact meanwhile (then it is read back).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.outcomes import Outcome
from app.sync import engine
from app.sync.planner import Reason
from tests.sync.conftest import CONTACTS_KEY, Bakery, PhaseReporter

OUTSIDER = "old.friend@example.org"  # a contact the sample account already has


def _mirror(bakery: Bakery) -> dict[str, object]:
    service = bakery.service
    conn = bakery.profile.connection_id
    return {c.email: c for c in service.store.mirror.iter_contacts(conn)}


def _age_the_account(bakery: Bakery) -> None:
    """Make the account's existing contacts an hour old, so the import is seconds apart."""
    then = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with bakery.emulator.state.tx() as conn:
        conn.execute(
            "UPDATE contacts SET updated_at = ?, doc = json_set(doc, '$.updated_at', ?)",
            (then, then),
        )


def _placeholders(bakery: Bakery) -> int:
    return sum(1 for c in _mirror(bakery).values() if c.contact_id.startswith("pending:"))


def _emulator_ids(bakery: Bakery) -> dict[str, str]:
    with bakery.emulator.state.tx() as conn:
        rows = conn.execute("SELECT email_lower, contact_id FROM contacts").fetchall()
    return dict(rows)


def test_a_small_import_is_read_back_with_real_ids(bakery: Bakery) -> None:
    summary = bakery.run()
    assert summary.counts.created > 0

    mirror = _mirror(bakery)
    real = _emulator_ids(bakery)
    for email in bakery.pushable_emails():
        assert mirror[email].contact_id == real[email], f"{email} has no real id locally"


def test_a_big_import_moves_on_for_one_count_when_nobody_else_changed_anything(
    bakery: Bakery, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "READBACK_MAX", 10)
    _age_the_account(bakery)
    first = bakery.run()
    assert bakery.pushable_emails() <= set(_mirror(bakery)), "imported contacts are missing"
    # Not read back: the new contacts wait under placeholders for their ids.
    assert _placeholders(bakery) == first.counts.created

    bakery.emulator.reset_counts()
    again = bakery.run()

    assert (again.counts.created, again.counts.updated, again.counts.failed) == (0, 0, 0)
    assert again.counts.unchanged == first.counts.created + first.counts.updated
    # The next refresh does not read the whole import back (a page, and the opt-outs).
    assert bakery.requests(CONTACTS_KEY) <= 2


def test_a_change_made_elsewhere_during_a_big_import_is_not_skipped(
    bakery: Bakery, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone unsubscribes in Constant Contact while our import runs: the count shows more
    changes than ours, so the run reads them back; the next plan knows of the opt-out."""
    monkeypatch.setattr(engine, "READBACK_MAX", 10)
    _age_the_account(bakery)
    changed: list[str] = []

    def elsewhere(phase: str, done: int, total: int) -> None:
        if phase == engine.IMPORT and not changed:
            bakery.emulator.set_permission(OUTSIDER, "unsubscribed")
            changed.append(OUTSIDER)

    bakery.service.runs.sync(bakery.profile.id, reporter=PhaseReporter(elsewhere))
    assert changed, "the import phase never reported progress"

    contact = _mirror(bakery)[OUTSIDER]
    assert contact.unsubscribed, "the opt-out made during the import was skipped"
    real = _emulator_ids(bakery)
    some = next(iter(bakery.pushable_emails()))
    assert _mirror(bakery)[some].contact_id == real[some], "the import was not read back"


def test_an_opt_out_made_while_a_big_import_ran_is_known_to_the_next_run(
    bakery: Bakery, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big import's run reads no opt-outs at its end: the next refresh looks back far
    enough before the watermark to find one made while the import ran, though the
    watermark was moved past it (the count cannot see it: that contact was ours anyway)."""
    monkeypatch.setattr(engine, "READBACK_MAX", 10)
    _age_the_account(bakery)
    key = "C0000025"
    email = next(r["Email Address"] for r in bakery.rows() if r["Customer ID"] == key).lower()
    bakery.emulator.reset_counts()
    bakery.emulator.runner.delay = 4.0  # the import takes seconds, as a big one would
    first = bakery.run()
    bakery.emulator.runner.delay = 0.0
    # The refresh's one read (the account was never read before), then one count at the end.
    assert bakery.requests(CONTACTS_KEY) == 2
    assert email in bakery.on_list()

    # She unsubscribes while the import runs, after it reached her: her change bears a
    # time the watermark has been moved past.
    chunk = bakery.service.store.runs.checkpoint(first.run_id)["chunks"]["0"]
    during = datetime.fromisoformat(chunk["started_at"])
    watermark = bakery.service.store.mirror.watermark(bakery.profile.connection_id)
    assert watermark is not None and during < watermark - timedelta(seconds=1)
    real_clock = bakery.emulator.clock
    bakery.emulator.clock = lambda: during
    try:
        bakery.emulator.set_permission(email, "unsubscribed")
    finally:
        bakery.emulator.clock = real_clock
    bakery.edit(key, Company="Changed After Opt-out")  # so the next run would send her

    again = bakery.run()

    assert _mirror(bakery)[email].unsubscribed
    result = bakery.results(again)[key]
    assert (result.outcome, result.reason) == (Outcome.SKIPPED, Reason.UNSUBSCRIBED)
    assert bakery.emulator.get_contact(email).get("company_name") != "Changed After Opt-out"
