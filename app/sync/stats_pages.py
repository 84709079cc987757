"""Reading one tracking report of one campaign activity back to its high-water mark.

The reports come newest first with no date filter, so a pass pages from the newest row back
to the last pass's mark (the newest time it saw), with an overlap for late rows: a row can
arrive after the pass that would have read it, with a time just before that pass's mark.

A report's first pass reads it to the end. Later passes of a live report stop at the first
of:
- the end of the report;
- a page that reaches a row older than ``mark - OVERLAP`` (the floor: everything later than
  that has been read, late rows included);
- a page after which the rows kept match what the activity stats count for the report
  (``expected``): nothing is missing, so the rest of the overlap need not be read. When the
  count matches before the pass, the report is not read at all.

So a pull that finds a few hundred new opens costs a page or two of the opens report and
nothing for the reports that did not change, while a late row somewhere in the overlap
keeps the pass going until it is found (or the floor is reached).

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
from app.core.campaign_stats import KIND_OF_REPORT, REPORT_STATS, SETTLED_REPORTS, stamp
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
    expected: int | None = None,
) -> ReportRead:
    """Page one report back to its mark (see the module's docstring); returns what it did.

    Args:
        expected: what the activity stats count for the report (``REPORT_STATS``), if known.

    Raises:
        Cancelled: ``cancel`` was set (checked before each page; the pages read are kept).
        QuotaExceeded: the daily quota ran out (the pages read are kept).
    """
    state = repo.mark(connection_id, activity_id, report)
    if state.done:
        return ReportRead(mark=state.mark)
    settled = report in SETTLED_REPORTS
    mark = None if settled else state.mark
    floor_text = stamp(mark - OVERLAP) if mark is not None else None

    def complete() -> bool:
        if mark is None or expected is None or report not in REPORT_STATS:
            return False  # a first pass reads to the end: the stats may lag the report
        unique = REPORT_STATS[report][1]
        kind = KIND_OF_REPORT[report]
        return repo.report_count(connection_id, activity_id, kind, unique) >= expected

    if state.cursor is None and complete():
        return ReportRead(mark=mark)  # nothing new: no request
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
            newest = _later(newest, datetime.fromisoformat(max(r.at for r in rows)))
        (added,) = repo.save_page(
            connection_id,
            campaign_id,
            activity_id,
            report,
            cursor=page.next_href,
            pending=newest,
            groups=(rows,),
        )
        new += added
        below_floor = floor_text is not None and any(r.at <= floor_text for r in rows)
        if page.next_href is None or below_floor or complete():
            final = _later(newest, state.mark)
            repo.end_pass(connection_id, activity_id, report, final, done=settled)
            return ReportRead(pages, new, final)
        href = page.next_href
