"""The connector registry: every service is found through it, and only it names them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.connectors import registry
from app.core.errors import ConfigError
from app.core.profiles import SourceSpec

APP = Path(__file__).resolve().parents[2] / "app"
# Where no code may name a service: only the registry, each service's folders in
# app/connectors and app/sandbox, and its screens in app/ui/services/<kind>/ may.
GENERIC = ("core", "sync", "ui", "store", "secrets", "platform")


def test_sentences_name_a_service_but_call_a_file_the_source():
    assert registry.source_words("xero") == "Xero"
    assert registry.source_words("file") == ""
    assert registry.source_words("something-new") == ""


def test_a_service_coming_soon_says_so_in_plain_words(monkeypatch):
    # Every planned service is registered now; the next one announced would be listed so.
    monkeypatch.setattr(registry, "COMING_SOON", (("hubspot", "HubSpot"),))
    with pytest.raises(ConfigError, match="HubSpot sources are coming soon"):
        registry.connector("hubspot")
    assert registry.label("hubspot") == "HubSpot"


def test_lists_describe_a_file_by_its_name_and_a_service_by_its_label():
    assert registry.describe_source(SourceSpec("file", {"path": "C:\\shop\\customers.csv"})) == (
        "customers.csv"
    )
    assert registry.describe_source(SourceSpec("xero", {"connection_id": 3})) == "Xero"


def test_only_two_way_services_are_writable():
    assert registry.connector("xero").writable
    assert not registry.FILES.writable


def _service_words() -> set[str]:
    words = {c.kind for c in registry.CONNECTORS if c is not registry.FILES}
    words |= {kind for kind, _ in registry.COMING_SOON}
    words |= {"file_source", "filesource", "csv_file"}
    return words


def _code_names(tree: ast.AST) -> list[tuple[int, str]]:
    """Identifiers, imported modules and non-docstring strings: what code says, not comments."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            found.append((node.lineno, node.name))
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            found.append((node.lineno, node.value))
    return found


def test_no_code_outside_the_registry_and_a_services_folders_names_a_service():
    words = _service_words()
    offences = []
    for folder in GENERIC:
        for path in sorted((APP / folder).rglob("*.py")):
            rel = path.relative_to(APP)
            if rel.parts[:2] == ("ui", "services") and len(rel.parts) > 3:
                continue  # a service's own screens: app/ui/services/<kind>/
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for line, text in _code_names(tree):
                lowered = text.lower()
                for word in words:
                    if re.search(rf"(?<![a-z]){word}(?![a-z])", lowered):
                        offences.append(f"app/{rel}:{line}: {text[:60]!r} names {word!r}")
    assert not offences, "\n".join(offences)
