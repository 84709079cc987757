"""A profile's destination: Constant Contact unless Constant Contact is the source."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.core.profiles import CONSTANT_CONTACT, SourceSpec, SyncProfile
from app.store.profiles_repo import ProfileRepository, profile_from_export


def test_a_profile_goes_into_constant_contact_unless_it_says_otherwise(database) -> None:  # type: ignore[no-untyped-def]
    repo = ProfileRepository()
    push = repo.save(SyncProfile("Shop", SourceSpec("file", {"path": "/a.csv"}), "Main"))
    assert push.destination == SourceSpec(CONSTANT_CONTACT) and push.into_constant_contact
    move = repo.save(
        SyncProfile(
            "Move to Klaviyo",
            SourceSpec(CONSTANT_CONTACT, {"list_ids": ["l1"]}),
            "",
            destination=SourceSpec("klaviyo", {"connection_id": 4}),
        )
    )
    again = repo.get(move.id)
    assert again.destination == SourceSpec("klaviyo", {"connection_id": 4})
    assert not again.into_constant_contact


def test_an_exported_migration_profile_imports_with_its_destination(database) -> None:  # type: ignore[no-untyped-def]
    repo = ProfileRepository()
    move = SyncProfile(
        "Move", SourceSpec(CONSTANT_CONTACT), "", destination=SourceSpec("klaviyo", {"x": 1})
    )
    data = repo.export_dict(move)
    assert data["destination"] == {"kind": "klaviyo", "settings": {"x": 1}}
    assert profile_from_export(data).destination == SourceSpec("klaviyo", {"x": 1})


@pytest.mark.parametrize(
    ("source", "destination"),
    [("file", "klaviyo"), (CONSTANT_CONTACT, CONSTANT_CONTACT)],
)
def test_constant_contact_must_be_on_exactly_one_side(
    database, source: str, destination: str
) -> None:  # type: ignore[no-untyped-def]
    data = ProfileRepository().export_dict(SyncProfile("P", SourceSpec("file"), "Main"))
    data["source"]["kind"], data["destination"]["kind"] = source, destination
    with pytest.raises(ValidationError, match=r'"destination\.kind" must be Constant Contact on'):
        profile_from_export(data)
