"""One record of a run in detail: who it is, what happened and why, what the run sent and
what Constant Contact holds for that email now (from ContactBridge's local copy)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.fields import label
from app.core.outcomes import RecordResult
from app.sync.facade.values import RecordDetails
from app.ui.i18n import tr, tr_n

DIALOG_SIZE = (680, 560)  # wished for; never more than the screen's free area


def field_rows(details: RecordDetails) -> list[tuple[str, str, str]]:
    """``(field, sent, held now)`` for every field either side has, email first."""
    sent = details.sent or {}
    held = details.held or {}
    keys = sorted(set(sent) | set(held), key=lambda k: (k != "email", label(k).casefold()))
    return [(label(k), sent.get(k, ""), held.get(k, "")) for k in keys]


class RecordDetailsDialog(QDialog):
    """The details of one result row; ``table`` holds field, sent and held-now columns."""

    def __init__(
        self,
        record: RecordResult,
        outcome: str,
        details: RecordDetails,
        parent: QWidget | None = None,
        *,
        on_activity: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordDetails")
        who = record.name or record.email or record.source_id or tr("Record")
        self.setWindowTitle(tr("%1 — record details").replace("%1", who))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.facts: dict[str, QLabel] = {}
        for key, caption, value in (
            ("name", tr("Name"), record.name),
            ("email", tr("Email"), record.email),
            ("row", tr("Row in the source"), str(record.row) if record.row else ""),
            ("source_id", tr("Record ID in the source"), record.source_id),
            ("contact_id", tr("Constant Contact ID"), record.contact_id),
            ("outcome", tr("Outcome"), outcome),
            ("reason", tr("Reason"), record.reason),
            ("detail", tr("What changed"), record.detail),
        ):
            if not value:
                continue
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(caption + ":", text)
            self.facts[key] = text

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("recordValues")
        self.table.setAccessibleName(tr("Values sent and held now"))
        self.table.setHorizontalHeaderLabels(
            [tr("Field"), tr("Sent by this run"), tr("In Constant Contact now")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        rows = field_rows(details)
        self.table.setRowCount(len(rows))
        for r, (name, sent, held) in enumerate(rows):
            for c, value in enumerate((name, sent, held)):
                item = QTableWidgetItem(value)
                if c and value and sent != held and sent and held:
                    item.setToolTip(tr("Differs from what this run sent"))
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        notes = []
        if details.sent is None:
            notes.append(tr("This run sent nothing for this record."))
        if details.held is None:
            notes.append(
                tr("ContactBridge's copy of Constant Contact holds no contact with this email.")
            )
        else:
            notes.append(
                tr("In Constant Contact: permission “%1”, on %2.")
                .replace("%1", details.permission or tr("not set"))
                .replace("%2", tr_n("%n list", "%n lists", details.list_count))
            )
        notes.append(
            tr(
                "“In Constant Contact now” is ContactBridge's copy as of the last sync; "
                "changes made in Constant Contact since then show after the next one."
            )
        )
        self.note = QLabel(" ".join(notes))
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.activity_button = None
        if on_activity is not None and record.email:
            # What the person did with the campaigns (``app.ui.stats.person``).
            self.activity_button = buttons.addButton(
                tr("Campaign activity…"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.activity_button.clicked.connect(on_activity)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        fit_to_screen(self, *DIALOG_SIZE)


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """Size ``dialog`` to ``width``×``height``, or to 90% of its screen's free area if less."""
    screen = dialog.screen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, int(free.width() * 0.9))
        height = min(height, int(free.height() * 0.9))
    dialog.resize(width, height)
