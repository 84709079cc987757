"""A source that refuses some records of a write (``PartialWrite``, as Salesforce's sObject
Collections do): each refused record fails alone with the source's words, the others are
written, a note stays with its record; and a source writes in its own batch size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.connectors.base import PartialWrite
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import ImportScope
from tests.sync.two_way import LIST, MemorySource, counts_add_up


class PickySource(MemorySource):
    """Refuses records whose first name is "Refused"; notes the company it leaves out."""

    write_batch = 2

    def create_records(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        keys: list[str] = []
        refused: dict[int | str, str] = {}
        notes: dict[int | str, str] = {}
        for i, values in enumerate(records):
            if values.get("First") == "Refused":
                keys.append("")
                refused[i] = "The CRM needs a real first name."
                continue
            if values.get("Company"):
                notes[i] = f"Company “{values['Company']}” not sent."
            keys.append(self.add(values["Email"], values.get("First", ""), values.get("Last", "")))
        self.writes.append(("create", len(records)))
        if refused or notes:
            raise PartialWrite("Some were refused.", keys=keys, refused=refused, notes=notes)
        return keys

    def set_opted_out(self, keys: Sequence[str], opted_out: bool) -> None:
        refused: dict[int | str, str] = {}
        for key in keys:
            if self.records[key]["First"] == "Locked":
                refused[key] = "The record is locked."
            else:
                (self.opted_out.add if opted_out else self.opted_out.discard)(key)
        self.writes.append(("opt_out", len(keys)))
        if refused:
            raise PartialWrite("Some were refused.", refused=refused)


def test_refused_records_fail_alone_and_notes_stay_with_their_records(two_way):
    two_way.source = PickySource()
    tw = two_way.setup(import_from_cc=True, import_scope=ImportScope.ALL_ACTIVE)
    tw.emulator.seed_contact("ok@example.com", "Ok", "One", list_names=[LIST])
    tw.emulator.seed_contact("no@example.com", "Refused", "Two", list_names=[LIST])
    tw.emulator.seed_contact(
        "co@example.com", "With", "Company", list_names=[LIST], company_name="Acme"
    )

    summary = tw.run()

    counts_add_up(tw.service, summary)
    assert summary.status is RunStatus.COMPLETED_WITH_ERRORS
    imported = {r.email: r for r in tw.results(summary, "import")}
    assert imported["ok@example.com"].outcome is Outcome.CREATED
    assert imported["no@example.com"].outcome is Outcome.FAILED
    assert imported["no@example.com"].reason == "The CRM needs a real first name."
    assert imported["co@example.com"].outcome is Outcome.CREATED
    assert "Company “Acme” not sent." in imported["co@example.com"].detail
    sizes = [n for op, n in tw.source.writes if op == "create"]
    assert max(sizes) == 2 and len(sizes) > 1  # in its own batch size
    created = {v["Email"] for v in tw.source.records.values()}
    assert {"ok@example.com", "co@example.com"} <= created and "no@example.com" not in created


def test_a_refused_opt_out_fails_alone(two_way):
    two_way.source = PickySource()
    tw = two_way.setup()
    free = tw.source.add("free@example.com", "Free", "One")
    tw.source.add("locked@example.com", "Locked", "Two")
    tw.run()
    tw.person("free@example.com", "unsubscribed")
    tw.person("locked@example.com", "unsubscribed")

    summary = tw.run()

    counts_add_up(tw.service, summary)
    back = {r.email: r for r in tw.results(summary) if r.direction != "push"}
    assert back["free@example.com"].outcome is Outcome.UPDATED
    assert back["locked@example.com"].outcome is Outcome.FAILED
    assert back["locked@example.com"].reason == "The record is locked."
    assert tw.source.opted_out == {free}
