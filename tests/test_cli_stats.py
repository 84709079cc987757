"""``stats pull`` and ``stats export`` on the sandbox, and ``run-due``'s statistics pull."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli import EXIT_CANNOT_START, EXIT_OK
from app.sandbox.constant_contact import ConstantContactEmulator
from app.store.db import close_database, open_database

PULL_KEYS = {"campaigns", "events_new", "events_total", "requests"}


@pytest.fixture
def campaign(cli, home: Path) -> str:
    """The sandbox, with one campaign sent to 100 people (seeded in its emulator's state)."""
    assert cli("profiles", "list")[0] == EXIT_OK  # makes the sandbox
    emu = ConstantContactEmulator(home / "emulator" / "constant-contact.sqlite3")
    try:
        emu.clear_campaigns()  # the sandbox's samples: these tests count campaigns
        return emu.seed_campaign("June news", ["Newsletter"], sends=100)
    finally:
        emu.stop()


def test_stats_pull_json_is_one_object_with_the_contract_keys(cli, campaign) -> None:
    code, out, _ = cli("stats", "pull", "--json")
    assert code == EXIT_OK
    first = json.loads(out)
    assert set(first) >= PULL_KEYS
    assert first["campaigns"] == 1 and first["events_new"] == first["events_total"] > 100
    assert first["requests"] >= 9 and first["stopped"] is None

    code, out, _ = cli("stats", "pull", "--json")
    again = json.loads(out)
    assert again["events_new"] == 0 and again["events_total"] == first["events_total"]
    assert again["requests"] < first["requests"]


def test_stats_pull_says_what_it_found(cli, campaign) -> None:
    code, out, _ = cli("stats", "pull")
    assert code == EXIT_OK
    assert "campaigns:  1 (1 new)" in out
    assert "events:" in out and "new)" in out
    assert "requests:" in out
    assert "high-water marks:" in out and "/opens: 20" in out


def test_stats_export_csv_and_one_campaigns_people_to_excel(cli, campaign, tmp_path) -> None:
    assert cli("stats", "pull")[0] == EXIT_OK
    out_csv = tmp_path / "campaigns.csv"
    code, out, _ = cli("stats", "export", str(out_csv))
    assert code == EXIT_OK and str(out_csv) in out
    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["Campaign"], r["Sends"], r["Opens"]) for r in rows] == [("June news", "100", "30")]

    out_xlsx = tmp_path / "june.xlsx"
    assert cli("stats", "export", str(out_xlsx), "--campaign", "june NEWS")[0] == EXIT_OK
    sheet = load_workbook(out_xlsx).worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["Email", "Name", "Opens", "Clicks"]
    assert sheet.max_row == 1 + 100  # one row a person sent to


def test_stats_export_refuses_another_suffix_or_an_unknown_campaign(cli, campaign, tmp_path):
    code, _, err = cli("stats", "export", str(tmp_path / "campaigns.pdf"))
    assert code == EXIT_CANNOT_START
    assert "campaigns.pdf" in err and ".csv or .xlsx" in err and "Traceback" not in err
    cli("stats", "pull")
    code, _, err = cli("stats", "export", str(tmp_path / "x.csv"), "--campaign", "Nope")
    assert code == EXIT_CANNOT_START
    assert "no campaign named “Nope”" in err and "June news" in err
    assert not (tmp_path / "x.csv").exists()


def test_run_due_pulls_statistics_when_their_schedule_says(cli, campaign, home) -> None:
    from app.store.campaign_pull_repo import CampaignPullRepository
    from app.store.campaign_stats_repo import CampaignStatsRepository

    code, out, _ = cli("run-due", "--json")
    assert code == EXIT_OK
    assert not [i for i in json.loads(out) if i.get("kind") == "stats"]  # nightly: not yet

    open_database(home / "contactbridge.sqlite3")
    try:
        CampaignStatsRepository().set_schedule("hourly")
        CampaignPullRepository().set_state(1, tried_at=datetime.now(UTC) - timedelta(hours=2))
    finally:
        close_database()
    code, out, _ = cli("run-due", "--json")
    assert code == EXIT_OK
    (item,) = [i for i in json.loads(out) if i.get("kind") == "stats"]
    assert item["status"] == "pulled" and item["campaigns"] == 1 and item["events_new"] > 0

    code, out, _ = cli("run-due")
    assert "Campaign statistics" not in out  # pulled a moment ago: due in an hour
