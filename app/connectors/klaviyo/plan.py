"""Planning each Constant Contact contact for Klaviyo: its profile, its lists, its consent.

What earlier runs left for a contact is its **memo** (kept by the engine as the link's
fingerprint): a fingerprint of the profile and lists last sent, and the consent ContactBridge
gave Klaviyo for it: none yet, ``sub`` (subscribed, once) or ``out`` (unsubscribed or
suppressed). The consent rules, in order:

1. Unsubscribed or bounced in Constant Contact, and not ``out`` yet: suppressed or
   unsubscribed in Klaviyo, as the profile says; from then on ``out`` for good.
2. ``out`` is final: whatever later happens in Constant Contact (a resubscribe, an email
   change), ContactBridge never subscribes the person again and never puts them on a list.
   Only the person can opt back in, in Klaviyo.
3. Subscribed in Constant Contact (explicit or implicit permission) and no consent given yet:
   subscribed once, as a historical import (no confirmation email, no flows). Someone Klaviyo
   already holds suppressed is not (``writer``). After that, ``sub`` is not sent again.
4. Any other permission (not set, awaiting confirmation, on hold): no consent is sent.

Importing a profile grants no consent in Klaviyo; consent only ever goes by rules 1 and 3.
The profile is sent again only when what would be sent changed (an unchanged contact costs
no request), keyed by ``external_id`` (the contact id) so an email change updates the same
profile.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.connectors.base import Kept, Planned
from app.connectors.constant_contact_source import CONTACT_ID, EMAIL, PERMISSION, UPDATED
from app.connectors.klaviyo.settings import PROPERTY_NAMES, KlaviyoSettings, OptedOutAs
from app.core.outcomes import Outcome
from app.core.records import Permission, SourceRecord
from app.core.store_types import RecordAction

SUB, OUT = "sub", "out"
MAX_PROFILES = 10_000  # a bulk import job's limit
MAX_JOB_BYTES = 5 * 1024 * 1024 - 64 * 1024  # 5 MB, less room for the envelope and list ids
MAX_PROFILE_BYTES = 100 * 1024
DELETED_REASON = "Deleted in Constant Contact, kept in Klaviyo"
SUBSCRIBED = frozenset({Permission.EXPLICIT.value, Permission.IMPLICIT.value})
CONSENT_CHUNK = ("consent",)  # the chunk group of contacts whose profile is unchanged


@dataclass(frozen=True)
class Memo:
    """What ContactBridge last sent Klaviyo for one contact (the link's fingerprint)."""

    fingerprint: str = ""
    consent: str = ""  # "", SUB or OUT
    deleted: bool = False

    def text(self) -> str:
        return "|".join((self.fingerprint, self.consent, "deleted" if self.deleted else ""))

    @classmethod
    def parse(cls, text: str) -> Memo:
        parts = (text or "").split("|")
        parts += [""] * (3 - len(parts))
        consent = parts[1] if parts[1] in (SUB, OUT) else ""
        return cls(parts[0], consent, parts[2] == "deleted")


def fingerprint(profile: Mapping[str, Any], lists: Iterable[str]) -> str:
    text = json.dumps([profile, sorted(lists)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def size_of(profile: Mapping[str, Any]) -> int:
    """Bytes one profile takes in an import job."""
    item = {"type": "profile", "attributes": profile}
    return len(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()) + 1


def profile_of(record: SourceRecord, settings: KlaviyoSettings) -> dict[str, Any]:
    """The profile's attributes: identifiers, mapped fields, the rest as properties.

    Every mapped field is sent, empty ones as null (so a value taken out in Constant Contact
    is taken out in Klaviyo too); properties are sent when they have a value.
    """
    values = record.values
    profile: dict[str, Any] = {
        "email": values.get(EMAIL, "").strip(),
        "external_id": record.key,
    }
    location: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for column, value in values.items():
        target = settings.target(column)
        text = str(value or "").strip()
        if not target:
            continue
        if target == "property":
            name = PROPERTY_NAMES.get(column, column)
            if column in PROPERTY_NAMES and column != PERMISSION:
                properties[name] = list(record.lists)
            elif text:
                properties[name] = text
        elif target.startswith("location."):
            location[target.removeprefix("location.")] = text or None
        else:
            profile[target] = text or None
    if location:
        profile["location"] = location
    if properties:
        profile["properties"] = properties
    return profile


def wanted_consent(record: SourceRecord, bounced: Container[str]) -> tuple[str, str]:
    """The consent Constant Contact says the person gave: (SUB, OUT or "", the reason)."""
    if record.opted_out:
        return OUT, "Unsubscribed in Constant Contact"
    if record.key in bounced:
        return OUT, "Bounced in Constant Contact"
    if record.values.get(PERMISSION, "") in SUBSCRIBED:
        return SUB, ""
    return "", ""


class ChunkAssigner:
    """Numbers payloads into bulk jobs: ≤10,000 profiles and under 5 MB each, one set of
    lists each (an import job puts all its profiles on the same lists)."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, ...], list[int]] = {}  # group -> [chunk, count, bytes]
        self._next = 0

    def assign(self, group: tuple[str, ...], size: int) -> int:
        current = self._open.get(group)
        if current is None or current[1] >= MAX_PROFILES or current[2] + size > MAX_JOB_BYTES:
            current = self._open[group] = [self._next, 0, 0]
            self._next += 1
        current[1] += 1
        current[2] += size
        return current[0]


class MigrationPlanner:
    """Plans the contacts of one run (``Destination.plan``)."""

    def __init__(
        self,
        settings: KlaviyoSettings,
        lists: Mapping[str, str],
        bounced: Container[str],
        now: datetime,
    ) -> None:
        self.settings = settings
        self.lists = lists  # Constant Contact list name -> Klaviyo list id
        self.bounced = bounced
        self.now = now
        self.chunks = ChunkAssigner()

    def plan_all(self, records: Iterable[tuple[SourceRecord, Kept | None]]) -> Iterator[Planned]:
        for record, kept in records:
            yield self.plan(record, kept)

    def plan(self, record: SourceRecord, kept: Kept | None) -> Planned:
        email = record.values.get(EMAIL, "").strip()
        name = _name(record)
        if not email:
            return Planned(
                record.key,
                record.row,
                "",
                RecordAction.SKIP.value,
                Outcome.SKIPPED,
                "No email address in Constant Contact",
                name=name,
            )
        old = Memo.parse(kept.memo) if kept is not None else Memo()
        wanted, why = wanted_consent(record, self.bounced)
        out = old.consent == OUT or wanted == OUT
        lists = self._lists(record) if not out else []
        profile = profile_of(record, self.settings)
        fp = fingerprint(profile, lists)
        consent = ""
        if wanted == OUT and old.consent != OUT:
            consent = self.settings.opted_out_as.value
        elif wanted == SUB and old.consent == "":
            consent = "subscribe"
        send = kept is None or old.fingerprint != fp or old.deleted
        new = Memo(fp, OUT if out else (SUB if consent == "subscribe" else old.consent))
        detail = _detail(consent, why, old, wanted)
        if not send and not consent:
            return Planned(
                record.key,
                record.row,
                email,
                RecordAction.UNCHANGED.value,
                Outcome.UNCHANGED,
                detail=detail,
                name=name,
                memo=new.text(),
            )
        size = size_of(profile) if send else 0
        if size > MAX_PROFILE_BYTES:
            return Planned(
                record.key,
                record.row,
                email,
                RecordAction.SKIP.value,
                Outcome.FAILED,
                f"Too large for Klaviyo: {size // 1024:,} KB of values (it takes at most "
                "100 KB a profile); shorten the longest custom fields in Constant Contact",
                name=name,
            )
        if kept is None:
            action, outcome = RecordAction.IMPORT_CREATE, Outcome.CREATED
        elif send or consent == "subscribe":
            action, outcome = RecordAction.IMPORT_UPDATE, Outcome.UPDATED
        else:
            action, outcome = RecordAction.OPT_OUT, Outcome.UPDATED
        group = tuple(sorted(lists)) if send else CONSENT_CHUNK
        payload = {
            "profile": profile if send else None,
            "lists": sorted(lists),
            "consent": consent,
            "consented_at": _consented_at(record, self.now) if consent == "subscribe" else "",
            "memo": new.text(),
            "kept": old.text() if kept is not None else None,
        }
        return Planned(
            record.key,
            record.row,
            email,
            action.value,
            outcome,
            detail=detail,
            name=name,
            payload=payload,
            chunk=self.chunks.assign(group, size),
            memo=new.text(),
        )

    def _lists(self, record: SourceRecord) -> list[str]:
        if not self.settings.create_lists:
            return []
        return sorted({self.lists[n] for n in record.lists if n in self.lists})


def deleted(key: str, kept: Kept) -> Planned | None:
    """A contact deleted in Constant Contact: kept in Klaviyo, said once."""
    old = Memo.parse(kept.memo)
    if old.deleted:
        return None
    return Planned(
        key,
        0,
        kept.email,
        RecordAction.SKIP.value,
        Outcome.SKIPPED,
        DELETED_REASON,
        memo=Memo(old.fingerprint, old.consent, True).text(),
    )


def _detail(consent: str, why: str, old: Memo, wanted: str) -> str:
    if consent == OptedOutAs.SUPPRESS.value:
        return f"{why}: suppressed in Klaviyo"
    if consent == OptedOutAs.UNSUBSCRIBE.value:
        return f"{why}: unsubscribed in Klaviyo"
    if consent == "subscribe":
        return "Subscribed to email marketing in Klaviyo, as in Constant Contact"
    if wanted == SUB and old.consent == OUT:
        return (
            "Subscribed again in Constant Contact, but not in Klaviyo: they opted out there "
            "and only they can opt back in"
        )
    return ""


def _consented_at(record: SourceRecord, now: datetime) -> str:
    """When the person gave consent, as near as Constant Contact says: their last change
    (a historical consent must lie in the past)."""
    latest = now - timedelta(minutes=1)
    text = record.values.get(UPDATED, "")
    try:
        moment = datetime.fromisoformat(text) if text else latest
    except ValueError:
        moment = latest
    if moment.tzinfo is None or moment > latest:
        moment = latest
    return moment.isoformat(timespec="seconds")


def _name(record: SourceRecord) -> str:
    first = record.values.get("First name", "").strip()
    last = record.values.get("Last name", "").strip()
    return " ".join(p for p in (first, last) if p)


__all__ = ["CONTACT_ID", "DELETED_REASON", "Memo", "MigrationPlanner", "deleted"]
