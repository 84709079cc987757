"""A service panel's preview: the first records read in the background, taken into the draft
the same way for every service (its records have their own ids: no key or opt-out column)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.ui.profile_wizard import flow

if TYPE_CHECKING:  # the wizard's pages load the service panels: no import back at run time
    from app.ui.profile_wizard.pages.base import WizardContext

Numbered = tuple[list[str], list[tuple[int, list[str]]]]


def take_preview(ctx: WizardContext, result: Numbered) -> None:
    """Put a service's first records (columns, numbered rows) into the wizard's draft."""
    columns, numbered = result
    flow.apply_source_preview(
        ctx.draft,
        columns,
        [cells for _, cells in numbered],
        suggested=ctx.service.profiles.suggest_mapping(columns),
        opt_out_column="",
        key_column="",
        row_numbers=[number for number, _ in numbered],
    )
