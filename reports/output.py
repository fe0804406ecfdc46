"""One rendered report → the bytes of the format asked for, and where they go."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.cli.common import dump_json
from engine.errors import InputError
from reports.docx_writer import to_docx
from reports.html import to_html
from reports.markdown import parse

BINARY = {"docx", "xlsx"}


@dataclass
class Rendered:
    markdown: str
    title: str
    lang: str
    pack: Path | None
    layout: str  # report | official
    author: str
    data: dict[str, Any]  # the JSON form


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise InputError(f"expected one of {', '.join(allowed)}, got {fmt!r}", field="--format")
    return fmt


def to_bytes(r: Rendered, fmt: str) -> bytes:
    if fmt == "md":
        return r.markdown.encode("utf-8")
    if fmt == "json":
        return (dump_json(r.data) + "\n").encode("utf-8")
    blocks = parse(r.markdown)
    if fmt == "html":
        return to_html(blocks, r.title, r.lang, r.pack, r.layout).encode("utf-8")
    if fmt == "docx":
        return to_docx(blocks, r.layout, r.title, r.author)
    raise InputError(f"unknown format {fmt!r}", field="--format")


def deliver(data: bytes, fmt: str, output: Path | None) -> None:
    """Write to -o FILE, or to stdout for text formats."""
    if output is not None:
        try:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_bytes(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", file=str(output), field="-o") from None
        return
    if fmt in BINARY:
        raise InputError(f"{fmt} is a binary format: give -o FILE", field="-o")
    sys.stdout.write(data.decode("utf-8"))
    sys.stdout.flush()
