"""Draws csrdesk's application icon (PNG, ICO and ICNS in resources/icons) with Pillow. Run it after a change."""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZE = 1024


def draw() -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((40, 40, SIZE - 40, SIZE - 40), radius=200, fill=(20, 63, 94, 255))
    # A clipboard: the audit checklist.
    d.rounded_rectangle((250, 210, 774, 860), radius=60, fill=(245, 247, 250, 255))
    d.rounded_rectangle((390, 160, 634, 270), radius=40, fill=(46, 125, 50, 255))
    for i, y in enumerate((380, 520, 660)):
        colour = (46, 125, 50, 255) if i < 2 else (239, 108, 0, 255)
        d.ellipse((320, y - 34, 388, y + 34), fill=colour)
        d.rounded_rectangle((420, y - 18, 700, y + 18), radius=18, fill=(120, 136, 150, 255))
    # A tick over the first two rows.
    d.line([(336, 380), (352, 398), (376, 360)], fill=(255, 255, 255, 255), width=14)
    d.line([(336, 520), (352, 538), (376, 500)], fill=(255, 255, 255, 255), width=14)
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    img = draw()
    img.resize((256, 256), Image.LANCZOS).save(OUT / "csrdesk.png")
    img.save(OUT / "csrdesk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    img.save(OUT / "csrdesk.icns")


if __name__ == "__main__":
    main()
