"""The Constant Contact campaigns and reports client: campaigns, summaries, tracking reports.

It speaks through the contacts client's ``ApiSession`` (``ConstantContactClient.api``), so it
shares its sign-in, retries, throttle (4 requests a second per API key) and the daily quota
stop (``QuotaExceeded`` on a ``429 quota_exceeded``). It counts its own requests, so a
statistics pull can say how many it used.

The tracking reports come newest first, 500 rows a page, with no date filter: the caller
reads pages until it reaches rows it has (``tracking_page`` reads one page, from the report's
start or from a ``next`` link kept from an earlier page).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.connectors.http import ApiSession
from app.core.campaign_stats import (
    KIND_OF_REPORT,
    REPORT_STATS,
    CampaignInfo,
    SummaryCounts,
    TrackingRow,
    kind_of_tracking_type,
    stamp,
)
from app.core.email_address import email_key

PAGE = 500  # the most the campaigns, summaries and tracking reports give a page
STATS_IDS = 10  # activity ids an activity stats request takes
# Activities whose reports exist (a permalink has none).
REPORTED_ROLES = frozenset({"primary_email", "resend"})


@dataclass(frozen=True)
class TrackingPage:
    """One page of a tracking report: its rows, newest first, and the next page's link."""

    rows: list[TrackingRow]
    next_href: str | None


def parse_time(text: Any) -> datetime | None:
    """An API timestamp ("2024-06-01T10:00:00.000Z") as an aware datetime; None if absent."""
    if not text:
        return None
    value = str(text).strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _iso(value: datetime) -> str:
    return stamp(value).replace("+00:00", "Z")


def _next_href(data: Mapping[str, Any]) -> str | None:
    href = ((data.get("_links") or {}).get("next") or {}).get("href")
    return str(href) if href else None


def _name(item: Mapping[str, Any]) -> str:
    return " ".join(str(item.get(k) or "").strip() for k in ("first_name", "last_name")).strip()


def tracking_row(item: Mapping[str, Any], report: str) -> TrackingRow | None:
    """A report row as kept; None for a row without a contact or a readable time."""
    when = parse_time(item.get("created_time"))
    contact_id = str(item.get("contact_id") or "")
    if when is None or not contact_id:
        return None
    kind = kind_of_tracking_type(str(item.get("tracking_activity_type") or ""), report)
    code = ""
    if kind == "bounce":
        code = str(item.get("bounce_code") or "")
    elif kind == "optout":
        code = str(item.get("opt_out_reason") or "")
    return TrackingRow(
        activity_id=str(item.get("campaign_activity_id") or ""),
        kind=kind,
        contact_id=contact_id,
        email=email_key(str(item.get("email_address") or "")),
        name=_name(item),
        at=stamp(when),
        link=str(item.get("link_url") or "") if kind == "click" else "",
        code=code,
    )


def campaign_info(item: Mapping[str, Any]) -> CampaignInfo:
    return CampaignInfo(
        campaign_id=str(item["campaign_id"]),
        name=str(item.get("name") or ""),
        status=str(item.get("current_status") or ""),
        created_at=parse_time(item.get("created_at")),
        updated_at=parse_time(item.get("updated_at")),
    )


def summary_counts(item: Mapping[str, Any]) -> SummaryCounts:
    counts = item.get("unique_counts") or {}

    def n(key: str) -> int:
        try:
            return int(counts.get(key) or 0)
        except (TypeError, ValueError):
            return 0

    return SummaryCounts(
        campaign_id=str(item["campaign_id"]),
        sent_at=parse_time(item.get("last_sent_date")),
        sends=n("sends"),
        opens=n("opens"),
        clicks=n("clicks"),
        forwards=n("forwards"),
        optouts=n("optouts"),
        abuse=n("abuse"),
        bounces=n("bounces"),
        not_opened=n("not_opened"),
    )


