"""Exports are offered under the profile's name and the date, in the documents folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.ui.export_path import export_path, safe_file_name

DAY = date(2026, 12, 7)


def test_the_profile_name_and_date_in_the_documents_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("app.ui.export_path.user_documents_dir", lambda: str(tmp_path))
    path = export_path("Bakery customers → Newsletter", DAY, "results", "csv")
    assert path == tmp_path / "Bakery customers → Newsletter – 2026-12-07 results.csv"


def test_without_a_documents_folder_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("app.ui.export_path.user_documents_dir", lambda: str(tmp_path / "no"))
    assert export_path("Shop", DAY, "runs", "xlsx").parent == Path.home()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ('Shop: "VIP" / trade', "Shop- -VIP- - trade"),
        ("a\\b|c?d*e<f>g", "a-b-c-d-e-f-g"),
        ("tabs\tand\nlines", "tabs-and-lines"),
        ("ends with dots...", "ends with dots"),
        ("CON.csv", "_CON.csv"),
        ("", "export"),
    ],
)
def test_unsafe_characters_are_replaced(name, safe):
    assert safe_file_name(name) == safe


def test_a_long_name_keeps_its_extension():
    name = safe_file_name("x" * 400 + ".csv")
    assert len(name) <= 150 and name.endswith(".csv")
