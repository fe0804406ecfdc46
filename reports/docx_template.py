"""An agency's own Word template (.docx) as the starting document for a notice or a report.

What is reused: its styles (fonts, sizes, colours of Normal, Title, Heading 1-3, ...),
its page settings and its headers and footers (a red 版头 in the header, page numbers),
and any fixed text of its body. Two markers in the template's body, each a paragraph
of its own, say where things go:
- `{{正文}}` (or `{{body}}`): where the generated text goes; without it, the template's
  body text is dropped and the generated text is the whole body;
- `{{印章}}` (or `{{seal}}`): a paragraph holding the seal picture (a floating image
  positioned as the agency wants): the picture is moved into the notice's seal line
  (a `.seal` paragraph), else its signature line (`.sign`), so it sits over the issuing
  authority's name;
  a document without a signature line keeps it where the template had it.
Styles the writer needs and the template lacks are copied in from python-docx's own.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from lvyue.engine.errors import InputError

BODY_MARKERS = ("{{正文}}", "{{body}}")
SEAL_MARKERS = ("{{印章}}", "{{seal}}")
NEEDED_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Grid")


@dataclass
class Opened:
    doc: object  # docx.Document
    tail: list = field(default_factory=list)  # template body elements after the body marker
    seal: list = field(default_factory=list)  # the seal marker paragraph's picture runs
    seal_home: object | None = None  # where the seal goes when there is no signature line


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()


def open_template(path: Path) -> Opened:
    """The template, its body cut at the markers, ready for the generated blocks to be appended."""
    path = Path(path)
    if not path.is_file():
        raise InputError("Word template not found", file=str(path), field="--template")
    try:
        doc = Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is no .docx
        raise InputError(f"not a Word .docx file ({type(exc).__name__})", file=str(path), field="--template") from None
    _ensure_styles(doc)
    body = doc.element.body
    children = [c for c in body if c.tag != qn("w:sectPr")]
    out = Opened(doc)
    for el in children:
        if el.tag == qn("w:p") and _text(el) in SEAL_MARKERS:
            out.seal = [r for r in el.findall(qn("w:r")) if r.find(qn("w:drawing")) is not None or r.find(qn("w:pict")) is not None]
            for r in el.findall(qn("w:r")):
                if r not in out.seal:
                    el.remove(r)
            out.seal_home = el
            body.remove(el)
    children = [c for c in body if c.tag != qn("w:sectPr")]
    marker = next((i for i, el in enumerate(children) if el.tag == qn("w:p") and _text(el) in BODY_MARKERS), None)
    if marker is None:
        for el in children:
            body.remove(el)
    else:
        out.tail = children[marker + 1 :]
        for el in children[marker:]:
            body.remove(el)
    return out


def finish(opened: Opened, sign_paragraphs: list) -> None:
    """Put back the template text after the body marker, and the seal over the signature."""
    body = opened.doc.element.body
    sect = body.find(qn("w:sectPr"))
    for el in opened.tail:
        sect.addprevious(el) if sect is not None else body.append(el)
    if not opened.seal:
        return
    if sign_paragraphs:
        target = sign_paragraphs[0]._p
        for r in opened.seal:
            target.insert(1 if target.find(qn("w:pPr")) is not None else 0, r)  # anchored at the signature
    elif opened.seal_home is not None:
        sect.addprevious(opened.seal_home) if sect is not None else body.append(opened.seal_home)


def _ensure_styles(doc) -> None:
    """Copy the styles the writer uses from python-docx's default template when the agency's lacks them."""
    have = {s.name for s in doc.styles}
    missing = [n for n in NEEDED_STYLES if n not in have]
    if not missing:
        return
    default = Document()
    root = doc.styles.element
    for name in missing:
        el = default.styles[name].element
        root.append(copy.deepcopy(el))
