"""The OS job that runs ``run-due`` every N minutes while ContactBridge is closed. No Qt.

One job per user: a systemd user timer on Linux (a marked crontab line when systemd --user is
not there), a Task Scheduler task on Windows and a launchd agent on macOS. What is written and
run is decided by pure functions; ``OsJobs`` only writes the files and runs the commands, through
an injected ``run`` so tests check the exact commands against a temporary home.
"""

from __future__ import annotations

import logging
import os
import plistlib
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.core.errors import AppError

log = logging.getLogger(__name__)

DEFAULT_MINUTES = 15
MINUTE_CHOICES = (5, 10, 15, 30, 60)
UNIT_NAME = "contactbridge-run-due"
CRON_MARKER = "# contactbridge-run-due"
TASK_NAME = r"ContactBridge\RunDue"
LAUNCHD_LABEL = "com.contactbridge.rundue"
MAIN_PY = Path(__file__).resolve().parents[2] / "main.py"
HOME_ENV = "CONTACTBRIDGE_HOME"  # as app.paths; passed on so the job uses the same data


class Backend(StrEnum):
    SYSTEMD = "systemd"
    CRON = "cron"
    SCHTASKS = "schtasks"
    LAUNCHD = "launchd"


BACKEND_NAMES = {
    Backend.SYSTEMD: "a systemd user timer",
    Backend.CRON: "your crontab",
    Backend.SCHTASKS: "Windows Task Scheduler",
    Backend.LAUNCHD: "a launchd agent",
}


class OsJobError(AppError):
    """The OS job could not be installed or removed."""

    title = "Could not change the background job"


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    stdout: str = ""
    stderr: str = ""


Runner = Callable[[Sequence[str], str | None], CommandResult]


@dataclass(frozen=True)
class JobSpec:
    """What the job runs: the command line, its environment and how often."""

    command: tuple[str, ...]
    minutes: int = DEFAULT_MINUTES
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class JobStatus:
    installed: bool
    backend: Backend | None
    detail: str = ""


# -- pure parts ----------------------------------------------------------------------------


def run_due_command(
    *,
    executable: str = sys.executable,
    frozen: bool = bool(getattr(sys, "frozen", False)),
    main_py: Path = MAIN_PY,
    sandbox: bool = False,
    platform: str = sys.platform,
) -> tuple[str, ...]:
    """The command line of ``run-due``: this interpreter and main.py, or the frozen app.

    On Windows ``pythonw.exe`` is used when it sits next to ``python.exe``, so no console
    window flashes up every few minutes.
    """
    if frozen:
        argv = [executable]
    else:
        python = executable
        if platform == "win32":
            windowless = Path(executable).with_name("pythonw.exe")
            if Path(executable).name.lower() == "python.exe" and windowless.exists():
                python = str(windowless)
        argv = [python, str(main_py)]
    if sandbox:
        argv.append("--sandbox")
    argv.append("run-due")
    return tuple(argv)


def job_env(environ: Mapping[str, str] = os.environ) -> tuple[tuple[str, str], ...]:
    """The environment the job needs: the data folder override, when the app uses one."""
    value = environ.get(HOME_ENV, "").strip()
    return ((HOME_ENV, value),) if value else ()


def check_minutes(minutes: int) -> int:
    if not 5 <= minutes <= 24 * 60 or (minutes > 60 and minutes % 60):
        raise OsJobError("Choose every 5 to 60 minutes, or a whole number of hours.")
    return minutes


def pick_backend(platform: str, has_systemd_user: bool) -> Backend:
    if platform == "win32":
        return Backend.SCHTASKS
    if platform == "darwin":
        return Backend.LAUNCHD
    return Backend.SYSTEMD if has_systemd_user else Backend.CRON


