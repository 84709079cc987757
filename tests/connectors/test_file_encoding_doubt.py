"""A guessed text encoding is never silent: the preview warns, naming rows to check, and each
record the guess decoded carries a note; a sure encoding says nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.connectors.file_source import FileSource
from tests.connectors.hostile.builders import ZOE, big_utf8_with_stray_bytes, lines, write

ROWS = ["Email,Name"] + [
    f"p{i}@x.com,{ZOE if i % 5 == 0 else f'Plain {i}'}" for i in range(2, 60)
]  # accented names on rows 5, 10, 15... (the header is row 1; row i holds p{i})


def cp1252_file(tmp_path: Path) -> Path:
    return write(tmp_path, lines(*ROWS).encode("cp1252"))


def test_preview_warns_and_names_the_first_rows_to_check(tmp_path: Path) -> None:
    look = FileSource(cp1252_file(tmp_path)).look(5)
    assert look.encoding_warning == (
        "ContactBridge is not sure which text encoding this file uses. It read it as "
        "Windows-1252 (Western European). Check the names on rows 5, 10 and 15: if they look "
        "wrong, save the file as CSV UTF-8 (in Excel: File › Save As) and pick it again."
    )


def test_each_record_read_by_the_guess_carries_a_note(tmp_path: Path) -> None:
    source = FileSource(cp1252_file(tmp_path))
    records = {r.row: r for r in source.iter_records()}
    assert records[5].values["Name"] == ZOE
    (note,) = records[5].notes
    assert (
        note == "Name: read as Windows-1252 (Western European), a guess; check that it looks right"
    )
    assert records[6].notes == ()  # plain ASCII: nothing to check


def test_the_run_note_counts_every_row_once_the_file_is_read(tmp_path: Path) -> None:
    source = FileSource(cp1252_file(tmp_path))
    list(source.iter_records())
    affected = [i for i in range(2, 60) if i % 5 == 0]
    assert source.run_note.startswith(
        "ContactBridge was not sure of the file's text encoding and read it as Windows-1252 "
        f"(Western European): check the names on rows 5, 10 and 15 (and {len(affected) - 3} "
        "more)"
    )


def test_a_mostly_damaged_utf8_file_is_a_doubt_too(tmp_path: Path) -> None:
    # Two good UTF-8 names and one bad byte: reading it as UTF-8 is a guess.
    data = b"Email,Name\na@x.com," + ZOE.encode() + b"\nb@x.com,M\xfcller\nc@x.com,Zo\xc3\xab\n"
    source = FileSource(write(tmp_path, data))
    look = source.look()
    assert "It read it as UTF-8, though some of its bytes are not UTF-8" in look.encoding_warning
    assert "rows 2 and 4" in look.encoding_warning
    assert [p.row for p in source.problems] == [] and len(list(source.iter_records())) == 2
    assert [p.row for p in source.problems] == [3]  # the bad byte's row, reported on its own


@pytest.mark.parametrize(
    "data",
    [
        lines("Email,Name", "a@x.com,Ann").encode("ascii"),
        lines("Email,Name", f"a@x.com,{ZOE}").encode("utf-8"),
        lines("Email,Name", f"a@x.com,{ZOE}").encode("utf-8-sig"),
        lines("Email,Name", f"a@x.com,{ZOE}").encode("utf-16"),
        big_utf8_with_stray_bytes(300, (14,)),  # one bad byte among hundreds of good names
    ],
    ids=["ascii", "utf-8", "utf-8-bom", "utf-16-bom", "utf-8-one-stray-byte"],
)
def test_a_sure_encoding_shows_no_warning(tmp_path: Path, data: bytes) -> None:
    source = FileSource(write(tmp_path, data))
    assert source.look().encoding_warning == ""
    records = list(source.iter_records())
    assert source.run_note == "" and not any("a guess" in n for r in records for n in r.notes)
