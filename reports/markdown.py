"""The Markdown subset report templates write, and its reading back into blocks.

Templates render Markdown; HTML and DOCX are built from the same blocks, so
a report says the same thing in every format. The subset: `#`..`####`
headings, paragraphs, `- ` bullets, `1. ` numbered items, `> ` notes, pipe
tables, `---`, `**bold**`, backslash escapes, and a kramdown attribute line
`{: .name .other}` after a block to give it layout roles (e.g. `.docno`, `.sign`).

Every value a template prints is escaped (jinja2 `finalize`), so evidence
text can never open a table cell, a heading or an HTML tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ESCAPED = set("\\`*|<>[]{}#")  # not _: intraword underscores are literal (ids, file names)
_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class Raw(str):
    """Markdown a template or builder means literally (not escaped)."""


def md_escape(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = " ".join(part.strip() for part in text.split("\n")) if "\n" in text else text
    return "".join("\\" + ch if ch in ESCAPED else ch for ch in text)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass
class Block:
    kind: str  # heading, para, bullets, numbered, quote, table, rule
    level: int = 0
    runs: list[Run] = field(default_factory=list)
    items: list[list[Run]] = field(default_factory=list)  # bullets / numbered
    rows: list[list[list[Run]]] = field(default_factory=list)  # table, header first
    cls: str | None = None
    src: str | None = None  # image: `![caption](图1)` names a chart (by label) the writer is given

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def inline(text: str) -> list[Run]:
    """`**bold**` and backslash escapes → runs."""
    runs: list[Run] = []
    buf: list[str] = []
    bold = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCT:
            buf.append(text[i + 1])
            i += 2
            continue
        if text.startswith("**", i):
            if buf:
                runs.append(Run("".join(buf), bold))
                buf = []
            bold = not bold
            i += 2
            continue
        buf.append(ch)
        i += 1
    if buf:
        runs.append(Run("".join(buf), bold))
    return runs


def split_row(line: str) -> list[str]:
    """Cells of `| a | b |`, splitting only on unescaped pipes."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    cells, buf, i = [], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            buf.append(body[i : i + 2])
            i += 2
            continue
        if body[i] == "|":
            cells.append("".join(buf).strip())
            buf = []
        else:
            buf.append(body[i])
        i += 1
    if "".join(buf).strip():
        cells.append("".join(buf).strip())
    return cells


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_IMAGE = re.compile(r"^!\[(.*)\]\(([^()\s\\]+)\)$")  # a chart, by its label (图1): the only image there is
_NUMBERED = re.compile(r"^\d+\.\s+")
_ATTR = re.compile(r"^\{:\s*((?:\.[A-Za-z][\w-]*\s*)+)\}$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def plain(text: str) -> str:
    """The Markdown a person reads: without the layout lines (`{: .big}`), which only HTML and DOCX use
    and which a Markdown viewer would print literally."""
    lines = text.split("\n")
    return "\n".join(line for line in lines if not _ATTR.match(line.strip()))


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", runs=inline(" ".join(para))))
            para.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        s = line.strip()
        if not s:
            flush()
            i += 1
            continue
        if m := _ATTR.match(s):
            flush()
            if blocks:
                blocks[-1].cls = " ".join(c.lstrip(".") for c in m.group(1).split())
            i += 1
            continue
        if m := _IMAGE.match(s):
            flush()
            blocks.append(Block("image", runs=inline(m.group(1)), src=m.group(2)))
        elif m := _HEADING.match(s):
            flush()
            blocks.append(Block("heading", level=len(m.group(1)), runs=inline(m.group(2).strip())))
        elif s == "---":
            flush()
            blocks.append(Block("rule"))
        elif s.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                row = lines[i].strip()
                if not _SEPARATOR.match(row):
                    rows.append([inline(c) for c in split_row(row)])
                i += 1
            blocks.append(Block("table", rows=rows))
            continue
        elif s.startswith("- ") or _NUMBERED.match(s):
            flush()
            kind = "bullets" if s.startswith("- ") else "numbered"
            items = []
            while i < len(lines):
                t = lines[i].strip()
                if kind == "bullets" and t.startswith("- "):
                    items.append(inline(t[2:].strip()))
                elif kind == "numbered" and _NUMBERED.match(t):
                    items.append(inline(t))  # the number is kept as written
                else:
                    break
                i += 1
            blocks.append(Block(kind, items=items))
            continue
        elif s.startswith(">"):
            flush()
            blocks.append(Block("quote", runs=inline(s[1:].strip())))
        else:
            para.append(s)
        i += 1
    flush()
    return blocks
