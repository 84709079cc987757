"""Reading contacts from spreadsheet files: CSV, TSV and Excel (.xlsx)."""

from app.connectors.file_source.headers import clean_headers
from app.connectors.file_source.problems import RowProblem
from app.connectors.file_source.source import FileSource

__all__ = ["FileSource", "RowProblem", "clean_headers"]
