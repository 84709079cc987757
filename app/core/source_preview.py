"""What the wizard shows of a source before a profile is saved: its first rows, and how it
was read (the heading row, the workbook sheet, a guessed encoding)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourcePreview:
    """The first rows of a source, with what the user should know about how it was read.

    Attributes:
        columns: the column names from the heading row.
        rows: the first data rows, each with its row number (the one results give it).
        header_row: the row number of the headings (1 unless title lines are above them).
        title_lines: how many lines above the headings were titles and are not read (0 when
            the headings are the first non-blank row).
        sheets: a workbook's worksheets, in order (empty for a text file or a CRM).
        sheet: the sheet read.
        sheet_automatic: ContactBridge picked the sheet (the profile names none).
        sheet_has_email: the sheet's headings include an email column.
        sheets_looked_at: the sheets whose headings were looked at for an email column.
        encoding_warning: a sentence when the text encoding was a guess, naming rows to
            check; empty when it is sure.
        unreadable_rows: the rows shown that cannot be read (a run skips them, saying why).
    """

    columns: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header_row: int = 1
    title_lines: int = 0
    sheets: tuple[str, ...] = ()
    sheet: str = ""
    sheet_automatic: bool = True
    sheet_has_email: bool = True
    sheets_looked_at: tuple[str, ...] = ()
    encoding_warning: str = ""
    unreadable_rows: tuple[int, ...] = ()

    def unreadable_hint(self) -> str:
        """ "Rows 8, 10 and 12 cannot be read…", for the rows shown; "" when all can be."""
        rows = [str(r) for r in self.unreadable_rows]
        if not rows:
            return ""
        if len(rows) == 1:
            return f"Row {rows[0]} cannot be read: a sync leaves it out and says why."
        listed = ", ".join(rows[:-1]) + " and " + rows[-1]
        return f"Rows {listed} cannot be read: a sync leaves them out and says why for each."

    def title_hint(self) -> str:
        """ "The column headings are on row 4; the first 3 lines were titles…", or ""."""
        if not self.title_lines:
            return ""
        if self.title_lines == 1:
            above = "the first line was a title and is not read"
        else:
            above = f"the first {self.title_lines} lines were titles and are not read"
        return f"The column headings are on row {self.header_row}; {above}."

    def sheet_hint(self) -> str:
        """Why this sheet is read, for a workbook with several; "" otherwise."""
        if len(self.sheets) < 2:
            return ""
        if self.sheet_has_email:
            if self.sheet_automatic:
                return f'ContactBridge picked "{self.sheet}" because it has an email column.'
            return f'Reading the sheet "{self.sheet}".'
        if self.sheet_automatic:
            return (
                f"No sheet of this workbook has an email column (ContactBridge looked at "
                f'{quoted_list(self.sheets_looked_at or self.sheets)}), so it shows "{self.sheet}",'
                " the first with data. Choose the sheet that holds your contacts."
            )
        return (
            f'The sheet "{self.sheet}" has no email column. Choose the sheet that holds '
            "your contacts."
        )


def quoted_list(names: tuple[str, ...] | list[str]) -> str:
    """ "A", "B" and "C" (names in quotes, joined as in a sentence)."""
    shown = [f'"{n}"' for n in names]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]
