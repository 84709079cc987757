"""``ListsApi`` and ``ReportsApi`` in memory: an account's lists and members, the fake runs'
reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from app.core.errors import ValidationError
from app.core.outcomes import RunSummary
from app.core.records import ContactList, SourceRecord
from app.sync import exports
from app.sync.facade.api import ExportFormat
from app.sync.facade.values import (
    MAX_LIST_ADD,
    ContactLists,
    ListAddResult,
    ListMember,
    RunFilter,
)
from app.sync.progress import CancelToken

from .fake_profiles import FakeProfiles
from .fake_runs import FakeRuns


class FakeLists:
    """One account's lists (whichever connection asks) and who is on them.

    Attributes:
        lists: the lists, as Constant Contact lists them.
        members_by_list: who is on each list, by list id.
        lists_error: raised by ``contact_lists`` when set.
    """

    def __init__(self, profiles: FakeProfiles, *lists: ContactList) -> None:
        self._profiles = profiles
        self.lists: list[ContactList] = list(lists)
        self.members_by_list: dict[str, list[ListMember]] = {}
        self.lists_error: Exception | None = None

    def _named(self, name: str) -> ContactList | None:
        return next((c for c in self.lists if c.name.casefold() == name.casefold()), None)

    def contact_lists(self, connection_id: int) -> list[ContactList]:
        if self.lists_error is not None:
            raise self.lists_error
        return list(self.lists)

    def create(self, connection_id: int, name: str) -> ContactList:
        name = " ".join(name.split())
        if self._named(name) is not None:
            raise ValidationError(f"There is already a list named “{name}”. Choose another name.")
        made = ContactList(f"l{len(self.lists) + 1}", name, 0)
        self.lists.append(made)
        return made

    def rename(self, connection_id: int, list_id: str, old_name: str, new_name: str) -> ContactList:
        new_name = " ".join(new_name.split())
        taken = self._named(new_name)
        if taken is not None and taken.list_id != list_id:
            raise ValidationError(
                f"There is already a list named “{new_name}”. Choose another name."
            )
        renamed = ContactList(list_id, new_name)
        self.lists = [renamed if c.list_id == list_id else c for c in self.lists]
        for p in self._profiles.list():
            if p.connection_id == connection_id and p.main_list.casefold() == old_name.casefold():
                self._profiles.add(p.with_changes(main_list=new_name))
        return renamed

    def delete(
        self,
        connection_id: int,
        list_id: str,
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.lists = [c for c in self.lists if c.list_id != list_id]
        self.members_by_list.pop(list_id, None)

    def members(
        self, connection_id: int, list_id: str, cancel: CancelToken | None = None
    ) -> list[ListMember]:
        return list(self.members_by_list.get(list_id, ()))

    def lists_of(self, connection_id: int, email: str) -> ContactLists | None:
        wanted = email.strip().casefold()
        found = None
        on: list[ContactList] = []
        for cl in self.lists:
            for member in self.members_by_list.get(cl.list_id, ()):
                if member.email.casefold() == wanted:
                    found = member
                    on.append(cl)
        return ContactLists(found, tuple(on)) if found is not None else None

    def add_records(
        self,
        connection_id: int,
        list_id: str,
        profile_id: int,
        records: Sequence[SourceRecord],
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> ListAddResult:
        """Adds each record with an email by the profile's mapping; the rest are refused,
        and so is anyone who opted out in the source."""
        if len(records) > MAX_LIST_ADD:
            raise ValidationError(f"Add at most {MAX_LIST_ADD:,} records at a time.")
        column = self._profiles.by_id[profile_id].mapping.source_for("email") or ""
        members = self.members_by_list.setdefault(list_id, [])
        added: list[str] = []
        refused: list[tuple[str, str]] = []
        for record in records:
            email = record.values.get(column, "")
            if not email:
                refused.append((f"Row {record.row}", "No email address"))
            elif record.opted_out:
                refused.append((email, "Opted out in the source"))
            else:
                added.append(email)
                members.append(ListMember(f"c-{email}", email))
        return ListAddResult(tuple(added), tuple(refused))

    def remove_members(
        self,
        connection_id: int,
        list_id: str,
        contact_ids: Sequence[str],
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> int:
        gone = set(contact_ids)
        kept = [m for m in self.members_by_list.get(list_id, ()) if m.contact_id not in gone]
        self.members_by_list[list_id] = kept
        return len(contact_ids)


class FakeReports:
    """The fake runs across profiles; exports written by ``app.sync.exports``, as the app's."""

    def __init__(self, profiles: FakeProfiles, runs: FakeRuns) -> None:
        self._profiles = profiles
        self._runs = runs

    def runs(self, run_filter: RunFilter, limit: int = 200) -> list[RunSummary]:
        found = [
            r
            for p in self._profiles.list()
            if run_filter.profile_id is None or p.id == run_filter.profile_id
            for r in self._runs.history(p.saved_id, limit)
            if run_filter.matches(r)
        ]
        return sorted(found, key=lambda r: (r.started_at, r.run_id), reverse=True)

    def export(
        self,
        path: Path,
        sheets: Sequence[exports.Sheet],
        fmt: ExportFormat,
        cancel: CancelToken | None = None,
    ) -> int:
        if fmt == "xlsx":
            return exports.write_xlsx(path, sheets, cancel)
        return exports.write_csv(path, sheets[0], cancel)
