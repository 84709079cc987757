"""The preview of "Undo this run": what it will restore, contact by contact, before it does.

Removing what the run created (deleting the contacts it created in Constant Contact,
archiving the records it created in the source) is an explicit choice (a box left
unticked); ticking it shows in the table what it adds. The dialog says plainly that
unsubscribes and opt-outs are never undone.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sync.undo_plan import Step
from app.sync.undo_report import UndoReport
from app.ui.dialog_fit import fit_to_screen
from app.ui.i18n import tr, tr_n
from app.ui.settings import UiSettings
from app.ui.widgets import reason_row, set_reason


def step_words(
    step: Step, remove_created: bool = False, source: str = "the source"
) -> tuple[str, str]:
    """(what undo will do, why not / notes) for one entry, in plain words.

    ``remove_created``: the user chose to remove what the run created (the preview was
    made without that choice, so such entries say what the choice adds)."""
    if remove_created and step.created_kept and step.outcome == "skipped":
        return (
            tr("Archived in %1 (unless changed there since)").replace("%1", source),
            "",
        )
    if remove_created and step.outcome is None and step.action == "create" and step.list_remove:
        return tr("Deleted (unless the person unsubscribed)"), "; ".join(step.notes)
    if step.outcome in ("skipped", "failed"):
        return tr("Nothing"), step.reason
    parts = [tr("email back to %1").replace("%1", step.email_back)] if step.email_back else []
    parts += [
        tr("%1 back to “%2”").replace("%1", k.replace("_", " ")).replace("%2", v)
        for k, v in step.restore.items()
    ]
    parts += [tr("%1 emptied").replace("%1", k.replace("_", " ")) for k in step.clear]
    if step.list_remove:
        parts.append(tr("taken off the list"))
    if step.list_add:
        parts.append(tr("put back on the list"))
    if step.delete:
        parts.append(tr("deleted (the sync created it)"))
    parts += [
        tr("%1 back to “%2” in %3").replace("%1", k).replace("%2", v).replace("%3", source)
        for k, v in step.source_restore.items()
    ]
    if step.source_archive:
        parts.append(tr("archived in %1 (the sync created it)").replace("%1", source))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:], "; ".join(step.notes)


def _order(step: Step) -> int:
    """Changed values and notes first, then list-only changes, then what is left alone."""
    if step.outcome is not None:
        return 3 if step.outcome == "skipped" else 2
    changes = step.restore or step.clear or step.email_back or step.source_restore
    return 0 if (changes or step.notes) else 1


class UndoPreviewDialog(QDialog):
    """Shows an undo's dry run; accepted, the caller runs the undo (see ``delete_created``)."""

    def __init__(
        self,
        report: UndoReport,
        parent: QWidget | None = None,
        settings: UiSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(tr("Undo run %1").replace("%1", str(report.undo_of)))
        self.setAccessibleName(self.windowTitle())
        counts = report.tally()
        title = QLabel(
            tr_n(
                "Undoing this run will restore %n contact as it was before it.",
                "Undoing this run will restore %n contacts as they were before it.",
                counts.get("restore", 0),
            )
        )
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        self.summary = QLabel(report.summary_text() + ".")
        self.summary.setWordWrap(True)
        self.unsubscribes = QLabel(
            tr_n(
                "%n unsubscribe will stay: an unsubscribe is never undone, only the person "
                "can opt back in.",
                "%n unsubscribes will stay: an unsubscribe is never undone, only the person "
                "can opt back in.",
                counts["unsubscribes_kept"],
            )
        )
        self.unsubscribes.setWordWrap(True)
        self.unsubscribes.setVisible(counts["unsubscribes_kept"] > 0)
        source = report.source_name
        self.opt_outs = QLabel(
            tr_n(
                "%n opt-out mark in %1 will stay: an opt-out is never undone, only the "
                "person can opt back in.",
                "%n opt-out marks in %1 will stay: an opt-out is never undone, only the "
                "person can opt back in.",
                counts["source_opt_outs_kept"],
            ).replace("%1", source)
        )
        self.opt_outs.setWordWrap(True)
        self.opt_outs.setVisible(counts["source_opt_outs_kept"] > 0)

        self.steps = sorted(report.steps, key=_order)
        self.table = QTableWidget(len(self.steps), 3, self)
        self.table.setHorizontalHeaderLabels([tr("Contact"), tr("Undo will"), tr("Note")])
        self.table.setAccessibleName(tr("What the undo will restore"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.created = sum(
            1 for s in report.steps if s.outcome is None and s.action == "create" and s.list_remove
        )
        self.created_in_source = counts["source_created_kept"]
        self.delete_box = QCheckBox(_removal_choice(self.created, self.created_in_source, source))
        self.delete_box.setVisible(self.created + self.created_in_source > 0)
        self.delete_box.toggled.connect(self._show_choice)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.undo_button = buttons.addButton(
            tr("Undo this run"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        button_row, self.undo_blocked = reason_row(buttons, self)
        self._show_choice(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        for widget in (title, self.summary, self.unsubscribes, self.opt_outs):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.delete_box)
        layout.addLayout(button_row)
        fit_to_screen(self, QSize(900, 600), settings, "undo")

    def _show_choice(self, remove_created: bool) -> None:
        """The table and the button as the removal choice leaves them."""
        source = self.report.source_name
        for row, step in enumerate(self.steps):
            does, note = step_words(step, remove_created, source)
            for col, text in enumerate((step.email or step.key, does, note)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.summary.setText(self.report.summary_text(remove_created) + ".")
        restores = self.report.tally().get("restore", 0)
        can_undo = restores > 0 or (remove_created and self.created_in_source > 0)
        self.undo_button.setEnabled(can_undo)
        if can_undo:
            why = ""
        elif self.created_in_source > 0 and not self.delete_box.isHidden():
            why = tr("Nothing to put back. Tick the box above to remove what this run created.")
        else:
            why = tr("Nothing to undo: this run changed no contact that can be put back.")
        set_reason(self.undo_blocked, why)

    @property
    def delete_created(self) -> bool:
        # Read once the dialog is accepted, so hidden: whether the box is shown in it.
        return not self.delete_box.isHidden() and self.delete_box.isChecked()


def _removal_choice(in_cc: int, in_source: int, source: str) -> str:
    """The words of the box that removes what the run created, on each side it created."""
    if in_cc and in_source:
        return (
            tr(
                "Also delete %1 this run created in Constant Contact (deleting cannot be "
                "undone; anyone who unsubscribed is kept) and archive %2 it created in %3"
            )
            .replace("%1", tr_n("the %n contact", "the %n contacts", in_cc))
            .replace("%2", tr_n("the %n record", "the %n records", in_source))
            .replace("%3", source)
        )
    if in_source:
        return tr_n(
            "Also archive the %n record this run created in %1 (unless changed there since)",
            "Also archive the %n records this run created in %1 (any changed there since stay)",
            in_source,
        ).replace("%1", source)
    return tr_n(
        "Also delete the %n contact this run created, instead of only taking it off the "
        "list (deleting cannot be undone; anyone who unsubscribed is kept)",
        "Also delete the %n contacts this run created, instead of only taking them off the "
        "list (deleting cannot be undone; anyone who unsubscribed is kept)",
        in_cc,
    )
