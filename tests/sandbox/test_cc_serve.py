"""serve_forever (behind `main.py sandbox serve`) and a bulk import of realistic size."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import requests

from app.sandbox.constant_contact import serve_forever
from tests.sandbox.cc_support import Api


def test_serve_forever_prints_a_working_curl_line(tmp_path: Path) -> None:
    lines: list[str] = []
    stop = threading.Event()
    server = threading.Thread(
        target=serve_forever,
        args=(tmp_path / "s.sqlite3",),
        kwargs={"print_fn": lines.append, "stop": stop},
    )
    server.start()
    try:
        deadline = time.monotonic() + 10
        while (
            not any(line.startswith("Try: curl") for line in lines) and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        curl = next(line for line in lines if line.startswith("Try: curl"))
        token, url = re.search(r"Bearer (\S+)\" (\S+)$", curl).groups()  # type: ignore[union-attr]
        assert any("/oauth2/default/v1" in line for line in lines)
        response = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200
    finally:
        stop.set()
        server.join(timeout=10)
    assert not server.is_alive()


def test_bulk_import_of_40000_contacts(api: Api) -> None:
    list_id = api.emulator.create_list("Everyone")
    items = [
        {"email": f"person{i}@example.com", "first_name": "P", "last_name": str(i)}
        for i in range(40_000)
    ]
    started = time.monotonic()
    response = api.post(
        "/activities/contacts_json_import", json={"import_data": items, "list_ids": [list_id]}
    )
    activity = api.wait_activity(response.json()["activity_id"])
    assert time.monotonic() - started < 30  # typically 2-3 s; generous for slow CI machines
    assert activity["status"]["person_count"] == 40_000
    count = api.get(
        "/contacts", params={"include_count": "true", "limit": 1, "lists": list_id}
    ).json()
    assert count["contacts_count"] == 40_000
