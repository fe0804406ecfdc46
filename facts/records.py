"""One source record (a row, a document's extracted fields) → one Fact or one Rejection.

The manifest's `columns`, `values`, `defaults`, `fixed` and `id` are applied
here, the same way for every file kind, so a roster gives identical facts
whether it arrives as CSV, GB18030 CSV or XLSX.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from pydantic import ValidationError

from lvyue.facts.manifest import FileEntry
from lvyue.facts.model import Fact, Provenance
from lvyue.facts.normalize import Kind, clean, halfwidth, kind_of, normalize, parse_list, text
from lvyue.facts.tables import ROW_PROBLEM, Unreadable


@dataclass(frozen=True)
class Rejection:
    """A source row that produced no fact, and why (row is None for a whole document)."""

    file: str
    row: int | None
    field: str | None
    reason: str


class RecordBuilder:
    """Applies one manifest entry to records of one file."""

    def __init__(self, entry: FileEntry, model: type[Fact], file: str) -> None:
        self.entry, self.model, self.file = entry, model, file
        declared = model.decl.fields if hasattr(model, "decl") else {}
        self.kinds: dict[str, Kind] = {
            name: cast(Kind, declared[name].kind) if name in declared else kind_of(f.annotation)
            for name, f in model.model_fields.items()
            if name not in ("id", "provenance")
        }
        # list fields whose items are not text (list of date, of int, ...): each item is parsed
        self.items: dict[str, Kind] = {
            name: cast(Kind, f.item_kind)
            for name, f in declared.items()
            if f.item_kind not in (None, "text")
        }
        self.required = [
            name for name, f in model.model_fields.items() if f.is_required() and name != "id"
        ]
        self.source: dict[str, str] = {}  # field -> source header, for messages

    def rename(self, headers: list[str]) -> list[tuple[str, str]]:
        """(source header, field) pairs for the headers this file has; others are ignored.

        A header named by `id:` also feeds the id, even when it is mapped to a field.
        """
        out: list[tuple[str, str]] = []
        for h in headers:
            if h in self.entry.columns:
                out.append((h, self.entry.columns[h]))
            elif h in self.kinds or h == "id":
                out.append((h, h))
            if h == self.entry.id and h not in self.kinds and h != "id":
                if h in self.entry.columns and self.entry.columns[h] == "id":
                    continue
                out.append((h, "id"))
        self.source = {}
        for h, f in out:
            self.source.setdefault(f, h)
        return out

    def build(self, raw: dict[str, Any], row: int | None, prov: Provenance) -> Fact | Rejection:
        """Fields named by lvyue → a validated fact, or the first problem as a rejection.

        A row the table reader could not read as a whole (ROW_PROBLEM) is
        rejected with its reason; so is one whose used cell is Unreadable (an
        Excel formula without a saved value), unless `fixed:` overrides that field.
        """
        if ROW_PROBLEM in raw:
            return Rejection(self.file, row, None, str(raw[ROW_PROBLEM]))
        values = {k: v for k, v in ((k, clean(v)) for k, v in raw.items()) if v is not None}
        for name, v in self.entry.defaults.items():
            values.setdefault(name, v)
        values.update(self.entry.fixed)
        bad = [(k, v.reason) for k, v in values.items() if isinstance(v, Unreadable)]
        if bad:
            return self._reject(row, bad)
        problems: list[tuple[str, str]] = []
        typed: dict[str, Any] = {}
        for name in self.kinds:
            if name not in values:
                if name in self.required:
                    problems.append((name, "missing required field"))
                continue
            try:
                typed[name] = normalize(self._mapped(name, values[name]), self.kinds[name])
                if name in self.items:
                    typed[name] = [normalize(v, self.items[name]) for v in typed[name]]
            except ValueError as exc:
                problems.append((name, str(exc)))
        ident = None
        try:
            ident = self._id(values, typed, row)
        except ValueError as exc:
            problems.append(("id", str(exc)))
        if not problems:
            try:
                return self.model(id=ident, provenance=prov, **typed)
            except ValidationError as exc:
                problems = [(".".join(map(str, e["loc"])) or "-", e["msg"]) for e in exc.errors()]
        return self._reject(row, problems)

    def _mapped(self, name: str, value: Any) -> Any:
        mapping = self.entry.values.get(name)
        if not mapping:
            return value
        if self.kinds[name] == "list":
            return [mapping.get(item, item) for item in parse_list(value)]
        key = text(value)
        return mapping.get(key, value)

    def _id(self, values: dict[str, Any], typed: dict[str, Any], row: int | None) -> str:
        spec = self.entry.id
        if spec and "{" in spec:
            shown = {k: _as_id_part(v) for k, v in typed.items() if v is not None}
            try:
                ident = spec.format_map(shown)
            except KeyError as exc:
                raise ValueError(
                    f"the id template {spec!r} needs {exc.args[0]}, which is blank"
                ) from None
        elif spec:
            value = values.get(spec if spec in self.kinds else "id")
            if value is None:
                raise ValueError(f"the id column {spec!r} is blank")
            ident = text(value)
        elif "id" in values:
            ident = text(values["id"])
        else:
            stem = PurePosixPath(self.file).stem
            ident = stem if row is None else f"{stem}:{row}"
        ident = halfwidth(ident).strip()
        if not ident:
            raise ValueError("blank id")
        return ident

    def _reject(self, row: int | None, problems: list[tuple[str, str]]) -> Rejection:
        field, reason = problems[0]
        if len(problems) > 1:
            more = "; ".join(f"{self.source.get(f, f)}: {r}" for f, r in problems[1:])
            reason = f"{reason} (also {more})"
        return Rejection(self.file, row, self.source.get(field, field), reason)


def _as_id_part(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "+".join(_as_id_part(v) for v in value)
    return str(value)
