"""The small HTML pages of the sandbox Xero identity server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from werkzeug.wrappers import Response

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}"
    "button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}"
    ".note{color:#666;font-size:.9rem}label{display:block;margin:.3rem 0}"
)


def _page(status: int, title: str, body: str) -> Response:
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}"
        "<p class='note'>Xero sandbox (emulator). No real organisation is used.</p>"
        "</body></html>"
    )
    return Response(text, status=status, mimetype="text/html")


def consent_page(
    fields: Mapping[str, str], action: str, tenants: Sequence[tuple[str, str]]
) -> Response:
    """The consent form: the request's fields hidden, one ticked box per organisation.

    Each organisation is its own field (``tenant_<id>``), so a browser stand-in that posts
    every named input back approves all of them, as Xero's default selection does.
    """
    hidden = "".join(
        f"<input type='hidden' name='{escape(k)}' value='{escape(v, quote=True)}'>"
        for k, v in fields.items()
    )
    boxes = "".join(
        f"<label><input type='checkbox' name='tenant_{escape(tid)}' value='1' checked> "
        f"{escape(name)}</label>"
        for tid, name in tenants
    )
    scopes = "".join(f"<li>{escape(s)}</li>" for s in fields.get("scope", "").split())
    body = (
        "<h1>ContactBridge Sandbox wants to connect to Xero</h1>"
        f"<p>It asks for:</p><ul>{scopes}</ul>"
        f"<form method='post' action='{escape(action, quote=True)}'>{hidden}"
        f"<p>Organisations:</p>{boxes}"
        "<button type='submit' name='approve' value='1'>Allow access</button>"
        "<button type='submit' name='approve' value='0'>Cancel</button></form>"
    )
    return _page(200, "Sandbox Xero consent", body)


def message_page(status: int, title: str, message: str) -> Response:
    return _page(status, title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")
