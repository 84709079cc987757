"""Exporting a statistics table to CSV or Excel: the rows shown, in the order shown, named
for the page and the date in the documents folder (``app.ui.export_path``), written in the
background by ``service.reports.export``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from app.sync.exports import Sheet
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.errors import show_error
from app.ui.export_path import export_path
from app.ui.i18n import tr
from app.ui.lists.confirm import ChooseFile, choose_save_file
from app.ui.lists.rows_model import Column
from app.ui.lists.tasks import run_task
from app.ui.theme import icon


def sheet_of(title: str, columns: Sequence[Column[Any]], rows: Sequence[Any]) -> Sheet:
    """A table as a sheet: the columns' headers, and each row's cells. A ``StatColumn``
    gives its own cell (a number, a local time), so a spreadsheet sorts them as such."""

    def cell(column: Column[Any], row: Any) -> Any:
        value = getattr(column, "cell", None)
        return value(row) if value is not None else column.text(row)

    def header(column: Column[Any]) -> str:
        return getattr(column, "sheet_header", "") or column.header

    return Sheet(
        title,
        tuple(header(c) for c in columns),
        [tuple(cell(c, r) for c in columns) for r in rows],
    )


Sheets = Callable[[], list[Sheet]]


class ExportButton(QWidget):
    """ "Export" with a menu (Excel, CSV) and a line that says what was saved.

    Args:
        sheets: the sheets to write (the table as shown); CSV takes the first.
        title: the page's name for the file ("Spring sale – 2026-12-07 campaign stats.csv").
        what: the words after the date.

    Signals:
        export_finished(str, int): the file written and how many rows it holds.
    """

    export_finished = Signal(str, int)

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        sheets: Sheets,
        title: Callable[[], str],
        what: str,
        parent: QWidget | None = None,
        *,
        choose_file: ChooseFile = choose_save_file,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.sheets = sheets
        self.title = title
        self.what = what
        self.choose_file = choose_file
        self.today = today
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setAccessibleName(tr("Export status"))
        self.button = QToolButton()
        self.button.setText(tr("E&xport"))
        self.button.setIcon(icon("export"))
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setAccessibleName(tr("Export"))
        self.button.setToolTip(tr("Save this table, as shown, to Excel or CSV"))
        menu = QMenu(self.button)
        menu.addAction(tr("To Excel (.xlsx)…"), lambda: self.export("xlsx"))
        menu.addAction(tr("To CSV…"), lambda: self.export("csv"))
        self.button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.button)
        self._busy = False

    def set_available(self, enabled: bool) -> None:
        self.button.setEnabled(enabled and not self._busy)

    def suggested_path(self, fmt: str) -> Path:
        return export_path(self.title() or "ContactBridge", self.today(), self.what, fmt)

    def export(self, fmt: str) -> None:
        """Ask where, then write in the background."""
        name_filter = tr("Excel workbooks (*.xlsx)") if fmt == "xlsx" else tr("CSV files (*.csv)")
        self.choose_file(
            self,
            tr("Export"),
            name_filter,
            str(self.suggested_path(fmt)),
            lambda path: self.export_to(Path(path), fmt),
        )

    def export_to(self, path: Path, fmt: str) -> None:
        sheets = self.sheets()
        reports = self.service.reports
        kind = "xlsx" if fmt == "xlsx" else "csv"

        def write(cancel: CancelToken) -> tuple[Path, int]:
            return path, reports.export(path, sheets, kind, cancel)

        self._busy = True
        self.button.setEnabled(False)
        self.note.setText(tr("Exporting…"))
        run_task(self, self.tasks, write, self._on_exported, self._on_failed, name="stats-export")

    def _on_exported(self, written: tuple[Path, int]) -> None:
        path, count = written
        self._busy = False
        self.button.setEnabled(True)
        self.note.setText(
            tr("Saved %1 rows to %2").replace("%1", f"{count:,}").replace("%2", path.name)
        )
        self.note.setToolTip(str(path))
        self.export_finished.emit(str(path), count)

    def _on_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.button.setEnabled(True)
        self.note.clear()
        show_error(self, exc)
