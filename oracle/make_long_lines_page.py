"""Draws test/fixtures/long-lines/page-long.png: one vertical column and one horizontal line long enough
for Mokuro's split_into_chunks to cut them (a vertical strip more than 16 times as long as it is wide, a
horizontal one more than 8 times), which the six synthetic pages never need. Deterministic."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"
COLUMN = "吾輩は猫である名前はまだ無いどこで生れたかとんと見当がつかぬ"
LINE = "ニャーと泣いていた事だけは記憶している"


def main() -> None:
    page = Image.new("L", (1000, 1800), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 36)
    for i, ch in enumerate(COLUMN):
        draw.text((880, 80 + i * 38), ch, font=font, fill=0)
    small = ImageFont.truetype(FONT, 30)
    draw.text((60, 1500), LINE, font=small, fill=0)
    out = ROOT / "test" / "fixtures" / "long-lines" / "page-long.png"
    page.save(out, optimize=True)
    print(out)


if __name__ == "__main__":
    main()
