"""Test-wide setup: headless Qt, an in-memory keyring, the automatic ``gui`` marker and the
Hypothesis profile."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import settings

# Both must be set before Qt or the secret store load: pytest-qt creates the QApplication
# lazily, and the secret store reads the variable when it opens. The offscreen screen is made
# the common laptop's, 1366×768 (tests/helpers/laptop_screen.json), so every dialog is tried
# on it (tests/gui/test_dialog_fit.py); Windows paths hold a colon the argument cannot carry.
LAPTOP_SCREEN = Path(__file__).parent / "helpers" / "laptop_screen.json"
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen" and sys.platform != "win32":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={LAPTOP_SCREEN}"
os.environ.setdefault("CONTACTBRIDGE_KEYRING", "memory")

from app.cli import main  # noqa: E402 (after the environment above)
from app.connectors import http  # noqa: E402

# Hypothesis: the suite runs one worker a core (pytest-xdist) beside other jobs, so an example
# that takes 10 ms alone can take hundreds under load: 2 s an example, not the default 200 ms,
# fails a test only when the code is really slow (tests that set their own deadline keep it).
# Seeds stay random, also on a CI where Hypothesis would load its derandomized "ci" profile,
# so CI keeps finding new examples; a failure prints the blob that replays it
# (@reproduce_failure).
settings.register_profile(
    "contactbridge",
    settings.get_profile("default"),
    deadline=timedelta(seconds=2),
    derandomize=False,
    print_blob=True,
)
settings.load_profile("contactbridge")

GUI_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a QApplication as ``gui`` (as qutebrowser does)."""
    for item in items:
        if GUI_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def fresh_shared_limiters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with the process-wide API throttles unused (``shared_limiter``).

    They live as long as the process: without this, the calls (or a 429's pause) of the
    tests a worker ran before slowed the next one, e.g. Xero's 60 calls a minute made a
    shared-account test wait 50 s, depending on which tests ran first in that process.
    """
    monkeypatch.setattr(http, "_shared_limiters", {})


# The command line, for the tests of tests/test_cli*.py (a module may define its own).
@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new data folder, and no emulator URLs from the environment."""
    home = tmp_path / "home"
    monkeypatch.setenv("CONTACTBRIDGE_HOME", str(home))
    for name in ("CC_API_URL", "CC_AUTH_URL", "XERO_API_URL", "XERO_AUTH_URL"):
        monkeypatch.delenv(f"CONTACTBRIDGE_{name}", raising=False)
    return home


@pytest.fixture
def cli(home: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``cli(*args)`` -> (exit code, stdout, stderr) of ``contactbridge --sandbox ARGS``."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--sandbox", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
