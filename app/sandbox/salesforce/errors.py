"""Salesforce's error shapes.

A whole request that fails answers a JSON array ``[{"message","errorCode","fields"?}]``; one
record of a Collections call or a Bulk row fails with ``{"statusCode","message","fields"}``
(note the two key names, as live answers have them). OAuth answers ``{"error",
"error_description"}`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SESSION_EXPIRED = "Session expired or invalid"
NOT_FOUND_MESSAGE = "The requested resource does not exist"


@dataclass
class SfError(Exception):
    """A whole request refused: an HTTP status and one error in the array."""

    status: int
    code: str
    message: str
    fields: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> list[dict[str, Any]]:
        item: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            item["fields"] = list(self.fields)
        item.update(self.extra)
        return [item]


@dataclass
class RecordError(Exception):
    """One record refused (Collections, single writes, Bulk rows)."""

    code: str
    message: str
    fields: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def item(self) -> dict[str, Any]:
        """The per-record form, with ``statusCode``."""
        item = {"statusCode": self.code, "message": self.message, "fields": list(self.fields)}
        item.update(self.extra)
        return item

    def as_request_error(self, status: int = 400) -> SfError:
        """The same problem answered for a single-record call (``errorCode``)."""
        return SfError(status, self.code, self.message, list(self.fields), dict(self.extra))

    def bulk_text(self) -> str:
        """``CODE:message:Field --``, as a Bulk ``failedResults`` row's ``sf__Error``."""
        tail = f":{','.join(self.fields)}" if self.fields else ""
        return f"{self.code}:{self.message}{tail} --"


@dataclass
class OAuthError(Exception):
    error: str
    description: str
    status: int = 400

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def invalid_session() -> SfError:
    return SfError(401, "INVALID_SESSION_ID", SESSION_EXPIRED)


def not_found(message: str = NOT_FOUND_MESSAGE) -> SfError:
    return SfError(404, "NOT_FOUND", message)


def malformed_query(message: str) -> SfError:
    return SfError(400, "MALFORMED_QUERY", message)


def json_parser_error(message: str) -> SfError:
    return SfError(400, "JSON_PARSER_ERROR", message)


def request_limit() -> SfError:
    return SfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")


def no_such_column(name: str, sobject: str) -> SfError:
    """A write naming a field the object lacks (the write-side wording)."""
    return SfError(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}")


def required_missing(names: list[str]) -> RecordError:
    return RecordError(
        "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(names)}]", names
    )


def read_only(names: list[str]) -> RecordError:
    return RecordError(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to create/update fields: {', '.join(names)}. Please check the security"
        " settings of this field and verify that it is read/write for your profile or"
        " permission set.",
        names,
    )


def bad_field_names(sobject: str, names: list[str]) -> RecordError:
    """Person-account fields on a business account, or ``Name`` on a person account."""
    return RecordError(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"{sobject}: bad field names on insert/update call: {', '.join(names)}",
        names,
    )


def cross_reference() -> RecordError:
    return RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")


def entity_deleted() -> RecordError:
    return RecordError("ENTITY_IS_DELETED", "entity is deleted")


def rolled_back() -> RecordError:
    return RecordError(
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "Record rolled back because not all records were valid and the request was using"
        " AllOrNone header",
    )
