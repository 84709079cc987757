"""Per-row problems a file source reports instead of aborting the whole run."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import SourceLocation


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One data row that was skipped, and why.

    Attributes:
        row: the spreadsheet-style row number (the header is row 1).
        column: the column the problem is in, by name (or ``Column E`` when it has none).
        message: one plain sentence for the user, without the location.
        file: the file's name, for ``location`` and ``text``.
        sheet: the workbook sheet read, when the workbook has several.
    """

    row: int
    column: str
    message: str
    file: str = ""
    sheet: str = ""

    @property
    def location(self) -> SourceLocation:
        return SourceLocation(self.file, self.row, self.column, self.sheet or None)

    @property
    def text(self) -> str:
        """The message with its file, row and column, as shown to the user."""
        return f"{self.message} ({self.location.describe()})"
