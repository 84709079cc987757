"""Builders of hostile and damaged input files, each written into a test's tmp_path."""

from __future__ import annotations

from pathlib import Path

ZOE = "Zoë Müller"


def lines(*rows: str, end: str = "\n") -> str:
    return end.join(rows) + end


def people(n: int, start: int = 0) -> list[str]:
    """``n`` well-formed rows: email, first name, last name."""
    return [f"p{i}@example.com,First{i},Last{i}" for i in range(start, start + n)]


def write(tmp_path: Path, data: str | bytes, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def big_utf8_with_stray_bytes(rows: int = 3000, bad_rows: tuple[int, ...] = (14,)) -> bytes:
    """A UTF-8 file with accented names throughout and one 0xFF byte on each of ``bad_rows``.

    Row numbers are spreadsheet rows: the header is row 1.
    """
    out = [b"Email,First,Last"]
    for row in range(2, rows + 2):
        last = b"M\xfcller" if row in bad_rows else "Müller".encode()
        out.append(f"p{row}@example.com,Zoë".encode() + b"," + last)
    return b"\n".join(out) + b"\n"


def png_bytes() -> bytes:
    """A tiny real PNG image (1x1 pixel)."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
