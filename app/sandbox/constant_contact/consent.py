"""Consent rules: building an email address record and changing its permission."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.sandbox.constant_contact.contact_rules import SUBSCRIBED
from app.sandbox.constant_contact.errors import bad_request
from app.sandbox.constant_contact.util import iso

RESUBSCRIBE_REFUSED = (
    "Unsubscribed contacts cannot be resubscribed with this request. The contact must opt in "
    "again themselves, or use PUT /v3/contacts/resubscribe/{contact_id} to send them a "
    "one-time confirmation email."
)


def new_email(address: str, permission: str, source: str, now: datetime) -> dict[str, Any]:
    """The stored EmailAddress of a new contact."""
    stamp = iso(now)
    email: dict[str, Any] = {
        "address": address,
        "permission_to_send": permission,
        "created_at": stamp,
        "updated_at": stamp,
        "opt_in_source": source,
        "confirm_status": "off",
    }
    if permission in SUBSCRIBED:
        email["opt_in_date"] = stamp
    if permission == "unsubscribed":
        email.update(opt_out_source=source, opt_out_date=stamp)
    return email


DOWNGRADE_REFUSED = "permission_to_send cannot be changed from explicit to implicit"


def change_permission(
    email: dict[str, Any], permission: str, source: str, reason: str | None, now: datetime
) -> bool:
    """Apply a requested permission; returns True when the contact became unsubscribed.

    Consent only moves forward, as in the real service (400 otherwise):

    - explicit permission is never downgraded to implicit;
    - a contact who unsubscribed themselves (``opt_out_source`` Contact) is never
      resubscribed by the account; one the *account* unsubscribed may be added back by the
      account (the swagger's ``opt_out_source`` text).
    """
    current = email.get("permission_to_send")
    if permission == current:
        if permission == "unsubscribed" and reason is not None:
            email["opt_out_reason"] = reason
        return False
    if current == "unsubscribed":
        if not (email.get("opt_out_source") == "Account" and source == "Account"):
            raise bad_request(RESUBSCRIBE_REFUSED)
        for key in ("opt_out_source", "opt_out_date", "opt_out_reason"):
            email.pop(key, None)
    if current == "explicit" and permission == "implicit":
        raise bad_request(DOWNGRADE_REFUSED)
    email["permission_to_send"] = permission
    stamp = iso(now)
    if permission == "unsubscribed":
        email.update(opt_out_source=source, opt_out_date=stamp, opt_out_reason=reason)
        return True
    if permission in SUBSCRIBED and current == "unsubscribed":
        email.update(opt_in_date=stamp, opt_in_source=source)
    elif permission in SUBSCRIBED and not email.get("opt_in_date"):
        email["opt_in_date"] = stamp
    return False


def unsubscribe(email: dict[str, Any], source: str, reason: str | None, now: datetime) -> None:
    """Record an opt-out (used by the sandbox helper that plays the contact's own action)."""
    stamp = iso(now)
    email.update(
        permission_to_send="unsubscribed",
        opt_out_source=source,
        opt_out_date=stamp,
        opt_out_reason=reason,
        updated_at=stamp,
    )


def set_any_permission(email: dict[str, Any], permission: str, now: datetime) -> None:
    """Set a permission without the API's guard (sandbox helper: the contact's own action)."""
    if permission == "unsubscribed":
        unsubscribe(email, "Contact", None, now)
        return
    stamp = iso(now)
    email.update(permission_to_send=permission, updated_at=stamp)
    for key in ("opt_out_source", "opt_out_date", "opt_out_reason"):
        email.pop(key, None)
    if permission in SUBSCRIBED:
        email["opt_in_date"] = stamp
        email.setdefault("opt_in_source", "Contact")
