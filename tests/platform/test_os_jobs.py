"""The OS job: file contents and exact commands per platform, with an injected command runner.

Nothing here touches the real system: HOME is a temporary folder and every command goes to a
recorder that answers like the real tool would.
"""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.platform import os_jobs
from app.platform.os_jobs import (
    CRON_MARKER,
    Backend,
    CommandResult,
    JobSpec,
    OsJobError,
    OsJobs,
    check_minutes,
    cron_line,
    crontab_with_job,
    crontab_without_job,
    job_env,
    launchd_plist,
    pick_backend,
    run_command,
    run_due_command,
    systemd_units,
)

PY = "/opt/cb/.venv/bin/python"
MAIN = Path("/opt/cb/main.py")
COMMAND = (PY, str(MAIN), "run-due")


class Recorder:
    """Answers commands from a table of (argv prefix -> result); records every call."""

    def __init__(self, answers: dict[tuple[str, ...], CommandResult] | None = None) -> None:
        self.calls: list[tuple[list[str], str | None]] = []
        self.answers = answers or {}

    def __call__(self, argv: Sequence[str], input_text: str | None) -> CommandResult:
        self.calls.append((list(argv), input_text))
        for prefix, result in self.answers.items():
            if tuple(argv[: len(prefix)]) == prefix:
                return result
        return CommandResult(0)

    @property
    def argvs(self) -> list[list[str]]:
        return [argv for argv, _ in self.calls]


SYSTEMD_OK = {("systemctl", "--user", "show-environment"): CommandResult(0, "HOME=/x\n")}
NO_SYSTEMD = {("systemctl",): CommandResult(127, "", "No such file")}


def jobs(tmp_path: Path, platform: str, run: Recorder, env=()) -> OsJobs:
    return OsJobs(tmp_path, platform=platform, run=run, command=COMMAND, env=env)


# -- the command line ----------------------------------------------------------------------


def test_command_is_this_interpreter_and_main_py():
    assert run_due_command(executable=PY, frozen=False, main_py=MAIN, platform="linux") == (
        PY,
        str(MAIN),
        "run-due",
    )
    assert run_due_command(
        executable=PY, frozen=False, main_py=MAIN, sandbox=True, platform="linux"
    ) == (PY, str(MAIN), "--sandbox", "run-due")


def test_a_frozen_app_runs_itself():
    exe = r"C:\Program Files\ContactBridge\ContactBridge.exe"
    assert run_due_command(executable=exe, frozen=True, platform="win32") == (exe, "run-due")


def test_windows_prefers_pythonw_so_no_console_flashes(tmp_path):
    python = tmp_path / "python.exe"
    python.touch()
    (tmp_path / "pythonw.exe").touch()
    argv = run_due_command(executable=str(python), frozen=False, main_py=MAIN, platform="win32")
    assert argv[0] == str(tmp_path / "pythonw.exe")


def test_the_default_command_points_at_the_real_main_py():
    argv = run_due_command()
    assert argv[-1] == "run-due"
    assert Path(argv[1]).name == "main.py" and Path(argv[1]).exists()


def test_job_env_passes_the_data_folder_override_only():
    assert job_env({}) == ()
    assert job_env({"CONTACTBRIDGE_HOME": " /data/cb "}) == (("CONTACTBRIDGE_HOME", "/data/cb"),)


@pytest.mark.parametrize("minutes", [5, 15, 60, 120, 1440])
def test_minutes_accepted(minutes):
    assert check_minutes(minutes) == minutes


@pytest.mark.parametrize("minutes", [0, 4, 90, 1441])
def test_minutes_refused(minutes):
    with pytest.raises(OsJobError):
        check_minutes(minutes)


@pytest.mark.parametrize(
    ("platform", "systemd", "backend"),
    [
        ("linux", True, Backend.SYSTEMD),
        ("linux", False, Backend.CRON),
        ("freebsd14", False, Backend.CRON),
        ("win32", False, Backend.SCHTASKS),
        ("darwin", False, Backend.LAUNCHD),
    ],
)
def test_pick_backend(platform, systemd, backend):
    assert pick_backend(platform, systemd) is backend


# -- Linux: systemd user timer -------------------------------------------------------------


