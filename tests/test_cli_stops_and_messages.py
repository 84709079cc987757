"""The command line when a run stops part-way, when its reader goes away, and when what it is
given is wrong: exit codes a script can act on, and messages a person can.

README: exit 0 when every record succeeded or was skipped, 1 when some failed "or the run was
stopped and can resume", 2 when the run could not start.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import (
    EXIT_BROKEN_PIPE,
    EXIT_CANNOT_START,
    EXIT_FAILED_RECORDS,
    EXIT_OK,
    RESUME_HINT,
    _interrupt_cancels,
    main,
)
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.progress import CancelToken

ROOT = Path(__file__).resolve().parents[1]
IMPORT = "POST /v3/activities/contacts_json_import"


@pytest.fixture
def cli(home, capsys):
    """``cli(*args)`` -> (exit code, stdout, stderr) of ``contactbridge ARGS``: here without
    ``--sandbox`` unless a test gives it (``home`` is the shared fixture of conftest.py)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A Constant Contact emulator of the test's own, which sandbox mode uses (env URLs)."""
    emu = ConstantContactEmulator(tmp_path / "cc.sqlite3", enforce_limits=False)
    emu.start()
    monkeypatch.setenv("CONTACTBRIDGE_CC_API_URL", emu.api_url)
    monkeypatch.setenv("CONTACTBRIDGE_CC_AUTH_URL", emu.auth_url)
    yield emu
    emu.stop()


# -- a run stopped part-way exits 1 and says that syncing again resumes it --------------------


def test_a_run_cut_off_by_the_network_exits_1_and_resumes_without_duplicates(cli, emulator):
    emulator.faults.force(IMPORT, "reset", times=4)  # more than the client retries

    code, out, err = cli("--sandbox", "sync", SAMPLE_PROFILE_NAME, "--json")

    assert code == EXIT_FAILED_RECORDS, err
    stopped = json.loads(out)
    assert stopped["status"] == "failed"
    assert "Could not reach Constant Contact" in stopped["message"]
    assert RESUME_HINT in stopped["message"]
    assert "Traceback" not in err

    code, out, err = cli("--sandbox", "sync", SAMPLE_PROFILE_NAME, "--json")

    assert code == EXIT_OK, err
    resumed = json.loads(out)
    assert resumed["run_id"] == stopped["run_id"]  # the same run, finished
    assert resumed["counts"]["failed"] == 0
    on_list = [e.lower() for e in emulator.contacts_on_list("Newsletter")]
    assert len(on_list) == len(set(on_list)) == resumed["counts"]["created"]  # once each


def test_a_run_cut_off_prints_the_resume_hint_in_text_too(cli, emulator):
    emulator.faults.force(IMPORT, "reset", times=4)

    code, out, _err = cli("--sandbox", "sync", SAMPLE_PROFILE_NAME)

    assert code == EXIT_FAILED_RECORDS
    assert f"Sync: {SAMPLE_PROFILE_NAME} — failed" in out
    assert RESUME_HINT in out


def test_the_daily_limit_pauses_the_run_exit_1_and_says_it_resumes(cli, emulator):
    emulator.faults.force(IMPORT, "quota_exceeded")

    code, out, _err = cli("--sandbox", "sync", SAMPLE_PROFILE_NAME, "--json")

    assert code == EXIT_FAILED_RECORDS
    paused = json.loads(out)
    assert paused["status"] == "paused"
    assert "resume" in paused["message"]


def test_a_run_that_cannot_start_still_exits_2(cli, home):
    code, _out, err = cli("--sandbox", "sync", "No such profile")

    assert code == EXIT_CANNOT_START
    assert '"No such profile"' in err


def test_ctrl_c_during_a_run_cancels_it_instead_of_killing_it():
    cancel = CancelToken()
    before = signal.getsignal(signal.SIGINT)

    with _interrupt_cancels(cancel):
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt: the run stops cleanly
        assert cancel.wait(5)

    assert signal.getsignal(signal.SIGINT) is before


# -- output into a pipe that closes ----------------------------------------------------------


