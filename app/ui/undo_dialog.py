"""The preview of "Undo this run": what it will restore, contact by contact, before it does.

Deleting the contacts the run created is an explicit choice (a box left unticked), and the
dialog says plainly that unsubscribes are never undone.
"""

from __future__ import annotations

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

from app.sync.undo import UndoReport
from app.sync.undo_plan import Step
from app.ui.i18n import tr


def step_words(step: Step) -> tuple[str, str]:
    """(what undo will do, why not / notes) for one entry, in plain words."""
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
    return "; ".join(parts).capitalize(), "; ".join(step.notes)


def _order(step: Step) -> int:
    """Changed values and notes first, then list-only changes, then what is left alone."""
    if step.outcome is not None:
        return 3 if step.outcome == "skipped" else 2
    return 0 if (step.restore or step.clear or step.email_back or step.notes) else 1


class UndoPreviewDialog(QDialog):
    """Shows an undo's dry run; accepted, the caller runs the undo (see ``delete_created``)."""

    def __init__(self, report: UndoReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(tr("Undo run %1").replace("%1", str(report.undo_of)))
        self.setAccessibleName(self.windowTitle())
        counts = report.tally()
        title = QLabel(
            tr("Undoing this run will restore %1 contact(s) as they were before it.").replace(
                "%1", str(counts.get("restore", 0))
            )
        )
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        self.summary = QLabel(report.summary_text() + ".")
        self.summary.setWordWrap(True)
        self.unsubscribes = QLabel(
            tr(
                "%1 unsubscribe(s) will stay: an unsubscribe is never undone, only the person "
                "can opt back in."
            ).replace("%1", str(counts["unsubscribes_kept"]))
        )
        self.unsubscribes.setWordWrap(True)
        self.unsubscribes.setVisible(counts["unsubscribes_kept"] > 0)

        self.table = QTableWidget(len(report.steps), 3, self)
        self.table.setHorizontalHeaderLabels([tr("Contact"), tr("Undo will"), tr("Note")])
        self.table.setAccessibleName(tr("What the undo will restore"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, step in enumerate(sorted(report.steps, key=_order)):
            does, note = step_words(step)
            for col, text in enumerate((step.email or step.key, does, note)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.created = sum(
            1 for s in report.steps if s.outcome is None and s.action == "create" and s.list_remove
        )
        self.delete_box = QCheckBox(
            tr(
                "Also delete the %1 contact(s) this run created, instead of only taking them "
                "off the list (deleting cannot be undone; anyone who unsubscribed is kept)"
            ).replace("%1", str(self.created))
        )
        self.delete_box.setVisible(self.created > 0)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.undo_button = buttons.addButton(
            tr("Undo this run"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.undo_button.setEnabled(report.tally().get("restore", 0) > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        for widget in (title, self.summary, self.unsubscribes):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.delete_box)
        layout.addWidget(buttons)
        self.resize(900, 600)

    @property
    def delete_created(self) -> bool:
        return self.delete_box.isVisible() and self.delete_box.isChecked()
