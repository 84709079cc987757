"""The PyInstaller bundle (packaging/contactbridge.spec) starts and works without the source tree.

Opt-in, because building takes ~30-60 s:
    CONTACTBRIDGE_TEST_BUNDLE=1 pytest tests/packaging          # builds into a temp folder
    CONTACTBRIDGE_TEST_BUNDLE=dist/ContactBridge pytest tests/packaging   # tests a built one
``bash packaging/setup.sh bundle`` builds dist/ContactBridge and runs these against it. Once
opted in, a missing PyInstaller fails rather than skips, so a CI step cannot pass vacuously.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import __version__
from app.sandbox.samples import SAMPLE_LIST_NAME, SAMPLE_PROFILE_NAME

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "contactbridge.spec"
OPT_IN = os.environ.get("CONTACTBRIDGE_TEST_BUNDLE", "").strip()
# 179 MB when written; 235 MB with the charts (pyqtgraph brings numpy, whose OpenBLAS alone is
# 25 MB, and needs QtOpenGL). A jump past this means an unused Qt module crept in.
SIZE_BUDGET_MB = 255

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not OPT_IN, reason="set CONTACTBRIDGE_TEST_BUNDLE=1 to build the bundle"),
    pytest.mark.skipif(sys.platform != "linux", reason="the bundle is built and tested on Linux"),
    pytest.mark.timeout(600),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle's folder: the one named by CONTACTBRIDGE_TEST_BUNDLE, or a fresh build."""
    if OPT_IN != "1":
        folder = Path(OPT_IN).resolve()
        assert (folder / "contactbridge").is_file(), f"no bundle in {folder}"
        return folder
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is not installed: .venv/bin/pip install -e '.[package]'")
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    build = subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean"),
            *("--log-level", "WARN", "--distpath", str(out / "dist")),
            *("--workpath", str(out / "build"), str(SPEC)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    return out / "dist" / "ContactBridge"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Headless, in a fresh data folder, secrets in memory, the emulator the app's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTACTBRIDGE_", "PYTHON"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        CONTACTBRIDGE_HOME=str(tmp_path / "home"),
        CONTACTBRIDGE_KEYRING="memory",
    )
    return env


def run(bundle: Path, env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run the bundle's executable from outside the source tree; its stdout."""
    result = subprocess.run(
        [str(bundle / "contactbridge"), *args],
        cwd=Path(env["CONTACTBRIDGE_HOME"]).parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_bundle_carries_resources_and_leaves_out_unused_parts(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "resources" / "style.qss").is_file()
    assert (internal / "resources" / "icons" / "app.svg").is_file()
    assert list(internal.glob("keyring-*.dist-info/entry_points.txt"))  # backend discovery
    assert list((internal / "pycountry" / "databases").glob("iso3166-1.json"))
    assert not (internal / "pycountry" / "locales").exists()
    qt_libs = {p.name.split(".so")[0] for p in (internal / "PySide6" / "Qt" / "lib").iterdir()}
    assert not qt_libs & {"libQt6Qml", "libQt6Quick", "libQt6Pdf", "libQt6WebEngineCore"}
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < SIZE_BUDGET_MB * 2**20, f"bundle is {size / 2**20:.0f} MB"


def test_version(bundle: Path, env: dict[str, str]) -> None:
    assert run(bundle, env, "--version").strip() == f"ContactBridge {__version__}"


def test_sandbox_commands_work_from_the_bundle(
    bundle: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """Database and migrations, sample CSV source, emulator, validation, Excel reading."""
    assert SAMPLE_PROFILE_NAME in run(bundle, env, "--sandbox", "profiles", "list").splitlines()

    summary = json.loads(run(bundle, env, "--sandbox", "sync", SAMPLE_PROFILE_NAME, "--json"))
    assert summary["status"] == "completed", summary
    assert summary["counts"]["created"] > 200 and summary["counts"]["failed"] == 0

    from openpyxl import Workbook  # written here, read by the bundle's own openpyxl

    book = Workbook()
    book.active.append(["Email", "First Name", "Country"])
    book.active.append(["zoe@example.com", "Zoë", "US"])
    book.save(tmp_path / "people.xlsx")
    push = ["push", str(tmp_path / "people.xlsx"), "--list", SAMPLE_LIST_NAME, "--json"]
    summary = json.loads(run(bundle, env, "--sandbox", *push))
    assert summary["status"] == "completed" and summary["counts"]["created"] == 1, summary


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found: list[int] = []
    for task in tasks.iterdir() if tasks.exists() else []:
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
    except OSError:
        return []


def _listening(pid: int) -> bool:
    """Whether the process holds a listening TCP socket (the emulator's HTTP server)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        inodes |= {f"socket:[{row.split()[9]}]" for row in lines if row.split()[3] == "0A"}
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
        return any(os.readlink(fd) in inodes for fd in fds)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def gui(bundle: Path, env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with (tmp_path / "gui.log").open("wb") as log:
        proc = subprocess.Popen(
            [str(bundle / "contactbridge"), "--sandbox"],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


def test_desktop_app_runs_its_emulator_as_a_child_of_the_bundle(
    gui: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    """The GUI starts `contactbridge sandbox serve` (sys.executable), which serves and exits
    by itself once the app is gone."""
    deadline = time.monotonic() + 60
    child = None
    while time.monotonic() < deadline and gui.poll() is None:
        serving = [c for c in _children(gui.pid) if "serve" in _cmdline(c) and _listening(c)]
        if serving:
            child = serving[0]
            break
        time.sleep(0.2)
    log = (tmp_path / "gui.log").read_text(errors="replace")
    assert child is not None, f"no emulator child; app exit code {gui.poll()}\n{log}"
    assert Path(_cmdline(child)[0]).name == "contactbridge"
    assert _cmdline(child)[1:3] == ["sandbox", "serve"]
    time.sleep(2)  # the window is up on the emulator, not an error dialog over a dead child
    assert gui.poll() is None and _alive(child)

    gui.send_signal(signal.SIGKILL)  # no clean shutdown: the child must notice by itself
    gui.wait(timeout=30)
    deadline = time.monotonic() + 15
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(child), "the emulator outlived the app"


def test_screenshots_render_every_screen_with_qt_plugins_and_resources(
    bundle: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """Style sheet, SVG icons (QtSvg, imageformats plugin) and the offscreen platform."""
    out = tmp_path / "shots"
    run(bundle, env, "screenshots", str(out), timeout=240)
    shots = sorted(out.glob("*.png"))
    assert len(shots) >= 10
    header = (out / "01-main-window.png").read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1366, 768)  # app/devtools/screenshots.py SIZE


@pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
    reason="needs dbus-run-session and gnome-keyring-daemon",
)
def test_bundle_finds_the_secret_service_keyring(
    bundle: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """keyring's entry points, SecretService, secretstorage, jeepney and cryptography."""
    env = {**env, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("CONTACTBRIDGE_KEYRING")
    script = (
        "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
        f"'{bundle / 'contactbridge'}' profiles list"
    )
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No secure keyring" not in result.stderr, result.stderr
