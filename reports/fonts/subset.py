"""How NotoSansSC-GB2312.otf was made (run once by hand; lvyue never downloads a font).

Noto Sans CJK SC Regular (SIL OFL 1.1; Debian's fonts-noto-cjk, NotoSansCJK-Regular.ttc,
face 2) cut down with fontTools to the GB 2312 character set, ASCII, Latin-1 and the
CJK and full-width punctuation: every character a chart's labels and captions use, in
2-3 MB instead of 19. Renamed (OFL 1.1 §3 for modified versions): "Lvyue Noto Sans SC GB2312".

    python reports/fonts/subset.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

import sys
from pathlib import Path

FAMILY = "Lvyue Noto Sans SC GB2312"
OUT = Path(__file__).resolve().parent / "NotoSansSC-GB2312.otf"


def gb2312() -> list[int]:
    """Every character GB 2312 encodes (rows 1-9 symbols, 16-87 hanzi)."""
    out = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return out


def main(ttc: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = next(f for f in TTCollection(ttc).fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    codes = set(gb2312()) | set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    codes |= set(range(0x3000, 0x3040)) | set(range(0xFF01, 0xFF5F)) | {0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2212, 0x00B7}
    opts = subset.Options()
    opts.layout_features = ["kern", "liga", "vert"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.desubroutinize = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(codes))
    sub.subset(font)
    names = font["name"]
    for rec in list(names.names):
        if rec.nameID in (1, 16):
            names.setName(FAMILY, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 4:
            names.setName(f"{FAMILY} Regular", rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID in (3, 6):
            names.setName("LvyueNotoSansSC-GB2312", rec.nameID, rec.platformID, rec.platEncID, rec.langID)
    font.save(OUT)
    print(OUT, OUT.stat().st_size)


if __name__ == "__main__":
    main(sys.argv[1])
