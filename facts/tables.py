"""Tabular evidence (CSV, XLSX, JSON, YAML) read into one shape: headers and numbered rows.

Row numbers are the ones a person sees: for CSV and XLSX the spreadsheet row
(header = row 1 unless `header_row` says otherwise), for YAML the line of the
record, for JSON the record's position (1 = first). Blank rows are skipped
and not counted: they are not records.

Nothing vanishes between the file and the rows: a row that cannot be read as
a whole (an over-long CSV line, an unclosed quote, cells right of the last
header or under a blank one) is kept as a row carrying ROW_PROBLEM, and a cell
that has no usable value (an Excel formula without a saved value, an Excel
error such as #REF!) is kept as an Unreadable cell; facts.records turns both
into rejections, so rows read = facts + rejected still holds. Two columns
with the same header stop loading: lvyue will not guess which one is meant.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lvyue.engine.errors import InputError, MissingSource
from lvyue.engine.yamlio import LineList, parse_yaml
from lvyue.facts.manifest import FileEntry
from lvyue.facts.normalize import clean, halfwidth

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
JSON_SUFFIXES = {".json"}
YAML_SUFFIXES = {".yaml", ".yml"}
TABLE_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | JSON_SUFFIXES | YAML_SUFFIXES
DETECT_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too
MAX_ROW_CHARS = 1 << 20  # a CSV row longer than this is rejected (a cell: csv's own 131,072)
ROW_PROBLEM = "\x00row"  # key of a record whose whole row is unreadable; value: the reason


@dataclass(frozen=True)
class Unreadable:
    """A cell with no usable value (formula never calculated, Excel error): rejects its row."""

    reason: str


def check_inside(path: Path, entry: FileEntry) -> None:
    """Refuse a listed file that resolves outside the evidence folder (a symbolic link).

    The folder is `path` minus the manifest's relative `entry.path`; the file,
    every folder on the way and the folder itself are resolved first.
    """
    depth = len(Path(entry.path).parts)
    root = path
    for _ in range(depth):
        root = root.parent
    try:
        inside = path.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):  # a dangling or looping link
        inside = False
    if not inside:
        raise InputError(
            "refused: the file is a link (or lies in a linked folder) that leads outside "
            "the evidence folder; copy the file itself into the folder",
            file=entry.path,
        )


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
    check_inside(path, entry)
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
    delimiter = sniff_delimiter(first, entry.delimiter)
    if len(delimiter) != 1:
        raise InputError(
            f"the delimiter must be one character, not {delimiter!r}",
            file=entry.path,
            field="delimiter",
        )
    table = _grid(_csv_rows(text, delimiter), entry)
    table.encoding = enc
    return table


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[Any] | str]]:
    """(row number, cells), or (row number, reason) for a row the csv module cannot read.

    The csv module goes on with the next line after an error, so an over-long
    line costs only its own row. A quote opened and never closed swallows the
    rest of the file into one cell: that last row is refused, naming its lines.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    last_line = 0
    unbalanced = text.count('"') % 2 == 1  # then the last record ran into the end of the file
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    while True:
        try:
            cells: list[Any] | str = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = str(exc)
            if "field larger than field limit" in why:
                why = f"line too long: a cell longer than {csv.field_size_limit():,} characters"
            cells = f"line {reader.line_num} cannot be read as CSV ({why})"
        number += 1
        first_line, last_line = last_line + 1, reader.line_num
        if isinstance(cells, list):
            size = sum(map(len, cells))
            if size > MAX_ROW_CHARS:
                cells = (
                    f"line too long: {size:,} characters (limit {MAX_ROW_CHARS:,}) at line "
                    f"{first_line}"
                )
            elif unbalanced and last_line > first_line and reader.line_num >= lines:
                cells = (
                    f'a quote (") opened at line {first_line} is never closed: lines '
                    f"{first_line}-{last_line} were read as one row"
                )
        yield number, cells


def read_xlsx(path: Path, entry: FileEntry) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise InputError(
            f"cannot read as an Excel workbook ({_why(exc)})", file=entry.path
        ) from None
    try:
        names = wb.sheetnames
        if entry.sheet is not None and entry.sheet not in names:
            raise MissingSource(
                f"no sheet {entry.sheet!r} (sheets: {', '.join(names)})",
                file=entry.path,
                field="sheet",
            )
        sheet = entry.sheet or names[0]
        try:
            table = _grid(_xlsx_rows(wb[sheet], formulas[sheet]), entry)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                f"cannot read sheet {sheet!r} ({_why(exc)})", file=entry.path
            ) from None
    finally:
        wb.close()
        formulas.close()
    table.sheet = sheet
    return table


def _xlsx_rows(values: Any, formulas: Any) -> Iterator[tuple[int, list[Any]]]:
    """Saved values row by row, every cell (not only those inside the sheet's stated
    dimension, which exporters get wrong); a formula without a saved value or an
    Excel error value becomes an Unreadable cell."""
    from openpyxl.utils import get_column_letter

    values.reset_dimensions()  # read-only mode trusts <dimension>, cutting off cells beyond it
    formulas.reset_dimensions()
    for number, (vrow, frow) in enumerate(
        itertools.zip_longest(values.iter_rows(), formulas.iter_rows(), fillvalue=()), start=1
    ):
        cells: list[Any] = []
        for i, (cell, fcell) in enumerate(itertools.zip_longest(vrow, frow)):
            value = getattr(cell, "value", None)
            where = f"cell {get_column_letter(i + 1)}{number}"
            if getattr(cell, "data_type", None) == "e":
                value = Unreadable(f"{where} holds the Excel error {value}")
            elif value is None and getattr(fcell, "data_type", None) == "f":
                formula = fcell.value if isinstance(fcell.value, str) else "an array formula"
                formula = formula if len(formula) <= 60 else formula[:57] + "..."
                value = Unreadable(
                    f"{where} is a formula ({formula}) without a saved value; open and save "
                    "the workbook in Excel, or type the value"
                )
            cells.append(value)
        yield number, cells


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


