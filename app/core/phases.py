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
    REMOVE = "remove"
    IMPORT_BACK = "import_back"
    OPTOUTS_BACK = "optouts_back"
    FINISH = "finish"


# A resumed run skips every phase before the one it stopped in.
PHASES: tuple[Phase, ...] = tuple(Phase)
