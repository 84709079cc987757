"""A row that cannot be read is skipped with its reason, and is not taken for a deletion: the
person on it stays on the main list even when the profile removes deleted records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.core.outcomes import Outcome
from app.core.profiles import SourceSpec, SyncProfile

GOOD = "Email,First name\nzoe@example.com,Zoë\nana@example.com,Anaïs\nbob@example.com,Bob\n"
# Row 3 with a byte that is not UTF-8: it cannot be read this time.
DAMAGED = (
    b"Email,First name\nzoe@example.com,Zo\xc3\xab\nana@example.com,Ana\xefs\nbob@example.com,Bob\n"
)


def test_an_unreadable_row_is_not_a_deleted_record(sandbox, tmp_path: Path) -> None:
    service = sandbox.service
    bakery = service.profiles.overviews()[0].profile
    file = tmp_path / "customers.csv"
    file.write_text(GOOD, encoding="utf-8")
    options = replace(bakery.options, remove_deleted=True, opt_out_column="")
    profile = service.profiles.save(
        SyncProfile(
            name="Shop",
            source=SourceSpec("file", {"path": str(file)}),
            main_list="Walk-ins",
            connection_id=bakery.connection_id,
            mapping=service.profiles.suggest_mapping(["Email", "First name"]),
            options=options,
        )
    )
    assert service.runs.sync(profile.id).counts.created == 3

    file.write_bytes(DAMAGED)
    summary = service.runs.sync(profile.id)

    results = {r.row: r for r in service.runs.results(summary.run_id)}
    assert results[3].outcome is Outcome.SKIPPED and "not valid text" in results[3].reason
    assert not any(r.action == "remove" for r in results.values())
    assert "ana@example.com" in {e.lower() for e in sandbox.emulator.contacts_on_list("Walk-ins")}
    assert summary.counts.total == 3  # every row accounted for, once
