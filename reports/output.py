"""One rendered report → the bytes of the format asked for, and where they go."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lvyue.engine.errors import InputError
from lvyue.reports.docx_writer import to_docx
from lvyue.reports.html import to_html
from lvyue.reports.markdown import parse, plain

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
    date: dt.date | None = None  # the document's date (audit as-of, notice issue date): its metadata times
    template: Path | None = None  # an agency's Word template (.docx) whose styles, header and page are reused


def dump_json(obj: Any) -> str:
    """The one JSON form lvyue writes: sorted keys, UTF-8, stable across runs."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2)


_CORE_TIME = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_zip(data: bytes, day: dt.date | None) -> bytes:
    """An OOXML package (DOCX, XLSX) with the same bytes on every run.

    Every member gets the same timestamp (the document's date at 00:00, clamped
    to what ZIP can store, 1980-2107; 1980-01-01 without a date) and the same
    compression, in the order written; docProps/core.xml's created and modified
    become that date too, whatever the writer put there ("now").
    """
    stamp = dt.datetime.combine(day, dt.time()) if day else dt.datetime(1980, 1, 1)
    stamp = min(max(stamp, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31))
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIME.sub(lambda m: m.group(1) + iso + m.group(3), body.decode("utf-8")).encode("utf-8")
            member = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 0
            member.external_attr = 0
            dst.writestr(member, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


def _images(r: Rendered, blocks: list) -> dict[str, bytes]:
    """PNG of every chart the document shows (drawn only when it has one: matplotlib is slow to load)."""
    if not any(b.kind == "image" for b in blocks):
        return {}
    from lvyue.reports.charts import render_all
    from lvyue.reports.templating import labels

    return render_all(r.data.get("charts"), labels(r.pack, r.lang))


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise InputError(f"expected one of {', '.join(allowed)}, got {fmt!r}", field="--format")
    return fmt


def to_bytes(r: Rendered, fmt: str) -> bytes:
    if fmt == "md":
        return plain(r.markdown).encode("utf-8")
    if fmt == "json":
        return (dump_json(r.data) + "\n").encode("utf-8")
    blocks = parse(r.markdown)
    images = _images(r, blocks)
    if fmt == "html":
        return to_html(blocks, r.title, r.lang, r.pack, r.layout, images=images).encode("utf-8")
    if fmt == "docx":
        return fixed_zip(to_docx(blocks, r.layout, r.title, r.author, r.date, images=images, template=r.template), r.date)
    raise InputError(f"unknown format {fmt!r}", field="--format")


def writable(output: Path | None) -> None:
    """-o FILE: checked before any work is done (its folder must exist; it must not be a folder)."""
    if output is None:
        return
    output = Path(output)
    if output.is_dir():
        raise InputError("is a folder: give a file name", file=str(output), field="-o")
    if not output.parent.is_dir():
        raise InputError(f"folder {output.parent.as_posix()!r} does not exist", file=str(output), field="-o")


def deliver(data: bytes, fmt: str, output: Path | None) -> None:
    """Write to -o FILE, or to stdout for text formats."""
    if output is not None:
        writable(output)
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", file=str(output), field="-o") from None
        return
    if fmt in BINARY:
        raise InputError(f"{fmt} is a binary format: give -o FILE", field="-o")
    sys.stdout.write(data.decode("utf-8"))
    sys.stdout.flush()
