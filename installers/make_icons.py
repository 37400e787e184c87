"""Draw ClinicDesk's icon files from resources/icons/clinicdesk.svg (issue 8).

    .venv/bin/python installers/make_icons.py

writes, beside the SVG (the one source; the desk's window icon):

    clinicdesk-256.png, -128, -64, -48   the Linux .desktop icon (hicolor sizes)
    clinicdesk.ico                       the Windows executable and installer icon:
                                         16, 24, 32, 48, 64, 128 and 256 px, each entry a
                                         PNG (allowed in ICO files since Windows Vista)

Run it again after changing the SVG, and commit what it writes. Needs no display
(Qt's offscreen platform).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICONS / "clinicdesk.svg"
PNG_SIZES = (256, 128, 64, 48)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> bytes:
    """The SVG drawn at size x size px, antialiased, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"make_icons: could not encode {size} px")
    buffer.close()
    return bytes(data.data())


def ico(entries: dict[int, bytes]) -> bytes:
    """An ICO file holding one PNG per size.

    ICONDIR (reserved 0, type 1 = icon, count), then one 16-byte ICONDIRENTRY per image
    (width, height — 0 means 256 —, colours 0, reserved 0, planes 1, bits 32, byte size,
    offset), then the PNG files themselves.
    """
    sizes = sorted(entries)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory, images = b"", b""
    for size in sizes:
        png = entries[size]
        side = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + directory + images


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    pngs = {size: render(size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    for size in PNG_SIZES:
        (ICONS / f"clinicdesk-{size}.png").write_bytes(pngs[size])
    (ICONS / "clinicdesk.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    print(f"make_icons: wrote {len(PNG_SIZES)} PNGs and clinicdesk.ico in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
