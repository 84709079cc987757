"""Shared by the manager screens' tests: a synced sandbox, answers to questions, a task pool."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.connectors.http import RateLimiter
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.workers import BackgroundTasks
from app.ui.lists.confirm import Confirmation

TIMEOUT = 30_000


@dataclass
class Answers:
    """Stands in for the question dialogs: records each question and answers it at once."""

    yes: bool = True
    text: str = ""
    asked: list[Confirmation] = field(default_factory=list)
    prompts: list[tuple[str, str]] = field(default_factory=list)

    def confirm(self, parent: Any, confirmation: Confirmation, on_yes: Callable[[], None]) -> None:
        self.asked.append(confirmation)
        if self.yes:
            on_yes()

    def ask_text(
        self, parent: Any, title: str, label: str, initial: str, on_ok: Callable[[str], None]
    ) -> None:
        self.prompts.append((title, initial))
        if self.yes:
            on_ok(self.text)


@pytest.fixture
def fast_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulators enforce no limit in these tests, so the clients' throttles are lifted too
    (every service's: a NeonCRM sync writes Constant Contact's regulars back at 10 a second)."""
    monkeypatch.setattr(RateLimiter, "acquire", lambda self: 0.0)


@pytest.fixture
def tasks(qapp) -> Iterator[BackgroundTasks]:
    pool = BackgroundTasks("test-managers")
    yield pool
    pool.shutdown()


@pytest.fixture
def synced(sandbox, fast_client) -> Any:
    """The sandbox after one sync of the sample profile (the Newsletter list has members)."""
    sample = sandbox.service.profiles.named(SAMPLE_PROFILE_NAME)
    sandbox.service.runs.sync(sample.id)
    sandbox.sample_profile = sample
    return sandbox
