"""A table of runs above the selected run's results: shared by run history and reports."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from app.ui.results.results_view import ResultsView


def runs_over_results(
    view: QTableView,
    label: QLabel,
    results: ResultsView,
    sizes: tuple[int, int],
    top_stretch: int = 1,
) -> QSplitter:
    """The runs table on top; below it a status line and the results (hidden until chosen)."""
    results.hide()
    lower = QWidget()
    lower_layout = QVBoxLayout(lower)
    lower_layout.setContentsMargins(0, 8, 0, 0)
    lower_layout.addWidget(label)
    lower_layout.addWidget(results, 1)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(view)
    splitter.addWidget(lower)
    splitter.setStretchFactor(0, top_stretch)
    splitter.setStretchFactor(1, 3)
    splitter.setChildrenCollapsible(False)
    splitter.setSizes(list(sizes))
    return splitter
