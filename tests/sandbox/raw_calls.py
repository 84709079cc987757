"""The HTTP verbs of a raw emulator caller, each a call of the caller's own ``request()``."""

from __future__ import annotations

from typing import Any

import requests


class RawCalls:
    """A subclass says how to send (its URL, headers, auth) in :meth:`request`."""

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        raise NotImplementedError

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)
