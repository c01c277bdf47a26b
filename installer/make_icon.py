"""Renders csrdesk.svg (the one icon design) to the PNG, ICO and ICNS files the installer and the window use.

Run it after changing resources/icons/csrdesk.svg: python installer/make_icon.py
"""
import io
import os
from pathlib import Path

from PIL import Image

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render_svg(size: int) -> Image.Image:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841  (QImage painting needs one)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(OUT / "csrdesk.svg")).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> None:
    img = render_svg(1024)
    img.resize((256, 256), Image.LANCZOS).save(OUT / "csrdesk.png")
    img.save(OUT / "csrdesk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    img.save(OUT / "csrdesk.icns")


if __name__ == "__main__":
    main()