def test_systemd_units_text():
    spec = JobSpec(("/home/ann/My Apps/python", "/x/main.py", "run-due"), 15, (("K", "50%"),))
    service, timer = systemd_units(spec)
    assert service == (
        "[Unit]\n"
        "Description=ContactBridge: run the scheduled syncs that are due\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        "Environment=K=50%%\n"
        'ExecStart="/home/ann/My Apps/python" /x/main.py run-due\n'
    )
    assert "OnUnitActiveSec=15min\n" in timer
    assert "OnBootSec=2min\n" in timer
    assert "[Install]\nWantedBy=timers.target\n" in timer


def test_install_systemd_writes_units_then_reloads_and_enables(tmp_path):
    run = Recorder(SYSTEMD_OK)
    message = jobs(tmp_path, "linux", run).install(30)
    folder = tmp_path / ".config" / "systemd" / "user"
    service = (folder / "contactbridge-run-due.service").read_text()
    timer = (folder / "contactbridge-run-due.timer").read_text()
    assert f"ExecStart={PY} {MAIN} run-due\n" in service
    assert "OnUnitActiveSec=30min\n" in timer
    assert run.argvs == [
        ["systemctl", "--user", "show-environment"],
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", "contactbridge-run-due.timer"],
    ]
    assert "every 30 minutes" in message and "systemd" in message


def test_status_and_remove_systemd(tmp_path):
    run = Recorder(SYSTEMD_OK)
    job = jobs(tmp_path, "linux", run)
    assert not job.status().installed
    job.install()
    status = job.status()
    assert status.installed and status.backend is Backend.SYSTEMD
    run.calls.clear()
    job.remove()
    assert run.argvs == [
        ["systemctl", "--user", "disable", "--now", "contactbridge-run-due.timer"],
        ["systemctl", "--user", "daemon-reload"],
    ]
    assert not list((tmp_path / ".config" / "systemd" / "user").iterdir())
    assert not job.status().installed


def test_a_failing_systemctl_is_reported_in_plain_words(tmp_path):
    run = Recorder(
        {**SYSTEMD_OK, ("systemctl", "--user", "enable"): CommandResult(1, "", "Access denied")}
    )
    with pytest.raises(OsJobError) as err:
        jobs(tmp_path, "linux", run).install()
    assert "systemctl failed" in err.value.message
    assert "Access denied" in err.value.details


# -- Linux without systemd: cron -----------------------------------------------------------


def test_cron_line():
    assert cron_line(JobSpec(COMMAND, 15)) == (
        f"*/15 * * * * {PY} {MAIN} run-due >/dev/null 2>&1 {CRON_MARKER}"
    )
    assert cron_line(JobSpec(COMMAND, 60)).startswith("0 * * * * ")
    assert cron_line(JobSpec(COMMAND, 120)).startswith("0 */2 * * * ")
    odd = cron_line(JobSpec(("/a b/py", "100%", "run-due"), 5, (("CONTACTBRIDGE_HOME", "/d x"),)))
    assert odd.startswith("*/5 * * * * CONTACTBRIDGE_HOME='/d x' '/a b/py' 100\\% run-due ")


def test_crontab_edits_keep_the_users_own_lines():
    mine = "MAILTO=ann\n0 3 * * * backup.sh\n"
    with_job = crontab_with_job(mine, JobSpec(COMMAND, 15))
    assert with_job.startswith(mine)
    assert with_job.count(CRON_MARKER) == 1
    again = crontab_with_job(with_job, JobSpec(COMMAND, 30))  # replaced, not doubled
    assert again.count(CRON_MARKER) == 1 and "*/30 " in again
    assert crontab_without_job(again) == mine


def test_install_with_cron_when_there_is_no_systemd_user(tmp_path):
    existing = "0 3 * * * backup.sh\n"
    run = Recorder({**NO_SYSTEMD, ("crontab", "-l"): CommandResult(0, existing)})
    job = jobs(tmp_path, "linux", run)
    job.install(15)
    assert run.argvs == [
        ["systemctl", "--user", "show-environment"],
        ["crontab", "-l"],
        ["crontab", "-"],
    ]
    written = run.calls[-1][1]
    assert written == existing + cron_line(JobSpec(COMMAND, 15)) + "\n"
    assert not (tmp_path / ".config").exists()


