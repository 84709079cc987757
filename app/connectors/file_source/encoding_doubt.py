"""Saying so when a text file's encoding had to be guessed, and naming the rows to check.

A byte-order mark, or UTF-8 throughout, settles a file's encoding. Anything else is a guess
(Windows-1252 and its kin, or charset-normalizer's pick), and so is UTF-8 with a few bytes that
are not UTF-8 when good characters do not clearly outnumber them. A guess is right most of
the time, but when it is wrong every accented letter comes out garbled ("ZoÃ«"), so the
preview and the run's results say it was a guess and which rows to look at.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

SHOWN_ROWS = 3
"""How many row numbers a message names; the rest are counted ("and 30 more")."""

_LABELS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (Western European)",
    "iso8859-1": "Latin-1 (Western European)",
    "iso8859-15": "Latin-9 (Western European)",
    "mac-roman": "Mac OS Roman (Western European)",
    "cp850": "DOS Latin-1 (Western European)",
    "cp437": "DOS (United States)",
    "cp1250": "Windows-1250 (Central European)",
    "iso8859-2": "Latin-2 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "koi8-r": "KOI8-R (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "shift_jis": "Shift JIS (Japanese)",
    "cp932": "Windows-31J (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "gb2312": "GB2312 (Simplified Chinese)",
    "gb18030": "GB18030 (Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "euc_kr": "EUC-KR (Korean)",
}
_FIX = "save the file as CSV UTF-8 (in Excel: File › Save As) and pick it again"


def encoding_label(encoding: str) -> str:
    """The encoding in words a user may recognise: ``cp1252`` → "Windows-1252 (Western
    European)"; an unknown one by its codec name."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = encoding
    return _LABELS.get(name, name.upper())


@dataclass
class EncodingDoubt:
    """A guessed encoding, and the rows whose text it decoded (collected while reading).

    Attributes:
        encoding: the codec the file was read with.
        damaged: read as UTF-8 although some bytes are not UTF-8 (those rows are reported
            on their own as unreadable); else a single-byte or other guessed encoding.
        rows: the first ``SHOWN_ROWS`` rows with non-ASCII text read by the guess.
        count: how many such rows were found in all.
        complete: the whole file was read, so ``count`` is every such row.
    """

    encoding: str
    damaged: bool = False
    rows: list[int] = field(default_factory=list)
    count: int = 0
    complete: bool = False

    @property
    def label(self) -> str:
        return encoding_label(self.encoding)

    def add(self, row: int) -> None:
        """Count a row whose text holds characters the guessed encoding decoded."""
        self.count += 1
        if len(self.rows) < SHOWN_ROWS:
            self.rows.append(row)

    def rows_text(self) -> str:
        """ "rows 4, 9 and 12 (and 30 more)", or "row 4"; "" when none was found."""
        if not self.rows:
            return ""
        shown = [str(r) for r in self.rows]
        words = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        text = f"row{'s' if len(shown) > 1 else ''} {words}"
        more = self.count - len(shown)
        if more > 0:
            text += f" (and {more:,} more)" if self.complete else " and others after them"
        return text

    def read_as(self) -> str:
        if self.damaged:
            return "It read it as UTF-8, though some of its bytes are not UTF-8"
        return f"It read it as {self.label}"

    def warning(self) -> str:
        """The preview's warning: the guess, the rows to check, and what to do."""
        where = self.rows_text()
        check = f"Check the names on {where}" if where else "Check names with accented letters"
        return (
            f"ContactBridge is not sure which text encoding this file uses. {self.read_as()}. "
            f"{check}: if they look wrong, {_FIX}."
        )

    def summary(self) -> str:
        """One sentence for the run's summary, naming the rows to check."""
        where = self.rows_text() or "the rows with accented letters"
        return (
            f"ContactBridge was not sure of the file's text encoding and read it as "
            f"{'UTF-8' if self.damaged else self.label}: check the names on {where}; "
            "if they look wrong, save the file as CSV UTF-8 (in Excel: File › Save As) and "
            "sync again."
        )

    def note(self, columns: list[str]) -> str:
        """The note on one record whose ``columns`` hold text the guess decoded."""
        named = ", ".join(columns[:3]) + (" …" if len(columns) > 3 else "")
        read_as = "UTF-8" if self.damaged else self.label
        return f"{named}: read as {read_as}, a guess; check that it looks right"
