"""Blocks → a Word document laid out for signing (GB/T 9704-2012 for official documents).

Two layouts share the page: A4, margins top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm (text block 156 × 225 mm), page numbers "— 1 —" in 4号宋体.
- `official` (notices): title 2号 方正小标宋简体, body 3号 仿宋_GB2312 at a fixed
  line pitch giving 22 lines a page, first-line indent of two characters,
  一、 headings in 黑体, （一） in 楷体_GB2312; page numbers outside (odd pages
  right, even pages left).
- `report` (audit, pre-payment): the same fonts, smaller body and tables.
Fonts are named, never embedded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from lvyue.reports.docx_template import finish, open_template
from lvyue.reports.markdown import Block, Run
from lvyue.reports.tablefit import ID_HASH_BREAK, fit_table, text_em, title_lines

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
PAGE_NO_FONT = "宋体"
BLACK = RGBColor(0, 0, 0)
RED = RGBColor(0xCC, 0, 0)


@dataclass(frozen=True)
class Layout:
    body_pt: float
    line_pt: float | None  # fixed line pitch; None: 1.25 lines
    indent_chars: int  # first-line indent of body paragraphs
    table_pt: float
    outside_page_numbers: bool


LAYOUTS = {
    # 3号 = 16 pt; 225 mm / 22 lines = 28.95 pt pitch
    "official": Layout(16, 28.95, 2, 12, True),
    "report": Layout(12, None, 0, 10.5, False),
}
SIZES = {"title": 22, 2: 16, 3: 16, 4: 14}
TEXT_WIDTH_PT = 156 / 25.4 * 72  # the GB/T 9704 text block, 156 mm


def _fonts(target, name: str) -> None:
    """Set Latin and East Asian font names on a run or style (python-docx sets only Latin)."""
    target.font.name = name
    el = target.element if hasattr(target, "element") else target._element
    rfonts = el.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _style(doc, name: str, font: str, size: float, bold: bool = False, color: RGBColor = BLACK) -> None:
    st = doc.styles[name]
    _fonts(st, font)
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = color


def _page(doc, layout: Layout) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(37), Mm(35)
    s.left_margin, s.right_margin = Mm(28), Mm(26)
    s.header_distance, s.footer_distance = Mm(15), Mm(28) if layout.outside_page_numbers else Mm(20)
    s.start_type = WD_SECTION.NEW_PAGE
    if layout.outside_page_numbers:
        doc.settings.odd_and_even_pages_header_footer = True
        _page_number(s.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(s.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    else:
        _page_number(s.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.CENTER)


def _field(paragraph, instr: str) -> None:
    run = paragraph.add_run()
    for tag, text in (("begin", None), ("instr", instr), ("separate", None), ("text", "1"), ("end", None)):
        if tag == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif tag == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        run._r.append(el)
    _fonts(run, PAGE_NO_FONT)
    run.font.size = Pt(14)


def _page_number(p, align) -> None:
    """“— 1 —” in 4号宋体, one character in from the outer edge."""
    p.alignment = align
    fmt = p.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    elif align == WD_ALIGN_PARAGRAPH.LEFT:
        fmt.left_indent = Pt(14)
    for part in ("— ", None, " —"):
        if part is None:
            _field(p, "PAGE")
            continue
        r = p.add_run(part)
        _fonts(r, PAGE_NO_FONT)
        r.font.size = Pt(14)


# a hyphen inside an id or number (HB-GEN-SCOPE, INC-2026-02): Word and LibreOffice may break a
# line after an ordinary hyphen, so these are written as non-breaking hyphens (w:noBreakHyphen)
_INNER_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])")


def _text_into(run, text: str) -> None:
    """The run's text, its inner hyphens non-breaking (python-docx reads them back as "-"),
    a newline a line break."""
    for k, line in enumerate(text.split("\n")):
        if k:
            run.add_break()
        line = ID_HASH_BREAK.sub(":\u200b", line)  # a finding id may break after its colon, nowhere else
        for i, piece in enumerate(_INNER_HYPHEN.split(line)):
            if i:
                run._r.append(OxmlElement("w:noBreakHyphen"))
            if piece:
                run.add_text(piece)


# an id in brackets after Chinese text in a cell, "设置统一服务电话（HB-OPS-HOTLINE）": LibreOffice
# breaks such an id at a hyphen (or mid-letter) when it falls at a line's end, whatever the hyphen
_BRACKETED_ID = re.compile(r"(?<=[\u3400-\u9fff\u3001-\u3011\uff01-\uff5e])（[A-Za-z0-9][A-Za-z0-9_.-]*-[A-Za-z0-9_.:-]*）")


def _id_on_its_line(runs: list[Run], width_pt: float, size: float) -> list[Run]:
    """In a cell too narrow for its text on one line, a bracketed id starts a line of its own."""
    if text_em("".join(r.text for r in runs)) * size <= width_pt:
        return runs
    return [Run(_BRACKETED_ID.sub(lambda m: "\n" + m.group(0), r.text), r.bold) for r in runs]


def _runs(p, runs: list[Run], size: float | None = None, font: str | None = None, color=None) -> None:
    for r in runs:
        run = p.add_run()
        _text_into(run, r.text)
        run.bold = r.bold or None
        if size:
            run.font.size = Pt(size)
        if font:
            _fonts(run, font)
        if color is not None:
            run.font.color.rgb = color


def _spacing(p, layout: Layout) -> None:
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0) if layout.line_pt else Pt(3)
    if layout.line_pt:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(layout.line_pt)
    else:
        fmt.line_spacing = 1.25


def _bottom_border(p, color: str = "CC0000") -> None:
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", color)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    _put_pbdr(ppr, borders)


def _rules(p, top: str | None, bottom: str | None) -> None:
    """Black rules above and/or below a paragraph (w:sz in eighths of a point)."""
    borders = OxmlElement("w:pBdr")
    for side, size in (("top", top), ("bottom", bottom)):
        if size is None:
            continue
        el = OxmlElement(f"w:{side}")
        for k, v in (("w:val", "single"), ("w:sz", size), ("w:space", "1"), ("w:color", "000000")):
            el.set(qn(k), v)
        borders.append(el)
    _put_pbdr(p._p.get_or_add_pPr(), borders)


# children of w:pPr that must follow w:pBdr (ECMA-376 order)
_AFTER_PBDR = {
    qn(f"w:{t}")
    for t in (
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
        "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
        "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
        "rPr sectPr pPrChange"
    ).split()
}


def _put_pbdr(ppr, borders) -> None:
    old = ppr.find(qn("w:pBdr"))
    if old is not None:
        ppr.remove(old)
    for i, child in enumerate(ppr):
        if child.tag in _AFTER_PBDR:
            ppr.insert(i, borders)
            return
    ppr.append(borders)


def _paragraph(doc, b: Block, layout: Layout) -> None:
    classes = set((b.cls or "").split())
    p = doc.add_paragraph()
    _spacing(p, layout)
    fmt = p.paragraph_format
    if "authority" in classes:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(p, b.runs, 26, TITLE_FONT, RED)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    elif "caption" in classes:  # a chart's caption: centred under it, the table's size
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.keep_with_next = True  # with the data table below
        _runs(p, b.runs, layout.table_pt)
    elif classes & {"docno", "center"}:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(p, b.runs)
    elif classes & {"sign", "date"}:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = Pt(layout.body_pt * (4 if "date" in classes else 2))
        _runs(p, b.runs)
    else:
        if layout.indent_chars and not classes & {"to", "receipt"}:
            fmt.first_line_indent = Pt(layout.body_pt * layout.indent_chars)
        _runs(p, b.runs)
    if "big" in classes:
        for r in p.runs:
            r.font.size = Pt(layout.body_pt + 4)
            r.bold = True
    if "redline" in classes:
        _bottom_border(p)
    if "receipt" in classes:
        fmt.space_before = Pt(layout.body_pt * 2)
    if classes & {"cc", "imprint"}:  # 版记 (GB/T 9704 §7.4): 4号, one character in, between rules
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = fmt.right_indent = Pt(14)
        for r in p.runs:
            r.font.size = Pt(14)
        if "imprint" in classes and "　　" in b.text:  # 印发机关 at the left, 印发日期 at the right
            organ, date = b.text.split("　　", 1)
            for r in list(p.runs):
                r._r.getparent().remove(r._r)
            _runs(p, [Run(organ.strip()), Run("\t"), Run(date.strip())], 14)
            fmt.tab_stops.add_tab_stop(Pt(TEXT_WIDTH_PT - 28), WD_TAB_ALIGNMENT.RIGHT)
        # a thick rule above the first item and below the last, thin ones between
        _rules(p, top="12" if "cc" in classes or "imprint" not in classes else "4", bottom="12" if "imprint" in classes else None)


def _table(doc, b: Block, layout: Layout) -> None:
    """A table laid out from its content (reports/tablefit.py): a width per column so ids and
    amounts never break, amounts right-aligned, the header repeated on every page, rows
    kept whole; a header row with no text (a key/value table) is dropped, not printed blank."""
    rows = b.rows
    if rows and not any(_cell_text(c) for c in rows[0]):
        rows, header = rows[1:], False
    else:
        header = True
    if not rows:
        return
    texts = [[_cell_text(c) for c in r] for r in rows]
    fit = fit_table(texts, TEXT_WIDTH_PT, layout.table_pt, header=header)
    ncols = len(fit.widths)
    t = doc.add_table(rows=0, cols=ncols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _fixed_layout(t, fit.widths, fit.pad_pt)
    for i, row in enumerate(rows):
        tr = t.add_row()
        _row_props(tr, repeat=header and i == 0)
        for j in range(ncols):
            cell = tr.cells[j]
            cell.width = Pt(fit.widths[j])
            p = cell.paragraphs[0]
            fmt = p.paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing = 1.0
            is_head = header and i == 0
            if is_head:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif fit.numeric[j]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            runs = _id_on_its_line(row[j] if j < len(row) else [], fit.widths[j] - 2 * fit.pad_pt, fit.font_pt)
            _runs(p, [Run(r.text, r.bold or is_head) for r in runs], fit.font_pt, TABLE_FONT)
    if layout.line_pt:  # keep a little air after a table in a fixed-pitch document
        doc.add_paragraph()


def _cell_text(runs: list[Run]) -> str:
    return "".join(r.text for r in runs)


def _fixed_layout(t, widths: list[float], pad_pt: float) -> None:
    """Fixed layout with our grid: Word and LibreOffice then use these widths, not equal ones."""
    tbl = t._tbl
    tblPr = tbl.tblPr
    for tag, attrs in (("w:tblW", {"w:w": str(round(sum(widths) * 20)), "w:type": "dxa"}), ("w:tblLayout", {"w:type": "fixed"}), ("w:tblCellMar", None)):
        old = tblPr.find(qn(tag))
        if old is not None:
            tblPr.remove(old)
        el = OxmlElement(tag)
        if attrs is None:  # cell margins: left and right as fitted
            for side in ("left", "right"):
                m = OxmlElement(f"w:{side}")
                m.set(qn("w:w"), str(round(pad_pt * 20)))
                m.set(qn("w:type"), "dxa")
                el.append(m)
        else:
            for k, v in attrs.items():
                el.set(qn(k), v)
        tblPr.append(el)
    _order_tblpr(tblPr)
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(round(w * 20)))


# ECMA-376 order of w:tblPr children (Word refuses a file whose order is wrong)
_TBLPR_ORDER = [
    qn(f"w:{t}")
    for t in (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
    ).split()
]


def _order_tblpr(tblPr) -> None:
    children = list(tblPr)
    rank = {tag: i for i, tag in enumerate(_TBLPR_ORDER)}
    children.sort(key=lambda el: rank.get(el.tag, len(rank)))
    for el in children:
        tblPr.remove(el)
        tblPr.append(el)


def _row_props(tr, repeat: bool) -> None:
    """Rows never split across pages; the header row repeats on each page."""
    trPr = tr._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))
    if repeat:
        trPr.append(OxmlElement("w:tblHeader"))


def to_docx(
    blocks: list[Block],
    layout_name: str,
    title: str,
    author: str,
    day: dt.date | None = None,
    images: dict[str, bytes] | None = None,
    template: Path | None = None,
) -> bytes:
    """The document's bytes; its created/modified times are `day` (the audit's as-of or the notice's
    issue date) at 00:00, never "now" (reports/output.fixed_zip fixes the zip timestamps).

    `images`: chart id → PNG for `image` blocks. `template`: an agency's .docx whose styles, page,
    header and footer are used as they are (reports/docx_template.py); without one, the GB/T 9704
    page and fonts are set here."""
    layout = LAYOUTS[layout_name]
    opened = open_template(template) if template is not None else None
    doc = opened.doc if opened else Document()
    if opened is None:
        _style(doc, "Normal", BODY_FONT, layout.body_pt)
        doc.styles["Normal"].paragraph_format.widow_control = True  # no lone line at a page's top or foot
        _style(doc, "Title", TITLE_FONT, SIZES["title"])
        _style(doc, "Heading 1", H1_FONT, SIZES[2])
        _style(doc, "Heading 2", H2_FONT, SIZES[3] if layout.line_pt else 14)
        _style(doc, "Heading 3", H1_FONT if not layout.line_pt else BODY_FONT, SIZES[4] if not layout.line_pt else 16)
        _page(doc, layout)
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by, cp.language = title, author, author, "zh-CN"
    stamp = dt.datetime.combine(day or dt.date(2000, 1, 1), dt.time())
    cp.created = cp.modified = stamp
    cp.revision = 1
    cp.comments = ""  # python-docx's template says "generated by python-docx"
    cp.subject = title
    signs: list = []
    for b in blocks:
        if b.kind == "heading":
            level = min(b.level, 4)
            p = doc.add_paragraph(style="Title" if level == 1 else f"Heading {level - 1}")
            if level == 1:
                _title_runs(p, b.runs)
            else:
                _runs(p, b.runs)
            if level == 1:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _title_border_off(p)
            elif layout.indent_chars:
                p.paragraph_format.first_line_indent = Pt(layout.body_pt * layout.indent_chars)
            _heading_spacing(p, layout, level)
        elif b.kind == "image":
            _image(doc, b, (images or {}).get(b.src or ""))
        elif b.kind in ("para", "quote"):
            _paragraph(doc, b, layout)
            roles = set((b.cls or "").split())
            if roles & {"sign", "seal"}:  # where the template's seal goes: a `.seal` line first
                signs.append((0 if "seal" in roles else 1, len(signs), doc.paragraphs[-1]))
            if b.kind == "quote":
                for r in doc.paragraphs[-1].runs:
                    r.italic = False
                    r.font.size = Pt(layout.table_pt if not layout.line_pt else layout.body_pt)
        elif b.kind in ("bullets", "numbered"):
            for item in b.items:
                style = "List Bullet" if b.kind == "bullets" and not layout.line_pt else None
                p = doc.add_paragraph(style=style)
                _spacing(p, layout)
                if layout.indent_chars:
                    p.paragraph_format.first_line_indent = Pt(layout.body_pt * layout.indent_chars)
                _runs(p, item if style or b.kind == "numbered" else [Run("· "), *item])
        elif b.kind == "table":
            _table(doc, b, layout)
        elif b.kind == "rule":
            _bottom_border(_empty(doc, layout), "999999")
    if opened:
        finish(opened, [p for _, _, p in sorted(signs)][:1])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _image(doc, b: Block, png: bytes | None) -> None:
    """A chart across the text block, kept on the page of its caption (the next paragraph)."""
    if png is None:
        return
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.keep_with_next = True
    fmt.space_before, fmt.space_after = Pt(6), Pt(0)
    fmt.line_spacing = 1.0
    p.add_run().add_picture(io.BytesIO(png), width=Mm(150))
    p._p.xpath(".//wp:docPr")[0].set("descr", b.text)


def _title_runs(p, runs: list[Run]) -> None:
    """The title on balanced lines (a line break where title_lines cuts), kept on one page."""
    lines = title_lines("".join(r.text for r in runs), TEXT_WIDTH_PT / SIZES["title"])
    bold = any(r.bold for r in runs)
    for i, line in enumerate(lines):
        run = p.add_run(line)
        run.bold = bold or None
        if i < len(lines) - 1:
            run.add_break()
    p.paragraph_format.keep_together = True
    p.paragraph_format.widow_control = True


def _empty(doc, layout: Layout):
    p = doc.add_paragraph()
    _spacing(p, layout)
    return p


def _title_border_off(p) -> None:
    """The default Title style draws a blue rule under the title; official titles have none."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "nil")
    borders.append(bottom)
    _put_pbdr(ppr, borders)


def _heading_spacing(p, layout: Layout, level: int) -> None:
    fmt = p.paragraph_format
    fmt.keep_with_next = True
    if layout.line_pt:
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(layout.line_pt * (1.5 if level == 1 else 1))
    else:
        fmt.space_before = Pt(12 if level <= 2 else 6)
        fmt.space_after = Pt(6 if level == 1 else 3)
