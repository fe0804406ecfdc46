"""An evidence folder → an EvidenceSet: facts by type, and an account of every file.

The rules engine reads `facts`; the auditor reads `files` (rows read = facts
+ rejected, with reasons) and `unlisted` (files nobody declared), because a
finding is only as good as the evidence it cites and no row may vanish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from lvyue.engine.errors import InputError, MissingSource
from lvyue.facts.documents import DOCUMENT_SUFFIXES, extract, read_blocks
from lvyue.facts.logs import load_log
from lvyue.facts.manifest import MANIFEST_NAME, FileEntry, load_manifest
from lvyue.facts.model import FACT_TYPES, Fact, Provenance
from lvyue.facts.records import RecordBuilder, Rejection
from lvyue.facts.tables import TABLE_SUFFIXES, iter_fields, read_table

__all__ = ["EvidenceSet", "FileReport", "Gap", "LogCounts", "Rejection", "load_evidence"]

NOT_EVIDENCE = {MANIFEST_NAME, "README.md"}
OLD_OFFICE = {".xls": ".xlsx", ".doc": ".docx", ".et": ".xlsx", ".wps": ".docx"}


@dataclass(frozen=True)
class LogCounts:
    """For a log: rows = aggregated + outside_location + len(rejected)."""

    aggregated: int  # lines that went into the derived facts
    outside_location: int  # good lines at another door/site than `location:`
    derived: int  # daily facts produced (before any duplicate was rejected)


@dataclass(frozen=True)
class Gap:
    """Why a fact type's evidence is incomplete: one rejected row, or a file-level problem."""

    fact_type: str
    file: str
    row: int | None
    field: str | None
    reason: str

    def cite(self) -> str:
        return f"{self.file}:{self.row}" if self.row is not None else self.file

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "field": self.field, "reason": self.reason}


@dataclass
class FileReport:
    """One manifest file's account. Tables/documents: rows == facts + len(rejected)."""

    file: str
    fact_type: str
    sha256: str
    rows: int
    facts: int
    rejected: list[Rejection]
    date_range: tuple[dt.date, dt.date] | None
    sheet: str | None = None
    encoding: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    log: LogCounts | None = None
    title_zh: str = ""  # the fact type's Chinese title (a pack's own type has one too)
    empty_means: str = "no_evidence"  # the manifest's reading of a file with zero rows
    problems: list[str] = field(default_factory=list)  # file-level: an unusable column, a missing sheet


@dataclass
class EvidenceSet:
    root: Path
    facts: dict[str, list[Fact]]  # by fact_type, sorted by id
    files: list[FileReport]  # in manifest order
    unlisted: list[str]  # files in the folder the manifest does not name
    types: Mapping[str, type[Fact]] = field(default_factory=lambda: FACT_TYPES)  # loaded with

    def present_types(self) -> set[str]:
        """Types some manifest file was loaded for, even if it gave 0 facts.

        A type that is present with no facts is evidence of absence; a type
        not present at all is missing evidence (`no_evidence`).
        """
        return {f.fact_type for f in self.files}

    def gaps(self) -> dict[str, list[Gap]]:
        """Per fact type, what could not be read: every rejected row and file-level problem.

        A rule that needs a type listed here is never `compliant` (engine/evaluate.py).
        """
        out: dict[str, list[Gap]] = {}
        for r in self.files:
            for p in r.problems:
                out.setdefault(r.fact_type, []).append(Gap(r.fact_type, r.file, None, None, p))
            for j in r.rejected:
                out.setdefault(r.fact_type, []).append(Gap(r.fact_type, j.file, j.row, j.field, j.reason))
        return out

    def empty_registers(self) -> dict[str, list[str]]:
        """Types whose every file was read with zero rows and none says `empty_means: none`.

        Such a type is treated as not supplied (`no_evidence`): an empty sheet
        does not show that nothing happened unless the manifest says so.
        """
        by_type: dict[str, list[FileReport]] = {}
        for r in self.files:
            by_type.setdefault(r.fact_type, []).append(r)
        return {
            t: [r.file for r in rs]
            for t, rs in sorted(by_type.items())
            if all(r.rows == 0 and r.empty_means != "none" and not r.problems for r in rs)
        }

    def all_facts(self) -> list[Fact]:
        return [f for t in sorted(self.facts) for f in self.facts[t]]


