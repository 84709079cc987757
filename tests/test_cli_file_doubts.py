"""The command line on awkward files: a workbook whose contacts are not on the first sheet,
one with no email column anywhere, title lines above the headings, a guessed encoding."""

from __future__ import annotations

import json
from pathlib import Path

from app.cli import EXIT_CANNOT_START, EXIT_OK
from app.sync.bootstrap import open_service
from tests.connectors.hostile.workbooks import workbook_bytes
from tests.test_cli import on_list


def test_push_from_a_workbook_with_no_email_column_names_the_sheets(cli, tmp_path: Path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(
        workbook_bytes({"Notes": [["Read me first"]], "Totals": [["Month", "Sales"], ["May", 3]]})
    )

    code, out, err = cli("push", str(book), "--list", "Walk-ins")

    assert code == EXIT_CANNOT_START and out == ""
    assert 'No email column was found in sheet "Notes" of "book.xlsx"' in err
    assert 'nor in its other sheet ("Totals")' in err


def test_push_reads_the_contacts_sheet_below_its_title_lines(cli, home: Path, tmp_path: Path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(
        workbook_bytes(
            {
                "Notes": [["Exported from the till"]],
                "Contacts": [
                    ["Customer export"],
                    ["Email", "First name"],
                    ["ann@example.com", "Ann"],
                    ["bo@example.com", "Bo"],
                ],
            }
        )
    )

    code, out, _err = cli("push", str(book), "--list", "Walk-ins", "--json")

    assert code == EXIT_OK
    assert json.loads(out)["counts"]["created"] == 2
    assert on_list(home, "Walk-ins") == {"ann@example.com", "bo@example.com"}


def test_a_guessed_encoding_is_said_once_and_noted_on_each_record(cli, home, tmp_path: Path):
    people = [("zoe@example.com", "Zoë"), ("bob@example.com", "Bob"), ("ana@example.com", "Aña")]
    text = "Email,First name\n" + "".join(f"{e},{n}\n" for e, n in people)
    file = tmp_path / "till.csv"
    file.write_bytes(text.encode("cp1252"))

    code, out, _err = cli("push", str(file), "--list", "Walk-ins")

    assert code == EXIT_OK
    said = "ContactBridge was not sure of the file's text encoding and read it as Windows-1252"
    assert out.count(said) == 1
    assert "check the names on rows 2 and 4;" in out
    handle = open_service(sandbox=True, home=home)
    try:
        service = handle.service
        profile = service.profiles.named("Quick push: till.csv → Walk-ins")
        run = service.store.runs.last_run(profile.id)
        details = {r.row: r.detail for r in service.runs.results(run.run_id)}
    finally:
        handle.close()
    note = "First name: read as Windows-1252 (Western European), a guess"
    assert note in details[2] and note in details[4] and note not in details[3]


def test_a_till_export_with_unreadable_rows_sends_the_rest(cli, home: Path, tmp_path: Path):
    from app.sandbox.till_export import write_till_export

    file = write_till_export(tmp_path)

    code, out, _err = cli("push", str(file), "--list", "Walk-ins", "--json")

    assert code == EXIT_OK
    data = json.loads(out)
    assert (data["counts"]["created"], data["counts"]["skipped"]) == (7, 3)
    handle = open_service(sandbox=True, home=home)
    try:
        service = handle.service
        profile = service.profiles.named("Quick push: till-export.csv → Walk-ins")
        run = service.store.runs.last_run(profile.id)
        skipped = {r.row: r.reason for r in service.runs.results(run.run_id) if not r.email}
    finally:
        handle.close()
    assert sorted(skipped) == [8, 10, 12]  # the spreadsheet's rows, below three title lines
    assert "not valid text" in skipped[8]
    assert "never closed" in skipped[10]
    assert "more values than the file has column headings" in skipped[12]
    assert "emma.jones@example.com" not in on_list(home, "Walk-ins")
    assert "oliver.grant@example.com" in on_list(home, "Walk-ins")  # after the bad rows
