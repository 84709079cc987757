"""Builders of damaged and tricky .xlsx workbooks (zip members rewritten after openpyxl)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CONTACTS = {"Contacts": [["Email", "Name"], ["a@x.com", "Zoë"], ["b@x.com", "Bob"]]}


def rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """``data`` with one zip member's bytes passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item.filename, change(body) if item.filename == member else body)
    return out.getvalue()


def with_shared_strings(rows: list[list[str]]) -> bytes:
    """A one-sheet workbook whose text cells go through a shared-strings table."""
    strings = sorted({c for r in rows for c in r})
    index = {s: i for i, s in enumerate(strings)}
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    sheet_rows = "".join(
        f'<row r="{n}">'
        + "".join(f'<c r="{chr(65 + i)}{n}" t="s"><v>{index[c]}</v></c>' for i, c in enumerate(row))
        + "</row>"
        for n, row in enumerate(rows, start=1)
    )
    return raw_workbook(sheet_rows, sst)


def raw_workbook(sheet_rows: str, shared: str | None = None, entity: str = "") -> bytes:
    """A minimal hand-written workbook: one sheet "Data" with ``sheet_rows`` XML."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
            '.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared is not None
                else ""
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Data" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?>{entity}<worksheet {ns}><sheetData>{sheet_rows}'
            "</sheetData></worksheet>"
        ),
    }
    if shared is not None:
        files["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst {ns}>{shared}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, text in files.items():
            target.writestr(name, text)
    return out.getvalue()


def encrypted_workbook_bytes() -> bytes:
    """The start of an OLE2 container holding an EncryptionInfo stream, as Excel writes one."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
    return header + directory + b"\x00" * 1024


def save(tmp_path: Path, data: bytes, name: str = "contacts.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
