"""Renders resources/icons/app.svg into the bitmap icons the bundle and its .desktop entry use.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py

Writes resources/icons/contactbridge-{48,128,256}.png (Linux desktop entry, hicolor sizes)
and contactbridge.ico (the Windows executable's icon). Re-run it after changing app.svg and
commit the results; the build does not regenerate them.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (48, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(renderer: QSvgRenderer, sizes: tuple[int, ...]) -> bytes:
    """A multi-size .ico whose images are PNG-compressed (read by Windows Vista and later).

    Qt's own ICO writer stores a single uncompressed image, hence this small writer.
    """
    images = [png_bytes(render(renderer, n)) for n in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, data in zip(sizes, images, strict=True):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    return header + entries + payload


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    # The same substitution app.ui.theme.app_icon() makes for the window icon.
    svg = (ICONS / "app.svg").read_text(encoding="utf-8").replace("currentColor", "#ffffff")
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    if not renderer.isValid():
        print("app.svg could not be read", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        path = ICONS / f"contactbridge-{size}.png"
        if not render(renderer, size).save(str(path), "PNG"):
            print(f"could not write {path}", file=sys.stderr)
            return 1
        print(f"resources/icons/{path.name} ({size}x{size})")
    (ICONS / "contactbridge.ico").write_bytes(ico_bytes(renderer, ICO_SIZES))
    print(f"resources/icons/contactbridge.ico ({', '.join(map(str, ICO_SIZES))})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
