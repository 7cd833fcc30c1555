"""Draw Kindred's source icon (assets/icon.png, 1024×1024): ``uv run python pwa/make_icon.py``.

Two figures side by side under a shared arc, in cream on the app's calm teal. The drawing
keeps to the middle 60 %, so the same picture is safe as a maskable icon. Every other size
is resized from this file at build time (``kindred pwa build``).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

TEAL = (79, 124, 122, 255)  # views/app.py SEED_COLOR #4F7C7A
CREAM = (250, 243, 228, 255)
SIZE = 1024
SCALE = 4  # draw large, then downsample: smooth edges without an anti-aliasing library
OUT = Path(__file__).resolve().parent.parent / "assets" / "icon.png"


def draw() -> Image.Image:
    s = SIZE * SCALE
    image = Image.new("RGBA", (s, s), TEAL)
    d = ImageDraw.Draw(image)

    def circle(cx: float, cy: float, r: float) -> None:
        d.ellipse([(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s], fill=CREAM)

    # heads
    circle(0.40, 0.42, 0.075)
    circle(0.60, 0.42, 0.075)
    # shoulders: the top halves of two wide ellipses, cut off by a teal band
    for cx in (0.40, 0.60):
        d.ellipse([(cx - 0.13) * s, 0.53 * s, (cx + 0.13) * s, 0.80 * s], fill=CREAM)
    d.rectangle([0, 0.665 * s, s, s], fill=TEAL)
    # a shared arc above them
    d.arc([0.24 * s, 0.22 * s, 0.76 * s, 0.74 * s], start=200, end=340, fill=CREAM, width=int(0.035 * s))
    return image.resize((SIZE, SIZE), Image.LANCZOS)


if __name__ == "__main__":
    draw().save(OUT, optimize=True)
    print(f"wrote {OUT}")
