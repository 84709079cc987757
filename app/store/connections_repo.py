"""Saved connections to service accounts (never their tokens)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.errors import BugError, ConfigError
from app.core.store_types import Connection, ConnectionStatus
from app.store import models as m
from app.store.campaign_pull_repo import purge_campaign_stats
from app.store.convert import now_text, secret_keys
from app.store.db import db


def _check_no_secrets(settings: Mapping[str, Any]) -> None:
    leaked = secret_keys(settings)
    if leaked:
        raise BugError(
            "A secret was about to be saved in the database.",
            details=f"setting names: {', '.join(sorted(leaked))}; secrets go to the keyring",
        )


def _to_connection(row: m.Connection) -> Connection:
    return Connection(
        id=row.id,
        service=row.service,
        label=row.label,
        account_name=row.account_name,
        status=ConnectionStatus(row.status),
        settings=dict(row.settings or {}),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class ConnectionRepository:
    """Connections by id. Deleting one removes its mirror; its profiles keep no connection."""

    def create(
        self,
        service: str,
        label: str,
        settings: Mapping[str, Any] | None = None,
        status: ConnectionStatus = ConnectionStatus.DISCONNECTED,
        account_name: str = "",
    ) -> Connection:
        settings = dict(settings or {})
        _check_no_secrets(settings)
        now = now_text()
        row = m.Connection.create(
            service=service,
            label=label,
            account_name=account_name,
            status=ConnectionStatus(status).value,
            settings=settings,
            created_at=now,
            updated_at=now,
        )
        return _to_connection(row)

    def get(self, connection_id: int) -> Connection | None:
        row = m.Connection.get_or_none(m.Connection.id == connection_id)
        return _to_connection(row) if row else None

    def list(self, service: str | None = None) -> list[Connection]:
        query = m.Connection.select().order_by(m.Connection.label, m.Connection.id)
        if service is not None:
            query = query.where(m.Connection.service == service)
        return [_to_connection(r) for r in query]

    def set_status(self, connection_id: int, status: ConnectionStatus) -> None:
        self._update(connection_id, status=ConnectionStatus(status).value)

    def set_account_name(self, connection_id: int, name: str) -> None:
        self._update(connection_id, account_name=name)

    def set_label(self, connection_id: int, label: str) -> None:
        self._update(connection_id, label=label)

    def update_settings(self, connection_id: int, changes: Mapping[str, Any]) -> Connection:
        """Merge ``changes`` into the settings (a None value removes the key)."""
        _check_no_secrets(changes)
        with db.atomic():
            row = m.Connection.get_or_none(m.Connection.id == connection_id)
            if row is None:
                raise ConfigError("This connection no longer exists.")
            settings = dict(row.settings or {})
            for key, value in changes.items():
                if value is None:
                    settings.pop(key, None)
                else:
                    settings[key] = value
            row.settings = settings
            row.updated_at = now_text()
            row.save()
        return _to_connection(row)

    def delete(self, connection_id: int) -> None:
        m.Connection.delete().where(m.Connection.id == connection_id).execute()

    def purge_remote_data(self, connection_id: int) -> None:
        """Forget what this computer keeps of the account: its contact mirror, its campaign
        statistics and the list ids cached on profiles (found again by name). Profiles, runs
        and links stay."""
        with db.atomic():
            purge_mirror(connection_id)
            purge_campaign_stats(connection_id)
            m.Profile.update(main_list_id=None).where(
                m.Profile.connection == connection_id
            ).execute()

    def _update(self, connection_id: int, **values: Any) -> None:
        values["updated_at"] = now_text()
        m.Connection.update(**values).where(m.Connection.id == connection_id).execute()


def purge_mirror(connection_id: int) -> None:
    """Delete the mirror rows of one connection (shared with ``MirrorRepository.clear``)."""
    m.RemoteContactRow.delete().where(m.RemoteContactRow.connection == connection_id).execute()
    m.MirrorState.delete().where(m.MirrorState.connection == connection_id).execute()
