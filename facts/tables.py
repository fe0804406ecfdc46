"""Tabular evidence (CSV, XLSX, JSON, YAML) read into one shape: headers and numbered rows.

Row numbers are the ones a person sees: for CSV and XLSX the spreadsheet row
(header = row 1 unless `header_row` says otherwise), for YAML the line of the
record, for JSON the record's position (1 = first). Blank rows are skipped
and not counted: they are not records.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.yamlio import LineList, parse_yaml
from facts.manifest import FileEntry
from facts.normalize import clean

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
JSON_SUFFIXES = {".json"}
YAML_SUFFIXES = {".yaml", ".yml"}
TABLE_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | JSON_SUFFIXES | YAML_SUFFIXES
DETECT_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too


@dataclass
class Table:
    """Headers in file order and (row number, header → cell) pairs."""

    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    sheet: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def read_table(path: Path, entry: FileEntry) -> Table:
    """Dispatch on the file's suffix; any unreadable file is an InputError naming it."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path, entry)
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, entry)
    if suffix in JSON_SUFFIXES:
        return _records(_read_json(path, entry), entry)
    if suffix in YAML_SUFFIXES:
        return _records(_read_yaml(path, entry), entry)
    raise InputError(f"cannot read {suffix} files as a table", file=entry.path)


def decode(data: bytes, entry: FileEntry) -> tuple[str, str]:
    """Text and the encoding used: the manifest's, else UTF-8 (BOM or not), else GB18030."""
    candidates = (entry.encoding,) if entry.encoding else DETECT_ENCODINGS
    for enc in candidates:
        try:
            text = data.decode(enc)
            if enc == "utf-8-sig":
                return text, "utf-8-bom" if data.startswith(codecs.BOM_UTF8) else "utf-8"
            return text, enc
        except LookupError:
            raise InputError(
                f"unknown encoding {enc!r}", file=entry.path, field="encoding"
            ) from None
        except UnicodeDecodeError as exc:
            last = exc
    hint = "" if entry.encoding else "; name it with encoding: in evidence.yaml"
    raise InputError(
        f"cannot decode the file as {' or '.join(candidates)} (byte {last.start}){hint}",
        file=entry.path,
    )


def sniff_delimiter(header_line: str, given: str | None) -> str:
    """The manifest's delimiter, else the most frequent of , TAB ; | in the header line."""
    if given:
        return "\t" if given in ("\\t", "tab", "TAB") else given
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, entry: FileEntry) -> Table:
    text, enc = decode(path.read_bytes(), entry)
    text = text.removeprefix("\ufeff")
    lines = text.split("\n", entry.header_row)
    first = lines[entry.header_row - 1] if len(lines) >= entry.header_row else ""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=sniff_delimiter(first, entry.delimiter)
    )
    try:
        table = _grid(reader, entry)
    except csv.Error as exc:
        raise InputError(f"not valid CSV ({exc})", file=entry.path) from None
    table.encoding = enc
    return table


def read_xlsx(path: Path, entry: FileEntry) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise InputError(
            f"cannot read as an Excel workbook ({_why(exc)})", file=entry.path
        ) from None
    try:
        names = wb.sheetnames
        if entry.sheet is not None and entry.sheet not in names:
            raise InputError(
                f"no sheet {entry.sheet!r} (sheets: {', '.join(names)})",
                file=entry.path,
                field="sheet",
            )
        sheet = entry.sheet or names[0]
        try:
            table = _grid(wb[sheet].iter_rows(values_only=True), entry)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                f"cannot read sheet {sheet!r} ({_why(exc)})", file=entry.path
            ) from None
    finally:
        wb.close()
    table.sheet = sheet
    return table


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


def _grid(rows: Iterable[Iterable[Any]], entry: FileEntry) -> Table:
    """Header row + data rows, with spreadsheet row numbers; blank rows skipped."""
    headers: list[str] | None = None
    out: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=1):
        if number < entry.header_row:
            continue
        cells = list(cells)
        if headers is None:
            headers = [_header(c) for c in cells]
            continue
        record = {h: c for h, c in zip(headers, cells, strict=False) if h}
        if all(clean(v) is None for v in record.values()):
            continue
        out.append((number, record))
    if headers is None:
        raise InputError(f"no header row (expected at row {entry.header_row})", file=entry.path)
    return Table([h for h in headers if h], out)


def _header(cell: Any) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def _read_json(path: Path, entry: FileEntry) -> Any:
    text, _ = decode(path.read_bytes(), entry)
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", file=entry.path, line=exc.lineno) from None


def _read_yaml(path: Path, entry: FileEntry) -> Any:
    text, _ = decode(path.read_bytes(), entry)
    return parse_yaml(text.removeprefix("\ufeff"), entry.path)


def _records(data: Any, entry: FileEntry) -> Table:
    """The list of records in a JSON/YAML document (top level, `records:` key, or sole list)."""
    if entry.records:
        for key in entry.records.split("."):
            if not isinstance(data, dict) or key not in data:
                raise InputError(
                    f"no {entry.records!r} in the file", file=entry.path, field="records"
                )
            data = data[key]
    elif isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise InputError(
                "expected a list of records; name its key with records: in evidence.yaml",
                file=entry.path,
            )
        data = lists[0]
    if not isinstance(data, list):
        raise InputError("expected a list of records", file=entry.path)
    lines = data.item_lines if isinstance(data, LineList) else None
    rows: list[tuple[int, dict[str, Any]]] = []
    headers: dict[str, None] = {}
    for i, record in enumerate(data):
        number = lines[i] if lines else i + 1
        if not isinstance(record, dict):
            record = {"": record}  # reported as a row with no usable fields
        rows.append((number, {str(k): v for k, v in record.items()}))
        headers.update(dict.fromkeys(str(k) for k in record))
    return Table([h for h in headers if h], rows)


def iter_fields(table: Table, pairs: list[tuple[str, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows keyed by lvyue field names, following the (header, field) pairs."""
    for number, record in table.rows:
        yield number, {f: record.get(h) for h, f in pairs}
