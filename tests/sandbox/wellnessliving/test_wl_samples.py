"""The sandbox's sample WellnessLiving business and its All Clients export file."""

from __future__ import annotations

from pathlib import Path

import requests

from app.sandbox.wellnessliving import (
    BUSINESS_KEY,
    WellnessLivingEmulator,
    seed_samples,
    serve_forever,
)
from app.sandbox.wellnessliving.samples import (
    EXPORT_HEADERS,
    SAMPLE_CLIENTS,
    write_all_clients_export,
)
from tests.sandbox.serving import serve_forever_lines

SAMPLE_EXPORT = (
    Path(__file__).resolve().parents[3] / "app/sandbox/wellnessliving/all-clients-export.csv"
)


def test_the_sample_clients_cover_what_a_sync_must_handle() -> None:
    assert len(SAMPLE_CLIENTS) == 40
    consent = [c.subscribed for c in SAMPLE_CLIENTS]
    assert consent.count(True) >= 20
    assert consent.count(False) >= 5
    assert consent.count(None) >= 5
    assert sum(1 for c in SAMPLE_CLIENTS if not c.email) >= 3
    assert len({c.client_type for c in SAMPLE_CLIENTS}) == 3
    assert len({g for c in SAMPLE_CLIENTS for g in c.groups}) == 3
    assert any(not (c.first + c.last + c.city).isascii() for c in SAMPLE_CLIENTS)
    assert len({c.email for c in SAMPLE_CLIENTS if c.email}) == 37  # no two share an email


def test_seeding_twice_adds_nothing_and_keeps_changes(tmp_path: Path) -> None:
    emu = WellnessLivingEmulator(tmp_path / "wl.sqlite3")
    seed_samples(emu)
    first = emu.client_uids(BUSINESS_KEY)[0]
    emu.update_client(first, city="Bend")
    emu.stop()
    again = WellnessLivingEmulator(tmp_path / "wl.sqlite3")
    seed_samples(again)
    assert len(again.client_uids(BUSINESS_KEY)) == 40
    assert again.client(first)["city"] == "Bend"
    again.stop()


def test_the_committed_sample_export_is_what_the_samples_write(tmp_path: Path) -> None:
    written = write_all_clients_export(tmp_path / "export.csv")
    assert SAMPLE_EXPORT.read_bytes() == written.read_bytes()


def test_the_sample_export_reads_as_a_file_source() -> None:
    from app.connectors.file_source import FileSource

    source = FileSource(SAMPLE_EXPORT)
    assert source.columns() == list(EXPORT_HEADERS)
    records = list(source.iter_records())
    assert len(records) == 40
    assert source.problems == []
    zoe = next(r for r in records if r.values["First Name"] == "Zoë")
    assert zoe.values["Client Groups"] == "Morning Flow, Teacher Training"
    assert zoe.values["Email: News and Updates"] == "Yes"


def test_serve_forever_says_where_and_answers_in_its_envelope(tmp_path: Path) -> None:
    path = tmp_path / "served.sqlite3"
    with serve_forever_lines(serve_forever, path, 2, seed=seed_samples) as said:
        base = said[0].split()[-1]
        assert "Host header" in said[1]
        answer = requests.get(
            f"{base}/Core/Passport/Login/Enter/Notepad.json",
            headers={"Host": "us.wellnessliving.com"},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["status"] == "access-signature"
