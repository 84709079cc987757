"""The sandbox's stand-in for a browser: it approves the emulator's consent page.

In sandbox mode there is no real Constant Contact account to sign in to, so ContactBridge
"clicks" Approve on the emulator's own consent page and follows the redirect back to the
app's loopback listener, exactly as a browser would.
"""

from __future__ import annotations

import html.parser
import urllib.parse
import urllib.request


class _FormReader(html.parser.HTMLParser):
    """Collects the consent form's action and hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.action:
            self.action = a.get("action", "")
        elif tag in ("input", "button") and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def approve_in_sandbox(url: str, timeout: float = 10.0) -> None:
    """Open ``url`` (the emulator's authorize page), approve it, and deliver the redirect."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        page = resp.read().decode("utf-8", "replace")
    form = _FormReader()
    form.feed(page)
    fields = dict(form.fields)
    fields["approve"] = "1"
    action = urllib.parse.urljoin(url, form.action or url)
    data = urllib.parse.urlencode(fields).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(urllib.request.Request(action, data=data), timeout=timeout)
        raise RuntimeError("The sandbox consent page did not redirect back to ContactBridge.")
    except urllib.error.HTTPError as redirect:
        location = redirect.headers.get("Location", "")
        redirect.close()
        if redirect.code not in (301, 302, 303, 307) or not location:
            raise
    with urllib.request.urlopen(location, timeout=timeout) as resp:
        resp.read()
