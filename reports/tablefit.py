"""Column widths for a table from its text, so a Word page never breaks an id or an amount.

Word and LibreOffice give every column the same width unless told otherwise; a
narrow column then breaks "HB-GEN-SCOPE" at a hyphen and "27,000.00" at the
point. Here each column gets at least the width of its longest unbreakable
token (a run of Latin letters, digits and their punctuation: ids, amounts,
dates, file names) and the rest of the page in proportion to how much text it
holds. Widths are estimated from character classes (a CJK character is one em,
a Latin one half an em), which is what the fonts named in the documents do.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CELL_PAD_PT = 5.4  # Table Grid's default cell margin on each side (0.075 in)
DENSE_PAD_PT = 2.0
BORDER_PT = 1.5
MIN_FONT_PT = 8.0
LONG_TABLE_ROWS, LONG_TABLE_PT = 40, 8.5  # a long listing is set denser: fewer pages to sign
SHORT_EM = 5.0  # a cell no wider than this is never wrapped
PROSE_MIN_EM = 6.0  # the least a column of running text is given, in characters a line
# a token wider than this share of the page may break (a sha256 is not an id a reader types)
MAX_TOKEN_SHARE = 0.45
# with the full-width brackets and punctuation that may not be parted from it: （HB-B-ENV）、
_TOKEN = re.compile(r"[（《“‘]?[\x21-\x7e]+[）》”’，、。；：]?")
_NUMBER = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def char_em(ch: str) -> float:
    """Width of one character in ems: wide (CJK, full-width punctuation) 1; Latin as wide as in
    the sans-serif a machine without 宋体 falls back to (a capital 0.72, a digit 0.64), which
    is wider than 宋体's half em: a column fitted so holds the text in either."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch.isupper() or ch in "MWmw%@":
        return 0.72
    if ch.isdigit():
        return 0.64
    if ch in ".,:;'|!il()[]-":
        return 0.36
    return 0.58


# Word and LibreOffice put a quarter em between Chinese and Latin text (autospace): 2026年12月31日
# is wider than its characters
AUTOSPACE_EM = 0.25


def text_em(text: str) -> float:
    wide = [unicodedata.east_asian_width(c) in ("W", "F") for c in text]
    gaps = sum(1 for a, b, x, y in zip(wide, wide[1:], text, text[1:], strict=False)
               if a != b and not x.isspace() and not y.isspace())
    return sum(char_em(c) for c in text) + AUTOSPACE_EM * gaps


def token_em(text: str) -> float:
    """The widest run the renderer must not break (Latin words, ids, amounts, dates); a short
    cell (a clause number like 四（三）2, a status) is kept on one line whole."""
    if text_em(text.strip()) <= SHORT_EM:
        return text_em(text.strip())
    return latin_em(text)


# a file name is read as one thing too: 资源申请.xlsx, not 资源申 / 请.xlsx
_FILE = re.compile(r"[^\s|，、；：（）()「」]+\.(?:xlsx|xls|csv|docx|pdf|yaml)")
# and a date as Chinese documents write it: 2026年12月31日, not 2026 / 年12 / 月31 / 日
_CN_DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?")


# a finding id, HB-SEC-DEVICES:b31c616d361a, may break after its colon (the writer puts a
# zero-width space there): the rule id and the hash are each kept whole
ID_HASH_BREAK = re.compile(r"(?<=[A-Z0-9]):(?=[0-9a-f]{12}\b)")


def latin_em(text: str) -> float:
    text = ID_HASH_BREAK.sub(": ", text)
    tokens = _TOKEN.findall(text) + _FILE.findall(text) + _CN_DATE.findall(text)
    return max((text_em(t) for t in tokens), default=0.0)


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


@dataclass(frozen=True)
class Fit:
    widths: list[float]  # points, one per column, summing to the page width
    numeric: list[bool]  # columns whose every body cell is a number: right-aligned
    font_pt: float  # the table's font size (smaller only when the tokens do not fit otherwise)
    pad_pt: float  # cell margin on each side (narrower for a long listing)


def fit_table(rows: list[list[str]], page_pt: float, font_pt: float, header: bool = True) -> Fit:
    """Widths for `rows` (header first when `header`) across `page_pt` points."""
    ncols = max(len(r) for r in rows)
    grid = [r + [""] * (ncols - len(r)) for r in rows]
    body = grid[1:] if header else grid
    numeric = [bool(col) and all(is_number(c) for c in col) for col in ([r[j] for r in body if r[j].strip()] for j in range(ncols))]
    need = [max(token_em(r[j]) for r in body) if body else 0.0 for j in range(ncols)]
    if header:  # a heading may wrap between CJK characters, but not to one character a line
        need = [max(n, min(text_em(grid[0][j]), 2.0), latin_em(grid[0][j])) for j, n in enumerate(need)]
    want = [max(max(text_em(r[j]) for r in grid), need[j]) for j in range(ncols)]
    # a column of running text gets a few characters a line before the font shrinks (else 核算依据
    # ends up two characters wide and a 290-row listing runs to 40 pages)
    need = [max(n, min(w, PROSE_MIN_EM)) for n, w in zip(need, want, strict=True)]
    long = len(body) > LONG_TABLE_ROWS
    size = min(font_pt, LONG_TABLE_PT) if long else font_pt
    pad = DENSE_PAD_PT if long else CELL_PAD_PT
    while size > MIN_FONT_PT and sum(min(n * size, page_pt * MAX_TOKEN_SHARE) + 2 * pad + BORDER_PT for n in need) > page_pt:
        size = max(MIN_FONT_PT, size - 0.5)
    low = [min(n * size, page_pt * MAX_TOKEN_SHARE) + 2 * pad + BORDER_PT for n in need]
    if sum(low) > page_pt and pad > DENSE_PAD_PT:  # narrower cell margins before anything breaks
        pad = DENSE_PAD_PT
        low = [min(n * size, page_pt * MAX_TOKEN_SHARE) + 2 * pad + BORDER_PT for n in need]
    high = [w * size + 2 * pad + BORDER_PT for w in want]
    if sum(high) <= page_pt:  # everything on one line: share the rest in proportion
        spare = page_pt - sum(high)
        widths = [h + spare * h / sum(high) for h in high]
    elif sum(low) >= page_pt:  # even the tokens do not fit at the smallest size: scale down
        widths = [x * page_pt / sum(low) for x in low]
    else:
        spare = page_pt - sum(low)
        extra = [h - lo for h, lo in zip(high, low, strict=True)]
        total = sum(extra) or 1.0
        widths = [lo + spare * e / total for lo, e in zip(low, extra, strict=True)]
    return Fit(widths, numeric, size, pad)


def title_lines(text: str, line_em: float) -> list[str]:
    """A title too long for one line, cut into balanced lines (GB/T 9704: 梯形或菱形), at a
    space or after a closing mark nearest the middle, so no line holds a lone character."""
    text = text.strip()
    if text_em(text) <= line_em:
        return [text]
    n = int(text_em(text) // line_em) + 1
    goal = len(text) / n
    cuts = [i for i, ch in enumerate(text) if ch == " "] + [i + 1 for i, ch in enumerate(text) if ch in "》）」"]
    cuts = [c for c in cuts if 0 < c < len(text)]
    best = min(cuts, key=lambda c: abs(c - goal)) if cuts else round(goal)
    if not cuts or abs(best - goal) > goal / 2:
        best = round(goal)
    head, tail = text[:best].rstrip(), text[best:].lstrip()
    return [head, *title_lines(tail, line_em)]
