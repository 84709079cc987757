"""The headless commands, run in-process on the sandbox: sync, push, profiles, --version.

Each test has its own sandbox home (``CONTACTBRIDGE_HOME``); the CLI starts the emulator
in-process and stops it before returning, so what reached Constant Contact is read back from
the emulator's state file afterwards.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app import __version__
from app.cli import EXIT_CANNOT_START, EXIT_FAILED_RECORDS, EXIT_OK, main
from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.samples import SAMPLE_PROFILE_NAME

COUNT_KEYS = ("created", "updated", "unchanged", "skipped", "failed")


def run_json(cli, *args: str) -> tuple[int, dict]:
    code, out, _err = cli(*args, "--json")
    return code, json.loads(out)  # the whole output is one JSON object


def assert_counts_add_up(counts: dict) -> None:
    assert set(counts) >= {"total", *COUNT_KEYS}
    assert counts["total"] == sum(counts[k] for k in COUNT_KEYS)


def on_list(home: Path, name: str) -> set[str]:
    """Emails on a list, read from the sandbox emulator's saved state."""
    emu = ConstantContactEmulator(home / "emulator" / "constant-contact.sqlite3")
    try:
        return {e.lower() for e in emu.contacts_on_list(name)}
    finally:
        emu.stop()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)
    return path


# -- sync -------------------------------------------------------------------------------------


def test_sync_json_then_again_unchanged(cli, home):
    code, first = run_json(cli, "sync", SAMPLE_PROFILE_NAME)

    assert code == EXIT_OK
    assert first["status"] == "completed"
    assert first["profile"] == SAMPLE_PROFILE_NAME
    counts = first["counts"]
    assert_counts_add_up(counts)
    assert counts["total"] == 246
    assert (counts["created"], counts["updated"], counts["failed"]) == (238, 1, 0)
    assert counts["matched_existing"] == 1  # Grace Hopper, already in Constant Contact
    assert sum(first["reasons"].values()) == counts["skipped"]
    assert len(on_list(home, "Newsletter")) == 239

    code, again = run_json(cli, "sync", SAMPLE_PROFILE_NAME)

    assert code == EXIT_OK
    assert again["status"] == "completed"
    assert again["counts"]["unchanged"] == counts["created"] + counts["updated"]
    assert again["counts"]["created"] == again["counts"]["updated"] == 0
    assert_counts_add_up(again["counts"])
    assert "POST /v3/activities/contacts_json_import" not in again["requests"]


def test_sync_prints_a_readable_summary(cli):
    code, out, _err = cli("sync", SAMPLE_PROFILE_NAME)

    assert code == EXIT_OK
    assert f"Sync: {SAMPLE_PROFILE_NAME} — completed" in out
    assert "created 238, updated 1, unchanged 0, skipped 7, failed 0" in out
    assert "Unsubscribed in Constant Contact" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["Created", "in", "Constant", "Contact", "238"] in lines
    assert ["Matched", "to", "existing", "contacts", "1"] in lines
    assert ["Failed", "subscriptions", "1"] in lines  # Alan Turing, unsubscribed there
    assert not any(line[:2] == ["To", "the"] for line in lines)  # no source side: a file


def seed_unsubscribed(home: Path, email: str) -> None:
    """A contact who unsubscribed in the sandbox's Constant Contact (its saved state)."""
    emu = ConstantContactEmulator(home / "emulator" / "constant-contact.sqlite3")
    try:
        emu.seed_contact(email, "Ben", "Murphy", permission="unsubscribed")
    finally:
        emu.stop()


TWO_WAY_EMAIL = "ben.murphy1@example.com"  # a Xero sample customer


def test_two_way_sync_json_keeps_each_direction_apart(cli, home):
    cli("profiles", "list")  # sets the sandbox up
    seed_unsubscribed(home, TWO_WAY_EMAIL)

    code, data = run_json(cli, "sync", XERO_PROFILE_NAME)

    assert code == EXIT_OK
    counts = data["counts"]
    assert list(counts) == [*("total", *COUNT_KEYS), "matched_existing"]
    assert_counts_add_up(counts)
    directions = data["directions"]
    to_cc, to_source = directions["to_constant_contact"], directions["to_source"]
    assert to_cc["total"] + to_source["total"] == counts["total"]
    for side in (to_cc, to_source):
        parts = sum(n for k, n in side.items() if k not in ("total", "failed_subscriptions"))
        assert parts == side["total"]
    # Unsubscribed in Constant Contact: not put on the list (a failed subscription), and
    # marked opted out in Xero; neither is "created" or "updated" in Constant Contact.
    assert to_cc["failed_subscriptions"] == 1 and to_cc["skipped"] >= 1
    assert to_source == {**dict.fromkeys(to_source, 0), "total": 1, "opted_out": 1}
    assert to_cc["created"] == counts["created"]
    assert counts["updated"] == to_source["opted_out"]
    assert "Marked opted out in Xero: 1" in data["message"]
    assert set(data) >= {"status", "counts", "reasons", "requests", "directions"}


