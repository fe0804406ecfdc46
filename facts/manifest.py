"""The evidence manifest (`evidence.yaml`): which file holds which facts, and how to read it.

A contract manager writes it, so every option is named for what it means in
the file ("columns: {姓名: name}"), and a mistake is reported with its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lvyue.engine.errors import InputError
from lvyue.engine.suggest import did_you_mean
from lvyue.engine.yamlio import LineDict, LineList, locate, parse_yaml, validate
from lvyue.facts.model import FACT_TYPES, Fact
from lvyue.facts.typedecl import placeholders

try:  # the parser behind `re`: its tree shows nesting of quantifiers
    from re import _parser as _sre  # type: ignore[attr-defined]  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

_REPEATS = {
    _sre.MAX_REPEAT,
    _sre.MIN_REPEAT,
    *([_sre.POSSESSIVE_REPEAT] if hasattr(_sre, "POSSESSIVE_REPEAT") else []),
}

MANIFEST_NAME = "evidence.yaml"

Derive = Literal["access_log", "monitoring", "outages"]
DERIVED_TYPE: dict[str, str] = {
    "access_log": "onsite_day",
    "monitoring": "system_day",
    "outages": "outage",
}
# The fields a log's manifest entry may name; the first is the key the facts are per.
# `core` (outages) is not a column: it comes from `fixed:`, `defaults:` or `values:`.
LOG_FIELDS: dict[str, tuple[str, ...]] = {
    "access_log": ("person_id", "time", "location"),
    "monitoring": ("system", "time", "status"),
    "outages": ("system", "time", "status", "core"),
}


MAX_PATTERN = 500  # characters in one extract pattern
MAX_UNBOUNDED = 8  # unbounded quantifiers (* + {n,}) in one extract pattern


def regex_risk(pattern: str) -> str | None:
    """Why an `extract` pattern could backtrack catastrophically, or None.

    Python's `re` has no time limit, and a document is searched as a whole,
    so patterns are bounded when the manifest is loaded: refused are a
    repeated group holding another quantifier (`(a+)+`, `(\\d{1,2}x)*`), a
    repeated alternation (`(a|ab)+`), more than MAX_UNBOUNDED unbounded
    quantifiers and patterns longer than MAX_PATTERN characters.
    """
    if len(pattern) > MAX_PATTERN:
        return f"the pattern is longer than {MAX_PATTERN} characters"
    try:
        parsed = _sre.parse(pattern)
    except re.error:
        return None  # reported by the caller
    unbounded = 0

    def walk(items: Any, repeated: bool) -> str | None:
        nonlocal unbounded
        for op, av in items:
            if op in _REPEATS:
                lo, hi, body = av
                many = hi is _sre.MAXREPEAT or hi > 1
                if hi is _sre.MAXREPEAT:
                    unbounded += 1
                if many and repeated:
                    return (
                        "a quantifier inside a repeated group (like (a+)+) can make the search "
                        "run for hours; write the group without the inner quantifier"
                    )
                found = walk(body, repeated or many)
            elif op is _sre.BRANCH:
                if repeated:
                    return (
                        "an alternation inside a repeated group (like (a|ab)+) can make the "
                        "search run for hours; use a character class such as [ab]+"
                    )
                found = next((w for b in av[1] if (w := walk(b, repeated))), None)
            elif op is _sre.SUBPATTERN:
                found = walk(av[-1], repeated)
            elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
                found = walk(av[1], repeated)
            elif op is getattr(_sre, "ATOMIC_GROUP", None):
                found = walk(av, repeated)
            elif op is _sre.GROUPREF_EXISTS:
                found = walk(av[1], repeated) or (walk(av[2], repeated) if av[2] else None)
            else:
                found = None
            if found:
                return found
        return None

    why = walk(parsed, False)
    if why is None and unbounded > MAX_UNBOUNDED:
        why = f"more than {MAX_UNBOUNDED} unbounded quantifiers (* + {{n,}}) in one pattern"
    return why


class FileEntry(BaseModel):
    """One evidence file: its fact type and how its columns/text become fact fields."""

    model_config = ConfigDict(extra="forbid")

    path: str
    type: str
    title: str | None = None  # free text for people, e.g. 乙方人员名册（2026年9月）
    sheet: str | None = None  # XLSX: sheet name (default: the first sheet)
    header_row: int = Field(default=1, ge=1)  # tables: the row holding the headers
    encoding: str | None = None  # CSV/logs: e.g. gb18030; detected when absent
    delimiter: str | None = None  # CSV/logs: detected from the header when absent
    records: str | None = None  # JSON/YAML: key of the list of records, if not top level
    columns: dict[str, str] = Field(default_factory=dict)  # source header -> field name
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)  # field -> {source: value}
    defaults: dict[str, Any] = Field(default_factory=dict)  # used when the cell is blank
    fixed: dict[str, Any] = Field(default_factory=dict)  # always set, whatever the file says
    id: str | None = None  # "{person_id}" template, or the column holding the id
    extract: dict[str, str] = Field(default_factory=dict)  # documents: field -> regex, 1 group
    derive: Derive | None = None  # logs: aggregate into onsite_day / system_day
    location: list[str] | None = None  # access logs: keep only these door/site names
    time_format: str | None = None  # logs: strptime format if not a usual one
    failure_values: list[str] | None = None  # monitoring, outages: status values meaning failure
    systems: list[str] | None = None  # outages: keep only these systems
    missing_minutes: Literal["failure", "ignore"] | None = None  # outages: a minute without probe
    # A file read with zero rows: `no_evidence` (default: nothing shows the register was kept)
    # or `none` (an empty register means none happened, e.g. no incidents).
    empty_means: Literal["no_evidence", "none"] = "no_evidence"

    @field_validator("location", "failure_values", "systems", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("columns")
    @classmethod
    def _tidy_headers(cls, v: dict[str, str]) -> dict[str, str]:
        return {" ".join(str(k).split()): f for k, f in v.items()}

    @field_validator("path")
    @classmethod
    def _relative(cls, v: str) -> str:
        p = Path(v)
        if p.is_absolute() or ".." in p.parts:
            raise ValueError("must be a path inside the evidence folder")
        return p.as_posix()

    @field_validator("extract")
    @classmethod
    def _one_group(cls, v: dict[str, str]) -> dict[str, str]:
        for name, pattern in v.items():
            try:
                groups = re.compile(pattern).groups
            except re.error as exc:
                raise ValueError(f"{name}: not a valid regular expression ({exc})") from None
            if groups != 1:
                raise ValueError(f"{name}: the pattern needs exactly one (group), has {groups}")
            risk = regex_risk(pattern)
            if risk:
                raise ValueError(f"{name}: {risk}")
        return v

    @model_validator(mode="after")
    def _derive_fits_type(self) -> FileEntry:
        if self.derive and DERIVED_TYPE[self.derive] != self.type:
            raise ValueError(
                f"derive: {self.derive} produces type {DERIVED_TYPE[self.derive]}, not {self.type}"
            )
        if self.location and self.derive != "access_log":
            raise ValueError("location: only for derive: access_log")
        if (self.systems or self.missing_minutes) and self.derive != "outages":
            raise ValueError("systems: and missing_minutes: only for derive: outages")
        return self


class Manifest(BaseModel):
    """The whole manifest; `audit` and `note` are for people and ignored by lvyue."""

    model_config = ConfigDict(extra="forbid")

    audit: str | None = None
    note: str | None = None
    files: list[FileEntry]


def load_manifest(root: Path, types: Mapping[str, type[Fact]] | None = None) -> Manifest:
    """Read and check `evidence.yaml`; a top-level list is accepted as the `files` list.

    `types` are the fact types files may name (default: the built-in ones;
    a pack's come from facts.typedecl.registry(pack_dir)).
    """
    types = FACT_TYPES if types is None else types
    path = root / MANIFEST_NAME
    if not root.is_dir():
        raise InputError("evidence folder not found", file=str(root))
    if not path.is_file():
        raise InputError(
            f"no {MANIFEST_NAME} in the evidence folder (it lists each file and its fact type)",
            file=str(root),
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the manifest ({exc}); save it as UTF-8", file=MANIFEST_NAME
        ) from None
    data = parse_yaml(text, MANIFEST_NAME)
    if isinstance(data, LineList):
        wrapped = LineDict(files=data)
        wrapped.line, wrapped.key_lines = data.line, {"files": data.line}
        data = wrapped
    if not isinstance(data, dict):
        raise InputError("expected a list of files (or a mapping with files:)", file=MANIFEST_NAME)
    manifest = validate(Manifest, data, MANIFEST_NAME)
    for i, entry in enumerate(manifest.files):
        if entry.type not in types:
            hint = did_you_mean(entry.type, types) or f" (known: {', '.join(sorted(types))})"
            raise InputError(
                f"unknown fact type {entry.type!r} for {entry.path}{hint}",
                file=MANIFEST_NAME,
                line=locate(data, ("files", i, "type")),
                field="type",
            )
        _check_field_names(entry, types[entry.type], data, i)
    return manifest


def _check_field_names(entry: FileEntry, model: type[Fact], data: Any, i: int) -> None:
    """Every field the manifest names must exist, so a typo fails loudly, with its line.

    Checked: `columns` targets, the keys of `values`, `defaults`, `fixed` and
    `extract`, the `{placeholders}` of an `id` template, and the targets of
    `values` for enum fields (each must be one of the declared values).
    """
    raw = data["files"][i]
    if entry.derive:
        known: list[str] = list(LOG_FIELDS[entry.derive])
        what = f"a {entry.derive} log"
    else:
        known = [n for n in model.model_fields if n != "provenance"]
        what = entry.type

    def fail(name: str, line: int | None, key: str, extra: str = "") -> InputError:
        hint = did_you_mean(name, known) or f" (fields: {', '.join(sorted(known))})"
        return InputError(
            f"{name!r} is not a field of {what}{extra}{hint}",
            file=MANIFEST_NAME,
            line=line,
            field=key,
        )

    columns = raw.get("columns") or {}
    for header, name in columns.items():
        if name not in known:
            raise fail(str(name), columns.key_lines.get(header), "columns")
    for key in ("values", "defaults", "fixed", "extract"):
        node = raw.get(key) or {}
        for name in node:
            if name not in known:
                raise fail(str(name), node.key_lines.get(name), key)
    if entry.id and "{" in entry.id and not entry.derive:
        line = locate(data, ("files", i, "id"))
        try:
            names = placeholders(entry.id)
        except ValueError as exc:
            raise InputError(
                f"not a valid id template {entry.id!r} ({exc})",
                file=MANIFEST_NAME,
                line=line,
                field="id",
            ) from None
        for name in names:
            if name not in known:
                raise fail(name, line, "id", " (in the id template)")
    _check_enum_values(entry, model, raw)


def _check_enum_values(entry: FileEntry, model: type[Fact], raw: Any) -> None:
    """`values: {status: {开: opne}}` for an enum field: the target must be a declared value."""
    if entry.derive or not hasattr(model, "decl"):
        return
    node = raw.get("values") or {}
    for name, mapping in entry.values.items():
        decl = model.decl.fields.get(name)
        allowed = decl.values if decl else None
        if not allowed:
            continue
        for source, target in mapping.items():
            if str(target) not in allowed:
                sub = node.get(name)
                line = sub.key_lines.get(source) if isinstance(sub, LineDict) else node.line
                hint = did_you_mean(str(target), allowed) or f" (one of: {', '.join(allowed)})"
                raise InputError(
                    f"{target!r} is not a value of {entry.type}.{name}{hint}",
                    file=MANIFEST_NAME,
                    line=line,
                    field=f"values.{name}",
                )
