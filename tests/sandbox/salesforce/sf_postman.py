"""Salesforce's own Postman collection (shared/specs/salesforce-rest.postman_export.json),
loaded for the contract tests and sent to the emulator as Postman would send it.

The collection is reference material kept outside the project (CC0, trimmed; see
shared/specs/SOURCES.md); tests skip, saying why, when it is absent. It holds request shapes
only: its bodies are type placeholders ("SObject[]", "Boolean") and its three response
examples are empty, so the tests fill the bodies and check what the collection's own test
scripts read from each answer.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

SPEC_PATH = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "specs"
    / "salesforce-rest.postman_export.json"
)
_VARIABLE = re.compile(r"\{\{(\w+)\}\}")
_READS = re.compile(r"(?<![\w.])(?:jsonData|response)\.(\w+)")


@dataclass
class PostmanRequest:
    raw: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.raw["name"])

    @property
    def method(self) -> str:
        return str(self.raw["method"])

    @property
    def url(self) -> str:
        return str(self.raw["url"])

    @property
    def inherits_bearer(self) -> bool:
        auth = self.raw.get("auth")
        return not auth or auth.get("type") != "noauth"

    def headers(self) -> dict[str, str]:
        """The request's headers, without Postman's commented-out ("//") lines."""
        found = {}
        for line in (self.raw.get("headers") or "").splitlines():
            name, sep, value = line.partition(":")
            if sep and not name.startswith("//"):
                found[name.strip()] = value.strip()
        return found

    def form(self) -> list[tuple[str, str]]:
        return [(d["key"], d["value"]) for d in self.raw.get("data") or [] if d.get("key")]

    def script_reads(self) -> set[str]:
        """The answer's keys the collection's test script reads (``jsonData.access_token``)."""
        scripts = [
            "\n".join(e["script"]["exec"])
            for e in self.raw.get("events") or []
            if e.get("listen") == "test"
        ]
        return {m for text in scripts for m in _READS.findall(text)} - {"split"}


@dataclass
class Collection:
    requests: dict[str, PostmanRequest]
    variables: dict[str, str] = field(default_factory=dict)

    def render(self, text: str, extra: dict[str, str]) -> str:
        values = {**self.variables, **extra}
        return _VARIABLE.sub(lambda m: values.get(m.group(1), ""), text)


@functools.cache
def _load() -> Collection:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        dump = json.load(handle)
    collection = dump["collections"][0]
    variables = {v["key"]: v["value"] for v in collection["variables"]}
    return Collection({r["name"]: PostmanRequest(r) for r in collection["requests"]}, variables)


def load() -> Collection:
    if not SPEC_PATH.is_file():
        pytest.skip(f"Salesforce Postman collection absent: {SPEC_PATH}")
    return _load()


def send(
    session: requests.Session,
    collection: Collection,
    name: str,
    values: dict[str, str],
    *,
    placeholders: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    body: Any = None,
    form: dict[str, str] | None = None,
) -> requests.Response:
    """Send one request of the collection: its method, URL (variables and ``<PLACEHOLDER>``s
    filled), query parameter names, headers and body mode; ``params``/``body``/``form``
    give values where the collection has blanks or type placeholders."""
    request = collection.requests[name]
    url = collection.render(request.url, values)
    for placeholder, value in (placeholders or {}).items():
        url = url.replace(f"<{placeholder}>", value)
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    query: dict[str, str] = {}
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        query[key] = value.replace("+", " ")
    query.update(params or {})
    headers = {k: collection.render(v, values) for k, v in request.headers().items()}
    if request.inherits_bearer and values.get("_accessToken"):
        headers["Authorization"] = f"Bearer {values['_accessToken']}"
    mode = request.raw.get("dataMode")
    kwargs: dict[str, Any] = {}
    if mode == "urlencoded":
        sent = {k: collection.render(v, values) for k, v in request.form()}
        kwargs["data"] = {**sent, **(form or {})}
    elif mode == "params" and request.form():
        sent = {k: collection.render(v, values) for k, v in request.form()}
        multipart = {**sent, **(form or {})}
        kwargs["files"] = {k: (None, v) for k, v in multipart.items()}
    elif body is not None:
        kwargs["data"] = body if isinstance(body, bytes | str) else json.dumps(body)
    elif mode == "raw" and request.raw.get("rawModeData"):
        kwargs["data"] = collection.render(request.raw["rawModeData"], values)
    return session.request(
        request.method, base, params=query, headers=headers, timeout=30, **kwargs
    )