class CampaignReportsClient:
    """Reads email campaigns and their reports.

    Args:
        api: the session of a ``ConstantContactClient`` (its ``api`` attribute).
        page_size: rows a page (tests lower it to exercise paging).

    Attributes:
        requests: the requests this client made (each page is one).
    """

    def __init__(self, api: ApiSession, page_size: int = PAGE) -> None:
        self.api = api
        self.page_size = page_size
        self.requests = 0

    def _get(self, template: str, **kwargs: Any) -> dict[str, Any]:
        self.requests += 1
        return dict(self.api.get(template, **kwargs) or {})

    def campaigns(self, updated_after: datetime | None = None) -> Iterator[CampaignInfo]:
        """Campaigns (deleted ones too) changed after a time, newest first, every page."""
        params: dict[str, Any] = {"limit": self.page_size}
        if updated_after is not None:
            params["after_date"] = _iso(updated_after)
        data = self._get("/emails", params=params)
        while True:
            for item in data.get("campaigns") or []:
                if item.get("campaign_id"):
                    yield campaign_info(item)
            href = _next_href(data)
            if href is None:
                return
            data = self._get("/emails", url=href)

    def campaign(self, campaign_id: str) -> tuple[CampaignInfo, list[tuple[str, str]]]:
        """One campaign and its activities that have reports, as ``(activity id, role)``."""
        data = self._get("/emails/{campaign_id}", path_params={"campaign_id": campaign_id})
        activities = [
            (str(a["campaign_activity_id"]), str(a.get("role") or ""))
            for a in data.get("campaign_activities") or []
            if a.get("campaign_activity_id") and a.get("role") in REPORTED_ROLES
        ]
        return campaign_info({"campaign_id": campaign_id, **data}), activities

    def summaries(self, sent_after: datetime | None = None) -> Iterator[SummaryCounts]:
        """Each sent campaign's unique counts, last sent first; paging stops at campaigns
        last sent before ``sent_after``."""
        data = self._get(
            "/reports/summary_reports/email_campaign_summaries", params={"limit": self.page_size}
        )
        while True:
            older = False
            for item in data.get("bulk_email_campaign_summaries") or []:
                if not item.get("campaign_id"):
                    continue
                counts = summary_counts(item)
                if sent_after is not None and counts.sent_at and counts.sent_at < sent_after:
                    older = True
                    continue
                yield counts
            href = _next_href(data)
            if href is None or older:
                return
            data = self._get("/reports/summary_reports/email_campaign_summaries", url=href)

    def activity_counts(self, activity_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """What the activity stats say each live report holds (``REPORT_STATS``), by activity
        id and report, 10 activities a request. An activity without stats (deleted, a
        draft's) is left out."""
        out: dict[str, dict[str, int]] = {}
        for start in range(0, len(activity_ids), STATS_IDS):
            batch = activity_ids[start : start + STATS_IDS]
            data = self._get(
                "/reports/stats/email_campaign_activities/{campaign_activity_ids}",
                path_params={"campaign_activity_ids": ",".join(batch)},
            )
            for result in data.get("results") or []:
                stats = result.get("stats") or {}
                counts = {}
                for report, (stat, _unique) in REPORT_STATS.items():
                    value = stats.get(stat)
                    if isinstance(value, int):
                        counts[report] = value
                out[str(result.get("campaign_activity_id") or "")] = counts
        return out

    def tracking_page(self, activity_id: str, report: str, href: str | None = None) -> TrackingPage:
        """One page of a tracking report (``report``: sends, opens, clicks, forwards,
        optouts, bounces or didnotopens): the first, or the one ``href`` points at.

        Raises:
            NotFound: the activity has no reports (a draft's, or a deleted campaign's).
        """
        if report not in KIND_OF_REPORT:
            raise ValueError(f"not a tracking report: {report}")
        template = f"/reports/email_reports/{{campaign_activity_id}}/tracking/{report}"
        if href is None:
            data = self._get(
                template,
                path_params={"campaign_activity_id": activity_id},
                params={"limit": self.page_size},
            )
        else:
            data = self._get(template, url=href)
        rows = []
        for item in data.get("tracking_activities") or []:
            row = tracking_row(item, report)
            if row is not None:
                rows.append(row if row.activity_id else row._replace(activity_id=activity_id))
        return TrackingPage(rows, _next_href(data))
