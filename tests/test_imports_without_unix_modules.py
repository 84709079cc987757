"""Every module of ``app`` imports where Unix-only modules do not exist (Windows).

``sandbox serve``, the emulator child the desktop app starts, once imported the benchmark
module and with it ``resource``, so the sandbox did not start on Windows. Platform-only
modules belong inside the functions that use them; this imports each module of ``app`` in a
fresh interpreter where those modules cannot be imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNIX_ONLY = ("resource", "fcntl", "termios", "pwd", "grp")
NOT_IMPORTED = {"app.__main__"}  # runs the command line when imported

CHILD = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None  # "import name" now raises ImportError, as on Windows
import importlib, json, traceback
failed = {{}}
for name in {modules!r}:
    try:
        importlib.import_module(name)
    except BaseException:
        failed[name] = traceback.format_exc(limit=-3)
print(json.dumps(failed))
"""


def app_modules() -> list[str]:
    """Every module and package under app/, by file (not by importing them)."""
    names = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return [n for n in names if n not in NOT_IMPORTED]


def test_every_app_module_imports_without_unix_only_modules() -> None:
    modules = app_modules()
    assert "app.sandbox.serve" in modules and len(modules) > 100

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(blocked=UNIX_ONLY, modules=modules)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n".join(f"{name}:\n{tb}" for name, tb in failed.items())
