"""FileSource on delimited text files: encodings, delimiters, headers, rows and errors."""

from __future__ import annotations

import pathlib
from pathlib import Path

import pytest

from app.connectors.csv_file import FileSource, RowProblem
from app.core.errors import SourceError, SourceMissing


def write(tmp_path: Path, data: str | bytes, name: str = "contacts.csv", **kw: str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding=kw.get("encoding", "utf-8"), newline="")
    else:
        path.write_bytes(data)
    return path


def records(path: Path, **kw: str) -> list:
    return list(FileSource(path, **kw).iter_records())


# -- encodings -----------------------------------------------------------------------------


def test_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "Email,Name\nana@x.com,Ana Ñúñez 日本\n")
    (rec,) = records(path)
    assert rec.values == {"Email": "ana@x.com", "Name": "Ana Ñúñez 日本"}
    assert rec.row == 2


def test_utf8_bom_is_not_part_of_first_header(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfEmail,Name\r\nbo@x.com,Bo\r\n")
    source = FileSource(path)
    assert source.columns() == ["Email", "Name"]
    assert [r.values["Email"] for r in source.iter_records()] == ["bo@x.com"]


def test_windows_1252(tmp_path: Path) -> None:
    text = "Email;Name;Note\r\nrene@x.com;René Müller;“Price” €5 – it’s ok\r\n"
    path = write(tmp_path, text.encode("cp1252"))
    (rec,) = records(path)
    assert rec.values["Name"] == "René Müller"
    assert rec.values["Note"] == "“Price” €5 – it’s ok"


def test_windows_1252_after_a_long_ascii_start(tmp_path: Path) -> None:
    # The first non-ASCII byte lies past the first 64 KB: the whole file is the evidence, so
    # the file reads as Windows-1252 and Zoë arrives as Zoë, not as a skipped row.
    lines = ["Email,Name"] + [f"p{i}@x.com,Plain {i}" for i in range(5000)] + ["z@x.com,Zoë"]
    path = write(tmp_path, "\n".join(lines).encode("cp1252"))
    source = FileSource(path)
    got = list(source.iter_records())
    assert len(got) == 5001
    assert got[-1].values["Name"] == "Zoë"
    assert source.problems == []


def test_utf16_with_bom_tab_delimited(tmp_path: Path) -> None:
    # Excel's "Unicode Text" export.
    path = write(tmp_path, "Email\tName\r\nli@x.com\tLi Wěi\r\n".encode("utf-16"), "export.txt")
    (rec,) = records(path)
    assert rec.values == {"Email": "li@x.com", "Name": "Li Wěi"}


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, bytes(range(256)) * 40)
    with pytest.raises(SourceError, match=r"does not look like a text.*contacts\.csv"):
        FileSource(path).columns()


# -- delimiters and quoting ------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters(tmp_path: Path, sep: str) -> None:
    text = sep.join(["Email", "First", "Last"]) + "\n" + sep.join(["a@x.com", "A", "B"]) + "\n"
    path = write(tmp_path, text)
    (rec,) = records(path)
    assert rec.values == {"Email": "a@x.com", "First": "A", "Last": "B"}


def test_semicolon_file_with_commas_in_values(tmp_path: Path) -> None:
    path = write(tmp_path, "Name;Email;City\nSmith, John;j@x.com;Paris, FR\n")
    (rec,) = records(path)
    assert rec.values == {"Name": "Smith, John", "Email": "j@x.com", "City": "Paris, FR"}


def test_tsv_extension_means_tab(tmp_path: Path) -> None:
    path = write(tmp_path, "Email\tNote\na@x.com\tx, y, z\n", "contacts.tsv")
    (rec,) = records(path)
    assert rec.values["Note"] == "x, y, z"


def test_single_column_file(tmp_path: Path) -> None:
    path = write(tmp_path, "Email\na@x.com\nb@x.com\n")
    assert [r.key for r in records(path)] == ["a@x.com", "b@x.com"]


def test_quoted_fields_with_commas_quotes_and_newlines(tmp_path: Path) -> None:
    text = (
        "Email,Address,Note\n"
        'a@x.com,"1 Main St\nSuite 5","said ""hi"", left"\n'
        "b@x.com,2 High St,plain\n"
    )
    path = write(tmp_path, text)
    first, second = records(path)
    assert first.values["Address"] == "1 Main St\nSuite 5"
    assert first.values["Note"] == 'said "hi", left'
    # A record spanning two lines is still one spreadsheet row.
    assert (first.row, second.row) == (2, 3)


def test_unclosed_quote_names_the_row(tmp_path: Path) -> None:
    text = 'Email,Note\na@x.com,ok\nb@x.com,"never closed\n' + "x" * 200_000 + "\n"
    path = write(tmp_path, text)
    source = FileSource(path)
    got = list(source.iter_records())
    # The rows around it are still read; the long line after it has no email of its own.
    assert [r.row for r in got] == [2, 4]
    (problem,) = source.problems
    assert (problem.row, problem.column) == (3, "Note")
    assert "quote mark" in problem.message and "never closed" in problem.message