def test_two_way_sync_prints_each_direction(cli, home):
    cli("profiles", "list")
    seed_unsubscribed(home, TWO_WAY_EMAIL)

    code, out, _err = cli("sync", XERO_PROFILE_NAME)

    assert code == EXIT_OK
    lines = [line.strip() for line in out.splitlines()]
    assert "To Xero: 1" in lines
    assert any(line.startswith("To Constant Contact: ") for line in lines)
    words = {" ".join(line.split()[:-1]): line.split()[-1] for line in lines if line}
    assert words["Marked opted out in Xero"] == "1"
    assert words["Failed subscriptions"] == "1"
    assert words["Failed to write to Xero"] == "0"
    assert "Created in Xero" in words  # shown, as 0, beside what did happen
    total = int(lines[1].split()[1].rstrip(":"))
    to_cc = int(next(x for x in lines if x.startswith("To Constant Contact: ")).split()[-1])
    assert to_cc + 1 == total


def test_dry_run_changes_nothing_and_matches_the_real_run(cli, home):
    code, dry = run_json(cli, "sync", SAMPLE_PROFILE_NAME, "--dry-run")

    assert code == EXIT_OK
    assert (dry["status"], dry["dry_run"]) == ("dry_run", True)
    assert_counts_add_up(dry["counts"])
    assert on_list(home, "Newsletter") == set()
    assert not [k for k in dry["requests"] if k.startswith(("POST /v3", "PUT /v3"))]

    code, real = run_json(cli, "sync", SAMPLE_PROFILE_NAME)

    assert code == EXIT_OK
    assert real["counts"] == dry["counts"]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_unknown_profile_cannot_start_and_names_the_profiles(cli, as_json):
    args = ("sync", "Nope") + (("--json",) if as_json else ())

    code, out, err = cli(*args)

    assert code == EXIT_CANNOT_START
    if as_json:
        data = json.loads(out)
        assert data["status"] == "error"
        message = data["message"]
    else:
        assert out == ""
        message = err
    assert '"Nope"' in message
    assert f'"{SAMPLE_PROFILE_NAME}"' in message


def test_failed_records_exit_1(tmp_path, home, monkeypatch, cli):
    """With the emulator elsewhere (env URLs), a failed import makes the command exit 1."""
    emu = ConstantContactEmulator(tmp_path / "cc.sqlite3", enforce_limits=False)
    emu.start()
    try:
        monkeypatch.setenv("CONTACTBRIDGE_CC_API_URL", emu.api_url)
        monkeypatch.setenv("CONTACTBRIDGE_CC_AUTH_URL", emu.auth_url)
        emu.faults.fail_next_activity("failed", ["The import file could not be read."])

        code, data = run_json(cli, "sync", SAMPLE_PROFILE_NAME)

        assert code == EXIT_FAILED_RECORDS
        assert data["status"] == "completed_with_errors"
        assert data["counts"]["failed"] > 0
        assert_counts_add_up(data["counts"])
        assert any("could not be read" in reason for reason in data["reasons"])

        code, retried = run_json(cli, "sync", SAMPLE_PROFILE_NAME)

        assert code == EXIT_OK
        assert retried["counts"]["created"] == data["counts"]["failed"]
    finally:
        emu.stop()


# -- profiles ---------------------------------------------------------------------------------


def by_name(profiles: list[dict]) -> dict[str, dict]:
    return {p["name"]: p for p in profiles}


def sandbox_names(cli) -> list[str]:  # type: ignore[no-untyped-def]
    """The sandbox's profiles: the bakery's first, then each registered service's sample."""
    _code, listed = run_json(cli, "profiles", "list", "--json")
    return [p["name"] for p in listed]


def test_profiles_list_one_name_a_line(cli):
    code, out, _err = cli("profiles", "list")

    assert code == EXIT_OK
    names = sandbox_names(cli)
    assert out.splitlines() == names
    assert names[0] == SAMPLE_PROFILE_NAME and XERO_PROFILE_NAME in names
    assert len(set(names)) == len(names)


