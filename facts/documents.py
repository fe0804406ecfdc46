"""Word and PDF reports → one fact each, from the manifest's `extract:` patterns.

A finding that rests on a report must quote it, so every extracted field
keeps the page (PDF) or paragraph (Word) it was found on and the words that
matched. Word paragraphs are numbered from the top of the body, counting
blank paragraphs and each table row (cells joined by a tab) as one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from lvyue.engine.errors import InputError
from lvyue.facts.manifest import FileEntry
from lvyue.facts.model import Excerpt
from lvyue.facts.tables import check_inside

DOCUMENT_SUFFIXES = {".docx", ".pdf"}


@dataclass(frozen=True)
class Block:
    """A paragraph (Word) or page (PDF) of text, with where it is."""

    text: str
    page: int | None = None
    paragraph: int | None = None


@dataclass(frozen=True)
class Found:
    value: str
    excerpt: Excerpt


def read_blocks(path: Path, entry: FileEntry) -> list[Block]:
    """The document's text in reading order; an unreadable file is an InputError."""
    check_inside(path, entry)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_blocks(path, entry)
    if suffix == ".pdf":
        return _pdf_blocks(path, entry)
    raise InputError(f"cannot read {suffix} files as a document", file=entry.path)


def _docx_blocks(path: Path, entry: FileEntry) -> list[Block]:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip/XML/KeyError kinds on damage
        raise InputError(
            f"cannot read as a Word document ({type(exc).__name__})", file=entry.path
        ) from None
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(Block(Paragraph(child, document).text, paragraph=len(blocks) + 1))
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat; keep each once
                    if not cells or cells[-1] != cell.text:
                        cells.append(cell.text)
                blocks.append(Block("\t".join(cells), paragraph=len(blocks) + 1))
    return blocks


def _pdf_blocks(path: Path, entry: FileEntry) -> list[Block]:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        return [Block(p.extract_text() or "", page=i) for i, p in enumerate(reader.pages, start=1)]
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise InputError(
            f"cannot read as a PDF ({type(exc).__name__}: {exc})", file=entry.path
        ) from None


def extract(blocks: list[Block], patterns: dict[str, str]) -> dict[str, Found]:
    """Each field's first match in the whole text; group 1 is the value.

    The text is searched as one string (blocks joined by newlines) so a
    pattern may span lines; the block where the match starts is cited.
    """
    starts: list[int] = []
    pieces: list[str] = []
    offset = 0
    for b in blocks:
        starts.append(offset)
        pieces.append(b.text)
        offset += len(b.text) + 1
    whole = "\n".join(pieces)
    found: dict[str, Found] = {}
    for name, pattern in patterns.items():
        m = re.search(pattern, whole, flags=re.MULTILINE)
        if m is None or m.group(1) is None:
            continue
        block = blocks[bisect.bisect_right(starts, m.start()) - 1]
        quote = " ".join(m.group(0).split())
        found[name] = Found(
            m.group(1), Excerpt(field=name, page=block.page, paragraph=block.paragraph, text=quote)
        )
    return found