# -- headers -------------------------------------------------------------------------------


def test_headers_are_trimmed_blank_named_and_duplicates_numbered(tmp_path: Path) -> None:
    path = write(tmp_path, " Email , ,Name,Name,Column 2,Name\n")
    assert FileSource(path).columns() == [
        "Email",
        "Column 2",
        "Name",
        "Name (2)",
        "Column 2 (2)",
        "Name (3)",
    ]


def test_trailing_blank_headers_are_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "Email,Name,,\na@x.com,A,,\n")
    source = FileSource(path)
    assert source.columns() == ["Email", "Name"]
    (rec,) = source.iter_records()
    assert rec.values == {"Email": "a@x.com", "Name": "A"}
    assert source.problems == []


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"")
    with pytest.raises(SourceError, match=r"empty.*contacts\.csv") as info:
        FileSource(path).columns()
    assert info.value.location is not None and info.value.location.file == "contacts.csv"


def test_blank_lines_only_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "\n\n  \n")
    with pytest.raises(SourceError, match="empty"):
        list(FileSource(path).iter_records())


def test_header_only(tmp_path: Path) -> None:
    source = FileSource(write(tmp_path, "Email,Name\n"))
    assert source.columns() == ["Email", "Name"]
    assert list(source.iter_records()) == []
    assert source.count_rows() == 0
    assert source.preview() == (["Email", "Name"], [])


# -- rows ----------------------------------------------------------------------------------


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "Email,Name\n\na@x.com,A\n,\n   \nb@x.com,B\n")
    assert [(r.row, r.values["Name"]) for r in records(path)] == [(3, "A"), (6, "B")]


def test_rows_are_the_ones_a_spreadsheet_shows(tmp_path: Path) -> None:
    # Blank lines before the heading and between records, CRLF line ends, and a quoted
    # address over two lines: each record keeps the row Excel or LibreOffice gives it.
    text = (
        "\r\n"
        ",,\r\n"
        "Email,Name,Address\r\n"  # row 3: the heading
        "a@x.com,A,1 Main St\r\n"  # row 4
        "\r\n"
        'b@x.com,B,"2 High St\r\nFlat 5"\r\n'  # row 6, over two lines of text
        ",,\r\n"
        "c@x.com,C,3 Low Rd\r\n"  # row 8 (line 9 in a text editor)
    )
    source = FileSource(write(tmp_path, text))
    assert [(r.row, r.key) for r in source.iter_records()] == [
        (4, "a@x.com"),
        (6, "b@x.com"),
        (8, "c@x.com"),
    ]
    # The wizard's preview numbers its rows the same way.
    columns, numbered = source.numbered_preview(2)
    assert columns == ["Email", "Name", "Address"]
    assert [(n, cells[0]) for n, cells in numbered] == [(4, "a@x.com"), (6, "b@x.com")]
    assert source.preview(2)[1] == [cells for _, cells in numbered]


def test_values_are_stripped_and_short_rows_padded(tmp_path: Path) -> None:
    path = write(tmp_path, "Email,First,Last\n  a@x.com  , Ann \n")
    (rec,) = records(path)
    assert rec.values == {"Email": "a@x.com", "First": "Ann", "Last": ""}


def test_ragged_row_is_a_problem_naming_row_and_column(tmp_path: Path) -> None:
    text = "Email,Name,City\na@x.com,A,Oslo\nb@x.com,Smith, Bob,Rome\nc@x.com,C,Lima\n"
    source = FileSource(write(tmp_path, text))
    assert [r.row for r in source.iter_records()] == [2, 4]
    assert source.problems == [
        RowProblem(3, "Column D", source.problems[0].message, "contacts.csv")
    ]
    problem = source.problems[0]
    assert '"Rome" is under no heading' in problem.message
    assert "comma without quotes" in problem.message
    assert problem.text.endswith('(file "contacts.csv", row 3, column "Column D")')


def test_problems_reset_on_each_iteration(tmp_path: Path) -> None:
    source = FileSource(write(tmp_path, "Email\na@x.com,extra\n"))
    assert list(source.iter_records()) == []
    assert list(source.iter_records()) == []
    assert len(source.problems) == 1


def test_invalid_utf8_in_the_sample_falls_back_to_windows_1252(tmp_path: Path) -> None:
    path = write(tmp_path, b"Email,Name\na@x.com,Ann\nb@x.com,B\xff\xfeob\nc@x.com,Cy\n")
    source = FileSource(path)
    assert [r.values["Name"] for r in source.iter_records()] == ["Ann", "Bÿþob", "Cy"]
    assert source.problems == []


