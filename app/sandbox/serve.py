"""``sandbox serve``: the Constant Contact emulator in the foreground, on its own.

The desktop app starts it as a child process (``app.sandbox.process``) with
``--ready-json`` and ``--parent-pid``; a user runs it to put a proxy between the app and the
emulator. It imports nothing platform-only, so it starts on Windows and macOS as on Linux.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from app.sandbox.constant_contact import ConstantContactEmulator, serve_forever


def serve(
    port: int = 0,
    *,
    enforce_limits: bool = True,
    state: Path | None = None,
    ready_json: bool = False,
    parent_pid: int = 0,
) -> int:
    """Run the emulator in the foreground (by default on the sandbox's own state file).

    With ``ready_json`` it prints one JSON line with its URLs instead of the human text (the
    app reads it when it runs the emulator as a child process), and with ``parent_pid`` it
    exits when that process is gone.
    """
    from app import paths

    if state is None:
        home = Path(os.environ.get("CONTACTBRIDGE_HOME") or paths.default_sandbox_home())
        state = home / "emulator" / "constant-contact.sqlite3"
    if not ready_json:
        serve_forever(state, port=port, enforce_limits=enforce_limits)
        return 0
    emulator = ConstantContactEmulator(state, enforce_limits=enforce_limits).start(port=port)
    try:
        ready = {
            "api_url": emulator.api_url,
            "auth_url": emulator.auth_url,
            "base_url": emulator.base_url,
        }
        print(json.dumps(ready), flush=True)
        while not _parent_gone(parent_pid):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


def _parent_gone(parent_pid: int) -> bool:
    # Re-parented (to init or a subreaper) means the app that started us has died.
    return bool(parent_pid) and os.getppid() != parent_pid
