"""Deciding a text file's encoding with evidence from the whole file, not only its start.

A file saved as UTF-8 with a handful of damaged bytes is still a UTF-8 file: reading it all as
Windows-1252 would turn every "Zoë" into "ZoÃ«". So every byte is looked at once (streamed in
chunks, in C, so a 100 MB file takes well under a second): the characters that decode as
UTF-8 multi-byte sequences are evidence for UTF-8, the bytes that do not are evidence against.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import BinaryIO

_CHUNK = 1 << 20
_BAD = re.compile("[\udc80-\udcff]+")
_HIGH = re.compile(rb"[\x80-\xff]")
EVIDENCE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Utf8Evidence:
    """What a whole-file UTF-8 pass found.

    Attributes:
        good: non-ASCII characters that decoded as UTF-8 (evidence for UTF-8).
        bad: runs of bytes that are not valid UTF-8 (evidence against); a run counts once,
            as a damaged character is often several bad bytes.
        nul: NUL bytes anywhere in the file.
        sample: up to ``EVIDENCE_BYTES`` from where the first non-ASCII byte is, for guessing
            another encoding when the file is not UTF-8.
    """

    good: int
    bad: int
    nul: int
    sample: bytes = b""

    @property
    def is_utf8(self) -> bool:
        """UTF-8, perhaps with a few damaged bytes: at least as many good characters as bad bytes.

        A Windows-1252 file almost never holds a valid UTF-8 multi-byte sequence by chance
        ("Ã«" would be one), so one bad byte among many good characters is damage, not a
        different encoding; a file with bad bytes and no good characters is not UTF-8.
        """
        return self.bad == 0 or self.good >= self.bad


def scan_utf8(stream: BinaryIO) -> Utf8Evidence:
    """Read ``stream`` to its end, counting UTF-8 evidence; never holds more than 1 MB."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    good = bad = nul = 0
    sample = b""
    while True:
        chunk = stream.read(_CHUNK)
        final = not chunk
        nul += chunk.count(b"\x00")
        if chunk.isascii() and not final:
            continue
        if not sample and (high := _HIGH.search(chunk)):
            start = max(0, high.start() - 1024)
            sample = chunk[start : start + EVIDENCE_BYTES]
        text = decoder.decode(chunk, final=final)
        if not text.isascii():
            runs = _BAD.findall(text)
            bad += len(runs)
            good += len(text) - len(text.encode("ascii", "ignore")) - sum(map(len, runs))
        if final:
            return Utf8Evidence(good, bad, nul, sample)
