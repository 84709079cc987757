"""An undo's dry run built from entries of each kind, for the texts that count them."""

from __future__ import annotations

from typing import Any

from app.sync.undo_plan import Step
from app.sync.undo_report import UndoReport


def undo_report(
    *,
    created: int = 0,
    unsubscribes: int = 0,
    opt_outs: int = 0,
    created_in_source: int = 0,
    deletes: int = 0,
    archives: int = 0,
    source_name: str = "Xero",
) -> UndoReport:
    """That many entries of each kind: contacts the run created and put on the list (each
    restored), unsubscribes and opt-outs kept, records it created in the source and left
    there, and contacts and records the chosen removal deletes or archives."""
    steps: list[Step] = []

    def add(action: str = "update", **kw: Any) -> None:
        n = len(steps) + 1
        steps.append(Step(n, f"k{n}", action, f"person{n}@example.com", **kw))

    for _ in range(created):
        add("create", list_remove=True)
    for _ in range(unsubscribes):
        add(unsubscribe=True, outcome="skipped", reason="Unsubscribed: never undone")
    for _ in range(opt_outs):
        add(opt_out_kept=True, outcome="skipped", reason="Opted out: never undone")
    for _ in range(created_in_source):
        add(created_kept=True, outcome="skipped", reason="Created in the source")
    for _ in range(deletes):
        add("create", list_remove=True, delete=True)
    for _ in range(archives):
        add(source_archive=True)
    return UndoReport(undo_of=5, dry_run=True, steps=steps, source_name=source_name)