def test_no_crontab_yet_is_an_empty_one(tmp_path):
    run = Recorder({**NO_SYSTEMD, ("crontab", "-l"): CommandResult(1, "", "no crontab for ann")})
    jobs(tmp_path, "linux", run).install()
    assert run.calls[-1][1] == cron_line(JobSpec(COMMAND, 15)) + "\n"


def test_cron_status_and_remove(tmp_path):
    line = cron_line(JobSpec(COMMAND, 15))
    run = Recorder({**NO_SYSTEMD, ("crontab", "-l"): CommandResult(0, f"x\n{line}\n")})
    job = jobs(tmp_path, "linux", run)
    assert job.status().installed
    job.remove()
    assert run.calls[-1] == (["crontab", "-"], "x\n")


def test_neither_systemd_nor_cron(tmp_path):
    run = Recorder({("systemctl",): CommandResult(127), ("crontab",): CommandResult(127)})
    with pytest.raises(OsJobError, match="neither systemd"):
        jobs(tmp_path, "linux", run).install()


# -- Windows: Task Scheduler ---------------------------------------------------------------


def test_install_and_remove_windows_task(tmp_path):
    exe = r"C:\Program Files\ContactBridge\ContactBridge.exe"
    run = Recorder()
    job = OsJobs(tmp_path, platform="win32", run=run, command=(exe, "run-due"), env=())
    job.install()
    assert run.argvs == [
        [
            "schtasks",
            "/Create",
            "/SC",
            "MINUTE",
            "/MO",
            "15",
            "/TN",
            "ContactBridge\\RunDue",
            "/TR",
            '"C:\\Program Files\\ContactBridge\\ContactBridge.exe" run-due',
            "/F",
        ]
    ]
    run.calls.clear()
    job.remove()
    assert run.argvs == [
        ["schtasks", "/Query", "/TN", "ContactBridge\\RunDue"],
        ["schtasks", "/Delete", "/TN", "ContactBridge\\RunDue", "/F"],
    ]


def test_windows_status_asks_task_scheduler(tmp_path):
    missing = Recorder({("schtasks", "/Query"): CommandResult(1, "", "ERROR: not found")})
    job = jobs(tmp_path, "win32", missing)
    assert job.status().installed is False
    job.remove()  # nothing to delete
    assert missing.argvs == [["schtasks", "/Query", "/TN", "ContactBridge\\RunDue"]] * 2


# -- macOS: launchd ------------------------------------------------------------------------


def test_launchd_plist():
    data = plistlib.loads(launchd_plist(JobSpec(COMMAND, 15, (("CONTACTBRIDGE_HOME", "/d"),))))
    assert data == {
        "Label": "com.contactbridge.rundue",
        "ProgramArguments": list(COMMAND),
        "StartInterval": 900,
        "RunAtLoad": False,
        "ProcessType": "Background",
        "EnvironmentVariables": {"CONTACTBRIDGE_HOME": "/d"},
    }


def test_install_replace_and_remove_launch_agent(tmp_path):
    run = Recorder()
    job = jobs(tmp_path, "darwin", run)
    job.install()
    plist = tmp_path / "Library" / "LaunchAgents" / "com.contactbridge.rundue.plist"
    assert plistlib.loads(plist.read_bytes())["ProgramArguments"] == list(COMMAND)
    assert run.argvs == [["launchctl", "load", "-w", str(plist)]]
    assert job.status().installed
    run.calls.clear()
    job.install(30)  # a new interval: unload the old agent first
    assert run.argvs == [
        ["launchctl", "unload", str(plist)],
        ["launchctl", "load", "-w", str(plist)],
    ]
    assert plistlib.loads(plist.read_bytes())["StartInterval"] == 1800
    run.calls.clear()
    job.remove()
    assert run.argvs == [["launchctl", "unload", "-w", str(plist)]]
    assert not plist.exists()


# -- the real runner, on harmless commands --------------------------------------------------


def test_run_command_captures_output_and_reports_a_missing_program(tmp_path):
    import sys

    done = run_command([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"], "hi")
    assert done == CommandResult(0, "HI\n", "")
    assert run_command([str(tmp_path / "no-such-program")]).returncode == 127


def test_the_default_home_is_the_users(monkeypatch, tmp_path):
    monkeypatch.setattr(os_jobs.Path, "home", lambda: tmp_path)
    assert OsJobs(run=Recorder()).home == tmp_path
