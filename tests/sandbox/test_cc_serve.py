"""serve_forever (behind `main.py sandbox serve`) and a bulk import of realistic size."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from app.sandbox.constant_contact import serve_forever
from tests.sandbox.cc_support import Api
from tests.sandbox.serving import serve_forever_lines


def test_serve_forever_prints_a_working_curl_line(tmp_path: Path) -> None:
    with serve_forever_lines(serve_forever, tmp_path / "s.sqlite3", 7) as lines:
        curl = next(line for line in lines if line.startswith("Try: curl"))
        token, url = re.search(r"Bearer (\S+)\" (\S+)$", curl).groups()  # type: ignore[union-attr]
        assert any("/oauth2/default/v1" in line for line in lines)
        assert lines[-1] == "Press Ctrl+C to stop."
        response = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200


def test_bulk_import_of_40000_contacts(api: Api) -> None:
    list_id = api.emulator.create_list("Everyone")
    items = [
        {"email": f"person{i}@example.com", "first_name": "P", "last_name": str(i)}
        for i in range(40_000)
    ]
    response = api.post(
        "/activities/contacts_json_import", json={"import_data": items, "list_ids": [list_id]}
    )
    activity = api.wait_activity(response.json()["activity_id"])
    assert activity["status"]["person_count"] == 40_000
    count = api.get(
        "/contacts", params={"include_count": "true", "limit": 1, "lists": list_id}
    ).json()
    assert count["contacts_count"] == 40_000
