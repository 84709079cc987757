"""Opens and clicks per day, drawn with pyqtgraph (a Qt-native plotting library)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import pyqtgraph as pg

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from app.core.campaign_stats import ActivityPoint
from app.ui.i18n import tr
from app.ui.theme import Tone, current_palette

MAX_DAYS = 366  # a longer history is shown from its last year


def filled_days(points: Sequence[ActivityPoint]) -> list[ActivityPoint]:
    """One point a day from the first to the last, days without activity at zero (a gap
    would otherwise read as a straight line over it)."""
    if not points:
        return []
    by_day = {p.day: p for p in points}
    first, last = min(by_day), max(by_day)
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    days = (last - first).days + 1
    return [
        by_day.get(d, ActivityPoint(d, 0, 0))
        for d in (first + timedelta(days=n) for n in range(days))
    ]


def day_ticks(days: Sequence[date], most: int = 10) -> list[tuple[int, str]]:
    """Labels for at most ``most`` of the days ("5 Dec"), evenly spaced, the first always."""
    step = max(1, math.ceil(len(days) / most))
    return [(i, f"{d.day} {d.strftime('%b')}") for i, d in enumerate(days) if i % step == 0]


class ActivityChart(QWidget):
    """Bars of opens and clicks a day, side by side, with a legend; "no activity yet" when
    there is none. ``series`` holds what is drawn: (day stamps, opens, clicks)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Opens and clicks per day"))
        palette = current_palette()
        self.plot = pg.PlotWidget()
        self.plot.setBackground(palette.tokens.get("card", "#ffffff"))
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        item = self.plot.getPlotItem()
        text = palette.tokens.get("text", "#111827")
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen(text)
            item.getAxis(axis).setPen(palette.tokens.get("border", "#d1d5db"))
        self.open_color = palette.tone(Tone.INFO)
        self.click_color = palette.tone(Tone.WARNING)
        # The key sits above the plot, where it never covers a bar.
        self.key = QLabel(
            f'<span style="color:{self.open_color.name()}">■</span> {tr("Opens")}'
            f'&nbsp;&nbsp;&nbsp;<span style="color:{self.click_color.name()}">■</span> '
            f"{tr('Clicks')}"
        )
        self.key.setAccessibleName(tr("Opens in blue, clicks in orange"))
        plotted = QWidget()
        plotted_layout = QVBoxLayout(plotted)
        plotted_layout.setContentsMargins(0, 0, 0, 0)
        plotted_layout.setSpacing(2)
        plotted_layout.addWidget(self.key, 0, Qt.AlignmentFlag.AlignRight)
        plotted_layout.addWidget(self.plot, 1)
        self.plotted = plotted
        self.empty = QLabel(tr("No opens or clicks yet."))
        self.empty.setObjectName("hint")
        self.empty.setAccessibleName(self.empty.text())
        self.empty.setMinimumHeight(60)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(plotted)
        self.stack.addWidget(self.empty)
        self.series: tuple[list[date], list[int], list[int]] = ([], [], [])
        self.set_points([])

    def set_points(self, points: Sequence[ActivityPoint]) -> None:
        days = filled_days(points)
        xs = list(range(len(days)))  # a day each, labelled with its date (not a time axis)
        opens = [p.opens for p in days]
        clicks = [p.clicks for p in days]
        self.series = ([p.day for p in days], opens, clicks)
        self.plot.clear()
        if not any(opens) and not any(clicks):
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentWidget(self.plotted)
        self.plot.getPlotItem().getAxis("bottom").setTicks(
            [day_ticks(self.series[0]), [(x, "") for x in xs]]
        )
        width = 0.38
        for values, color, offset in (
            (opens, self.open_color, -width / 2),
            (clicks, self.click_color, width / 2),
        ):
            bars = pg.BarGraphItem(
                x=[x + offset for x in xs],
                height=values,
                width=width,
                brush=color,
                pen=pg.mkPen(color),
            )
            self.plot.addItem(bars)
        self.plot.setXRange(xs[0] - 0.7, xs[-1] + 0.7, padding=0)
        self.plot.setYRange(0, max(max(opens), max(clicks), 1) * 1.15, padding=0)
