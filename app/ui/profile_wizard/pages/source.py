"""Step 1, Source: the profile's name, where the contacts come from, and a look at the file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.connectors import registry
from app.core.errors import AppError
from app.core.mapping_suggest import (
    suggest_consent_column,
    suggest_key_column,
    suggest_opt_out_column,
)
from app.core.source_preview import SourcePreview
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.base import DraftPage, WizardContext
from app.ui.profile_wizard.pages.sheet_chooser import SheetChooser
from app.ui.profile_wizard.preview_model import PreviewModel
from app.ui.profile_wizard.widgets import heading, hint_label, set_error, warning_label
from app.ui.service_views import all_views

PREVIEW_ROWS = 20
TYPING_PAUSE_MS = 500  # read a typed path once the user pauses, not on every keystroke
FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"


class SourcePage(DraftPage):
    """Profile name, source kind, file and its preview, optional record-ID column."""

    step = Step.SOURCE

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setSubTitle(
            self.tr(
                "Name this profile and choose where your contacts come from. "
                "ContactBridge only reads this file; it never changes it."
            )
        )
        self._loaded: tuple[str, str] | None = None  # (path, sheet) of the preview shown
        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(TYPING_PAUSE_MS)
        self._typing_timer.timeout.connect(self.load_file)

        layout = self.page_layout()

        # Profile name
        name_label = heading(self.tr("Profile &name"), self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(self.tr("Profile name"))
        self.name_edit.setPlaceholderText(self.tr("For example: Shop customers → Newsletter"))
        self.name_edit.setMaxLength(flow.PROFILE_NAME_MAX + 20)  # room to show the error
        name_label.setBuddy(self.name_edit)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.add_error_label("name", self.name_edit))
        layout.addWidget(
            hint_label(self.tr("You will see this name in the list of profiles."), self)
        )

        # Source kind
        layout.addSpacing(8)
        layout.addWidget(heading(self.tr("Where do your contacts come from?"), self))
        kinds = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        choices = [
            (c.kind, f"Constant Contact → {c.label}" if c.is_destination else c.label, True)
            for c in registry.CONNECTORS
        ]
        choices += [(kind, label, False) for kind, label in registry.COMING_SOON]
        self._kinds = [kind for kind, _, _ in choices]
        for i, (kind, label, available) in enumerate(choices):
            text = self.tr(label)
            if not available:
                text = self.tr("{source} (coming soon)").format(source=text)
            button = QRadioButton(text, self)
            button.setEnabled(available)
            button.setAccessibleName(text)
            self.kind_group.addButton(button, i)
            self.kind_buttons[kind] = button
            kinds.addWidget(button)
        kinds.addStretch(1)
        self.kind_group.idToggled.connect(self._kind_toggled)
        layout.addLayout(kinds)
        layout.addWidget(self.add_error_label("source_kind"))

        # Each service's own panel (its connection and choices), shown when it is chosen
        self.panels: dict[str, Any] = {}
        self.panel_boxes: dict[str, QScrollArea] = {}
        for found in all_views():
            if found.panel_class is None:
                continue
            panel = found.panel_class(context, self)
            panel.source_changed.connect(self._service_changed)
            # A service's choices may be taller than a laptop's wizard: they scroll, and
            # never squeeze into each other.
            box = QScrollArea(self)
            box.setWidget(panel)
            box.setWidgetResizable(True)
            box.setFrameShape(QFrame.Shape.NoFrame)
            # (a laptop's wizard has no room for more beside the preview: more would overlap)
            box.setMinimumHeight(min(panel.sizeHint().height(), 200))
            box.setVisible(False)
            layout.addWidget(box, 1)
            self.panels[found.connector.kind] = panel
            self.panel_boxes[found.connector.kind] = box
        layout.addWidget(self.add_error_label("source_connection"))

        # File (shown when a file is chosen)
        outer = layout
        self.file_box = QWidget(self)
        layout = QVBoxLayout(self.file_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        outer.addWidget(self.file_box)
        layout.addSpacing(8)
        file_label = heading(self.tr("&File"), self)
        layout.addWidget(file_label)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName(self.tr("File path"))
        self.path_edit.setPlaceholderText(self.tr("Choose a .csv or .xlsx file…"))
        self.path_edit.setClearButtonEnabled(True)
        file_label.setBuddy(self.path_edit)
        self.browse_button = QPushButton(self.tr("&Browse…"), self)
        self.browse_button.setAccessibleName(self.tr("Browse for the file"))
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout.addLayout(row)
        layout.addWidget(self.add_error_label("file_path", self.path_edit))
        layout.addWidget(
            hint_label(
                self.tr(
                    "A CSV or Excel file with a row of column headings at the top, "
                    "such as an export from your shop or booking system."
                ),
                self,
            )
        )
        self.path_edit.textChanged.connect(self._path_typed)
        self.path_edit.editingFinished.connect(self.load_file)
        self.browse_button.clicked.connect(self._browse)
        # A workbook with several sheets: which one is read, and why.
        self.sheet_chooser = SheetChooser(self)
        self.sheet_chooser.setVisible(False)
        self.sheet_chooser.sheet_chosen.connect(self._sheet_chosen)
        layout.addWidget(self.sheet_chooser)
        layout = outer

        # Preview
        self.preview_caption = QLabel(self)
        self.preview_caption.setAccessibleName(self.tr("Preview caption"))
        self.preview_caption.setWordWrap(True)
        layout.addWidget(self.preview_caption)
        self.preview_warning = warning_label(self.tr("How the file was read"), self)
        layout.addWidget(self.preview_warning)
        self.preview_model = PreviewModel(self)
        self.preview = QTableView(self)
        self.preview.setModel(self.preview_model)
        self.preview.setAccessibleName(self.tr("First rows of the file"))
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setAlternatingRowColors(True)
        self.preview.setCornerButtonEnabled(False)  # nothing to select
        self.preview.setWordWrap(False)
        self.preview.setMinimumHeight(140)
        self.preview.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.preview.verticalHeader().setDefaultSectionSize(22)
        layout.addWidget(self.preview, 1)

        # Key column (files only: a service's records have their own ids)
        self.key_box = QWidget(self)
        layout = QVBoxLayout(self.key_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        outer.addWidget(self.key_box)
        grid = QGridLayout()
        key_label = QLabel(self.tr("&Record ID column (optional)"), self)
        self.key_combo = QComboBox(self)
        self.key_combo.setAccessibleName(self.tr("Record ID column (optional)"))
        self.key_combo.setMinimumContentsLength(24)
        key_label.setBuddy(self.key_combo)
        grid.addWidget(key_label, 0, 0)
        grid.addWidget(self.key_combo, 0, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        layout.addWidget(self.add_error_label("key_column", self.key_combo))
        layout.addWidget(
            hint_label(
                self.tr(
                    "A column that never changes for a person, such as a customer number. "
                    "It lets ContactBridge notice when someone changes their email address. "
                    "Without it, people are matched by email address."
                ),
                self,
            )
        )
        layout = outer
        layout.addWidget(self.page_error)
        self.key_combo.currentIndexChanged.connect(self._key_chosen)
        self.name_edit.textChanged.connect(self._name_changed)

        self.setTabOrder(self.name_edit, self.kind_buttons[registry.FILES.kind])
        self.setTabOrder(self.kind_buttons[registry.FILES.kind], self.path_edit)
        self.setTabOrder(self.path_edit, self.browse_button)
        self.setTabOrder(self.browse_button, self.sheet_chooser.combo)
        self.setTabOrder(self.sheet_chooser.combo, self.preview)
        self.setTabOrder(self.preview, self.key_combo)

    def page_title(self) -> str:
        return self.tr("Source")

    # -- QWizardPage -----------------------------------------------------------------------

    def initializePage(self) -> None:
        d = self.draft
        self.name_edit.setText(d.name)
        self.kind_group.blockSignals(True)
        self.kind_buttons[d.source_kind].setChecked(True)
        self.kind_group.blockSignals(False)
        self.path_edit.blockSignals(True)
        self.path_edit.setText(d.file_path)
        self.path_edit.blockSignals(False)
        self._show_kind()
        panel = self.panels.get(d.source_kind)
        if panel is not None:
            panel.activate()
        elif d.file_path and not d.columns:
            self.load_file()
        else:
            self._loaded = (d.file_path.strip(), d.file_sheet)
            self._show_preview()
        self.refresh()

    def validatePage(self) -> bool:
        if self.draft.is_file:
            self.load_file()  # a path typed a moment ago may not be read yet
        return super().validatePage()

    def extra_problems(self) -> dict[str, str]:
        panel = self.panels.get(self.draft.source_kind)
        return panel.problems() if panel is not None else {}

    # -- source kind ---------------------------------------------------------------------------

    def _show_kind(self) -> None:
        """Show the widgets of the chosen kind of source."""
        kind = self.draft.source_kind
        for panel_kind, box in self.panel_boxes.items():
            box.setVisible(panel_kind == kind)
        service = not self.draft.is_file
        self.file_box.setVisible(not service)
        self.key_box.setVisible(not service)
        if service and self.draft.is_destination:
            found = registry.find(kind)
            self.setSubTitle(
                self.tr(
                    "Name this profile, connect to {service} and choose what to move there "
                    "from Constant Contact."
                ).format(service=found.label if found else registry.label(kind))
            )
        elif service:
            found = registry.find(kind)
            name = found.label if found else registry.label(kind)
            self.setSubTitle(
                self.tr(
                    "Name this profile and choose where your contacts come from. "
                    "Connect to {service} and choose which contacts to sync."
                ).format(service=name)
            )
        else:
            self.setSubTitle(
                self.tr(
                    "Name this profile and choose where your contacts come from. "
                    "ContactBridge only reads this file; it never changes it."
                )
            )

    def _service_changed(self) -> None:
        self._show_preview()
        if self.draft.source_problem:
            self.changed("source_connection")
        else:
            self.refresh()

    # -- file ----------------------------------------------------------------------------------

    def ask_for_file(self) -> str:
        """Ask for a file with the system dialog; tests replace this method."""
        start = self.draft.file_path or ""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose your contacts file"), start, self.tr(FILE_FILTER)
        )
        return path

    def set_file(self, path: str) -> None:
        """Use ``path`` as the source file and read it now."""
        self.path_edit.setText(path)
        self.load_file()

    def load_file(self) -> None:
        """Read the first rows of the file in the path box (and the chosen sheet), unless
        they are read already.

        Reading 20 rows is quick, so it happens here; a problem shows under the path box.
        Another file than the one read before gets its sheet picked again.
        """
        self._typing_timer.stop()
        path = self.path_edit.text().strip()
        d = self.draft
        if self._loaded is not None and path != self._loaded[0]:
            d.file_sheet, d.file_sheets = "", []
        if (path, d.file_sheet) == self._loaded:
            return
        self._loaded = (path, d.file_sheet)
        d.file_path = path
        if not path:
            flow.clear_source(d, "")
        else:
            self._read_file(path)
        self._show_preview()
        self.changed("file_path")

    def _read_file(self, path: str) -> None:
        d = self.draft
        service = self.ctx.service
        try:
            preview = service.profiles.source_preview(flow.source_spec_for(d, path), PREVIEW_ROWS)
        except AppError as exc:
            flow.clear_source(d, exc.message)
            if d.file_sheet:  # the chosen sheet is gone: list the others to choose from
                try:
                    unchosen = flow.source_spec_for(d, path, sheet=False)
                    d.file_sheets = list(service.profiles.source_preview(unchosen, 0).sheets)
                except (AppError, OSError):
                    d.file_sheets = []
            else:
                d.file_sheets = []
        except OSError as exc:
            flow.clear_source(
                d,
                self.tr("This file could not be opened ({reason}).").format(
                    reason=exc.strerror or exc
                ),
            )
            d.file_sheets = []
        else:
            columns = preview.columns
            flow.apply_file_preview(
                d,
                preview,
                suggested=service.profiles.suggest_mapping(columns),
                opt_out_column=suggest_opt_out_column(columns),
                key_column=suggest_key_column(columns),
                consent_column=suggest_consent_column(columns),
            )

    def _show_preview(self) -> None:
        d = self.draft
        self.preview_model.set_rows(d.columns, d.preview_rows, d.preview_row_numbers)
        service = "" if d.is_file else registry.label(d.source_kind)
        look = d.file_preview if d.is_file else None
        if d.columns and service and d.is_destination:  # a migration: what it will move
            self.preview_caption.setText(
                self.tr(
                    "The first {rows} contacts to move to {service}, with {columns} columns:"
                ).format(rows=len(d.preview_rows), columns=len(d.columns), service=service)
            )
        elif d.columns and service:
            self.preview_caption.setText(
                self.tr("The first {rows} contacts from {service}, with {columns} columns:").format(
                    rows=len(d.preview_rows), columns=len(d.columns), service=service
                )
            )
        elif d.columns:
            caption = self.tr("The first {rows} rows of the file, with {columns} columns:")
            titles = look.title_hint() if look is not None else ""  # below title lines
            if titles:
                caption = caption.removesuffix(":") + ". " + titles
            self.preview_caption.setText(
                caption.format(rows=len(d.preview_rows), columns=len(d.columns))
            )
        elif service:
            self.preview_caption.setText(self.tr("The first contacts will show here."))
        else:
            self.preview_caption.setText(self.tr("The first rows of the file will show here."))
        warnings = (look.encoding_warning, look.unreadable_hint()) if look is not None else ()
        set_error(self.preview_warning, "\n".join(w for w in warnings if w))
        self._show_sheets(look)
        self._fill_key_combo()

    def _show_sheets(self, look: SourcePreview | None) -> None:
        d = self.draft
        sheets = d.file_sheets if d.is_file else []
        current = d.file_sheet or (look.sheet if look is not None else "")
        hint = look.sheet_hint() if look is not None else ""
        warn = look is not None and not look.sheet_has_email
        self.sheet_chooser.show_sheets(sheets, current, hint, warn=warn)

    def _fill_key_combo(self) -> None:
        d = self.draft
        self.key_combo.blockSignals(True)
        self.key_combo.clear()
        self.key_combo.addItem(self.tr("— none: match people by email address —"), "")
        for column in d.columns:
            self.key_combo.addItem(column, column)
        index = self.key_combo.findData(d.key_column) if d.key_column else 0
        self.key_combo.setCurrentIndex(max(index, 0))
        self.key_combo.setEnabled(bool(d.columns))
        self.key_combo.blockSignals(False)

    # -- slots -----------------------------------------------------------------------------------

    def _browse(self) -> None:
        path = self.ask_for_file()
        if path:
            if not self.name_edit.text().strip():  # a name from the file: one less to type
                self.name_edit.setText(flow.name_for_file(path, self.ctx.existing_names))
            self.set_file(path)

    def _path_typed(self, text: str) -> None:
        self.draft.file_path = text.strip()
        self._typing_timer.start()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        # Until a typed path is read, Next stays off (validatePage reads it anyway).
        if not self.draft.is_file:
            return super().isComplete()
        loaded = self._loaded[0] if self._loaded is not None else None
        return self.path_edit.text().strip() == loaded and super().isComplete()

    def blocked_reason(self) -> str:
        if self.draft.is_file and super().isComplete() and not self.isComplete():
            return self.tr("To go on: wait a moment, ContactBridge is reading the file.")
        return super().blocked_reason()

    def _name_changed(self, text: str) -> None:
        self.draft.name = text
        self.changed("name")

    def _kind_toggled(self, button_id: int, checked: bool) -> None:
        if not checked:
            return
        kind = self._kinds[button_id]
        if kind == self.draft.source_kind:
            return
        old = self.panels.get(self.draft.source_kind)
        if old is not None:
            old.shutdown()
        self.draft.source_kind = kind
        self._show_kind()
        panel = self.panels.get(kind)
        if panel is not None:
            panel.activate()
        else:
            self._loaded = None  # read the file again: the columns were the service's
            self.load_file()
        self.changed("source_kind")

    def _sheet_chosen(self, sheet: str) -> None:
        self.draft.file_sheet = sheet
        self.load_file()

    def _key_chosen(self, index: int) -> None:
        self.draft.key_column = str(self.key_combo.itemData(index) or "")
        self.changed("key_column")
