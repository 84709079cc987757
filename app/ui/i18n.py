"""The one translation helper, for classes and module-level tables alike.

Run lupdate with ``-tr-function-alias tr+=tr`` so these calls are extracted too.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

CONTEXT = "ContactBridge"


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """Translate a user-visible string (the identity until a translation is installed)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation, n)
