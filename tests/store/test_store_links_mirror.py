"""LinkRepository and MirrorRepository: upserts, loads, the email index and watermarks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.core.outcomes import RunStatus
from app.core.records import Permission, RemoteContact
from app.core.store_types import Link
from app.store.repositories import (
    ConnectionRepository,
    LinkRepository,
    MirrorRepository,
    ProfileRepository,
    RunRepository,
)
from tests.store.builders import sample_profile


@pytest.fixture
def profile_id(profiles: ProfileRepository) -> int:
    saved = profiles.save(sample_profile())
    assert saved.id is not None
    return saved.id


@pytest.fixture
def connection_id(connections: ConnectionRepository) -> int:
    return connections.create("constant_contact", "Shop").id


def test_links_upsert_and_load(links: LinkRepository, profile_id: int) -> None:
    assert links.load(profile_id) == {}
    written = links.upsert_many(
        profile_id,
        (Link(f"k{i}", f"c{i}" if i % 2 else None, f"P{i}@X.com", "fp1") for i in range(2500)),
    )
    assert written == 2500 and links.count(profile_id) == 2500
    loaded = links.load(profile_id)
    assert len(loaded) == 2500
    assert loaded["k1"] == Link("k1", "c1", "p1@x.com", "fp1")  # emails are lowercased
    assert loaded["k2"] == Link("k2", None, "p2@x.com", "fp1")

    links.upsert_many(
        profile_id,
        [
            Link("k1", None, "p1@x.com", "fp2"),  # no new id, same email: keeps c1
            Link("k3", None, "moved@x.com", "fp2"),  # no new id, new email: forgets c3
            Link("k5", "c5-new", "p5@x.com", "fp2"),  # a new id wins
            Link("new", None, "new@x.com", "fp2"),
        ],
    )
    loaded = links.load(profile_id)
    assert loaded["k1"] == Link("k1", "c1", "p1@x.com", "fp2")
    assert loaded["k3"] == Link("k3", None, "moved@x.com", "fp2")
    assert loaded["k5"].contact_id == "c5-new"
    assert loaded["new"] == Link("new", None, "new@x.com", "fp2")
    assert len(loaded) == 2501


def test_links_delete_set_ids_and_clear(
    links: LinkRepository, profiles: ProfileRepository, profile_id: int
) -> None:
    other = profiles.save(sample_profile("Other")).id
    assert other is not None
    links.upsert_many(profile_id, [Link(f"k{i}", None, f"p{i}@x.com", "") for i in range(2000)])
    links.upsert_many(other, [Link("k1", None, "p1@x.com", "")])

    assert links.delete_keys(profile_id, (f"k{i}" for i in range(1000, 2000))) == 1000
    assert links.set_contact_ids(profile_id, {"P1@X.com": "c1", "nobody@x.com": "c9"}) == 1
    loaded = links.load(profile_id)
    assert len(loaded) == 1000 and loaded["k1"].contact_id == "c1"
    assert links.load(other)["k1"].contact_id is None  # other profiles untouched

    assert links.clear(profile_id) == 1000
    assert links.load(profile_id) == {} and links.count(other) == 1


def contact(i: int, **kw: object) -> RemoteContact:
    values: dict = {
        "contact_id": f"c{i}",
        "email": f"Person{i}@Example.com",
        "permission": Permission.IMPLICIT,
        "list_ids": frozenset({"l1", "l2"}) if i % 2 else frozenset(),
        "updated_at": datetime(2024, 3, 1, tzinfo=UTC) + timedelta(minutes=i),
    }
    values.update(kw)
    return RemoteContact(**values)


def test_mirror_upsert_and_email_index(mirror: MirrorRepository, connection_id: int) -> None:
    assert mirror.upsert_contacts(connection_id, (contact(i) for i in range(3000))) == 3000
    index = mirror.email_index(connection_id)
    assert len(index) == 3000 and mirror.count(connection_id) == 3000
    assert index["person1@example.com"] == ("c1", Permission.IMPLICIT, frozenset({"l1", "l2"}))
    assert index["person2@example.com"] == ("c2", Permission.IMPLICIT, frozenset())
    # Identical list sets share one object, which keeps a million entries small.
    assert index["person1@example.com"][2] is index["person3@example.com"][2]

    mirror.upsert_contacts(
        connection_id,
        [
            contact(1, permission=Permission.UNSUBSCRIBED, list_ids=frozenset()),
            contact(2, deleted=True),
            # The same address under a newer contact: the newer one wins the index.
            contact(9999, email="PERSON4@example.com"),
        ],
    )
    index = mirror.email_index(connection_id)
    assert index["person1@example.com"] == ("c1", Permission.UNSUBSCRIBED, frozenset())
    assert "person2@example.com" not in index
    assert "person2@example.com" in mirror.email_index(connection_id, include_deleted=True)
    assert index["person4@example.com"][0] == "c9999"
    assert mirror.count(connection_id) == 3001

    found = mirror.get_by_email(connection_id, "person1@EXAMPLE.com")
    assert found is not None and found.unsubscribed and found.list_ids == frozenset()
    assert found.updated_at == datetime(2024, 3, 1, 0, 1, tzinfo=UTC)
    assert mirror.get_by_email(connection_id, "nobody@example.com") is None


def test_mirror_contact_ids_by_email(
    mirror: MirrorRepository, connections: ConnectionRepository, connection_id: int
) -> None:
    mirror.upsert_contacts(connection_id, (contact(i) for i in range(1500)))
    mirror.upsert_contacts(
        connection_id,
        [contact(2, deleted=True), contact(9999, email="PERSON4@example.com")],
    )
    other = connections.create("constant_contact", "Other").id
    mirror.upsert_contacts(other, [contact(7, contact_id="x7")])
    # A contact our own import just made: a placeholder until a read brings its id.
    mirror.record_import(connection_id, [{"email": "fresh@example.com"}], "l1")
    assert "fresh@example.com" in mirror.email_index(connection_id)
    wanted = [f"Person{i}@Example.com" for i in range(1500)] + ["nobody@example.com", ""]
    wanted.append("fresh@example.com")
    found = mirror.contact_ids_by_email(connection_id, wanted)
    assert found["person1@example.com"] == "c1" and found["person1499@example.com"] == "c1499"
    assert found["person4@example.com"] == "c9999"  # the newer contact with that address
    assert found["person7@example.com"] == "c7"  # this account's, not the other one's
    assert "person2@example.com" not in found  # deleted in Constant Contact
    assert len(found) == 1499
    assert mirror.contact_ids_by_email(connection_id, []) == {}


def test_mirror_keeps_connections_apart(
    mirror: MirrorRepository, connections: ConnectionRepository, connection_id: int
) -> None:
    other = connections.create("constant_contact", "Other").id
    mirror.upsert_contacts(connection_id, [contact(1)])
    mirror.upsert_contacts(other, [contact(1, contact_id="x1")])
    assert mirror.email_index(connection_id)["person1@example.com"][0] == "c1"
    assert mirror.email_index(other)["person1@example.com"][0] == "x1"


def test_watermark(mirror: MirrorRepository, connection_id: int) -> None:
    assert mirror.watermark(connection_id) is None and not mirror.full_sync_done(connection_id)

    first = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    mirror.set_watermark(connection_id, first, full=False)
    assert mirror.watermark(connection_id) == first and not mirror.full_sync_done(connection_id)

    second = datetime(2024, 5, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    mirror.set_watermark(connection_id, second)
    assert mirror.watermark(connection_id) == second and mirror.full_sync_done(connection_id)

    mirror.set_watermark(connection_id, datetime(2024, 5, 3), full=False)  # naive: taken as UTC
    assert mirror.watermark(connection_id) == datetime(2024, 5, 3, tzinfo=UTC)
    assert mirror.full_sync_done(connection_id)  # an incremental refresh keeps the flag

    mirror.clear(connection_id)
    assert mirror.watermark(connection_id) is None and not mirror.full_sync_done(connection_id)


def test_purge_remote_data_keeps_profiles_and_runs(
    connections: ConnectionRepository,
    mirror: MirrorRepository,
    profiles: ProfileRepository,
    runs: RunRepository,
    links: LinkRepository,
    connection_id: int,
) -> None:
    profile = profiles.save(sample_profile(connection_id=connection_id))
    assert profile.id is not None
    run_id = runs.start(profile.id)
    runs.set_status(run_id, RunStatus.CANCELLED)
    links.upsert_many(profile.id, [Link("k", "c1", "person1@example.com", "fp")])
    mirror.upsert_contacts(connection_id, [contact(i) for i in range(10)])
    mirror.set_watermark(connection_id, datetime(2024, 1, 1, tzinfo=UTC))

    connections.purge_remote_data(connection_id)

    assert mirror.count(connection_id) == 0 and mirror.watermark(connection_id) is None
    assert profiles.get(profile.id) == profile
    assert runs.resumable_run(profile.id).run_id == run_id  # type: ignore[union-attr]
    assert len(links.load(profile.id)) == 1
    assert connections.get(connection_id) is not None


def test_deleting_a_connection_drops_its_mirror(
    connections: ConnectionRepository, mirror: MirrorRepository, connection_id: int
) -> None:
    mirror.upsert_contacts(connection_id, [contact(1)])
    mirror.set_watermark(connection_id, datetime(2024, 1, 1, tzinfo=UTC))
    connections.delete(connection_id)
    assert mirror.count(connection_id) == 0 and mirror.watermark(connection_id) is None


def test_an_import_is_recorded_at_once_and_its_placeholders_give_way_to_real_ids(
    mirror: MirrorRepository,
    links: LinkRepository,
    profiles: ProfileRepository,
    connection_id: int,
) -> None:
    """What our own bulk import created is in the local copy before any read brings it back."""
    profile = profiles.save(sample_profile("Imports", connection_id=connection_id))
    assert profile.id is not None
    mirror.upsert_contacts(connection_id, [RemoteContact("c-1", "old@x.com", Permission.EXPLICIT)])
    items = [
        {"email": "Old@x.com", "first_name": "Olga"},
        {"email": "new@x.com", "first_name": "Nora", "last_name": ""},
    ]
    assert mirror.record_import(connection_id, items, "L1") == 1  # one new

    index = mirror.email_index(connection_id)
    assert index["old@x.com"] == ("c-1", Permission.EXPLICIT, frozenset({"L1"}))
    # Constant Contact's import returns no ids: the new contact is known, its id is not (yet).
    assert index["new@x.com"] == ("", Permission.IMPLICIT, frozenset({"L1"}))
    assert mirror.get_by_email(connection_id, "new@x.com").contact_id == ""
    by_email = {c.email: c for c in mirror.iter_contacts(connection_id)}
    assert by_email["new@x.com"].fields == {"first_name": "Nora"}
    placeholder = by_email["new@x.com"].contact_id
    # A link made from the placeholder (an import into the source) follows the real id.
    links.upsert_many(profile.id, [Link("src-9", placeholder, "new@x.com", "fp")])

    real = RemoteContact("c-2", "new@x.com", Permission.IMPLICIT, frozenset({"L1"}))
    mirror.upsert_contacts(connection_id, [real])

    assert mirror.count(connection_id) == 2, "the placeholder row was not replaced"
    assert mirror.email_index(connection_id)["new@x.com"][0] == "c-2"
    assert links.load(profile.id)["src-9"].contact_id == "c-2"
