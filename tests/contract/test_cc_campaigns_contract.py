"""Contract tests: the emulator's campaign and report routes against Constant Contact's spec.

Every request and response of /emails, the campaign summaries, the campaign and activity
stats, the eight tracking reports and the contact activity report is validated; error
statuses are checked as declared, or as undeclared where the live service answers them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from app.sandbox.constant_contact import ConstantContactEmulator
from tests.contract.test_cc_emulator_contract import Checked
from tests.sandbox.cc_support import FakeClock

pytestmark = pytest.mark.contract

REPORTS = (
    "sends",
    "opens",
    "unique_opens",
    "didnotopens",
    "clicks",
    "forwards",
    "optouts",
    "bounces",
)
NOWHERE = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def checked(tmp_path: Path, openapi: Any) -> Iterator[Checked]:
    clock = FakeClock(datetime(2025, 3, 14, 12, 0, tzinfo=UTC))
    emulator = ConstantContactEmulator(
        tmp_path / "state.sqlite3", clock=clock, enforce_limits=False
    )
    emulator.start()
    try:
        with requests.Session() as session:
            yield Checked(emulator, session, openapi)
    finally:
        emulator.stop()


@pytest.fixture
def sent(checked: Checked) -> dict[str, str]:
    """A sent campaign with every kind of activity, a draft, and a deleted campaign."""
    emu = checked.emulator
    ids = {
        "done": emu.seed_campaign(
            "March newsletter",
            ["Regulars"],
            sends=1200,
            open_rate=0.4,
            click_rate=0.1,
            bounce_rate=0.02,
            optout_rate=0.01,
            forward_rate=0.01,
            sent_at=emu.campaign_now() - timedelta(days=3),
        ),
        "draft": emu.create_draft_campaign("Spring sale"),
        "removed": emu.seed_campaign("Old test", ["Regulars"], sends=5, status="Removed"),
    }
    ids["activity"] = emu.campaign_activity_id(ids["done"])
    ids["draft_activity"] = emu.campaign_activity_id(ids["draft"])
    return ids


def _follow(checked: Checked, first: dict[str, Any]) -> list[dict[str, Any]]:
    pages = [first]
    while "next" in pages[-1].get("_links", {}):
        pages.append(checked("GET", pages[-1]["_links"]["next"]["href"], 200))
    return pages


def test_emails(checked: Checked, sent: dict[str, str]) -> None:
    pages = _follow(checked, checked("GET", "/emails?limit=1", 200))
    assert len(pages) == 3 and "_links" not in pages[-1]
    checked(
        "GET", "/emails?after_date=2025-03-01T00:00:00.000Z&before_date=2026-01-01T00:00:00Z", 200
    )
    checked("GET", "/emails?limit=501", 400)
    checked("GET", f"/emails/{sent['done']}", 200)
    checked("GET", f"/emails/{sent['draft']}", 200)
    checked("GET", f"/emails/{NOWHERE}", 404)
    checked("GET", f"/emails/activities/{sent['activity']}", 200)
    checked("GET", f"/emails/activities/{sent['activity']}?include=html_content", 200)
    checked("GET", f"/emails/activities/{sent['draft_activity']}", 200)
    checked("GET", f"/emails/activities/{NOWHERE}", 404)


def test_summaries_and_stats(checked: Checked, sent: dict[str, str]) -> None:
    checked.emulator.seed_campaign("April newsletter", ["Regulars"])
    pages = _follow(
        checked, checked("GET", "/reports/summary_reports/email_campaign_summaries?limit=1", 200)
    )
    assert len(pages) == 3
    checked("GET", "/reports/summary_reports/email_campaign_summaries?limit=0", 400)
    checked("GET", f"/reports/stats/email_campaigns/{sent['done']},{sent['removed']}", 200)
    checked("GET", f"/reports/stats/email_campaigns/{sent['done']},{NOWHERE}", 404)
    checked("GET", f"/reports/stats/email_campaigns/{sent['draft']}", 404)
    too_many = ",".join(str(uuid.uuid4()) for _ in range(151))
    checked("GET", f"/reports/stats/email_campaigns/{too_many}", 400)
    activities = f"{sent['activity']},{sent['draft_activity']},{NOWHERE}"
    body = checked("GET", f"/reports/stats/email_campaign_activities/{activities}", 200)
    assert len(body["results"]) == 1 and len(body["errors"]) == 2
    checked("GET", "/reports/stats/email_campaign_activities/not-an-id", 404)


def test_tracking_reports(checked: Checked, sent: dict[str, str]) -> None:
    base = f"/reports/email_reports/{sent['activity']}/tracking"
    for report in REPORTS:
        pages = _follow(checked, checked("GET", f"{base}/{report}?limit=300", 200))
        assert pages[0]["tracking_activities"], report
    assert len(_follow(checked, checked("GET", f"{base}/sends", 200))) == 3  # 1200 at 500
    url_id = checked("GET", f"{base}/clicks?limit=1", 200)["tracking_activities"][0]["url_id"]
    checked("GET", f"{base}/clicks?url_id={url_id}", 200)
    checked("GET", f"{base}/bounces?bounce_code=B&bounce_code=F", 200)
    checked("GET", f"{base}/opens?limit=501", 400)
    checked("GET", f"/reports/email_reports/{sent['draft_activity']}/tracking/sends", 404)
    checked("GET", f"/reports/email_reports/{NOWHERE}/tracking/opens", 404)


def test_contact_activity_details(checked: Checked, sent: dict[str, str]) -> None:
    base = f"/reports/email_reports/{sent['activity']}/tracking"
    clicker = checked("GET", f"{base}/clicks?limit=1", 200)["tracking_activities"][0]
    path = f"/reports/contact_reports/{clicker['contact_id']}/activity_details"
    page = checked(
        "GET", f"{path}?tracking_activities_list=em_sends,em_opens,em_clicks&limit=1", 200
    )
    assert len(_follow(checked, page)) >= 3
    checked(
        "GET", f"{path}?tracking_activity_type=em_clicks&include_campaign_activity_names=false", 200
    )
    checked("GET", f"{path}?tracking_activities_list=em_sends&limit=101", 400)


def test_quota_exceeded_on_report_routes(tmp_path: Path, openapi: Any) -> None:
    with (
        ConstantContactEmulator(
            tmp_path / "q.sqlite3", rate_per_second=1000, daily_quota=2
        ) as emulator,
        requests.Session() as session,
    ):
        checked = Checked(emulator, session, openapi)
        campaign_id = emulator.seed_campaign("Newsletter", ["Regulars"], sends=10)
        activity = emulator.campaign_activity_id(campaign_id)
        checked("GET", "/emails", 200)
        checked("GET", f"/reports/email_reports/{activity}/tracking/opens", 200)
        # The tracking reports and the stats declare no 429; the live service sends it anyway.
        checked("GET", f"/reports/email_reports/{activity}/tracking/opens", 429, live_only=True)
        checked("GET", "/emails", 429)
