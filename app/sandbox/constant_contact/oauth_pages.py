"""The small HTML pages of the sandbox authorization server."""

from __future__ import annotations

from html import escape

from werkzeug.wrappers import Response

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}"
    "button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}"
    ".note{color:#666;font-size:.9rem}"
)


def _page(status: int, title: str, body: str) -> Response:
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}"
        "<p class='note'>Constant Contact sandbox (emulator). No real account is used.</p>"
        "</body></html>"
    )
    return Response(text, status=status, mimetype="text/html")


def consent_page(fields: dict[str, str], action: str) -> Response:
    hidden = "".join(
        f"<input type='hidden' name='{escape(k)}' value='{escape(v, quote=True)}'>"
        for k, v in fields.items()
    )
    scopes = (
        "".join(f"<li>{escape(s)}</li>" for s in fields["scope"].split()) or "<li>contact_data</li>"
    )
    body = (
        "<h1>ContactBridge Sandbox wants to access your Constant Contact account</h1>"
        f"<p>It asks for:</p><ul>{scopes}</ul>"
        f"<form method='post' action='{escape(action, quote=True)}'>{hidden}"
        "<button type='submit' name='approve' value='1'>Approve</button>"
        "<button type='submit' name='approve' value='0'>Deny</button></form>"
    )
    return _page(200, "Sandbox consent", body)


def device_page(user_code: str, action: str) -> Response:
    body = (
        "<h1>Connect a device</h1><p>Enter the code shown by ContactBridge Sandbox.</p>"
        f"<form method='post' action='{escape(action, quote=True)}'>"
        f"<input name='user_code' value='{escape(user_code, quote=True)}' autofocus> "
        "<button type='submit' name='approve' value='1'>Approve</button>"
        "<button type='submit' name='approve' value='0'>Deny</button></form>"
    )
    return _page(200, "Sandbox device login", body)


def message_page(status: int, title: str, message: str) -> Response:
    return _page(status, title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")