def _systemd_quote(arg: str) -> str:
    # systemd expands %specifiers and $VARS in ExecStart; double them to keep them literal.
    arg = arg.replace("%", "%%").replace("$", "$$")
    if arg and not any(c in arg for c in " \t\"\\'"):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(spec: JobSpec) -> tuple[str, str]:
    """The ``.service`` and ``.timer`` files' text."""
    env = "".join(f"Environment={_systemd_quote(f'{k}={v}')}\n" for k, v in spec.env)
    service = (
        "[Unit]\n"
        "Description=ContactBridge: run the scheduled syncs that are due\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{env}"
        f"ExecStart={' '.join(_systemd_quote(a) for a in spec.command)}\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=Run ContactBridge's scheduled syncs every {spec.minutes} minutes\n"
        "\n"
        "[Timer]\n"
        "OnBootSec=2min\n"
        f"OnUnitActiveSec={spec.minutes}min\n"
        "AccuracySec=30s\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return service, timer


def systemd_paths(home: Path) -> tuple[Path, Path]:
    folder = home / ".config" / "systemd" / "user"
    return folder / f"{UNIT_NAME}.service", folder / f"{UNIT_NAME}.timer"


def cron_line(spec: JobSpec) -> str:
    """One crontab line, ending in the marker that finds it again."""
    minutes = spec.minutes
    when = f"*/{minutes} * * * *" if minutes < 60 else f"0 */{minutes // 60} * * *"
    if minutes == 60:
        when = "0 * * * *"
    env = "".join(f"{k}={shlex.quote(v)} " for k, v in spec.env)
    command = shlex.join(spec.command).replace("%", r"\%")  # cron turns % into newlines
    return f"{when} {env}{command} >/dev/null 2>&1 {CRON_MARKER}"


def crontab_without_job(crontab: str) -> str:
    lines = [line for line in crontab.splitlines() if not line.rstrip().endswith(CRON_MARKER)]
    return "".join(line + "\n" for line in lines)


def crontab_with_job(crontab: str, spec: JobSpec) -> str:
    return crontab_without_job(crontab) + cron_line(spec) + "\n"


def schtasks_create(spec: JobSpec) -> list[str]:
    return [
        "schtasks",
        "/Create",
        "/SC",
        "MINUTE",
        "/MO",
        str(spec.minutes),
        "/TN",
        TASK_NAME,
        "/TR",
        subprocess.list2cmdline(spec.command),
        "/F",
    ]


def schtasks_delete() -> list[str]:
    return ["schtasks", "/Delete", "/TN", TASK_NAME, "/F"]


def schtasks_query() -> list[str]:
    return ["schtasks", "/Query", "/TN", TASK_NAME]


def launchd_path(home: Path) -> Path:
    return home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def launchd_plist(spec: JobSpec) -> bytes:
    data: dict[str, object] = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": list(spec.command),
        "StartInterval": spec.minutes * 60,
        "RunAtLoad": False,
        "ProcessType": "Background",
    }
    if spec.env:
        data["EnvironmentVariables"] = dict(spec.env)
    return plistlib.dumps(data)


# -- doing it ------------------------------------------------------------------------------


def run_command(argv: Sequence[str], input_text: str | None = None) -> CommandResult:
    """Run a command and capture its output; a missing program is exit code 127."""
    try:
        done = subprocess.run(
            list(argv), input=input_text, capture_output=True, text=True, timeout=60, check=False
        )
    except FileNotFoundError as exc:
        return CommandResult(127, "", str(exc))
    except subprocess.TimeoutExpired:
        return CommandResult(124, "", f"{argv[0]} did not answer within 60 seconds")
    return CommandResult(done.returncode, done.stdout or "", done.stderr or "")