def _grid(rows: Iterable[tuple[int, Iterable[Any] | str]], entry: FileEntry) -> Table:
    """Header row + data rows, with spreadsheet row numbers; blank rows skipped.

    A row given as a string is unreadable as a whole (the string says why);
    non-blank cells under no header (right of the last one, or under a blank
    header) make their row a rejected one rather than vanish.
    """
    headers: list[str] | None = None
    out: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        if number < entry.header_row:
            continue
        if isinstance(cells, str):
            if headers is None:
                raise InputError(f"the header row cannot be read: {cells}", file=entry.path)
            out.append((number, {ROW_PROBLEM: cells}))
            continue
        cells = list(cells)
        if headers is None:
            headers = [_header(c) for c in cells]
            if not any(headers):
                raise InputError(
                    f"no header row: row {number} is blank (set header_row: in evidence.yaml)",
                    file=entry.path,
                    line=number,
                )
            _no_duplicates(headers, entry, number)
            continue
        record: dict[str, Any] = {}
        stray: list[int] = []
        for i, c in enumerate(cells):
            h = headers[i] if i < len(headers) else ""
            if h:
                record[h] = c
            elif clean(c) is not None:
                stray.append(i)
        if stray:
            record[ROW_PROBLEM] = _stray(headers, cells, stray, number)
            out.append((number, record))
            continue
        if all(clean(v) is None for v in record.values()):
            continue
        out.append((number, record))
    if headers is None:
        raise InputError(f"no header row (expected at row {entry.header_row})", file=entry.path)
    return Table([h for h in headers if h], out)


def _stray(headers: list[str], cells: list[Any], stray: list[int], number: int) -> str:
    """Why a row with values under no header is refused, naming the cells."""
    last = max((i for i, h in enumerate(headers) if h), default=-1)
    shown = ", ".join(f"{_letter(i)}{number} {_shown(cells[i])}" for i in stray[:3])
    more = f" and {len(stray) - 3} more" if len(stray) > 3 else ""
    if stray[0] > last:
        where = f"right of the last header ({headers[last]!r}, column {_letter(last)})"
    else:
        where = "under a blank header"
    return f"values {where}: {shown}{more}; give the column a header or move the values"


def _header(cell: Any) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def _same(header: str) -> str:
    """A header as compared for duplicates: full-width letters and spaces made ASCII."""
    return " ".join(halfwidth(header).split())


def _no_duplicates(headers: list[str], entry: FileEntry, line: int | None) -> None:
    """Two columns with the same header are fatal: which one holds the data is a guess."""
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        key = _same(h)
        if key in seen:
            j = seen[key]
            raise InputError(
                f"two columns headed {headers[j]!r}: column {_letter(j)} and column "
                f"{_letter(i)} ({h!r}); rename or delete one (lvyue will not guess which "
                "holds the data)",
                file=entry.path,
                line=line,
                field=h,
            )
        seen[key] = i


def _letter(index: int) -> str:
    """0-based column index → spreadsheet column letters (A, B, ..., AA)."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _shown(value: Any) -> str:
    if isinstance(value, Unreadable):
        return "(no value)"
    s = repr(value if isinstance(value, str) else str(value))
    return s if len(s) <= 40 else s[:37] + "...'"


def _read_json(path: Path, entry: FileEntry) -> Any:
    text, _ = decode(path.read_bytes(), entry)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise InputError(
                    f"duplicate key {key!r} in an object (lvyue will not guess which one "
                    "holds the data)",
                    file=entry.path,
                    field=key,
                )
            out[key] = value
        return out

    try:
        return json.loads(text.removeprefix("\ufeff"), object_pairs_hook=pairs, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", file=entry.path, line=exc.lineno) from None
    except RecursionError:
        raise InputError("not valid JSON (nested too deeply)", file=entry.path) from None
    except ValueError as exc:  # e.g. an integer with more than 4,300 digits
        raise InputError(f"not valid JSON ({exc})", file=entry.path) from None


def _json_int(digits: str) -> int | str:
    """JSON integers; one too long for int() stays text, for its row to be rejected."""
    return int(digits) if len(digits) <= 4000 else digits


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
            shown = _shown(record)
            rows.append((number, {ROW_PROBLEM: f"not a record (field: value pairs): {shown}"}))
            continue
        keys = [_header(k) for k in record]
        _no_duplicates(keys, entry, number if lines else None)
        row = {k: v for k, v in zip(keys, record.values(), strict=True) if k}
        nameless = [
            v for k, v in zip(keys, record.values(), strict=True) if not k and clean(v) is not None
        ]
        if nameless:
            row[ROW_PROBLEM] = f"a value without a field name: {_shown(nameless[0])}"
        rows.append((number, row))
        headers.update(dict.fromkeys(k for k in keys if k))
    return Table([h for h in headers if h], rows)


def iter_fields(table: Table, pairs: list[tuple[str, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows keyed by lvyue field names, following the (header, field) pairs."""
    for number, record in table.rows:
        fields = {f: record.get(h) for h, f in pairs}
        if ROW_PROBLEM in record:
            fields[ROW_PROBLEM] = record[ROW_PROBLEM]
        yield number, fields