@dataclass
class _Loaded:
    rows: int
    facts: list[Fact]
    rejected: list[Rejection]
    sheet: str | None = None
    encoding: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    log: LogCounts | None = None
    sha256: str = ""  # a log's digest, hashed while it was read
    id_field: str = "id"  # the source column the id came from, for duplicate messages


def load_evidence(
    root: Path,
    progress: Callable[[int, int, str], None] | None = None,
    types: Mapping[str, type[Fact]] | None = None,
) -> EvidenceSet:
    """Load every file the manifest names; InputError for anything that stops the audit.

    `progress(done, total, file)` is called before each file (the CLI's progress bar).
    `types` are the fact types the manifest may name: the built-in ones by
    default, or a pack's (facts.typedecl.registry(pack_dir)).
    """
    root = Path(root)
    types = FACT_TYPES if types is None else types
    manifest = load_manifest(root, types)
    by_type: dict[str, dict[str, Fact]] = {}
    reports: list[FileReport] = []
    for i, entry in enumerate(manifest.files):
        if progress is not None:
            progress(i, len(manifest.files), entry.path)
        path = root / entry.path
        try:
            if not path.is_file():
                raise MissingSource(f"listed in {MANIFEST_NAME} but not found", file=entry.path)
            if entry.derive:  # hashed on a thread while the log is aggregated
                loaded = _load_file(path, entry, partial(sha256_of, path), types)
                sha = loaded.sha256
            else:
                sha = sha256_of(path)
                loaded = _load_file(path, entry, sha, types)
        except MissingSource as exc:
            # Not fatal: the rules that need this type get `no_evidence`, citing why.
            reports.append(
                FileReport(
                    file=entry.path, fact_type=entry.type, sha256="", rows=0, facts=0, rejected=[],
                    date_range=None, sheet=entry.sheet, title_zh=types[entry.type].title_zh,
                    empty_means="no_evidence", problems=[str(exc.message)],
                )
            )
            by_type.setdefault(entry.type, {})
            continue
        seen = by_type.setdefault(entry.type, {})
        kept: list[Fact] = []
        for fact in loaded.facts:
            first = seen.get(fact.id)
            if first is None:
                seen[fact.id] = fact
                kept.append(fact)
            else:
                where = first.provenance.cite() if first.provenance else "?"
                row = fact.provenance.row if fact.provenance else None
                loaded.rejected.append(
                    Rejection(
                        entry.path,
                        row,
                        loaded.id_field,
                        f"duplicate id {fact.id!r} (first: {where})",
                    )
                )
        loaded.rejected.sort(key=lambda r: (r.row is None, r.row or 0))
        reports.append(
            FileReport(
                file=entry.path,
                fact_type=entry.type,
                sha256=sha,
                rows=loaded.rows,
                facts=len(kept),
                rejected=loaded.rejected,
                date_range=date_range(kept),
                sheet=loaded.sheet,
                encoding=loaded.encoding,
                ignored_columns=loaded.ignored_columns,
                log=loaded.log,
                title_zh=types[entry.type].title_zh,
                empty_means=entry.empty_means,
            )
        )
    facts = {t: [seen[k] for k in sorted(seen)] for t, seen in sorted(by_type.items())}
    listed = {e.path for e in manifest.files}
    return EvidenceSet(root, facts, reports, unlisted_files(root, listed), types)


