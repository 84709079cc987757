"""Builders for the store tests."""

from __future__ import annotations

from app.core.filters import FilterGroup, FilterRule, Join, Operator
from app.core.mapping import FieldMap, FieldMapping
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.schedule import Schedule, ScheduleKind


def sample_profile(name: str = "Newsletter", connection_id: int | None = None) -> SyncProfile:
    """A profile with every part set away from its default."""
    return SyncProfile(
        name=name,
        source=SourceSpec("file", {"path": "/data/members.csv", "sheet": "A"}),
        main_list="Members",
        connection_id=connection_id,
        options=SyncOptions(
            unknown_for_blank_names=True,
            sync_phones=False,
            opt_out_handling=OptOutHandling.UNSUBSCRIBE,
            opt_out_column="No email",
        ),
        # Not alphabetical, and one column feeds two fields: only a list of pairs keeps both.
        mapping=FieldMapping(
            (
                FieldMap("Surname", "last_name"),
                FieldMap("E-mail", "email"),
                FieldMap("Given", "first_name"),
                FieldMap("E-mail", "custom.backup_email"),
            )
        ),
        filters=FilterGroup(
            Join.ANY,
            (FilterRule("Status", Operator.EQUALS, "active"),),
            (FilterGroup(Join.ALL, (FilterRule("Town", Operator.CONTAINS, "ham"),)),),
        ),
        schedule=Schedule(ScheduleKind.WEEKLY, at="07:30", days=(0, 3)),
    )
