"""Whole runs against the emulator playing the live service's rules (cc-real-behaviour.md).

Addresses come back normalised ("IL" as "Illinois"), a 409 names the contact that has an
email, and first names with a full stop are refused. A writable in-memory source plays the
CRM of a two-way profile.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.connectors import constant_contact as cc_module
from app.core.mapping import FieldMapping
from app.core.outcomes import Outcome, RunStatus
from app.core.records import SourceRecord
from app.core.store_types import RecordAction
from app.sandbox.constant_contact import contact_store as store
from app.sync.engine import EMAILS
from app.sync.planner import Reason
from tests.sync.two_way import MemorySource, TwoWay, counts_add_up

ADDRESS_COLUMNS = ("Email", "First", "Last", "Company", "Street", "City", "State", "Country")
ADDRESS_MAPPING = FieldMapping.of(
    {
        "Email": "email",
        "First": "first_name",
        "Last": "last_name",
        "Street": "street",
        "City": "city",
        "State": "state",
        "Country": "country",
    }
)


class AddressSource(MemorySource):
    """The in-memory CRM with a street address on each record."""

    def columns(self) -> list[str]:
        return list(ADDRESS_COLUMNS)

    def add(self, Email: str = "", First: str = "", Last: str = "", **more: str) -> str:  # type: ignore[override]
        key = f"S{self._next:04d}"
        self._next += 1
        self.records[key] = {"Email": Email, "First": First, "Last": Last, **more}
        return key


def edit_in_cc(tw: TwoWay, email: str, **changes: Any) -> None:
    """Someone edits the contact in Constant Contact, a moment later."""
    tw.tick()
    now = tw.emulator.clock()
    with tw.emulator.state.tx() as conn:
        contact_id, doc = store.find_by_email(conn, email)
        doc.update(changes)
        store.touch(doc, now)
        store.update(conn, contact_id, doc)


def address_profile(tw: TwoWay, **options: Any) -> TwoWay:
    tw.source = AddressSource()
    tw.setup(import_from_cc=True, import_updates_existing=True, **options)
    tw.service.profiles.save(tw.profile.with_changes(mapping=ADDRESS_MAPPING))
    return tw


def test_a_us_address_read_back_as_names_is_not_an_edit_either_way(two_way):
    tw = address_profile(two_way)
    key = tw.source.add(
        "ada@example.com",
        "Ada",
        "Byron",
        Street="1 Main St",
        City="Chicago",
        State="IL",
        Country="US",
    )
    first = tw.run()
    assert first.status is RunStatus.COMPLETED
    (address,) = tw.emulator.get_contact("ada@example.com")["street_addresses"]
    assert (address["state"], address["country"]) == ("Illinois", "United States")
    # Someone touches a field the profile does not map, so the next run reads the contact
    # back from Constant Contact, address and all.
    edit_in_cc(tw, "ada@example.com", job_title="Poet")

    tw.tick()
    tw.emulator.reset_counts()
    tw.source.writes.clear()
    second = tw.run()

    assert second.status is RunStatus.COMPLETED
    assert tw.writes() == []  # nothing sent to Constant Contact
    assert tw.source.writes == []  # and nothing copied back into the source
    assert tw.source.records[key]["State"] == "IL"
    assert tw.by_key(second)[key].outcome is Outcome.UNCHANGED
    assert [r for r in tw.results(second, "import") if r.action == RecordAction.IMPORT_UPDATE] == []
    counts_add_up(tw.service, second)


def test_a_real_edit_of_the_state_in_constant_contact_still_reaches_the_source(two_way):
    tw = address_profile(two_way)
    key = tw.source.add("ada@example.com", "Ada", "Byron", City="Chicago", State="IL", Country="US")
    tw.run()
    contact = tw.emulator.get_contact("ada@example.com")
    moved = [dict(contact["street_addresses"][0], state="Indiana")]
    edit_in_cc(tw, "ada@example.com", street_addresses=moved)
    tw.source.writes.clear()

    summary = tw.run()

    assert tw.source.writes == [("update", 1)]
    assert tw.source.records[key]["State"] == "Indiana"
    (row,) = [r for r in tw.results(summary, "import") if r.action == RecordAction.IMPORT_UPDATE]
    assert row.detail == "state: IL → Indiana"  # the country, the same place, is not listed
    tw.emulator.reset_counts()
    tw.source.writes.clear()
    again = tw.run()
    assert (tw.writes(), tw.source.writes) == ([], [])
    counts_add_up(tw.service, again)


def test_a_source_edit_from_il_to_illinois_costs_no_request(two_way):
    tw = address_profile(two_way)
    key = tw.source.add("ada@example.com", "Ada", "Byron", State="IL", Country="US")
    tw.run()
    tw.source.records[key].update(State="Illinois", Country="United States")
    tw.emulator.reset_counts()

    summary = tw.run()

    assert tw.by_key(summary)[key].outcome is Outcome.UNCHANGED
    assert tw.writes() == []


# -- the 409 that names the contact owning an email ---------------------------------------------


class TakeEmailWhenChangingEmails:
    """A reporter: just as the email-change phase starts, someone else takes the address."""

    def __init__(self, tw: TwoWay, email: str) -> None:
        self.tw, self.email = tw, email
        self.owner = ""

    def phase(self, name: str, total: int = 0) -> None:
        if name == EMAILS and not self.owner:
            self.owner = self.tw.emulator.seed_contact(self.email, "Some", "Body")
            self.tw.emulator.reset_counts()

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        pass


@pytest.fixture
def lookups(monkeypatch) -> list[str]:
    """The emails the client looks up one by one (``get_contact_by_email``)."""
    asked: list[str] = []
    real = cc_module.ConstantContactClient.get_contact_by_email

    def spy(self, email: str):  # type: ignore[no-untyped-def]
        asked.append(email)
        return real(self, email)

    monkeypatch.setattr(cc_module.ConstantContactClient, "get_contact_by_email", spy)
    return asked


def _move_onto_a_taken_email(tw: TwoWay) -> tuple[str, TakeEmailWhenChangingEmails]:
    tw.setup()
    key = tw.source.add("mover@example.com", "Mo", "Ver", "Co")
    tw.run()
    tw.tick()
    tw.source.records[key]["Email"] = "taken@example.com"
    return key, TakeEmailWhenChangingEmails(tw, "taken@example.com")


def test_the_409_names_the_owner_so_no_lookup_is_needed(two_way, lookups):
    tw = two_way
    key, reporter = _move_onto_a_taken_email(tw)

    summary = tw.run(reporter=reporter)

    result = tw.by_key(summary)[key]
    assert (result.outcome, result.reason) == (
        Outcome.SKIPPED,
        Reason.EMAIL_TAKEN.format(email="taken@example.com"),
    )
    assert tw.emulator.request_counts().get("PUT /v3/contacts/{contact_id}") == 1  # a 409
    assert "taken@example.com" not in lookups  # the answer named the owner: no lookup
    assert tw.emulator.get_contact("mover@example.com")["first_name"] == "Mo"
    known = tw.service.store.mirror.get_by_email(tw.profile.connection_id, "taken@example.com")
    assert known is not None and known.contact_id == reporter.owner
    counts_add_up(tw.service, summary)

    tw.tick()
    tw.emulator.reset_counts()
    again = tw.run()
    assert tw.by_key(again)[key].reason == Reason.EMAIL_TAKEN.format(email="taken@example.com")
    assert tw.writes() == []  # the plan knows: no PUT is tried again


def test_an_answer_without_the_id_falls_back_to_a_lookup(two_way, monkeypatch, lookups):
    # The 2019 wording, "Validation failed: EmailAddress is not unique", names no contact.
    monkeypatch.setattr(cc_module, "EMAIL_OWNER_RE", cc_module.re.compile(r"(?!)"))
    tw = two_way
    key, reporter = _move_onto_a_taken_email(tw)

    summary = tw.run(reporter=reporter)

    assert tw.by_key(summary)[key].outcome is Outcome.SKIPPED
    assert lookups.count("taken@example.com") == 1
    known = tw.service.store.mirror.get_by_email(tw.profile.connection_id, "taken@example.com")
    assert known is not None and known.contact_id == reporter.owner


# -- first names with a full stop --------------------------------------------------------------


@pytest.mark.parametrize(("name", "sent"), [("T.J.", "TJ"), ("J. Robert", "J Robert")])
def test_a_first_name_with_a_full_stop_is_sent_without_it_and_the_user_is_told(two_way, name, sent):
    tw = two_way.setup()
    key = tw.source.add("tj@example.com", name, "Hooker", "Co")

    summary = tw.run()

    result = tw.by_key(summary)[key]
    assert result.outcome is Outcome.CREATED  # on the list: what the sync is for
    assert (
        f'First name "{name}" sent as "{sent}": Constant Contact refuses full stops in first names'
        in result.detail
    )
    assert tw.emulator.get_contact("tj@example.com")["first_name"] == sent
    assert "tj@example.com" in tw.on_list()

    tw.emulator.reset_counts()
    again = tw.run()
    assert tw.by_key(again)[key].outcome is Outcome.UNCHANGED
    assert tw.writes() == []


# -- the lists manager's "add people" -----------------------------------------------------------


def test_adding_people_to_a_list_refuses_a_value_constant_contact_would(two_way):
    tw = two_way.setup()
    mapping = FieldMapping.of(
        {"Email": "email", "First": "first_name", "Month": "birthday_month", "Day": "birthday_day"}
    )
    profile = tw.service.profiles.save(tw.profile.with_changes(mapping=mapping))
    list_id = tw.emulator.create_list("Picked")
    records = [
        SourceRecord("k1", 2, {"Email": "good@example.com", "First": "T.J."}),
        SourceRecord("k2", 3, {"Email": "bad@example.com", "Month": "13", "Day": "1"}),
    ]

    result = tw.service.lists.add_records(profile.connection_id, list_id, profile.id, records)

    assert result.added == ("good@example.com",)
    ((who, why),) = result.refused
    assert who == "bad@example.com"
    # A month Constant Contact would refuse is caught before anything is sent, naming the
    # field (an import's own refusals are named by the record's row: test_import_errors.py).
    assert why.startswith("Constant Contact would refuse this contact: Birthday month")
    assert tw.emulator.contacts_on_list("Picked") == {"good@example.com"}
    assert tw.emulator.get_contact("good@example.com")["first_name"] == "TJ"