def _load_file(
    path: Path, entry: FileEntry, sha: str | Callable[[], str], types: Mapping[str, type[Fact]]
) -> _Loaded:
    suffix = path.suffix.lower()
    model = types[entry.type]
    if entry.derive:
        r = load_log(path, entry, sha, model)
        counts = LogCounts(r.aggregated, r.outside_location, len(r.facts))
        return _Loaded(
            r.rows, r.facts, r.rejected, None, r.encoding, r.ignored_columns, counts, r.sha256
        )
    assert isinstance(sha, str)
    if suffix in OLD_OFFICE:
        raise InputError(
            f"old Office format; save it as {OLD_OFFICE[suffix]} and list that file",
            file=entry.path,
        )
    if suffix in DOCUMENT_SUFFIXES:
        return _load_document(path, entry, sha, model)
    if suffix in TABLE_SUFFIXES:
        return _load_table(path, entry, sha, model)
    raise InputError(f"cannot read {suffix or 'extension-less'} files", file=entry.path)


def _load_table(path: Path, entry: FileEntry, sha: str, model: type[Fact]) -> _Loaded:
    table = read_table(path, entry)
    builder = RecordBuilder(entry, model, entry.path)
    pairs = builder.rename(table.headers)
    missing = [h for h in entry.columns if h not in table.headers]
    if missing:
        raise InputError(
            f"column {missing[0]!r} named in {MANIFEST_NAME} is not in the file "
            f"(headers: {', '.join(table.headers)})",
            file=entry.path,
        )
    if entry.id and "{" not in entry.id and entry.id not in table.headers:
        if entry.id not in builder.kinds:
            raise InputError(
                f"id column {entry.id!r} named in {MANIFEST_NAME} is not in the file",
                file=entry.path,
            )
    facts: list[Fact] = []
    rejected: list[Rejection] = []
    for row, raw in iter_fields(table, pairs):
        prov = Provenance(file=entry.path, sha256=sha, sheet=table.sheet, row=row)
        result = builder.build(raw, row, prov)
        (rejected if isinstance(result, Rejection) else facts).append(result)  # type: ignore[arg-type]
    used = {h for h, _ in pairs}
    ignored = [h for h in table.headers if h not in used]
    id_field = builder.source.get("id") or entry.id or "id"
    return _Loaded(
        len(table.rows), facts, rejected, table.sheet, table.encoding, ignored, None,
        id_field=id_field,
    )


def _load_document(path: Path, entry: FileEntry, sha: str, model: type[Fact]) -> _Loaded:
    if not entry.extract:
        raise InputError("a document needs extract: patterns in the manifest", file=entry.path)
    blocks = read_blocks(path, entry)
    found = extract(blocks, entry.extract)
    excerpts = tuple(f.excerpt for f in found.values())
    head = excerpts[0] if excerpts else None
    prov = Provenance(
        file=entry.path,
        sha256=sha,
        page=head.page if head else None,
        paragraph=head.paragraph if head else None,
        text=head.text if head else None,
        excerpts=excerpts,
    )
    builder = RecordBuilder(entry, model, entry.path)
    result = builder.build({k: f.value for k, f in found.items()}, None, prov)
    if isinstance(result, Rejection):
        not_found = [k for k in entry.extract if k not in found]
        if not_found:
            empty = "" if any(b.text.strip() for b in blocks) else "; the file has no text layer"
            reason = f"{result.reason}; patterns not found: {', '.join(not_found)}{empty}"
            result = Rejection(result.file, None, result.field, reason)
        return _Loaded(1, [], [result])
    return _Loaded(1, [result], [])


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def date_range(facts: list[Fact]) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest date in any date (or date-time) field of these facts."""
    days = [
        v.date() if isinstance(v, dt.datetime) else v
        for f in facts
        for v in f.__dict__.values()
        if isinstance(v, dt.date)
    ]
    return (min(days), max(days)) if days else None


def unlisted_files(root: Path, listed: set[str]) -> list[str]:
    """Files under root the manifest does not name (hidden files and lock files skipped)."""
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel in listed or rel in NOT_EVIDENCE:
            continue
        if any(part.startswith(".") for part in p.relative_to(root).parts) or p.name.startswith(
            "~$"
        ):
            continue
        out.append(rel)
    return out
