"""Reading one tracking report of one campaign activity back to its high-water mark.

The reports come newest first with no date filter, so a pass pages from the newest row back
to the last pass's mark (the newest time it saw), with an overlap for late rows: a row can
arrive after the pass that would have read it, with a time just before that pass's mark.

A pass stops:
- at the end of the report;
- on a page that reaches a row older than ``mark - OVERLAP`` (everything later was read);
- on a page that reaches the mark with none of its rows at or before the mark new (the rows
  read last time are there, and no late ones among them): the overlap is read only while it
  keeps turning up late rows, so a pull that finds a few hundred new opens costs one page.

``sends`` and ``didnotopens`` (``SETTLED_REPORTS``) are read once, to the end, when the
campaign is done; the mark then says ``done``. Each page is stored with the link to the next
one in one transaction (``CampaignPullRepository.save_page``), so a pull stopped between
pages resumes at the next page and keeps nothing twice (the store's unique key drops a row
read again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.connectors.campaign_reports import CampaignReportsClient
from app.core.campaign_stats import SETTLED_REPORTS, stamp
from app.core.errors import NotFound
from app.store.campaign_pull_repo import CampaignPullRepository
from app.sync.progress import CancelToken

OVERLAP = timedelta(hours=2)


@dataclass(frozen=True)
class ReportRead:
    """What one pass over one report did."""

    pages: int = 0
    new: int = 0
    mark: datetime | None = None


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


def read_report(
    client: CampaignReportsClient,
    repo: CampaignPullRepository,
    connection_id: int,
    campaign_id: str,
    activity_id: str,
    report: str,
    cancel: CancelToken | None = None,
) -> ReportRead:
    """Page one report back to its mark (see the module's docstring); returns what it did.

    Raises:
        Cancelled: ``cancel`` was set (checked before each page; the pages read are kept).
        QuotaExceeded: the daily quota ran out (the pages read are kept).
    """
    state = repo.mark(connection_id, activity_id, report)
    if state.done:
        return ReportRead(mark=state.mark)
    settled = report in SETTLED_REPORTS
    mark = None if settled else state.mark
    mark_text = stamp(mark) if mark is not None else None
    floor_text = stamp(mark - OVERLAP) if mark is not None else None
    href, newest = state.cursor, state.pending
    pages = new = 0
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            page = client.tracking_page(activity_id, report, href)
        except NotFound:
            # A deleted campaign's activity, or a report that does not exist: nothing to read,
            # now or later.
            repo.end_pass(connection_id, activity_id, report, _later(newest, mark), done=True)
            return ReportRead(pages, new, _later(newest, mark))
        pages += 1
        rows = page.rows
        if rows:
            top = max(r.at for r in rows)
            newest = _later(newest, datetime.fromisoformat(top))
        if mark_text is None:
            later, known = list(rows), []
        else:
            later = [r for r in rows if r.at > mark_text]
            known = [r for r in rows if r.at <= mark_text]
        new_later, new_known = repo.save_page(
            connection_id,
            campaign_id,
            activity_id,
            report,
            cursor=page.next_href,
            pending=newest,
            groups=(later, known),
        )
        new += new_later + new_known
        below_floor = floor_text is not None and any(r.at <= floor_text for r in known)
        nothing_late = bool(known) and new_known == 0
        if page.next_href is None or below_floor or nothing_late:
            final = _later(newest, state.mark)
            repo.end_pass(connection_id, activity_id, report, final, done=settled)
            return ReportRead(pages, new, final)
        href = page.next_href
