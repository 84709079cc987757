"""Paths that are not files, and damaged or tricky workbooks: the message a user sees."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from app.connectors.file_source import FileSource
from app.core.errors import SourceError
from tests.connectors.hostile.workbooks import (
    CONTACTS,
    encrypted_workbook_bytes,
    raw_workbook,
    rewrite,
    save,
    with_shared_strings,
    workbook_bytes,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX file types")


def message(path: Path) -> str:
    with pytest.raises(SourceError) as info:
        FileSource(path).columns()
    text = str(info.value)
    assert path.name in text  # every message names the file (a missing one by its full path)
    return text


# -- paths ---------------------------------------------------------------------------------


def test_a_folder(tmp_path: Path) -> None:
    (tmp_path / "exports.csv").mkdir()
    assert "folder, not a file" in message(tmp_path / "exports.csv")


def test_a_missing_file(tmp_path: Path) -> None:
    assert "not found" in message(tmp_path / "gone.csv")


@posix_only
def test_a_dangling_link(tmp_path: Path) -> None:
    link = tmp_path / "contacts.csv"
    link.symlink_to(tmp_path / "deleted.csv")
    assert "no longer exists" in message(link)


@posix_only
def test_a_symlink_loop(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    assert "points back at itself" in message(a)


@posix_only
def test_a_fifo_is_refused_at_once_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)
    result: list[str] = []

    def attempt() -> None:
        try:
            FileSource(fifo).columns()
        except SourceError as exc:
            result.append(str(exc))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # it opened the pipe and blocks: free it, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("FileSource opened the named pipe")
    assert result and "named pipe" in result[0]


@posix_only
def test_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "contacts.csv"
    link.symlink_to("/dev/zero")  # endless: reading it would never finish
    assert "a device" in message(link)


@posix_only
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("Email\na@x.com\n")
    path.chmod(0)
    assert "not allowed to read" in message(path)


# -- workbooks -----------------------------------------------------------------------------


def test_a_password_protected_workbook(tmp_path: Path) -> None:
    assert "password-protected" in message(save(tmp_path, encrypted_workbook_bytes()))


def test_an_old_xls_named_xlsx(tmp_path: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    assert "old-style Excel workbook (.xls)" in message(save(tmp_path, data))


def test_a_csv_named_xlsx_is_read_as_the_csv_it_is(tmp_path: Path) -> None:
    path = save(tmp_path, "Email,Name\na@x.com,Zoë\n".encode())
    assert [r.values["Name"] for r in FileSource(path).iter_records()] == ["Zoë"]


def test_an_xlsm_workbook_reads(tmp_path: Path) -> None:
    path = save(tmp_path, workbook_bytes(CONTACTS), "macros.xlsm")
    assert [r.key for r in FileSource(path).iter_records()] == ["a@x.com", "b@x.com"]


@pytest.mark.parametrize(
    ("member", "change"),
    [
        ("xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2]),
        ("xl/worksheets/sheet1.xml", lambda b: b.replace(b"<row", b"<row<", 1)),
        ("xl/sharedStrings.xml", lambda b: b[: len(b) // 2]),
        ("xl/workbook.xml", lambda b: b"<not xml"),
    ],
    ids=["sheet-cut", "sheet-bad-tag", "strings-cut", "workbook-xml"],
)
def test_damaged_workbook_xml_is_a_message(tmp_path: Path, member: str, change: object) -> None:
    data = with_shared_strings([["Email", "Name"], ["a@x.com", "Ann"]])
    path = save(tmp_path, rewrite(data, member, change))  # type: ignore[arg-type]
    with pytest.raises(SourceError) as info:
        list(FileSource(path).iter_records())
    assert "damaged" in str(info.value) and 'file "contacts.xlsx"' in str(info.value)


def test_error_cells_arrive_as_their_text(tmp_path: Path) -> None:
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Score</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a@x.com</t></is></c>'
        '<c r="B2" t="e"><v>#DIV/0!</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>b@x.com</t></is></c>'
        '<c r="B3" t="e"><v>#N/A</v></c></row>'
    )
    got = list(FileSource(save(tmp_path, raw_workbook(rows))).iter_records())
    assert [r.values["Score"] for r in got] == ["#DIV/0!", "#N/A"]


def test_error_text_in_a_number_cell_names_the_sheet_and_row(tmp_path: Path) -> None:
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a@x.com</t></is></c>'
        '<c r="B2"><v>#DIV/0!</v></c></row>'
    )
    with pytest.raises(SourceError) as info:
        list(FileSource(save(tmp_path, raw_workbook(rows))).iter_records())
    assert 'sheet "Data"' in str(info.value) and "#DIV/0!" in str(info.value)


_REFUSED = "This workbook contains XML that ContactBridge refuses to read for safety"
# Nine levels of ten: expanded, one cell would be 10 GB ("billion laughs").
_BOMB = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)


def _with_entity(tmp_path: Path, member: str, entity: str, use: str) -> Path:
    """contacts.xlsx whose ``member`` (the sheet or the shared strings) declares ``entity``
    and uses it (``use``) in the first heading."""
    if member == "sheet":
        rows = (
            f'<row r="1"><c r="A1" t="inlineStr"><is><t>Email{use}</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>a@x.com</t></is></c></row>'
        )
        return save(tmp_path, raw_workbook(rows, entity=entity))
    data = with_shared_strings([["Email", "Name"], ["a@x.com", "Ann"]])
    declared = rewrite(
        data,
        "xl/sharedStrings.xml",
        lambda b: b.replace(b"?>", b"?>" + entity.encode(), 1).replace(
            b"<t>Email", f"<t>Email{use}".encode(), 1
        ),
    )
    return save(tmp_path, declared)


@pytest.mark.parametrize("member", ["sheet", "shared-strings"])
def test_external_entity_is_refused_and_never_read(tmp_path: Path, member: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    entity = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    path = _with_entity(tmp_path, member, entity, "&xxe;")
    with pytest.raises(SourceError) as info:
        list(FileSource(path).iter_records())
    text = str(info.value)
    assert text.startswith(_REFUSED) and 'file "contacts.xlsx"' in text
    assert "TOP-SECRET" not in text + info.value.details


@pytest.mark.parametrize("member", ["sheet", "shared-strings"])
def test_entity_expansion_bomb_is_refused_at_once(tmp_path: Path, member: str) -> None:
    path = _with_entity(tmp_path, member, _BOMB, "&j;")
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        FileSource(path).preview()
    # Refused on reading the declarations, before anything is expanded: expanding even a
    # thousandth of it would take far longer than this, and gigabytes.
    assert time.monotonic() - started < 10
    assert str(info.value).startswith(_REFUSED) and "damaged" not in str(info.value)


def test_an_entity_in_a_sheet_read_later_names_that_sheet() -> None:
    from defusedxml import EntitiesForbidden

    from app.connectors.file_source.xlsx_rows import _damaged_sheet

    try:
        raise ValueError("parse failed") from EntitiesForbidden("a", None, None, None, None, None)
    except ValueError as exc:
        error = _damaged_sheet("Contacts", "book.xlsx", 7, exc)
    assert str(error).startswith(_REFUSED) and 'its sheet "Contacts"' in str(error)
    assert 'file "book.xlsx", sheet "Contacts"' in str(error)


def test_the_sheet_with_an_email_column_is_picked_and_named(tmp_path: Path) -> None:
    data = workbook_bytes(
        {
            "Notes": [["Read me first"], ["This export was made on Monday"]],
            "Contacts": [
                ["Email", "Name", "City"],
                ["a@x.com", "Ann"],
                ["b@x.com", "Bo", "x", "y"],
            ],
        }
    )
    source = FileSource(save(tmp_path, data))
    got = list(source.iter_records())
    assert [r.key for r in got] == ["a@x.com"]
    (problem,) = source.problems
    assert 'sheet "Contacts"' in problem.text and "row 3" in problem.text


def test_merged_cells_and_formulas(tmp_path: Path) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Name", "Total"])
    sheet.append(["a@x.com", "Ann", "=1+1"])
    sheet.append(["b@x.com", "Bob", 3])
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    got = list(FileSource(save(tmp_path, out.getvalue())).iter_records())
    # No cached value for a formula that was never calculated: it arrives blank, not "=1+1".
    assert [(r.values["Name"], r.values["Total"]) for r in got] == [("Ann", ""), ("", "3")]


def test_a_huge_shared_strings_table(tmp_path: Path) -> None:
    rows = [["Email", "Name"]] + [[f"p{i}@x.com", f"Name {i}"] for i in range(20_000)]
    got = list(FileSource(save(tmp_path, with_shared_strings(rows))).iter_records())
    assert len(got) == 20_000 and got[-1].values["Name"] == "Name 19999"
