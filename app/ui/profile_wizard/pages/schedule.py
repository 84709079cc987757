"""Step 6, Scheduling: when the profile runs by itself, and when it will run next."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QLocale, QTime
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from app.core.schedule import WEEKDAYS, Schedule, ScheduleKind, next_run_at
from app.sync.due import polls, schedule_words
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.base import DraftPage, WizardContext
from app.ui.profile_wizard.widgets import heading, hint_label

UNITS = (
    (QT_TRANSLATE_NOOP("SchedulePage", "minutes"), 1),
    (QT_TRANSLATE_NOOP("SchedulePage", "hours"), 60),
    (QT_TRANSLATE_NOOP("SchedulePage", "days"), 24 * 60),
)
KIND_TEXT = {
    ScheduleKind.MANUAL: QT_TRANSLATE_NOOP("SchedulePage", "Only when I press Sync Now"),
    ScheduleKind.INTERVAL: QT_TRANSLATE_NOOP("SchedulePage", "Every"),
    ScheduleKind.DAILY: QT_TRANSLATE_NOOP("SchedulePage", "Every day"),
    ScheduleKind.WEEKLY: QT_TRANSLATE_NOOP("SchedulePage", "Every week on"),
}


class SchedulePage(DraftPage):
    """Manual, every N minutes/hours, daily or weekly at a time, with the next run shown."""

    step = Step.SCHEDULE

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setSubTitle(
            self.tr("Choose when this profile syncs by itself. You can always press Sync Now.")
        )
        self._loading = False
        layout = self.page_layout()
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setColumnStretch(3, 1)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[ScheduleKind, QRadioButton] = {}
        for row, kind in enumerate(ScheduleKind):
            button = QRadioButton(self.tr(KIND_TEXT[kind]), self)
            button.setAccessibleName(self.tr(KIND_TEXT[kind]))
            self.kind_group.addButton(button, row)
            self.kind_buttons[kind] = button
            grid.addWidget(button, row, 0)

        interval = QHBoxLayout()
        self.every_spin = QSpinBox(self)
        self.every_spin.setAccessibleName(self.tr("Interval"))
        self.every_spin.setRange(1, 10_080)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setAccessibleName(self.tr("Interval unit"))
        for text, minutes in UNITS:
            self.unit_combo.addItem(self.tr(text), minutes)
        interval.addWidget(self.every_spin)
        interval.addWidget(self.unit_combo)
        interval.addStretch(1)
        grid.addLayout(interval, 1, 1, 1, 3)

        days = QHBoxLayout()
        self.day_boxes: list[QCheckBox] = []
        for i, day in enumerate(WEEKDAYS):
            box = QCheckBox(self.tr(day), self)
            box.setAccessibleName(QLocale().dayName(i + 1, QLocale.FormatType.LongFormat))
            self.day_boxes.append(box)
            days.addWidget(box)
            box.toggled.connect(self._edited)
        days.addStretch(1)
        grid.addLayout(days, 3, 1, 1, 3)

        at_label = QLabel(self.tr("&At:"), self)
        self.time_edit = QTimeEdit(self)
        self.time_edit.setAccessibleName(self.tr("Time of day"))
        self.time_edit.setDisplayFormat("HH:mm")
        at_label.setBuddy(self.time_edit)
        grid.addWidget(at_label, 4, 0)
        grid.addWidget(self.time_edit, 4, 1)
        layout.addLayout(grid)
        layout.addWidget(self.add_error_label("schedule", self.time_edit))

        layout.addSpacing(14)
        self.next_run_label = heading("", self)
        self.next_run_label.setObjectName("next_run_label")
        self.next_run_label.setAccessibleName(self.tr("Next run"))
        self.next_run_label.setWordWrap(True)  # a two-way profile's is a sentence
        layout.addWidget(self.next_run_label)
        layout.addWidget(hint_label(self.tr("Schedules run while ContactBridge is open."), self))
        layout.addStretch(1)
        layout.addWidget(self.page_error)

        self.kind_group.idToggled.connect(self._kind_toggled)
        self.every_spin.valueChanged.connect(self._edited)
        self.unit_combo.currentIndexChanged.connect(self._unit_changed)
        self.time_edit.timeChanged.connect(self._edited)

    def page_title(self) -> str:
        return self.tr("Scheduling")

    def initializePage(self) -> None:
        s = self.draft.schedule
        self._loading = True
        self.kind_buttons[s.kind].setChecked(True)
        unit = next(
            (m for _, m in reversed(UNITS) if s.every_minutes % m == 0 and s.every_minutes >= m),
            1,
        )
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(unit), 0))
        self._set_spin_range(unit)
        self.every_spin.setValue(s.every_minutes // unit)
        time = QTime.fromString(s.at, "HH:mm")
        self.time_edit.setTime(time if time.isValid() else QTime(9, 0))
        for i, box in enumerate(self.day_boxes):
            box.setChecked(i in s.days)
        self._loading = False
        self._edited()

    # -- changes ---------------------------------------------------------------------------------

    def _kind_toggled(self, _id: int, checked: bool) -> None:
        if not checked:
            return
        if self.kind() is ScheduleKind.WEEKLY and not any(b.isChecked() for b in self.day_boxes):
            self._loading = True
            self.day_boxes[self.ctx.clock().weekday()].setChecked(True)  # a sensible start
            self._loading = False
        self._edited()

    def _unit_changed(self) -> None:
        self._set_spin_range(int(self.unit_combo.currentData()))
        self._edited()

    def _set_spin_range(self, unit: int) -> None:
        self.every_spin.setRange(1, max(10_080 // unit, 1))
        self.every_spin.setSuffix("")

    def kind(self) -> ScheduleKind:
        checked = self.kind_group.checkedId()
        return list(ScheduleKind)[checked] if checked >= 0 else ScheduleKind.MANUAL

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        kind = self.kind()
        self.every_spin.setEnabled(kind is ScheduleKind.INTERVAL)
        self.unit_combo.setEnabled(kind is ScheduleKind.INTERVAL)
        for box in self.day_boxes:
            box.setEnabled(kind is ScheduleKind.WEEKLY)
        self.time_edit.setEnabled(kind in (ScheduleKind.DAILY, ScheduleKind.WEEKLY))
        old = self.draft.schedule
        self.draft.schedule = Schedule(
            kind=kind,
            every_minutes=(
                self.every_spin.value() * int(self.unit_combo.currentData())
                if kind is ScheduleKind.INTERVAL
                else old.every_minutes
            ),
            at=self.time_edit.time().toString("HH:mm"),
            days=tuple(i for i, b in enumerate(self.day_boxes) if b.isChecked()),
        )
        self._show_next_run()
        self.changed("schedule")

    def _show_next_run(self) -> None:
        schedule = self.draft.schedule
        now = self.ctx.clock()
        when = next_run_at(schedule, None, now)
        profile = self.draft.to_profile()
        synced = profile.id is not None and profile.id in self.ctx.service.runs.last_started()
        if not profile.into_constant_contact:  # a migration: what changed, every period
            minutes = max(5, profile.options.poll_minutes)
            every = self.tr(Schedule(ScheduleKind.INTERVAL, every_minutes=minutes).describe())
            text = self.tr(
                "{every}, once you have pressed Sync Now the first time: each run copies what "
                "changed in Constant Contact since the last one (press Preview first for a "
                "dry run of what it would create)."
            ).format(every=every)
        elif polls(profile) and not synced:
            # Polling starts after the first sync (run-due and the profiles list say so too).
            text = self.tr(
                "{words}. A two-way profile looks for unsubscribes and changes every {minutes} "
                "minutes, once you have pressed Sync Now the first time."
            ).format(
                words=schedule_words(profile, synced=False),
                minutes=max(5, profile.options.poll_minutes),
            )
        elif polls(profile):
            # Two-way: it also runs every poll_minutes, whatever the schedule (run-due and the
            # profiles list say so in the same words).
            words = schedule_words(profile)
            text = self.tr(
                "Runs {words}, and whenever you press Sync Now: a two-way profile looks for "
                "unsubscribes and changes at least that often (see Options). Next run: as soon "
                "as you save this profile."
            ).format(words=words[:1].lower() + words[1:])
        elif schedule.kind is ScheduleKind.MANUAL:
            text = self.tr("Runs only when you press Sync Now")
        elif when is None:
            text = ""
        elif schedule.kind is ScheduleKind.INTERVAL:
            text = self.tr("Next run: as soon as you save this profile, then {every}").format(
                every=self.tr(schedule.describe()).lower()
            )
        else:
            text = self.tr("Next run: {when}").format(when=format_when(when))
        self.next_run_label.setText(text)


def format_when(when: datetime) -> str:
    """A date and time the way the user's locale writes them, e.g. "Monday 3 June, 09:00"."""
    locale = QLocale()
    date = locale.toString(QDate(when.year, when.month, when.day), QLocale.FormatType.LongFormat)
    time = locale.toString(QTime(when.hour, when.minute), QLocale.FormatType.ShortFormat)
    return f"{date}, {time}"
