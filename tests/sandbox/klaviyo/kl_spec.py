"""Klaviyo's OpenAPI spec for the contract tests, loaded once and patched narrowly.

The spec (shared/specs/klaviyo-stable.json, revision 2026-07-15) is reference material kept
outside the project; tests skip, saying why, when it is absent. Each patch below is where the
live service differs from the spec (shared/notes/klaviyo-real-behaviour.md): the emulator
follows the live service.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest

SPEC_PATH = Path(__file__).resolve().parents[3].parent / "shared" / "specs" / "klaviyo-stable.json"


@functools.cache
def raw_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = json.load(handle)
    return spec


def _patch(spec: dict[str, Any]) -> None:
    # 1. The server is https://a.klaviyo.com; point at any loopback port instead.
    spec["servers"] = [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": "80"}}}]
    # 2. The last page has "next": null and the first "prev": null, keys present [R nango];
    #    the spec declares both as non-nullable strings.
    links = spec["components"]["schemas"]["CollectionLinks"]["properties"]
    for name in ("next", "prev"):
        links[name]["nullable"] = True
    # 3. Every location key is present, empty ones null [R nango]. The spec marks latitude
    #    and longitude nullable beside a oneOf(string, number), which openapi-core does not
    #    apply to the branches; say it on the string branch (a loader quirk, not a change).
    location = spec["components"]["schemas"]["ProfileLocation"]["properties"]
    for name in ("latitude", "longitude"):
        location[name]["oneOf"] = [{"type": "string", "nullable": True}, {"type": "number"}]


@functools.cache
def _load() -> Any:
    from openapi_core import Config, OpenAPI

    spec = copy.deepcopy(raw_spec())
    _patch(spec)
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def load() -> Any:
    if not SPEC_PATH.is_file():
        pytest.skip(f"Klaviyo spec absent: {SPEC_PATH}")
    return _load()


def operation(method: str, path: str) -> dict[str, Any]:
    """The spec's operation for ``method`` and ``path`` (``/api/lists/{id}``)."""
    found: dict[str, Any] = raw_spec()["paths"][path][method.lower()]
    return found