def test_output_into_a_closed_pipe_ends_quietly(home):
    proc = subprocess.Popen(
        [sys.executable, "main.py", "--sandbox", "profiles", "list", "--json"],
        cwd=ROOT,
        env={**os.environ, "CONTACTBRIDGE_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # as `| head` does once it has read enough
    _out, err = proc.communicate(timeout=120)

    assert proc.returncode == EXIT_BROKEN_PIPE
    assert "Traceback" not in err and "BrokenPipeError" not in err


# -- push --dry-run ------------------------------------------------------------------------------


def test_push_dry_run_leaves_no_profile_and_no_history(cli, tmp_path):
    file = tmp_path / "walk-ins.csv"
    file.write_text("Email,First Name\nana@example.com,Ana\nben@example.com,Ben\n", "utf-8")

    push = ("--sandbox", "push", str(file), "--list", "Walk-ins", "--json")
    _code, before, _err = cli("--sandbox", "profiles", "list")  # the sandbox's samples
    assert before.splitlines()[:1] == [SAMPLE_PROFILE_NAME]
    assert XERO_PROFILE_NAME in before.splitlines()
    code, out, err = cli(*push, "--dry-run")

    assert code == EXIT_OK, err
    plan = json.loads(out)
    assert (plan["status"], plan["counts"]["created"]) == ("dry_run", 2)
    _code, out, _err = cli("--sandbox", "profiles", "list")
    assert out == before

    code, out, _err = cli(*push)

    assert code == EXIT_OK
    assert json.loads(out)["counts"]["created"] == 2  # what the dry run said
    _code, out, _err = cli("--sandbox", "profiles", "list")
    assert "Quick push: walk-ins.csv → Walk-ins" in out.splitlines()


# -- profiles list and import ---------------------------------------------------------------


def test_profiles_list_with_no_profiles_says_so_and_how_to_make_one(cli):
    code, out, err = cli("profiles", "list")

    assert code == EXIT_OK
    assert out == ""  # stdout stays one name a line, for scripts
    assert "No profiles yet" in err
    assert "profiles import FILE" in err

    code, out, _err = cli("profiles", "list", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", "it is not valid JSON (line 1, column 1"),
        ('{"name": "Shop",\n  "main_list": }', "it is not valid JSON (line 2, column 16"),
        ('{"name": "Shop"}', "it holds other JSON"),
    ],
    ids=["not-json", "broken-json", "other-json"],
)
def test_importing_a_file_that_is_not_a_profile_says_what_is_wrong(cli, tmp_path, text, words):
    file = tmp_path / "shop.json"
    file.write_text(text, encoding="utf-8")

    code, _out, err = cli("--sandbox", "profiles", "import", str(file))

    assert code == EXIT_CANNOT_START
    assert '"shop.json" is not a ContactBridge profile export' in err
    assert words in err
    assert "Expecting value: line" not in err  # not Python's words alone


def test_importing_a_name_that_exists_suggests_replace(cli, tmp_path):
    exported = tmp_path / "bakery.json"
    assert cli("--sandbox", "profiles", "export", SAMPLE_PROFILE_NAME, str(exported))[0] == 0

    code, _out, err = cli("--sandbox", "profiles", "import", str(exported))

    assert code == EXIT_CANNOT_START
    assert f'A profile named "{SAMPLE_PROFILE_NAME}" already exists' in err
    assert "--replace" in err


# -- sandbox mode pointed at an emulator that does not answer ---------------------------------


def dead_url(path: str) -> str:
    """A loopback URL where nothing listens (a port just freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.mark.parametrize(
    ("service", "api", "auth"),
    [
        ("Constant Contact", "CONTACTBRIDGE_CC_API_URL", "CONTACTBRIDGE_CC_AUTH_URL"),
        ("Xero", "CONTACTBRIDGE_XERO_API_URL", "CONTACTBRIDGE_XERO_AUTH_URL"),
    ],
    ids=["constant-contact", "xero"],
)
def test_an_emulator_url_that_does_not_answer_is_named_with_its_variable(
    cli, monkeypatch, service, api, auth
):
    urls = {api: dead_url("/api"), auth: dead_url("/auth")}
    for name, url in urls.items():
        monkeypatch.setenv(name, url)

    code, _out, err = cli("--sandbox", "profiles", "list")

    assert code == EXIT_CANNOT_START
    assert "Traceback" not in err
    assert f"the {service} emulator" in err
    for name, url in urls.items():
        assert f"{name}={url}" in err
    assert "does not answer (connection refused)" in err