class OsJobs:
    """Installs, removes and reports the OS job for this user.

    Args:
        home: the user's home folder (tests pass a temporary one).
        platform: ``sys.platform``.
        run: runs one command; ``run_command`` in the app, a recorder in tests.
        command: the ``run-due`` command line (default: this interpreter and main.py).
        env: environment variables the job needs (default: the data folder override).
    """

    def __init__(
        self,
        home: Path | None = None,
        *,
        platform: str = sys.platform,
        run: Runner = run_command,
        command: Sequence[str] | None = None,
        env: Sequence[tuple[str, str]] | None = None,
        sandbox: bool = False,
    ) -> None:
        self.home = home or Path.home()
        self.platform = platform
        self.run = run
        self.command = tuple(command or run_due_command(sandbox=sandbox, platform=platform))
        self.env = tuple(job_env() if env is None else env)
        self._backend: Backend | None = None

    def spec(self, minutes: int = DEFAULT_MINUTES) -> JobSpec:
        return JobSpec(self.command, check_minutes(minutes), self.env)

    def backend(self) -> Backend:
        """Which mechanism this system uses (asks systemd once, on Linux)."""
        if self._backend is None:
            has_systemd = False
            if self.platform not in ("win32", "darwin"):
                probe = self.run(["systemctl", "--user", "show-environment"], None)
                has_systemd = probe.returncode == 0
            self._backend = pick_backend(self.platform, has_systemd)
        return self._backend

    def status(self) -> JobStatus:
        backend = self.backend()
        if backend is Backend.SYSTEMD:
            installed = systemd_paths(self.home)[1].exists()
        elif backend is Backend.LAUNCHD:
            installed = launchd_path(self.home).exists()
        elif backend is Backend.SCHTASKS:
            installed = self.run(schtasks_query(), None).returncode == 0
        else:
            installed = CRON_MARKER in self._crontab()
        return JobStatus(installed, backend, BACKEND_NAMES[backend])

    def install(self, minutes: int = DEFAULT_MINUTES) -> str:
        """Install (or replace) the job; returns a sentence for the user."""
        spec = self.spec(minutes)
        backend = self.backend()
        if backend is Backend.SYSTEMD:
            service_path, timer_path = systemd_paths(self.home)
            service_path.parent.mkdir(parents=True, exist_ok=True)
            service_text, timer_text = systemd_units(spec)
            service_path.write_text(service_text, encoding="utf-8")
            timer_path.write_text(timer_text, encoding="utf-8")
            self._must(["systemctl", "--user", "daemon-reload"])
            self._must(["systemctl", "--user", "enable", "--now", f"{UNIT_NAME}.timer"])
        elif backend is Backend.CRON:
            self._must(["crontab", "-"], crontab_with_job(self._crontab(), spec))
        elif backend is Backend.SCHTASKS:
            self._must(schtasks_create(spec))
        else:
            path = launchd_path(self.home)
            if path.exists():
                self.run(["launchctl", "unload", str(path)], None)  # replaced below
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(launchd_plist(spec))
            self._must(["launchctl", "load", "-w", str(path)])
        return (
            f"Scheduled syncs now run every {spec.minutes} minutes when ContactBridge is "
            f"closed ({BACKEND_NAMES[backend]})."
        )

    def remove(self) -> str:
        """Remove the job if there is one; returns a sentence for the user."""
        backend = self.backend()
        if backend is Backend.SYSTEMD:
            service_path, timer_path = systemd_paths(self.home)
            if timer_path.exists():
                self.run(["systemctl", "--user", "disable", "--now", f"{UNIT_NAME}.timer"], None)
            for path in (timer_path, service_path):
                path.unlink(missing_ok=True)
            self._must(["systemctl", "--user", "daemon-reload"])
        elif backend is Backend.CRON:
            current = self._crontab()
            if CRON_MARKER in current:
                self._must(["crontab", "-"], crontab_without_job(current))
        elif backend is Backend.SCHTASKS:
            if self.run(schtasks_query(), None).returncode == 0:
                self._must(schtasks_delete())
        else:
            path = launchd_path(self.home)
            if path.exists():
                self.run(["launchctl", "unload", "-w", str(path)], None)
                path.unlink()
        return "Scheduled syncs now run only while ContactBridge is open."

    def _crontab(self) -> str:
        result = self.run(["crontab", "-l"], None)
        if result.returncode == 127:
            raise OsJobError(
                "This system has neither systemd user services nor cron, so ContactBridge "
                "cannot run syncs while it is closed. Keep it open (in the tray) instead."
            )
        # "no crontab for <user>" is exit code 1 with nothing to keep.
        return result.stdout if result.returncode == 0 else ""

    def _must(self, argv: Sequence[str], input_text: str | None = None) -> CommandResult:
        result = self.run(argv, input_text)
        if result.returncode != 0:
            log.warning("%s failed (%s): %s", argv, result.returncode, result.stderr.strip())
            raise OsJobError(
                f"The command {argv[0]} failed, so the background job was not changed.",
                details=f"{shlex.join(argv)}\nexit code {result.returncode}\n{result.stderr}",
            )
        return result