def test_profiles_list_json_shows_the_last_run(cli):
    code, out, _err = cli("profiles", "list", "--json")
    assert code == EXIT_OK
    before = by_name(json.loads(out))[SAMPLE_PROFILE_NAME]
    assert (before["name"], before["main_list"], before["last_run"]) == (
        SAMPLE_PROFILE_NAME,
        "Newsletter",
        None,
    )

    cli("sync", SAMPLE_PROFILE_NAME)
    code, out, _err = cli("profiles", "list", "--json")

    after = by_name(json.loads(out))[SAMPLE_PROFILE_NAME]
    assert after["last_run"]["status"] == "completed"
    assert after["last_run"]["created"] == 238
    assert_counts_add_up(after["last_run"])


def test_profiles_export_then_import(cli, tmp_path):
    exported = tmp_path / "bakery.json"
    code, out, _err = cli("profiles", "export", SAMPLE_PROFILE_NAME, str(exported))
    assert code == EXIT_OK
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["name"] == SAMPLE_PROFILE_NAME

    # Same name: refused, with a clear message, and nothing changes.
    code, _out, err = cli("profiles", "import", str(exported))
    assert code == EXIT_CANNOT_START
    assert SAMPLE_PROFILE_NAME in err

    # --replace overwrites it.
    exported.write_text(json.dumps({**data, "main_list": "VIP customers"}), encoding="utf-8")
    code, out, _err = cli("profiles", "import", str(exported), "--replace")
    assert code == EXIT_OK
    assert SAMPLE_PROFILE_NAME in out
    _code, listed = run_json(cli, "profiles", "list")
    assert by_name(listed)[SAMPLE_PROFILE_NAME]["main_list"] == "VIP customers"

    # A new name is added beside it.
    before = sandbox_names(cli)
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps({**data, "name": "Bakery copy"}), encoding="utf-8")
    code, _out, _err = cli("profiles", "import", str(copy))
    assert code == EXIT_OK
    _code, out, _err = cli("profiles", "list")
    assert sorted(out.splitlines()) == sorted([*before, "Bakery copy"])
    assert SAMPLE_PROFILE_NAME in before and XERO_PROFILE_NAME in before


def test_profile_imported_into_another_home_can_sync(cli, tmp_path, monkeypatch):
    exported = tmp_path / "bakery.json"
    assert cli("profiles", "export", SAMPLE_PROFILE_NAME, str(exported))[0] == EXIT_OK
    data = json.loads(exported.read_text(encoding="utf-8"))
    exported.write_text(json.dumps({**data, "name": "From the shop PC"}), encoding="utf-8")
    monkeypatch.setenv("CONTACTBRIDGE_HOME", str(tmp_path / "other-home"))

    assert cli("profiles", "import", str(exported))[0] == EXIT_OK
    code, synced = run_json(cli, "sync", "From the shop PC")

    assert code == EXIT_OK
    assert synced["status"] == "completed"
    assert synced["counts"]["total"] == 246


def test_profiles_import_of_a_file_that_is_not_a_profile(cli, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("not json", encoding="utf-8")

    code, _out, err = cli("profiles", "import", str(junk))

    assert code == EXIT_CANNOT_START
    assert "junk.json" in err


# -- push -------------------------------------------------------------------------------------


def test_push_creates_the_list_and_contacts_then_reuses_its_profile(cli, home, tmp_path):
    people = [
        ["ana@example.com", "Ana", "Lima"],
        ["ben@example.com", "Ben", "Okoro"],
        ["cai@example.com", "Cai", "Wong"],
    ]
    file = write_csv(tmp_path / "walk-ins.csv", ["Email", "First Name", "Last Name"], people)

    code, data = run_json(cli, "push", str(file), "--list", "Walk-ins")

    assert code == EXIT_OK
    assert data["status"] == "completed"
    assert (data["counts"]["total"], data["counts"]["created"]) == (3, 3)
    assert on_list(home, "Walk-ins") == {p[0] for p in people}

    code, again = run_json(cli, "push", str(file), "--list", "Walk-ins")

    assert code == EXIT_OK
    assert again["counts"]["unchanged"] == 3
    assert again["run_id"] != data["run_id"]


def test_push_without_an_email_column_cannot_start(cli, home, tmp_path):
    file = write_csv(tmp_path / "names.csv", ["First Name", "Last Name"], [["Ana", "Lima"]])

    code, out, err = cli("push", str(file), "--list", "Walk-ins")

    assert code == EXIT_CANNOT_START
    assert "No email column" in err
    assert "names.csv" in err
    assert "First Name, Last Name" in err
    assert out == ""
    assert on_list(home, "Walk-ins") == set()


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"ContactBridge {__version__}"
