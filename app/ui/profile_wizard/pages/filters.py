"""Step 5, Filtering: rules that pick which records are synced, with a live count."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import AppError
from app.core.filters import NEEDS_VALUE, OPERATOR_LABELS, FilterGroup, FilterRule, Join, Operator
from app.ui.i18n import tr_n
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.base import DraftPage, WizardContext
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label

COUNT_DELAY_MS = 300  # count once the user pauses, not on every keystroke


@dataclass
class RuleRow:
    """The widgets of one rule row."""

    widget: QWidget
    field: QComboBox
    op: QComboBox
    value: QLineEdit
    remove: QPushButton


class FiltersPage(DraftPage):
    """Rule rows joined by all/any, and "N of M records match" counted in a worker.

    Signals:
        count_changed(int, int): a count finished: (matching, total).
    """

    step = Step.FILTERS
    count_changed = Signal(int, int)

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setSubTitle(
            self.tr(
                "Sync only some of your records, such as one customer type. With no rules, "
                "every record is synced."
            )
        )
        self.rows: list[RuleRow] = []
        self._count_task: Task | None = None
        self._counted: tuple[object, ...] | None = None
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._start_count)

        layout = self.page_layout()
        join_row = QHBoxLayout()
        self.join_group = QButtonGroup(self)
        self.all_button = QRadioButton(self.tr("Match &all rules"), self)
        self.all_button.setAccessibleName(self.tr("Match all rules"))
        self.any_button = QRadioButton(self.tr("Match an&y rule"), self)
        self.any_button.setAccessibleName(self.tr("Match any rule"))
        self.join_group.addButton(self.all_button)
        self.join_group.addButton(self.any_button)
        join_row.addWidget(self.all_button)
        join_row.addWidget(self.any_button)
        join_row.addStretch(1)
        layout.addLayout(join_row)

        self.rules_box = QVBoxLayout()
        self.rules_box.setSpacing(2)
        layout.addLayout(self.rules_box)
        self.no_rules_label = hint_label(
            self.tr("No rules: every record is synced. Press “Add rule” to sync only some."),
            self,
        )
        layout.addWidget(self.no_rules_label)
        add_row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("A&dd rule"), self)
        self.add_button.setAccessibleName(self.tr("Add rule"))
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        self.nested_label = hint_label("", self)
        layout.addWidget(self.nested_label)

        layout.addSpacing(12)
        self.count_label = heading("", self)
        self.count_label.setObjectName("count_label")
        self.count_label.setAccessibleName(self.tr("Matching records"))
        layout.addWidget(self.count_label)
        self.count_error = hint_label("", self)
        layout.addWidget(self.count_error)
        layout.addStretch(1)
        layout.addWidget(self.page_error)

        self.add_button.clicked.connect(self.add_rule)
        self.join_group.buttonToggled.connect(self._join_toggled)

    def page_title(self) -> str:
        return self.tr("Filtering")

    def initializePage(self) -> None:
        filters = self.draft.filters
        (self.all_button if filters.join is Join.ALL else self.any_button).setChecked(True)
        self._rebuild_rows()
        nested = len(filters.groups)
        self.nested_label.setText(
            tr_n(
                "This profile also has %n rule group made elsewhere; it is kept.",
                "This profile also has %n rule groups made elsewhere; they are kept.",
                nested,
            )
            if nested
            else ""
        )
        self.nested_label.setVisible(bool(nested))
        self._counted = None
        self.schedule_count()

    def cleanupPage(self) -> None:
        self._count_timer.stop()
        super().cleanupPage()

    # -- rows -----------------------------------------------------------------------------------

    def add_rule(self) -> None:
        rule = FilterRule(self.draft.columns[0] if self.draft.columns else "", Operator.EQUALS)
        self._set_rules((*self.draft.filters.rules, rule))
        self._rebuild_rows()
        self.rows[-1].field.setFocus()
        self.schedule_count()

    def remove_rule(self, index: int) -> None:
        rules = list(self.draft.filters.rules)
        del rules[index]
        self._set_rules(tuple(rules))
        self._rebuild_rows()
        self.schedule_count()

    def _rebuild_rows(self) -> None:
        for row in self.rows:
            self.rules_box.removeWidget(row.widget)
            row.widget.deleteLater()
        self.rows.clear()
        self.drop_error_labels("rule_")
        previous: QWidget | None = self.any_button
        for i, rule in enumerate(self.draft.filters.rules):
            row = self._make_row(i, rule)
            self.rows.append(row)
            self.rules_box.addWidget(row.widget)
            row.widget.show()  # now, not on the layout's queued show
            for widget in (row.field, row.op, row.value, row.remove):
                if previous is not None:
                    QWidget.setTabOrder(previous, widget)
                previous = widget
        if previous is not None:
            QWidget.setTabOrder(previous, self.add_button)
        self.no_rules_label.setVisible(not self.rows)
        self.refresh()

    def _make_row(self, i: int, rule: FilterRule) -> RuleRow:
        n = i + 1
        widget = QWidget(self)
        outer = QVBoxLayout(widget)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        line = QHBoxLayout()
        label = QLabel(self.tr("Rule {n}:").format(n=n), widget)
        field = QComboBox(widget)
        field.setAccessibleName(self.tr("Column for rule {n}").format(n=n))
        field.setMinimumContentsLength(16)
        field.addItem(self.tr("Choose a column…"), "")
        for column in self.draft.columns:
            field.addItem(column, column)
        if rule.field and field.findData(rule.field) < 0:
            field.addItem(
                self.tr("{column} (not in the file)").format(column=rule.field), rule.field
            )
        field.setCurrentIndex(max(field.findData(rule.field), 0) if rule.field else 0)
        op = QComboBox(widget)
        op.setAccessibleName(self.tr("Condition for rule {n}").format(n=n))
        for operator, text in OPERATOR_LABELS.items():
            op.addItem(self.tr(text), operator.value)
        op.setCurrentIndex(max(op.findData(rule.op.value), 0))
        value = QLineEdit(rule.value, widget)
        value.setAccessibleName(self.tr("Value for rule {n}").format(n=n))
        value.setPlaceholderText(self.tr("Value"))
        value.setVisible(rule.op in NEEDS_VALUE)
        remove = QPushButton(self.tr("Remove"), widget)
        remove.setAccessibleName(self.tr("Remove rule {n}").format(n=n))
        line.addWidget(label)
        line.addWidget(field, 2)
        line.addWidget(op, 2)
        line.addWidget(value, 3)
        line.addWidget(remove)
        outer.addLayout(line)
        error = self.add_error_label(f"rule_{i}", value if rule.field else field)
        outer.addWidget(error)
        self.changed(f"rule_{i}")  # a rule row shows its problems at once
        row = RuleRow(widget, field, op, value, remove)
        field.currentIndexChanged.connect(lambda _i, k=i: self._rule_edited(k))
        op.currentIndexChanged.connect(lambda _i, k=i: self._rule_edited(k))
        value.textChanged.connect(lambda _t, k=i: self._rule_edited(k))
        remove.clicked.connect(lambda _=False, k=i: self.remove_rule(k))
        return row

    def _rule_edited(self, i: int) -> None:
        row = self.rows[i]
        op = Operator(str(row.op.currentData()))
        row.value.setVisible(op in NEEDS_VALUE)
        rule = FilterRule(str(row.field.currentData() or ""), op, row.value.text())
        rules = list(self.draft.filters.rules)
        rules[i] = rule
        self._set_rules(tuple(rules))
        self.changed(f"rule_{i}")
        self.schedule_count()

    def _join_toggled(self, _button: object, checked: bool) -> None:
        if not checked:
            return
        join = Join.ALL if self.all_button.isChecked() else Join.ANY
        if join is not self.draft.filters.join:
            self.draft.filters = replace(self.draft.filters, join=join)
            self.schedule_count()

    def _set_rules(self, rules: tuple[FilterRule, ...]) -> None:
        self.draft.filters = FilterGroup(self.draft.filters.join, rules, self.draft.filters.groups)

    # -- counting -------------------------------------------------------------------------------

    def schedule_count(self) -> None:
        """Count the matching records once the user pauses (debounced, in a worker)."""
        self._count_timer.start()

    def _start_count(self) -> None:
        if self.problems():
            self.count_label.setText(
                self.tr("Finish the rules above to see how many records match.")
            )
            return
        spec, filters = self.draft.source_spec(), self.draft.filters
        key = (spec.path, spec.settings.get("key_column"), filters)
        if key == self._counted:
            return
        if self._count_task is not None:
            self._count_task.cancel()  # its answer would be out of date
        self.count_label.setText(self.tr("Counting matching records…"))
        self.count_error.setText("")
        service = self.ctx.service
        self._count_task = self.ctx.runner.run(
            lambda _cancel: service.profiles.count_matching(spec, filters),
            lambda result: self._count_done(key, result),
            self._count_failed,
        )

    def _count_done(self, key: tuple[object, ...], result: tuple[int, int]) -> None:
        self._count_task = None
        self._counted = key
        matching, total = result
        self.count_label.setText(
            self.tr("{matching} of {total} records match").format(
                matching=f"{matching:,}", total=f"{total:,}"
            )
        )
        self.count_changed.emit(matching, total)

    def _count_failed(self, error: Exception) -> None:
        self._count_task = None
        self.count_label.setText(self.tr("The records could not be counted."))
        self.count_error.setText(error.message if isinstance(error, AppError) else str(error))
