"""The columns of a table of runs, shared by run history and reports.

When, (which profile,) what kind, the result, then the run's counts in the vocabulary of
``app.core.vocabulary`` (the words of the result tiles), and its message. Which counts show
depends on the runs: the source's side only when some run went that way, removals and
unsubscribes only when some run has them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtWidgets import QTableView

from app.core.outcomes import RunStatus, RunSummary
from app.core.vocabulary import RunTallies, Side, Tally, Term, shown_terms
from app.ui.i18n import tr
from app.ui.lists.rows_model import Column
from app.ui.theme import tone_icon
from app.ui.wording import column_words, message_words, status_words, term_words, when_words

# Widths of the columns before the counts (Started, Profile, Kind, Result).
LEAD_WIDTHS = {"started": 110, "profile": 180, "kind": 70, "result": 140}


def is_dry(run: RunSummary) -> bool:
    return run.dry_run or run.status is RunStatus.DRY_RUN


def kind_of(run: RunSummary) -> str:
    """ "Dry run", "Sync", or "Undo of run N"."""
    if is_dry(run):
        return tr("Dry run")
    if "undo_of" in run.extra:
        return tr("Undo of run %1").replace("%1", str(run.extra["undo_of"]))
    return tr("Sync")


def count_terms(runs: Sequence[RunSummary]) -> tuple[tuple[Term, ...], str]:
    """The counts to show for these runs, and the source's name for their words (blank when
    the runs that went to a source went to different kinds).

    Those of the results tiles, but on the source's side only the counts some run has (and
    its failures): a table has less room than the tiles.
    """
    tallies = [RunTallies.of_summary(r) for r in runs]
    names = {r.source_name for r, t in zip(runs, tallies, strict=True) if t.two_way}
    terms = tuple(
        t
        for t in shown_terms(tallies)
        if t.side is Side.TO_CONSTANT_CONTACT
        or t.tally is Tally.FAILED
        or any(found.side(t.side).get(t.tally) for found in tallies)
    )
    return terms, next(iter(names)) if len(names) == 1 else ""


def two_lines(text: str) -> str:
    """A long header on two lines, broken at the space nearest its middle."""
    if len(text) <= 9 or " " not in text:
        return text
    middle = len(text) / 2
    cut = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


def run_columns(
    runs: Sequence[RunSummary] = (),
    *,
    with_profile: bool = True,
    live: Collection[int] = frozenset(),
) -> tuple[Column[RunSummary], ...]:
    """The columns for these runs (with none: the counts every run has); ``live`` holds the
    ids of runs in progress (any other run left "running" was interrupted)."""
    tallies = {r.run_id: RunTallies.of_summary(r) for r in runs}
    terms, source = count_terms(runs)

    def count(t: Term) -> Column[RunSummary]:
        def n(r: RunSummary) -> int:
            found = tallies.get(r.run_id) or RunTallies.of_summary(r)
            return found.side(t.side).get(t.tally)

        return Column(
            two_lines(column_words(t, source)),
            lambda r: f"{n(r):,}",
            sort=n,
            numeric=True,
            header_tip=term_words(t, False, source),
        )

    profile = (Column(tr("Profile"), lambda r: r.profile_name),) if with_profile else ()
    return (
        Column(
            tr("Started"),
            lambda r: when_words(r.started_at),
            sort=lambda r: (r.started_at, r.run_id),
        ),
        *profile,
        Column(tr("Kind"), kind_of),
        Column(
            tr("Result"),
            lambda r: status_words(r, r.run_id in live)[0],
            icon=lambda r: tone_icon(status_words(r, r.run_id in live)[1]),
            tooltip=message_words,
        ),
        *(count(t) for t in terms),
        Column(tr("Message"), message_words, tooltip=message_words),
    )


def size_run_columns(view: QTableView, with_profile: bool = True) -> None:
    """Give the leading columns their widths and each count column its header's."""
    header = view.horizontalHeader()
    model = view.model()
    lead = [w for k, w in LEAD_WIDTHS.items() if with_profile or k != "profile"]
    metrics = view.fontMetrics()
    for col in range(model.columnCount() - 1):
        if col < len(lead):
            header.resizeSection(col, lead[col])
        else:
            text = str(model.headerData(col, header.orientation()) or "")
            widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
            header.resizeSection(col, max(52, widest + 22))
