"""Cutting a client's connection on purpose, as a flaky network or a gateway would."""

from __future__ import annotations

import socket
import struct

from werkzeug.wrappers import Request


class Dropped(Exception):
    """The connection was cut on purpose; no response is sent."""


def drop(request: Request) -> None:
    """Cut the connection: an RST where the platform allows, so the client sees a reset."""
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise Dropped
