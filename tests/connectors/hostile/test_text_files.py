"""Hostile text files: what a user sees for each (records read, rows reported, or a message)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.connectors.file_source import FileSource
from app.core.errors import SourceError
from tests.connectors.hostile.builders import (
    ZOE,
    big_utf8_with_stray_bytes,
    lines,
    people,
    png_bytes,
    write,
)


def read(path: Path, **kw: str) -> tuple[list, list]:
    source = FileSource(path, **kw)
    return list(source.iter_records()), source.problems


def names(records: list) -> list[str]:
    return [r.values["Name"] for r in records]


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"],
)
def test_each_encoding_reads_names_right(tmp_path: Path, encoding: str) -> None:
    text = lines("Email,Name", f"zoe@example.com,{ZOE}", "ana@example.com,Ana Núñez")
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    got, problems = read(write(tmp_path, data))
    assert names(got) == [ZOE, "Ana Núñez"] and problems == []


def test_one_stray_byte_in_a_big_utf8_file_garbles_nothing(tmp_path: Path) -> None:
    # The user sees every name right, and row 14 reported, not "ZoÃ« MÃ¼ller" everywhere.
    got, problems = read(write(tmp_path, big_utf8_with_stray_bytes(3000, (14,))))
    assert len(got) == 2999
    assert all(r.values["First"] == "Zoë" and r.values["Last"] == "Müller" for r in got)
    (problem,) = problems
    assert (problem.row, problem.column) == (14, "Last")
    assert "not valid text" in problem.message and "\ufffd" in problem.message
    assert 'file "contacts.csv", row 14, column "Last"' in problem.text


def test_stray_bytes_on_several_rows_each_reported(tmp_path: Path) -> None:
    got, problems = read(write(tmp_path, big_utf8_with_stray_bytes(500, (3, 200, 501))))
    assert [p.row for p in problems] == [3, 200, 501]
    assert len(got) == 497


def test_stray_byte_after_the_first_64_kb(tmp_path: Path) -> None:
    got, problems = read(write(tmp_path, big_utf8_with_stray_bytes(5000, (4800,))))
    assert [p.row for p in problems] == [4800]
    assert got[-1].values["Last"] == "Müller"


def test_preview_shows_the_bad_byte_as_a_replacement_character(tmp_path: Path) -> None:
    source = FileSource(write(tmp_path, big_utf8_with_stray_bytes(20, (3,))))
    _, rows = source.numbered_preview(3)
    assert rows[1] == (3, ["p3@example.com", "Zoë", "M\ufffdller"])


def test_cp1252_file_with_accents_only_at_the_end(tmp_path: Path) -> None:
    rows = ["Email,Name", *[f"p{i}@example.com,Plain" for i in range(4000)], "z@x.com,Zoë"]
    got, problems = read(write(tmp_path, lines(*rows).encode("cp1252")))
    assert got[-1].values["Name"] == "Zoë" and problems == []


def test_lone_surrogate_bytes_are_a_reported_row(tmp_path: Path) -> None:
    # CESU-8 / WTF-8 "lone surrogate" ED A0 80 is not valid UTF-8.
    data = "Email,Name\na@x.com,Zoë\nb@x.com,".encode() + b"\xed\xa0\x80" + b"\n"
    got, problems = read(write(tmp_path, data))
    assert names(got) == ["Zoë"] and [p.row for p in problems] == [3]


def test_utf16_without_bom(tmp_path: Path) -> None:
    data = lines("Email,Name", "a@x.com,Zoë Müller", "b@x.com,Bob").encode("utf-16-le")
    got, _ = read(write(tmp_path, data))
    assert [r.values["Email"] for r in got] == ["a@x.com", "b@x.com"]


# -- control characters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Bo\x00b", "Bob"),
        ("\x1b[31mBob\x1b[0m", "Bob"),
        ("Bob\x7f", "Bob"),
        ("B\x07o\x08b", "Bob"),
        ("\x1b]0;pwned\x07Bob", "Bob"),
    ],
    ids=["nul", "terminal-colour", "del", "bell-backspace", "terminal-title"],
)
def test_control_characters_are_removed_with_a_note(tmp_path: Path, raw: str, clean: str) -> None:
    got, problems = read(write(tmp_path, lines("Email,Name", "a@x.com,Ann", f"b@x.com,{raw}")))
    assert problems == []
    assert got[1].values["Name"] == clean
    (note,) = got[1].notes
    assert note.startswith("Name: control characters") and f'"{clean}"' in note


def test_nul_late_in_a_big_file_is_removed_not_sent(tmp_path: Path) -> None:
    rows = ["Email,Name", *[f"p{i}@x.com,Name{i}" for i in range(3000)]]
    rows[2500] = "late@x.com,Na\x00me"
    got, _ = read(write(tmp_path, lines(*rows)))
    assert len(got) == 3000
    late = next(r for r in got if r.key == "late@x.com")
    assert late.values["Name"] == "Name" and late.notes


def test_nul_early_in_a_file_is_still_text(tmp_path: Path) -> None:
    got, _ = read(write(tmp_path, "Email,Name\n\x00a@x.com,Ann\n"))
    assert got[0].values["Email"] == "a@x.com"


# -- structure -----------------------------------------------------------------------------


def test_unbalanced_quote_loses_no_rows(tmp_path: Path) -> None:
    rows = ["Email,First,Last", *people(10)]
    rows[2] = 'c@example.com,"Carol,Smith'
    got, problems = read(write(tmp_path, lines(*rows)), email_column="Email")
    # Row 3 is reported with its reason; the 9 rows after it arrive as themselves.
    (problem,) = problems
    assert (problem.row, problem.column) == (3, "First")
    assert "quote mark" in problem.message and "never closed" in problem.message
    assert [r.row for r in got] == [2, *range(4, 12)]
    assert got[-1].values == {"Email": "p9@example.com", "First": "First9", "Last": "Last9"}


def test_unbalanced_quote_closed_by_a_later_stray_quote(tmp_path: Path) -> None:
    rows = ["Email,First,Last", *people(6)]
    rows[2] = 'c@example.com,"Carol,Smith'
    rows[5] = 'f@example.com,Fay",Jones'
    got, problems = read(write(tmp_path, lines(*rows)))
    assert problems[0].row == 3
    assert "d" not in [r.key for r in got]
    assert {"p2@example.com", "p3@example.com"} <= {r.key for r in got}


def test_embedded_newline_in_a_quoted_address_is_one_row(tmp_path: Path) -> None:
    text = 'Email,Name,Address,City\na@x.com,Ann,"1 High St\nFlat 2",Leeds\nb@x.com,Bob,,York\n'
    got, problems = read(write(tmp_path, text))
    assert problems == []
    assert got[0].values["Address"] == "1 High St\nFlat 2" and [r.row for r in got] == [2, 3]


def test_a_one_megabyte_notes_cell_is_read_not_blamed_on_a_quote(tmp_path: Path) -> None:
    notes = ("All good, " * 100_000)[:999_999] + "!"
    text = f'Email,Name,Notes\na@x.com,Ann,"{notes}"\nb@x.com,Bob,short\n'
    got, problems = read(write(tmp_path, text))
    assert problems == [] and len(got[0].values["Notes"]) == 1_000_000 and len(got) == 2


def test_ragged_rows(tmp_path: Path) -> None:
    got, problems = read(write(tmp_path, "Email,Name,City\na@x.com\nb@x.com,Bob,York,Extra\n"))
    assert [r.values["Name"] for r in got] == [""]
    assert problems[0].row == 3 and "more values than the file has column headings" in (
        problems[0].message
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    text = lines(delimiter.join(["Email", "Name"]), delimiter.join(["a@x.com", ZOE]))
    got, _ = read(write(tmp_path, text))
    assert got[0].values == {"Email": "a@x.com", "Name": ZOE}


def test_blank_and_duplicate_header_cells(tmp_path: Path) -> None:
    source = FileSource(write(tmp_path, "Email,,Name,Name\na@x.com,x,Ann,Annie\n"))
    assert source.columns() == ["Email", "Column 2", "Name", "Name (2)"]


def test_header_after_title_lines(tmp_path: Path) -> None:
    # The till's title and print date are above the headings: the user sees the real
    # columns, and each record by the row the spreadsheet shows it on.
    text = "Customer export\nPrinted 3/4/2025\n\nEmail,Name\na@x.com,Ann\n\nb@x.com,Bob\n"
    got, problems = read(write(tmp_path, text))
    assert [(r.row, r.values["Name"]) for r in got] == [(5, "Ann"), (7, "Bob")]
    assert problems == []


def test_a_100000_character_email_is_kept_for_the_planner_to_refuse(tmp_path: Path) -> None:
    email = "a" * 100_000 + "@x.com"
    got, problems = read(write(tmp_path, f"Email,Name\n{email},Ann\nb@x.com,Bob\n"))
    assert problems == [] and len(got) == 2


@pytest.mark.parametrize(
    "value",
    ["  a@x.com  ", "user+tag@example.com", "user@bücher.de", "a@x.com; b@x.com", "=1+2"],
    ids=["spaces", "plus", "idn", "two-emails", "formula"],
)
def test_email_cell_values_arrive_trimmed_and_unchanged(tmp_path: Path, value: str) -> None:
    got, _ = read(write(tmp_path, f'Email,Name\n"{value}",Ann\n'))
    assert got[0].values["Email"] == value.strip()


def test_rtl_and_emoji_names_arrive_intact(tmp_path: Path) -> None:
    got, _ = read(write(tmp_path, "Email,Name\na@x.com,مرحبا 👋🏽\n"))
    assert got[0].values["Name"] == "مرحبا 👋🏽"


# -- not text at all -----------------------------------------------------------------------


def test_a_png_named_csv_is_refused_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not look like a text") as info:
        FileSource(write(tmp_path, png_bytes(), "photo.csv")).columns()
    assert "photo.csv" in str(info.value)


def test_random_binary_named_csv_is_refused(tmp_path: Path) -> None:
    import random

    data = random.Random(7).randbytes(5000)
    with pytest.raises(SourceError):
        FileSource(write(tmp_path, data)).columns()


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        FileSource(write(tmp_path, b"")).columns()
