"""Draw the app's icons (PNG, shipped in src/touchdose/web/static/touchdose/icons/).

Run once when the icon changes: ``.venv/bin/python scripts/make_icons.py``. A diary line that
rises and falls, with a dot for today, in the app's accent colour; the maskable icon keeps the
drawing inside the middle 80 % that every phone shows.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src/touchdose/web/static/touchdose/icons"
ACCENT, PAPER = (11, 92, 173), (251, 250, 247)


def icon(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # draw large, shrink smoothly
    big = size * scale
    image = Image.new("RGB", (big, big), ACCENT if maskable else PAPER)
    draw = ImageDraw.Draw(image)
    inset = 0 if maskable else big // 16
    if not maskable:
        draw.rounded_rectangle((inset, inset, big - inset, big - inset), radius=big // 5, fill=ACCENT)
    # a calm wave: the diary line, and a dot where today is
    margin = big * (0.26 if maskable else 0.22)
    points = []
    for i in range(41):
        x = margin + (big - 2 * margin) * i / 40
        phase, sign = (i % 10) / 10, 1 if (i // 10) % 2 == 0 else -1
        y = big * 0.55 - big * 0.48 * sign * phase * (1 - phase)
        points.append((x, y))
    draw.line(points, fill=PAPER, width=big // 24, joint="curve")
    r = big // 16
    x, y = points[-1]
    draw.ellipse((x - r, y - r, x + r, y + r), fill=PAPER)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    icon(180, maskable=True).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
