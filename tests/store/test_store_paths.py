"""app.paths: the platform folder, and the CONTACTBRIDGE_HOME override."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import paths


@pytest.fixture
def platform_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "platform" / "ContactBridge"
    calls: list[tuple[str, str]] = []

    def fake_user_data_dir(appname: str, appauthor: str) -> str:
        calls.append((appname, appauthor))
        return str(target)

    monkeypatch.setattr(paths, "user_data_dir", fake_user_data_dir)
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    yield target
    assert set(calls) <= {("ContactBridge", "ContactBridge")}


def test_env_name_is_exact() -> None:
    assert paths.HOME_ENV == "CONTACTBRIDGE_HOME"


def test_app_home_defaults_to_platform_dir(platform_dir: Path) -> None:
    assert paths.app_home() == platform_dir
    assert platform_dir.is_dir()


def test_override_wins_and_everything_follows(
    platform_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "elsewhere"
    monkeypatch.setenv("CONTACTBRIDGE_HOME", str(home))

    assert paths.app_home() == home
    assert paths.db_path() == home / "contactbridge.sqlite3"
    assert paths.log_dir() == home / "logs"
    assert paths.backups_dir() == home / "backups"
    assert (home / "logs").is_dir() and (home / "backups").is_dir()
    assert not paths.db_path().exists()  # the store creates the file, not paths
    assert not platform_dir.exists()


def test_blank_override_is_ignored(platform_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTACTBRIDGE_HOME", "  ")
    assert paths.app_home() == platform_dir


def test_sandbox_home_ignores_override(
    platform_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTACTBRIDGE_HOME", str(tmp_path / "elsewhere"))
    assert paths.default_sandbox_home() == platform_dir / "sandbox"
    assert (platform_dir / "sandbox").is_dir()


def test_logs_go_to_the_platform_log_folder_unless_a_home_is_given(
    platform_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "platform-logs" / "ContactBridge"
    monkeypatch.setattr(paths, "user_log_dir", lambda name, org: str(logs))
    assert paths.log_dir() == logs and logs.is_dir()
    assert paths.log_dir(tmp_path / "sandbox") == tmp_path / "sandbox" / "logs"
    monkeypatch.setenv("CONTACTBRIDGE_HOME", str(tmp_path / "home"))
    assert paths.log_dir() == tmp_path / "home" / "logs"
