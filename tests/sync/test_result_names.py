"""A sync's results name each record as the user knows it, with its Constant Contact id."""

from __future__ import annotations

from openpyxl import load_workbook

from app.core.outcomes import Outcome
from app.sync import exports
from tests.sync.conftest import Bakery

EMAIL_COLUMN, KEY_COLUMN = "Email Address", "Customer ID"


def test_results_carry_name_and_the_files_own_id(bakery: Bakery) -> None:
    summary = bakery.run()
    by_key = bakery.results(summary)
    for line in bakery.rows():
        result = by_key[line[KEY_COLUMN]]
        name = f"{line['First Name']} {line['Last Name']}".strip()
        assert (result.name, result.source_id) == (name, line[KEY_COLUMN])


def test_created_contacts_get_their_constant_contact_id_from_the_mirror(
    bakery: Bakery, tmp_path
) -> None:
    summary = bakery.run()
    service = bakery.service
    connection = bakery.profile.connection_id
    # Until a read brings their ids, the contacts the import made have none to show: at
    # most a placeholder in the mirror, which is never shown as an id.
    assert not any(
        r.contact_id.startswith("pending:") for r in service.runs.results(summary.run_id)
    )
    # The mirror learns the contacts a bulk import made (which answers with no ids).
    contacts = list(service.connections.cc_client(connection).iter_contacts())
    service.store.mirror.upsert_contacts(connection, contacts)
    ids = {c.email.lower(): c.contact_id for c in contacts}

    rows = service.runs.results(summary.run_id)
    created = [r for r in rows if r.outcome is Outcome.CREATED]
    assert len(created) > 200
    assert all(r.contact_id == ids[r.email] for r in created)

    path = tmp_path / "run.xlsx"
    exports.write_xlsx(path, exports.results_sheets(rows))
    sheet = load_workbook(path)["Results"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) for name in ("Name", "Email", "Record ID")}
    col["cc"] = header.index("Constant Contact ID")
    lines = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    by_email = {line[col["Email"]]: line for line in lines if line[col["Email"]]}
    ada = by_email[created[0].email]
    assert ada[col["cc"]] == ids[created[0].email]
    assert ada[col["Name"]] == created[0].name and ada[col["Record ID"]] == created[0].key
