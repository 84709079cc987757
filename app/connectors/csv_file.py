"""The spreadsheet file source (CSV, TSV, Excel); the code lives in ``file_source``."""

from app.connectors.file_source import FileSource, RowProblem, clean_headers

__all__ = ["FileSource", "RowProblem", "clean_headers"]
