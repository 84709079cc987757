"""What kind of file a source file is (text or workbook), told by its name and first bytes."""

from __future__ import annotations

from pathlib import Path

from app.connectors.file_source.path_check import check_regular_file
from app.core.errors import SourceError, SourceLocation, SourceMissing

TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SUPPORTED = ".csv, .tsv, .txt and .xlsx"
_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc and other old Office files
_HEAD_BYTES = 64 * 1024
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")  # a stream of a password-protected workbook


def find_kind(path: Path, where: SourceLocation) -> str:
    """``text`` or ``xlsx``, from the extension and the first bytes (a workbook named .csv
    is a workbook, a CSV named .xlsx is text).

    Raises:
        SourceError: a kind ContactBridge cannot read (.xls, .ods, a password-protected
            workbook...), a FIFO or device, or a file that cannot be opened; each says what
            to do.
    """
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES and suffix not in TEXT_SUFFIXES:
        if suffix in (".xls", ".xlsb", ".ods", ".numbers"):
            raise SourceError(
                f"ContactBridge cannot read {suffix} files. Save it as .xlsx or .csv "
                "from Excel (File › Save As) and pick that file.",
                where,
            )
        raise SourceError(
            f"ContactBridge reads {SUPPORTED} files; this one is not one of those. "
            "Save it as .xlsx or .csv from Excel and pick that file.",
            where,
        )
    check_regular_file(path)  # a FIFO or device is refused before it is opened
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError as exc:
        raise os_error(exc, where) from exc
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"  # an Excel workbook named .csv: read it as what it is
    if head.startswith(_OLE2_MAGIC) and _ENCRYPTED in head:
        raise SourceError(
            "This workbook is password-protected, so ContactBridge cannot read it. Open it "
            "in Excel, remove the password (File › Info › Protect Workbook) or save a copy "
            "as .csv, and pick that file.",
            where,
        )
    if suffix in EXCEL_SUFFIXES:
        if head.startswith(_OLE2_MAGIC):
            raise SourceError(
                f"This is an old-style Excel workbook (.xls) named {suffix}. Save it as "
                ".xlsx or .csv from Excel (File › Save As) and pick that file.",
                where,
            )
        if _looks_delimited(head):
            return "text"  # a CSV named .xlsx: read it as what it is
        return "xlsx"  # damaged, or not a workbook at all: the reader says so
    if head.startswith(_OLE2_MAGIC):
        raise SourceError(
            "This is an old-style Excel workbook (.xls), not a CSV file. Save it as .xlsx "
            "or .csv from Excel (File › Save As) and pick that file.",
            where,
        )
    return "text"


def os_error(exc: OSError, where: SourceLocation) -> SourceError:
    """The user's words for a file that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return SourceMissing(str(exc.filename or where.file), where, details=repr(exc))
    if isinstance(exc, PermissionError):
        text = (
            "ContactBridge is not allowed to read this file. If it is open in Excel, close "
            "it there; otherwise check that your account may open it."
        )
    elif isinstance(exc, IsADirectoryError):
        text = "This is a folder, not a file."
    else:
        text = f"The file could not be read ({exc.strerror or exc})."
    return SourceError(text, where, details=repr(exc))


def _looks_delimited(head: bytes) -> bool:
    """The first line of ``head`` is text with a comma, semicolon, tab or pipe in it."""
    first = head.split(b"\n", 1)[0]
    if b"\x00" in first:
        return False
    return any(d in first for d in (b",", b";", b"\t", b"|"))
