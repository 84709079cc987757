"""A run's phases, by stable id: checkpoints and run rows store these, never their words.

The words a user reads for each phase live with the rest of the vocabulary
(``app.core.vocabulary.phase_words``), so rewording a phase never breaks resuming a run that
stopped in it.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """One step of a sync run, in the order the engine runs them."""

    PREPARE = "prepare"
    REFRESH = "read_cc"
    PLAN = "plan"
    GUARD = "guard"
    EMAILS = "emails"
    IMPORT = "import"
    UNSUBSCRIBE = "unsubscribe"
    LISTS = "lists"
    REMOVE = "remove"
    IMPORT_BACK = "import_back"
    OPTOUTS_BACK = "optouts_back"
    ACTIVITY_BACK = "activity_back"
    TO_DESTINATION = "to_destination"
    FINISH = "finish"


# Into Constant Contact (a file, a CRM), then back to a source that can be written to (its
# records, then the campaign activity it takes back). A resumed run skips every phase before
# the one it stopped in.
PHASES: tuple[Phase, ...] = (
    Phase.PREPARE,
    Phase.REFRESH,
    Phase.PLAN,
    Phase.GUARD,
    Phase.EMAILS,
    Phase.IMPORT,
    Phase.UNSUBSCRIBE,
    Phase.LISTS,
    Phase.REMOVE,
    Phase.IMPORT_BACK,
    Phase.OPTOUTS_BACK,
    Phase.ACTIVITY_BACK,
    Phase.FINISH,
)
# Out of Constant Contact into another service (a migration): read, plan, check, copy.
FROM_CONSTANT_CONTACT: tuple[Phase, ...] = (
    Phase.PREPARE,
    Phase.REFRESH,
    Phase.PLAN,
    Phase.GUARD,
    Phase.TO_DESTINATION,
    Phase.FINISH,
)


def pipeline(into_constant_contact: bool) -> tuple[Phase, ...]:
    """The phases a run goes through, chosen by which side Constant Contact is on."""
    return PHASES if into_constant_contact else FROM_CONSTANT_CONTACT
