"""Neon CRM's error answers: ``[{code, message}]`` arrays, empty bodies and the 429.

What live traffic shows (shared/notes/neoncrm-real-behaviour.md):
- a 400 lists one ``{code, message}`` per problem, all at once (bad search fields first,
  then one code 28 per bad output field); codes and texts below are Neon's own, from the
  response-codes page (1-56) and recorded answers (1061, 9001, 9004);
- ``GET /accounts/{id}`` with an unknown id answers 404 with an empty, non-JSON body;
- no answer carries a ``Retry-After`` or rate-limit header, and no 429 body was ever
  recorded, so the emulator's 429 has an empty body: a client must not rely on either.

Codes in the 99xxx range are the emulator's own, for problems whose live wording is not on
record (a bad ``NEON-API-VERSION``, a missing name on a new account...). Clients should
show the message and never branch on those codes.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.sandbox.kit.replies import Reply

Message = tuple[str, str]

SYSTEM: Message = ("1", "Unexpected System error occurred.")
API_KEY_REQUIRED: Message = ("10", "Api key is required.")
ORG_REQUIRED: Message = ("12", "OrgId is required.")
API_KEY_INVALID: Message = ("13", "Api key is invalid.")
ORG_INVALID: Message = ("14", "OrgId is invalid.")
SORT_COLUMN_INVALID: Message = ("21", "Search sort column is invalid.")
SEARCH_KEY_REQUIRED: Message = ("22", "Search key is required.")
SEARCH_KEY_INVALID: Message = ("23", "Search key is invalid.")
SEARCH_VALUE_REQUIRED: Message = ("24", "Search value is required.")
SEARCH_VALUE_INVALID: Message = ("25", "Search value is invalid.")
OUTPUT_FIELD_REQUIRED: Message = ("26", "Search output field id or name is invalid.")
OUTPUT_ID_INVALID: Message = ("27", "Search output field id is invalid.")
OUTPUT_NAME_INVALID: Message = ("28", "Search output field name is invalid")  # sic, no stop
OPERATOR_REQUIRED: Message = ("29", "Search operator is required.")
CRITERIA_EMPTY: Message = ("30", "Search criteria cannot be empty.")
CUSTOM_ID_REQUIRED: Message = ("50", "Customfield id is required.")
CUSTOM_ID_INVALID: Message = ("51", "Customfield id is invalid.")
CUSTOM_VALUE_REQUIRED: Message = ("52", "Customfield option value is required.")
CUSTOM_OPTION_REQUIRED: Message = ("53", "Customfield option id is required.")
CUSTOM_OPTION_INVALID: Message = ("54", "Customfield option id is invalid.")
CUSTOM_OPTION_DUPLICATED: Message = ("55", "Customfield option id is duplicated.")
CUSTOM_ID_DUPLICATED: Message = ("56", "Customfield id is duplicated.")
TOO_MANY_OUTPUT_FIELDS: Message = ("1061", "Output fields cannot be greater than 300.")
PAGE_SIZE_INVALID: Message = ("9001", "pagination.pageSize is invalid.")
PAGE_SIZE_TOO_LARGE: Message = ("9004", "pagination.pageSize must be less than or equal to 200.")

# The emulator's own (see the module docstring).
CURRENT_PAGE_INVALID: Message = ("99002", "pagination.currentPage is invalid.")
VERSION_INVALID: Message = ("99001", "The API version in NEON-API-VERSION is not supported.")
BODY_INVALID: Message = ("99010", "The request body is not valid JSON for this method.")
ACCOUNT_TYPE_REQUIRED: Message = ("99011", "An individualAccount or a companyAccount is required.")
FIRST_NAME_REQUIRED: Message = ("99012", "First name is required.")
LAST_NAME_REQUIRED: Message = ("99013", "Last name is required.")
COMPANY_NAME_REQUIRED: Message = ("99014", "Company name is required.")
INDIVIDUAL_TYPE_INVALID: Message = ("99016", "Individual type id is invalid.")
WRONG_ACCOUNT_TYPE: Message = ("99017", "The account is not of the type given in the body.")


def email_invalid(slot: int) -> Message:
    return ("99015", f"Email {slot} is invalid.")


def value_invalid(name: str) -> Message:
    return ("99018", f"{name} is invalid.")


class NeonError(Exception):
    """Raised by handlers; the server turns it into its reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def messages(status: int, problems: Iterable[Message]) -> Reply:
    return Reply(status, [{"code": code, "message": text} for code, text in problems])


def bad_request(*problems: Message) -> NeonError:
    return NeonError(messages(400, problems))


def unauthorized(problem: Message) -> NeonError:
    return NeonError(messages(401, [problem]))


def not_found() -> NeonError:
    """Neon's 404: an empty body, not JSON."""
    return NeonError(Reply(404, raw=b"", content_type="text/plain"))


def too_many_requests() -> Reply:
    """The 429 of a request over an endpoint's limit: empty body, no ``Retry-After``."""
    return Reply(429, raw=b"", content_type="text/plain")


def server_error(status: int = 500) -> Reply:
    if status == 503:
        # What a load balancer in front of the application answers while it is away.
        return Reply(
            503,
            raw="<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            content_type="text/html",
        )
    return messages(500, [SYSTEM])
