"""The one translation helper, for classes and module-level tables alike.

Run lupdate with ``-tr-function-alias tr+=tr`` so these calls are extracted too.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.plural import plural

CONTEXT = "ContactBridge"


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """Translate a user-visible string (the identity until a translation is installed)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation, n)


def tr_n(one: str, many: str, n: int) -> str:
    """A text with a count, in its form for ``n`` ("1 member", "1,234 members"): ``%n`` is the
    count with thousands separators. Both forms go through ``tr`` as whole texts, so a
    translator sees each; Qt's own numerus ``%n`` would print "member(s)" until a translation
    is installed."""
    return tr(plural(n, one, many)).replace("%n", f"{n:,}")
