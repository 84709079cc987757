"""Lists: what the lists manager changes on a Constant Contact account's lists (create,
rename, delete, add people from a profile's source, take people off)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from app.core.errors import ConflictError, RemoteError, ValidationError
from app.core.filters import FilterGroup
from app.core.profiles import OptOutHandling, SyncProfile
from app.core.records import ContactList, Permission, SourceRecord
from app.sync.facade.connections import Connections
from app.sync.facade.profiles import Profiles
from app.sync.facade.runs import Runs
from app.sync.facade.store import Store
from app.sync.facade.values import MAX_LIST_ADD, ContactLists, ListAddResult, ListMember
from app.sync.import_errors import ImportItem, attribute_errors
from app.sync.locks import Activity, Holder
from app.sync.planner import PlanContext, Planner, RemoteInfo
from app.sync.progress import CancelToken


class Lists:
    """Implements ``ListsApi``. A change waits first while a sync holds the account
    (``Runs.account_slot``), and the local copy of the account learns it at once.

    Args:
        store: the repositories.
        profiles: the profiles (a renamed list renames their main list).
        connections: the Constant Contact clients.
        runs: holds the account while a change goes on.
    """

    def __init__(
        self, store: Store, profiles: Profiles, connections: Connections, runs: Runs
    ) -> None:
        self._store = store
        self._profiles = profiles
        self._connections = connections
        self._runs = runs

    def contact_lists(self, connection_id: int) -> list[ContactList]:
        return self._connections.cc_client(connection_id).list_contact_lists()

    def create(self, connection_id: int, name: str) -> ContactList:
        """Create a list; a name already in use is refused (list names are unique)."""
        name = " ".join(name.split())
        taken = ValidationError(f"There is already a list named “{name}”. Choose another name.")
        client = self._connections.cc_client(connection_id)
        if client.find_list_by_name(name) is not None:  # create_list would return it
            raise taken
        try:
            return client.create_list(name)
        except ConflictError as exc:  # the same name in other letter case
            raise taken from exc

    def rename(self, connection_id: int, list_id: str, old_name: str, new_name: str) -> ContactList:
        """Rename a list, and the main list of the profiles that send to it."""
        new_name = " ".join(new_name.split())
        try:
            renamed = self._connections.cc_client(connection_id).rename_list(list_id, new_name)
        except ConflictError as exc:
            raise ValidationError(
                f"There is already a list named “{new_name}”. Choose another name.",
                details=exc.details,
            ) from exc
        for profile in self.profiles_using(connection_id, old_name):
            self._profiles.save(profile.with_changes(main_list=renamed.name))
        return renamed

    def profiles_using(self, connection_id: int, list_name: str) -> list[SyncProfile]:
        """The profiles whose main list this is (profiles name their list, capitals aside)."""
        return [
            p
            for p in self._profiles.list()
            if p.connection_id == connection_id
            and p.main_list.casefold() == list_name.casefold()  # names ignore capitals
        ]

    def delete(
        self,
        connection_id: int,
        list_id: str,
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Delete a list and wait until Constant Contact is done; its contacts stay.

        Waits first while a sync holds the account (``on_wait`` as for ``Runs.sync``).
        """
        holder = Holder(Activity.LIST_DELETE, subject=list_name)
        with self._runs.account_slot(connection_id, holder, True, cancel, on_wait):
            client = self._connections.cc_client(connection_id)
            activity = client.delete_list(list_id)
            if activity:
                client.wait_for_activity(activity, should_stop=cancel.wait if cancel else None)

    def members(
        self, connection_id: int, list_id: str, cancel: CancelToken | None = None
    ) -> list[ListMember]:
        members = []
        client = self._connections.cc_client(connection_id)
        for n, c in enumerate(client.iter_list_members(list_id)):
            if cancel is not None and n % 500 == 0:
                cancel.raise_if_cancelled()
            members.append(
                ListMember(
                    c.contact_id,
                    c.email,
                    c.fields.get("first_name", ""),
                    c.fields.get("last_name", ""),
                    c.permission,
                )
            )
        return members

    def lists_of(self, connection_id: int, email: str) -> ContactLists | None:
        """The contact with this email (any letter case) and the lists it is on."""
        client = self._connections.cc_client(connection_id)
        found = client.get_contact_by_email(email.strip()) if email.strip() else None
        if found is None or found.deleted:
            return None
        names = {cl.list_id: cl for cl in client.list_contact_lists()}
        member = ListMember(
            found.contact_id,
            found.email,
            found.fields.get("first_name", ""),
            found.fields.get("last_name", ""),
            found.permission,
        )
        lists = tuple(names[i] for i in sorted(found.list_ids) if i in names)
        return ContactLists(member, tuple(sorted(lists, key=lambda cl: cl.name.casefold())))

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
        """Send source records to a list with the profile's mapping, by bulk import.

        Records are planned as a sync would plan them, without the profile's filters (the
        user picked them): no email, an invalid one, a duplicate, an opt-out in the source
        and a contact unsubscribed in Constant Contact are refused, each with its reason.
        So is a row the import itself refused: its activity errors name the email.
        Waits first while a sync holds the account (``on_wait`` as for ``Runs.sync``).
        """
        if len(records) > MAX_LIST_ADD:
            raise ValidationError(f"Add at most {MAX_LIST_ADD:,} records at a time.")
        holder = Holder(Activity.LIST_ADD, subject=list_name)
        with self._runs.account_slot(connection_id, holder, True, cancel, on_wait):
            return self._add_records(connection_id, list_id, profile_id, records, cancel)

    def _add_records(
        self,
        connection_id: int,
        list_id: str,
        profile_id: int,
        records: Sequence[SourceRecord],
        cancel: CancelToken | None,
    ) -> ListAddResult:
        profile = self._profiles.require(profile_id)
        client = self._connections.cc_client(connection_id)
        # Only the person can opt back in: never put an unsubscribed contact on a list.
        unsubscribed = RemoteInfo("", Permission.UNSUBSCRIBED.value, False)
        remote = {
            c.email.lower(): unsubscribed for c in client.iter_contacts(status="unsubscribed")
        }
        options = replace(profile.options, opt_out_handling=OptOutHandling.SKIP)
        planner = Planner(
            PlanContext(profile.with_changes(filters=FilterGroup(), options=options), remote=remote)
        )
        items: list[dict[str, str]] = []
        sent: list[ImportItem] = []  # each item's record: its place in the import, its row
        refused = []
        for record in records:
            plan = planner.plan(record)
            if plan.item is None:
                refused.append((plan.email or f"Row {record.row}", plan.reason))
            else:
                sent.append(ImportItem(len(items), record.row, plan.email))
                items.append(dict(plan.item))
        failed: dict[int, str] = {}
        if items:
            activity = client.start_contacts_import(items, [list_id])
            status = client.wait_for_activity(activity, should_stop=cancel.wait if cancel else None)
            if not status.succeeded:
                raise RemoteError(
                    "Constant Contact could not add these contacts to the list.",
                    body="\n".join(status.errors),
                )
            failed = attribute_errors(status.errors, sent)  # "Row 14: ... refused it: ..."
        refused.extend((items[i]["email"], why) for i, why in sorted(failed.items()))
        kept = [item for i, item in enumerate(items) if i not in failed]
        added = tuple(i["email"] for i in kept)
        # Every profile on the account sees them at once (see MirrorRepository.record_import).
        self._store.mirror.record_import(connection_id, kept, list_id)
        return ListAddResult(added, tuple(refused))

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
        """Take contacts off a list (they stay in the account); returns how many.

        Waits first while a sync holds the account (``on_wait`` as for ``Runs.sync``).
        """
        holder = Holder(Activity.LIST_REMOVE, subject=list_name)
        with self._runs.account_slot(connection_id, holder, True, cancel, on_wait):
            client = self._connections.cc_client(connection_id)
            activity = client.remove_list_memberships([list_id], list(contact_ids))
            if activity:
                client.wait_for_activity(activity, should_stop=cancel.wait if cancel else None)
            self._store.mirror.remove_from_list(connection_id, contact_ids, list_id)
        return len(contact_ids)
