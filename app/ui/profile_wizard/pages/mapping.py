"""Step 4, Field mapping: which column of the file fills which Constant Contact field."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.custom_fields import find_custom_field
from app.core.errors import AppError, Cancelled
from app.core.fields import CUSTOM_FIELD_LABEL_MAX, custom_key, custom_name, is_custom
from app.core.records import CustomField
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.base import DraftPage, WizardContext, translate_problem
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import (
    error_label,
    heading,
    hint_label,
    set_error,
    warning_label,
)
from app.ui.service_views import views

# Groups whose fields are not sent when an option is off: group -> (option, checkbox text).
GATED_GROUPS = {
    "Phone": ("sync_phones", QT_TRANSLATE_NOOP("OptionsPage", "Send phone numbers")),
    "Address": ("sync_addresses", QT_TRANSLATE_NOOP("OptionsPage", "Send addresses")),
}


class MappingPage(DraftPage):
    """One row per Constant Contact field with a column combo, and the unused columns."""

    step = Step.MAPPING
    always_show = frozenset({"email"})

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setSubTitle(
            self.tr(
                "For each Constant Contact field, choose the column of your file that fills "
                "it. ContactBridge has matched the columns it recognised; check them."
            )
        )
        self.combos: dict[str, QComboBox] = {}
        self._samples: dict[str, QLabel] = {}

        layout = self.page_layout()
        body = QHBoxLayout()
        layout.addLayout(body, 1)

        left = QVBoxLayout()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAccessibleName(self.tr("Field mapping"))
        left.addWidget(self.scroll, 1)
        custom_row = QHBoxLayout()
        custom_label = QLabel(self.tr("Add a &custom field:"), self)
        self.custom_edit = QLineEdit(self)
        self.custom_edit.setAccessibleName(self.tr("Custom field name"))
        self.custom_edit.setPlaceholderText(self.tr("For example: Favourite cake"))
        self.custom_edit.setMaxLength(CUSTOM_FIELD_LABEL_MAX)
        custom_label.setBuddy(self.custom_edit)
        self.add_custom_button = QPushButton(self.tr("&Add field"), self)
        self.add_custom_button.setAccessibleName(self.tr("Add custom field"))
        self.add_custom_button.setEnabled(False)
        self.create_custom_button = QPushButton(self.tr("C&reate in Constant Contact"), self)
        self.create_custom_button.setAccessibleName(self.tr("Create custom field"))
        self.create_custom_button.setToolTip(
            self.tr("Create a text custom field with this name in your account, then map it.")
        )
        self.create_custom_button.setEnabled(False)
        custom_row.addWidget(custom_label)
        custom_row.addWidget(self.custom_edit, 1)
        custom_row.addWidget(self.add_custom_button)
        custom_row.addWidget(self.create_custom_button)
        left.addLayout(custom_row)
        existing_row = QHBoxLayout()
        existing_label = QLabel(self.tr("Or &use one of yours:"), self)
        self.existing_combo = QComboBox(self)
        self.existing_combo.setAccessibleName(self.tr("Your custom fields"))
        self.existing_combo.setMinimumContentsLength(24)
        existing_label.setBuddy(self.existing_combo)
        existing_row.addWidget(existing_label)
        existing_row.addWidget(self.existing_combo, 1)
        left.addLayout(existing_row)
        self.custom_status = hint_label("", self)
        left.addWidget(self.custom_status)
        self.custom_error = error_label("custom_field_create", self)
        left.addWidget(self.custom_error)
        left.addWidget(
            hint_label(
                self.tr(
                    "Send other columns, such as a customer type, to custom fields: pick one "
                    "of your account's custom fields, or type a new name and create it."
                ),
                self,
            )
        )
        self.remote_fields: list[CustomField] | None = None
        # A service's own part of this step (``MappingSection`` of its UI package), under
        # the fields: Salesforce maps event registrants' details to its own fields there.
        self.service_section: QWidget | None = None
        self._section_kind = ""
        self._fields_for: int | None = None
        self._fields_task: Task | None = None
        self._create_task: Task | None = None
        body.addLayout(left, 3)

        right = QVBoxLayout()
        right.addWidget(heading(self.tr("Columns not used"), self))
        self.unused_list = QListWidget(self)
        self.unused_list.setAccessibleName(self.tr("Columns not used"))
        self.unused_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.unused_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        right.addWidget(self.unused_list, 1)
        right.addWidget(
            hint_label(self.tr("These columns are not sent to Constant Contact."), self)
        )
        # What the mapping means that may surprise: no names, no consent column.
        self.meaning_note = warning_label(self.tr("What this mapping means"), self)
        right.addWidget(self.meaning_note)
        body.addLayout(right, 1)
        layout.addWidget(self.page_error)

        self.custom_edit.textChanged.connect(self._custom_text_changed)
        self.custom_edit.returnPressed.connect(self.add_custom_field)
        self.add_custom_button.clicked.connect(self.add_custom_field)
        self.create_custom_button.clicked.connect(self.create_custom_field)
        self.existing_combo.activated.connect(self._existing_chosen)

    def page_title(self) -> str:
        return self.tr("Field mapping")

    def initializePage(self) -> None:
        self._take_service_section()
        self._rebuild()
        if self.service_section is not None:
            self.service_section.load()  # type: ignore[attr-defined]
        if self.draft.connection_id != self._fields_for:
            self.load_custom_fields()

    def _take_service_section(self) -> None:
        """The source's own section of this step, made again when the source kind changed."""
        kind = self.draft.source_kind
        if kind == self._section_kind:
            return
        if self.service_section is not None:
            self.service_section.setParent(None)
            self.service_section.deleteLater()
        self.service_section, self._section_kind = None, kind
        found = views(kind)
        section = getattr(found.module, "MappingSection", None) if found and found.module else None
        if section is not None:
            self.service_section = section(self.ctx, None)

    # -- the account's custom fields ---------------------------------------------------------

    def load_custom_fields(self) -> None:
        """Read the account's custom fields in a worker, to offer them in the combo."""
        conn_id = self.draft.connection_id
        if conn_id is None:
            return
        if self._fields_task is not None:
            self._fields_task.cancel()
        service = self.ctx.service
        self.custom_status.setText(self.tr("Reading your custom fields in Constant Contact…"))
        self._fields_task = self.ctx.runner.run(
            lambda _cancel: service.connections.custom_fields(conn_id),
            lambda fields: self._fields_loaded(conn_id, fields),
            self._fields_failed,
        )

    def _fields_loaded(self, conn_id: int, fields: list[CustomField]) -> None:
        self._fields_task = None
        self._fields_for = conn_id
        self.remote_fields = sorted(fields, key=lambda f: f.label.casefold())
        self.custom_status.setText(
            self.tr("Your account has {n} custom fields.").format(n=len(fields))
            if fields
            else self.tr("Your account has no custom fields yet.")
        )
        self._fill_existing()
        self._update_custom_buttons()

    def _fields_failed(self, error: Exception) -> None:
        self._fields_task = None
        if not isinstance(error, Cancelled):
            self.custom_status.setText(
                self.tr("Could not read your custom fields: {problem}").format(
                    problem=_message(error)
                )
            )

    def _fill_existing(self) -> None:
        self.existing_combo.clear()
        fields = self.remote_fields or []
        self.existing_combo.addItem(
            self.tr("— choose a custom field —") if fields else self.tr("— none yet —"), ""
        )
        for f in fields:
            self.existing_combo.addItem(f.label, f.label)
        self.existing_combo.setEnabled(bool(fields))

    def _existing_chosen(self, index: int) -> None:
        label = str(self.existing_combo.itemData(index) or "")
        if label:
            self._add_custom(label)
        self.existing_combo.setCurrentIndex(0)

    def _custom_text_changed(self, text: str) -> None:
        set_error(self.custom_error, "")
        self._update_custom_buttons()

    def _update_custom_buttons(self) -> None:
        name = " ".join(self.custom_edit.text().split())
        self.add_custom_button.setEnabled(bool(name))
        known = self.remote_fields is not None and find_custom_field(name, self.remote_fields)
        self.create_custom_button.setEnabled(
            bool(name)
            and self.draft.connection_id is not None
            and self._create_task is None
            and not known
        )

    def create_custom_field(self) -> None:
        """Create the typed custom field in Constant Contact (in a worker), then map it."""
        name = " ".join(self.custom_edit.text().split())
        conn_id = self.draft.connection_id
        if not name or conn_id is None or self._create_task is not None:
            return
        service = self.ctx.service
        set_error(self.custom_error, "")
        self.custom_status.setText(
            self.tr("Creating “{name}” in Constant Contact…").format(name=name)
        )
        self._create_task = self.ctx.runner.run(
            lambda _cancel: service.connections.create_custom_field(conn_id, name),
            self._field_created,
            self._create_failed,
        )
        self.create_custom_button.setEnabled(False)

    def _field_created(self, field: CustomField) -> None:
        self._create_task = None
        fields = [f for f in self.remote_fields or [] if f.custom_field_id != field.custom_field_id]
        self.remote_fields = sorted([*fields, field], key=lambda f: f.label.casefold())
        self._fill_existing()
        self.custom_status.setText(
            self.tr("Created “{name}” in Constant Contact.").format(name=field.label)
        )
        self.custom_edit.clear()
        self._add_custom(field.label)

    def _create_failed(self, error: Exception) -> None:
        self._create_task = None
        self.custom_status.setText("")
        if not isinstance(error, Cancelled):
            set_error(
                self.custom_error,
                self.tr("Could not create the custom field: {problem}").format(
                    problem=_message(error)
                ),
            )
        self._update_custom_buttons()

    # -- building the table ------------------------------------------------------------------

    def _rebuild(self) -> None:
        d = self.draft
        self.drop_error_labels("")
        self.combos.clear()
        self._samples.clear()
        container = QWidget()
        grid = QGridLayout(container)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(2, 1)
        row = 0
        for text, col in (
            (self.tr("Constant Contact field"), 0),
            (self.tr("Column in your file"), 1),
        ):
            grid.addWidget(heading(text, container), row, col)
        grid.addWidget(heading(self.tr("Examples from the file"), container), row, 2)
        row += 1
        group = None
        previous: QWidget | None = None
        for target in flow.mapping_targets(d):
            this_group = flow.target_group(target)
            if this_group != group:
                group = this_group
                row = self._add_group_heading(grid, container, row, group)
            row, combo = self._add_field_row(grid, container, row, target)
            if previous is not None:
                QWidget.setTabOrder(previous, combo)
            previous = combo
        grid.addWidget(self.add_error_label("custom_fields", self.custom_edit), row, 0, 1, 4)
        if self.service_section is not None:  # kept across rebuilds: moved, not remade
            row += 1
            grid.addWidget(self.service_section, row, 0, 1, 2)  # under the fields and columns
        grid.setRowStretch(row + 1, 1)
        old = self.scroll.takeWidget()
        self.scroll.setWidget(container)
        if old is not None:
            old.deleteLater()
        self._update_unused()
        self.refresh()

    def _add_group_heading(self, grid: QGridLayout, parent: QWidget, row: int, group: str) -> int:
        title = heading(self.tr(group), parent)
        title.setContentsMargins(0, 8, 0, 0)
        grid.addWidget(title, row, 0)
        gate = GATED_GROUPS.get(group)
        if gate and not getattr(self.draft.options, gate[0]):
            note = hint_label(
                self.tr("Not sent: “{option}” is off in Options.").format(
                    option=QCoreApplication.translate("OptionsPage", gate[1])
                ),
                parent,
            )
            grid.addWidget(note, row, 1, 1, 3)
        return row + 1

    def _add_field_row(
        self, grid: QGridLayout, parent: QWidget, row: int, target: str
    ) -> tuple[int, QComboBox]:
        d = self.draft
        name = self.tr(flow.target_label(target))
        if target == "email":
            name = self.tr("{field} (required)").format(field=name)
        label = QLabel(name, parent)
        if target == "email":
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        combo = QComboBox(parent)
        combo.setAccessibleName(self.tr("Column for {field}").format(field=name))
        combo.setMinimumContentsLength(18)
        combo.addItem(self.tr("— not mapped —"), "")
        for column in d.columns:
            combo.addItem(column, column)
        source = d.mapping.get(target, "")
        if source and combo.findData(source) < 0:
            combo.addItem(self.tr("{column} (not in the file)").format(column=source), source)
        combo.setCurrentIndex(max(combo.findData(source), 0) if source else 0)
        label.setBuddy(combo)
        gate = GATED_GROUPS.get(flow.target_group(target))
        combo.setEnabled(not gate or bool(getattr(d.options, gate[0])))
        sample = hint_label("", parent)
        sample.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        grid.addWidget(label, row, 0)
        grid.addWidget(combo, row, 1)
        grid.addWidget(sample, row, 2)
        if is_custom(target):
            remove = QPushButton(self.tr("Remove"), parent)
            remove.setAccessibleName(self.tr("Remove {field}").format(field=name))
            remove.clicked.connect(lambda _=False, t=target: self.remove_custom_field(t))
            grid.addWidget(remove, row, 3)
        grid.addWidget(self.add_error_label(target, combo), row + 1, 1, 1, 3)
        self.combos[target] = combo
        self._samples[target] = sample
        self._show_sample(target)
        combo.currentIndexChanged.connect(lambda _i, t=target: self._column_chosen(t))
        return row + 2, combo

    # -- changes ---------------------------------------------------------------------------------

    def set_column(self, target: str, column: str) -> None:
        """Map ``column`` (blank: nothing) to ``target``, as if chosen in its combo."""
        combo = self.combos[target]
        combo.setCurrentIndex(max(combo.findData(column), 0) if column else 0)

    def _column_chosen(self, target: str) -> None:
        column = str(self.combos[target].currentData() or "")
        self.draft.mapping[target] = column
        if not column and not is_custom(target):
            del self.draft.mapping[target]
        self._show_sample(target)
        self._update_unused()
        self.changed(target)

    def add_custom_field(self) -> None:
        name = " ".join(self.custom_edit.text().split())
        if not name:
            return
        self.custom_edit.clear()
        self._add_custom(name)

    def _add_custom(self, name: str) -> None:
        # The account's own spelling, when it has this field, so the import finds it.
        known = find_custom_field(name, self.remote_fields or [])
        key = custom_key(known.label if known else name)
        mapped = {custom_name(t).casefold() for t in self.draft.mapping if is_custom(t)}
        if custom_name(key).casefold() not in mapped:
            self.draft.mapping[key] = ""
        self._rebuild()
        if key in self.combos:
            self.combos[key].setFocus()

    def remove_custom_field(self, target: str) -> None:
        self.draft.mapping.pop(target, None)
        self._rebuild()

    def _show_sample(self, target: str) -> None:
        column = self.draft.mapping.get(target, "")
        values = flow.sample_preview(self.draft, target, column) if column else []
        joiner = "; " if target in ("full_name", "birthday") else ", "
        self._samples[target].setText(joiner.join(values))
        self._samples[target].setToolTip("\n".join(values))

    def _update_unused(self) -> None:
        notes = flow.mapping_notes(self.draft)
        set_error(self.meaning_note, "\n\n".join(translate_problem(n) for n in notes))
        self.unused_list.clear()
        unused = self.draft.unused_columns()
        self.unused_list.addItems(unused)
        if not unused:
            self.unused_list.addItem(self.tr("(every column is used)"))


def _message(error: Exception) -> str:
    return error.message if isinstance(error, AppError) else str(error)
