"""Guessing a text file's encoding and delimiter from a bounded sample of its bytes."""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

SAMPLE_BYTES = 64 * 1024
"""How much of a file is read to guess its encoding and delimiter; never the whole file."""

DELIMITERS = ",;\t|"
_SNIFF_LINES = 50

# Encodings charset-normalizer may name for a Western European file it is unsure about. Short
# Windows-1252 samples are often guessed as cp1250, latin-1 or iso8859_13; Windows-1252 is what
# Excel on Windows actually writes, so any of these, or cp1252 among its other candidates,
# means "use cp1252" (if cp1252 can decode the bytes).
_WESTERN = frozenset(
    {
        "ascii",
        "cp1250",
        "cp1252",
        "cp437",
        "cp850",
        "cp858",
        "iso8859_15",
        "iso8859_2",
        "latin_1",
        "mac_roman",
        "mac_latin2",
    }
)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class TextFormat:
    """How to read a delimited text file.

    Attributes:
        guessed: the encoding is a guess (see ``encoding_doubt``), not settled by a
            byte-order mark or by UTF-8 throughout the file.
        damaged: UTF-8 with some bytes that are not UTF-8.
    """

    encoding: str
    delimiter: str
    guessed: bool = False
    damaged: bool = False


def detect_encoding(sample: bytes, *, complete: bool) -> str | None:
    """Guess the encoding of a file from its first bytes.

    Args:
        sample: up to ``SAMPLE_BYTES`` from the start of the file.
        complete: the sample is the whole file (so a cut multi-byte character is an error).

    Returns:
        A Python codec name, or ``None`` when the bytes do not look like text at all.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    nuls = sample.count(b"\x00")
    wide = nuls * 8 > len(sample)  # UTF-16/32 without a byte-order mark, or binary
    if not wide and _decodes(sample, "utf-8", complete=complete):
        return "utf-8"  # a stray NUL in text is removed later, with a note on its row
    matches = from_bytes(sample)
    best = matches.best()
    guess = best.encoding if best is not None else None
    if wide:
        # Only UTF-16/32 without a byte-order mark puts many NULs in text.
        return guess if guess and guess.startswith("utf_") else None
    if len(_BINARY.findall(sample)) * 20 > len(sample):
        return None  # an image, a PDF...: text has few control bytes, binary has many
    plausible = {m.encoding for m in matches}
    western = guess is None or guess in _WESTERN or "cp1252" in plausible
    if western and _decodes(sample, "cp1252", complete=complete):
        return "cp1252"
    return guess


def _decodes(sample: bytes, encoding: str, *, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(text: str, default: str = ",") -> str:
    """Pick the delimiter of a delimited text sample (comma, semicolon, tab or pipe).

    ``csv.Sniffer`` is tried first on the first lines; its answer is kept only when it is one
    of ``DELIMITERS`` and splits the rows into several columns. Otherwise the candidate whose
    usual column count (the most common one, so title lines above the headings do not count)
    holds across the most sample lines wins (then the one giving more columns), and
    ``default`` if none splits the rows at all (a file with a single column).
    """
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end in the middle of a line
    head = "".join(lines[:_SNIFF_LINES])
    if not head.strip():
        return default
    try:
        sniffed = csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and _usual(_widths(head, sniffed))[1] > 1:
        return sniffed
    best, best_score = default, (0, 1)
    for candidate in DELIMITERS:
        score = _usual(_widths(head, candidate))
        if score[1] > 1 and score > best_score:
            best, best_score = candidate, score
    return best


def _usual(widths: list[int]) -> tuple[int, int]:
    """(how many rows have it, the width) for the most common width (the wider on a tie)."""
    counts = Counter(widths)
    width = max(counts, key=lambda w: (counts[w], w))
    return counts[width], width


def _widths(text: str, delimiter: str) -> list[int]:
    """The number of cells of each non-blank record in ``text`` split by ``delimiter``."""
    try:
        rows = [r for r in csv.reader(text.splitlines(keepends=True), delimiter=delimiter) if r]
    except csv.Error:
        return [0]
    return [len(r) for r in rows] or [0]
