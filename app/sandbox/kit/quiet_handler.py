"""A request handler that writes no access log: the emulators count requests instead."""

from __future__ import annotations

import logging
from typing import Any

from werkzeug.serving import WSGIRequestHandler

log = logging.getLogger(__name__)


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr; werkzeug's other messages go to the debug log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug(message, *args)
