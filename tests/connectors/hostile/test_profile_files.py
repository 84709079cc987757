"""Hand-edited, damaged and hostile profile files given to `profiles import`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import EXIT_CANNOT_START, EXIT_OK

GOOD = {
    "format": "contactbridge-profile",
    "version": 1,
    "name": "Imported shop",
    "main_list": "Newsletter",
    "source": {"kind": "file", "settings": {"path": "/data/contacts.csv"}},
    "options": {"guard_share": 0.2},
    "mapping": [["Email", "email"]],
}


def import_text(cli, tmp_path: Path, text: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    path = tmp_path / "shop.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = cli("profiles", "import", str(path))
    assert "Traceback" not in out + err
    return code, out + err


def import_data(cli, tmp_path: Path, **changes: object) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return import_text(cli, tmp_path, json.dumps({**GOOD, **changes}))


def test_a_good_profile_imports(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert import_data(cli, tmp_path)[0] == EXIT_OK


def test_a_workbook_sheet_is_kept_through_export_and_import(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = {"kind": "file", "settings": {"path": "/data/book.xlsx", "sheet": "Contacts"}}
    assert import_data(cli, tmp_path, source=source)[0] == EXIT_OK
    exported = tmp_path / "again.json"
    assert cli("profiles", "export", "Imported shop", str(exported))[0] == EXIT_OK
    settings = json.loads(exported.read_text(encoding="utf-8"))["source"]["settings"]
    assert settings["sheet"] == "Contacts"


def test_unknown_keys_are_ignored(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert import_data(cli, tmp_path, colour="blue", options={"future": 1})[0] == EXIT_OK


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"options": {"guard_share": "lots"}}, "options.guard_share"),
        ({"options": {"guard_share": 1e308}}, "options.guard_share"),
        ({"options": {"guard_count": 10**30}}, "options.guard_count"),
        ({"options": {"guard_count": True}}, "options.guard_count"),
        ({"options": {"sync_phones": "yes"}}, "options.sync_phones"),
        ({"options": {"opt_out_handling": "explode"}}, "options.opt_out_handling"),
        ({"options": {"phone_region": 44}}, "options.phone_region"),
        ({"options": ["guard_share"]}, "options"),
        ({"name": 42}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 500}, "name"),
        ({"main_list": {"a": 1}}, "main_list"),
        ({"source": {"kind": "ftp"}}, "source.kind"),
        ({"source": {"kind": "file", "settings": "path"}}, "source.settings"),
        ({"mapping": "Email"}, "mapping"),
        ({"source": {"kind": "file", "settings": {"sheet": 2}}}, "source.settings.sheet"),
        ({"source": {"kind": "file", "settings": {"sheet": "x" * 40}}}, "source.settings.sheet"),
        ({"source": {"kind": "file", "settings": {"path": ["a"]}}}, "source.settings.path"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_wrong_value_names_the_field(cli, tmp_path: Path, changes: dict, field: str) -> None:  # type: ignore[no-untyped-def]
    code, text = import_data(cli, tmp_path, **changes)
    assert code == EXIT_CANNOT_START
    assert f'"{field}"' in text and '"shop.json"' in text


@pytest.mark.parametrize(
    "name", ["Shop\nEvil", "Shop\x1b[31m", "Shop\x00"], ids=["lf", "esc", "nul"]
)
def test_control_characters_in_the_name_are_refused(cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    code, text = import_data(cli, tmp_path, name=name)
    assert code == EXIT_CANNOT_START and "control characters" in text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2, 3]", "holds other JSON"),
        ('"just text"', "holds other JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (
            '{"format": "contactbridge-profile", "version": 1, "name": "x", "options": '
            '{"guard_count": ' + "9" * 5000 + "}}",
            "number too long",
        ),
        (
            '{"format": "contactbridge-profile", "version": 1, "name": "x", "filters": '
            + '{"rules": ' * 5000
            + "1"
            + "}" * 5001,
            "Traceback-free",
        ),
    ],
    ids=["invalid", "list", "string", "deep", "huge-number", "deep-filters"],
)
def test_damaged_json_is_a_message(cli, tmp_path: Path, text: str, words: str) -> None:  # type: ignore[no-untyped-def]
    code, output = import_text(cli, tmp_path, text)
    assert code == EXIT_CANNOT_START
    if words != "Traceback-free":
        assert words in output
