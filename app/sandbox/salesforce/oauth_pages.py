"""The small HTML pages of the sandbox's Salesforce sign-in: the login form and errors."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from werkzeug.wrappers import Response

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:30rem;margin:4rem auto;padding:0 1rem}"
    "button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}"
    "label{display:block;margin:.6rem 0}input[type=text],input[type=password]{width:100%}"
    ".error{color:#b00}.note{color:#666;font-size:.9rem}"
)
BAD_LOGIN = (
    "Please check your username and password. If you still can't log in, contact your"
    " Salesforce administrator."
)


def _page(status: int, title: str, body: str) -> Response:
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}"
        "<p class='note'>Salesforce sandbox (emulator). No real org is used.</p>"
        "</body></html>"
    )
    return Response(text, status=status, mimetype="text/html")


def login_page(
    fields: Mapping[str, str],
    action: str,
    host_label: str,
    username: str = "",
    password: str = "",
    error: str = "",
) -> Response:
    """The login and "Allow access" form; the request's fields ride along hidden.

    A browser stand-in that posts every named input back with ``approve=1`` signs in as the
    prefilled user and allows access.
    """
    hidden = "".join(
        f"<input type='hidden' name='{escape(k)}' value='{escape(v, quote=True)}'>"
        for k, v in fields.items()
        if v
    )
    problem = f"<p class='error'>{escape(error)}</p>" if error else ""
    body = (
        f"<h1>Log in to Salesforce ({escape(host_label)})</h1>{problem}"
        f"<form method='post' action='{escape(action, quote=True)}'>{hidden}"
        f"<label>Username <input type='text' name='username' "
        f"value='{escape(username, quote=True)}'></label>"
        f"<label>Password <input type='password' name='pw' "
        f"value='{escape(password, quote=True)}'></label>"
        "<p>ContactBridge would like to access your Salesforce data.</p>"
        "<button type='submit' name='approve' value='1'>Allow</button>"
        "<button type='submit' name='approve' value='0'>Deny</button></form>"
    )
    return _page(200, "Login | Salesforce", body)


def error_page(error: str, description: str) -> Response:
    body = f"<h1>error={escape(error)}</h1><p>error_description={escape(description)}</p>"
    return _page(400, "Error | Salesforce", body)
