"""Reading the emulator's state from Python, for tests and benches (no HTTP, no limits).

Every method is one or two SQL queries, so counts over 100,000 profiles and 300,000 events
stay fast; the per-item methods return plain dicts.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from app.sandbox.klaviyo.consent import subscriptions_of
from app.sandbox.klaviyo.profile_store import email_key
from app.sandbox.klaviyo.state import State

WRITE_METHODS = ("POST ", "PATCH ", "PUT ", "DELETE ")


class Inspection:
    """Mixed into the emulator: queries over ``self.state``."""

    state: State

    # -- profiles ---------------------------------------------------------------------

    def _profile(self, where: str, value: str | None) -> dict[str, Any] | None:
        if value is None:
            return None
        with self.state.tx() as conn:
            row = conn.execute(f"SELECT * FROM profiles WHERE {where} = ?", (value,)).fetchone()
            return None if row is None else _profile_dict(conn, row)

    def profile(self, profile_id: str) -> dict[str, Any] | None:
        """A profile's values, consent, suppression reasons and list ids."""
        return self._profile("id", profile_id)

    def profile_by_email(self, email: str) -> dict[str, Any] | None:
        return self._profile("email_key", email_key(email))

    def profile_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        return self._profile("external_id", external_id)

    def profile_count(self) -> int:
        with self.state.tx() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0])

    def profiles(self) -> list[dict[str, Any]]:
        """Every profile, in creation order (use the counts on big accounts)."""
        with self.state.tx() as conn:
            rows = conn.execute("SELECT * FROM profiles ORDER BY seq").fetchall()
            return [_profile_dict(conn, r) for r in rows]

    def consent_counts(self) -> dict[str, int]:
        """Profiles by email consent: SUBSCRIBED, UNSUBSCRIBED, NEVER_SUBSCRIBED."""
        with self.state.tx() as conn:
            rows = conn.execute("SELECT email_consent, COUNT(*) FROM profiles GROUP BY 1")
            return {r[0]: r[1] for r in rows}

    # -- consent and suppressions ----------------------------------------------------

    def suppressions(self) -> dict[str, list[str]]:
        """Suppression reasons by email (profiles without an email under their id)."""
        found: dict[str, list[str]] = defaultdict(list)
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT COALESCE(p.email, p.id), s.reason FROM suppressions s"
                " JOIN profiles p ON p.id = s.profile_id ORDER BY s.at, s.reason"
            )
            for who, reason in rows:
                found[who].append(reason)
        return dict(found)

    def consent_history(self, email: str) -> list[dict[str, Any]]:
        """Every consent change of a profile, oldest first: ``change`` is SUBSCRIBED,
        UNSUBSCRIBED, SUPPRESSED:<reason> or UNSUPPRESSED; ``source`` the endpoint or
        "sandbox" for changes made from Python."""
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT c.* FROM consent_log c JOIN profiles p ON p.id = c.profile_id"
                " WHERE p.email_key = ? ORDER BY c.seq",
                (email_key(email),),
            ).fetchall()
        return [
            {
                "at": _time(r["at"]),
                "channel": r["channel"],
                "change": r["change"],
                "source": r["source"],
            }
            for r in rows
        ]

    def resubscribed_after_opt_out(self) -> list[str]:
        """Emails subscribed again after being unsubscribed or suppressed (consent rule 1)."""
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT DISTINCT p.email FROM consent_log later JOIN consent_log earlier"
                " ON earlier.profile_id = later.profile_id AND earlier.seq < later.seq"
                " JOIN profiles p ON p.id = later.profile_id"
                " WHERE later.channel = 'email' AND later.change = 'SUBSCRIBED'"
                " AND earlier.channel = 'email'"
                " AND (earlier.change = 'UNSUBSCRIBED' OR earlier.change LIKE 'SUPPRESSED:%')"
                " ORDER BY p.email"
            )
            return [r[0] for r in rows]

    def flows_triggered(self) -> list[dict[str, Any]]:
        """What would have started flows: API events not sent as backfill
        (``kind="metric"``), profiles added to a list by a subscription without
        ``historical_import`` (``added_to_list``) and double opt-in confirmations."""
        with self.state.tx() as conn:
            found = [
                {
                    "kind": r["kind"],
                    "email": r["email"],
                    "detail": r["detail"],
                    "at": _time(r["at"]),
                }
                for r in conn.execute(
                    "SELECT f.*, p.email FROM flow_triggers f"
                    " JOIN profiles p ON p.id = f.profile_id ORDER BY f.seq"
                )
            ]
            found += [
                {
                    "kind": "metric",
                    "email": r["email"],
                    "detail": r["name"],
                    "at": _time(r["received"]),
                }
                for r in conn.execute(
                    "SELECT e.received, m.name, p.email FROM events e"
                    " JOIN metrics m ON m.id = e.metric_id JOIN profiles p ON p.id = e.profile_id"
                    " WHERE e.triggered_flow = 1 ORDER BY e.seq"
                )
            ]
        return found

    # -- lists ------------------------------------------------------------------------

    def lists(self) -> list[dict[str, Any]]:
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT l.*, (SELECT COUNT(*) FROM memberships m WHERE m.list_id = l.id) AS size"
                " FROM lists l ORDER BY l.created, l.id"
            ).fetchall()
        return [
            {"id": r["id"], "name": r["name"], "opt_in_process": r["opt_in"], "members": r["size"]}
            for r in rows
        ]

    def list_by_name(self, name: str) -> dict[str, Any] | None:
        return next((item for item in self.lists() if item["name"] == name), None)

    def list_member_emails(self, list_id: str) -> set[str]:
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT p.email FROM memberships m JOIN profiles p ON p.id = m.profile_id"
                " WHERE m.list_id = ?",
                (list_id,),
            )
            return {r[0] for r in rows}

    # -- events and metrics -----------------------------------------------------------

    def metrics(self) -> list[dict[str, Any]]:
        with self.state.tx() as conn:
            rows = conn.execute("SELECT * FROM metrics ORDER BY id").fetchall()
        return [
            {"id": r["id"], "name": r["name"], "integration": r["integration_key"]} for r in rows
        ]

    def event_counts(self, *, integration: str | None = None) -> dict[str, int]:
        """Stored events by metric name (one integration's metrics, or all)."""
        query = (
            "SELECT m.name, COUNT(*) FROM events e JOIN metrics m ON m.id = e.metric_id"
            + (" WHERE m.integration_key = ?" if integration else "")
            + " GROUP BY m.name"
        )
        with self.state.tx() as conn:
            rows = conn.execute(query, (integration,) if integration else ())
            return {r[0]: r[1] for r in rows}

    def event_count(self, metric: str | None = None) -> int:
        with self.state.tx() as conn:
            if metric is None:
                return int(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
            return int(
                conn.execute(
                    "SELECT COUNT(*) FROM events e JOIN metrics m ON m.id = e.metric_id"
                    " WHERE m.name = ?",
                    (metric,),
                ).fetchone()[0]
            )

    def events(
        self, metric: str | None = None, *, email: str | None = None
    ) -> list[dict[str, Any]]:
        """Events (of one metric name, of one profile), oldest first."""
        clauses: list[str] = []
        params: list[Any] = []
        if metric is not None:
            clauses.append("m.name = ?")
            params.append(metric)
        if email is not None:
            clauses.append("p.email_key = ?")
            params.append(email_key(email))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT e.*, m.name, m.integration_key, p.email FROM events e"
                " JOIN metrics m ON m.id = e.metric_id JOIN profiles p ON p.id = e.profile_id"
                f"{where} ORDER BY e.ts, e.seq",
                params,
            ).fetchall()
        return [
            {
                "id": r["id"],
                "metric": r["name"],
                "integration": r["integration_key"],
                "email": r["email"],
                "profile_id": r["profile_id"],
                "time": datetime.fromtimestamp(r["ts"], UTC),
                "properties": json.loads(r["properties"]),
                "unique_id": r["unique_id"],
                "backfill": bool(r["backfill"]),
                "triggered_flow": bool(r["triggered_flow"]),
            }
            for r in rows
        ]

    # -- jobs -------------------------------------------------------------------------

    def jobs(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Bulk jobs (``import`` or ``suppression``), oldest first."""
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT * FROM jobs" + (" WHERE kind = ?" if kind else "") + " ORDER BY seq",
                (kind,) if kind else (),
            ).fetchall()
        return [
            {
                "id": r["id"],
                "kind": r["kind"],
                "status": r["status"],
                "total": r["total"],
                "completed": r["completed"],
                "failed": r["failed"],
                "skipped": r["skipped"],
                "polls": r["polls"],
            }
            for r in rows
        ]

    def import_errors(self, job_id: str) -> list[dict[str, Any]]:
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT * FROM import_errors WHERE job_id = ? ORDER BY seq", (job_id,)
            ).fetchall()
        return [
            {
                "code": r["code"],
                "detail": r["detail"],
                "pointer": r["pointer"],
                "original": json.loads(r["original"]),
            }
            for r in rows
        ]


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _profile_dict(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    subs = subscriptions_of(conn, row)["email"]["marketing"]
    lists = [
        r[0]
        for r in conn.execute(
            "SELECT list_id FROM memberships WHERE profile_id = ? ORDER BY list_id", (row["id"],)
        )
    ]
    return {
        "id": row["id"],
        "email": row["email"],
        "phone_number": row["phone"],
        "external_id": row["external_id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "organization": row["organization"],
        "title": row["title"],
        "location": json.loads(row["location"]),
        "properties": json.loads(row["properties"]),
        "created": _time(row["created"]),
        "updated": _time(row["updated"]),
        "consent": row["email_consent"],
        "consented_at": _time(row["email_consent_at"]),
        "sms_consent": row["sms_consent"],
        "suppressions": [s["reason"] for s in subs["suppression"]],
        "can_receive_email_marketing": subs["can_receive_email_marketing"],
        "lists": lists,
    }