# -- keys and opt-out ----------------------------------------------------------------------


def test_key_from_id_column_then_email_then_row(tmp_path: Path) -> None:
    text = "ContactID,Email Address,Name\nC1,A@X.com,A\n,B@Example.COM ,B\n,,C\n"
    path = write(tmp_path, text)
    assert [r.key for r in records(path, key_column="ContactID")] == [
        "C1",
        "b@example.com",
        "row:4",
    ]
    assert [r.key for r in records(path)] == ["a@x.com", "b@example.com", "row:4"]


def test_explicit_email_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Who,Where\nW@X.COM,here\n")
    assert [r.key for r in records(path)] == ["row:2"]
    assert [r.key for r in records(path, email_column="Who")] == ["w@x.com"]


def test_unknown_key_or_opt_out_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Email\na@x.com\n")
    with pytest.raises(SourceError, match=r'"Id".*record ID.*column "Id"'):
        records(path, key_column="Id")
    with pytest.raises(SourceError, match="opt-out"):
        records(path, opt_out_column="Unsub")
    with pytest.raises(SourceError, match='"Mail" chosen as the email column'):
        records(path, email_column="Mail")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("x", True),
        ("Opted Out", True),
        ("opted-out", True),
        ("Unsubscribed", True),
        (" yes ", True),
        ("no", False),
        ("0", False),
        ("", False),
        ("false", False),
        ("subscribed", False),
    ],
)
def test_opt_out_truthiness(tmp_path: Path, value: str, expected: bool) -> None:
    path = write(tmp_path, f"Email,Email Opt Out\na@x.com,{value}\n")
    (rec,) = records(path, opt_out_column="Email Opt Out")
    assert rec.opted_out is expected


def test_no_opt_out_column_means_not_opted_out(tmp_path: Path) -> None:
    (rec,) = records(write(tmp_path, "Email,Unsubscribed\na@x.com,yes\n"))
    assert rec.opted_out is False


@pytest.mark.parametrize(
    ("value", "opted_out"),
    [("Yes", False), ("subscribed", False), ("1", False), ("No", True), ("", True), ("?", True)],
)
def test_a_consent_column_lets_only_a_yes_through(
    tmp_path: Path, value: str, opted_out: bool
) -> None:
    """A consent column ("Email: News and Updates") says the opposite of an opt-out column:
    no, a blank (never asked) or an unknown word is no consent, so counts as opted out."""
    path = write(tmp_path, f"Email,Email: News and Updates\na@x.com,{value}\n")
    (rec,) = records(path, consent_column="Email: News and Updates")
    assert rec.opted_out is opted_out
    with pytest.raises(SourceError, match='"Consent" chosen as the consent column'):
        records(path, consent_column="Consent")


# -- preview and counting --------------------------------------------------------------------


def test_preview_and_count(tmp_path: Path) -> None:
    rows = "".join(f"p{i}@x.com,P{i}\n" for i in range(30))
    source = FileSource(write(tmp_path, "Email,Name\n" + rows + "\nshort@x.com\n"))
    columns, first = source.preview(3)
    assert columns == ["Email", "Name"]
    assert first == [["p0@x.com", "P0"], ["p1@x.com", "P1"], ["p2@x.com", "P2"]]
    assert len(source.preview()[1]) == 20
    assert source.preview(100)[1][-1] == ["short@x.com", ""]
    assert source.count_rows() == 31
    assert source.describe() == "contacts.csv"
    assert source.sheet_names() == []


# -- files that cannot be read ---------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    source = FileSource(tmp_path / "gone.csv")
    with pytest.raises(SourceMissing, match=r"not found at") as missing:
        source.columns()
    # The full path, folder included: the user can tell which file, and where it was.
    assert f'"{tmp_path / "gone.csv"}"' in missing.value.message
    assert missing.value.path == str(tmp_path / "gone.csv")
    with pytest.raises(SourceError, match="not found"):
        list(source.iter_records())


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "Email\na@x.com\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    with pytest.raises(SourceError, match=r"not allowed to read.*close it.*contacts\.csv"):
        FileSource(path).columns()


def test_folder(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(SourceError, match="folder"):
        FileSource(tmp_path / "dir.csv").columns()


@pytest.mark.parametrize("suffix", [".xls", ".XLS", ".ods", ".xlsb"])
def test_old_excel_formats_are_refused(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "book" + suffix)
    with pytest.raises(SourceError, match=r"Save it as \.xlsx or \.csv from Excel.*book"):
        FileSource(path).columns()


def test_unsupported_extension(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"reads \.csv, \.tsv, \.txt and \.xlsx.*notes\.pdf"):
        FileSource(write(tmp_path, b"%PDF-1.4", "notes.pdf")).preview()


def test_xls_renamed_to_csv_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(SourceError, match=r"old-style Excel workbook \(\.xls\)"):
        FileSource(path).columns()
