"""Large logs (door access, monitoring, per-minute probes) aggregated by DuckDB into derived facts.

A year of door-access swipes is millions of lines, a year of per-minute
probes for 50 systems 26 million; the rules need one `onsite_day` per person
per day, one `system_day` per system per day, or one `outage` per run of
failed minutes. The log is decoded and its line ends normalised in parallel
(facts/logscan.py), DuckDB splits and classifies the lines keeping each one's
exact number (facts/logread.py, facts/logsql.py), and returns only the
aggregates and the few bad lines: no Python object per raw line. Only the
built-in `read_csv` is used; extension auto-install/auto-load is switched
off, so nothing is downloaded.

Accounting per log file: rows (non-blank data lines) = lines aggregated +
lines outside the `location` / `systems` filter + rejected lines. A line with
a byte that does not decode in the declared encoding, or of more than
logscan.MAX_LINE characters, is a rejected line with its number.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from lvyue.engine.errors import InputError
from lvyue.facts import logread, logscan
from lvyue.facts.logresult import Digest, LogResult, rejections
from lvyue.facts.logsql import TRIM, sql_str
from lvyue.facts.manifest import LOG_FIELDS, MANIFEST_NAME, FileEntry
from lvyue.facts.model import Fact, OnsiteDay, SystemDay
from lvyue.facts.outages import outages
from lvyue.facts.records import Rejection
from lvyue.facts.tables import check_inside, sniff_delimiter

TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
]
TEMP_PREFIX = "lvyue-log-"


def load_log(
    path: Path,
    entry: FileEntry,
    sha256: str | Callable[[], str],
    model: type[Fact] | None = None,
) -> LogResult:
    """Aggregate one log file per the manifest entry (derive: access_log | monitoring | outages).

    `model` is the derived type to build (default: the built-in onsite_day /
    system_day / outage; a pack may have added optional fields to it). `sha256`
    may be a function that hashes the file: it is then run on a thread while the
    facts are gathered (LogResult.sha256 is the digest).
    The normalised parts live in a temporary folder, removed when done.
    """
    assert entry.derive is not None
    check_inside(path, entry)
    digest = Digest(sha256)
    sweep_stale_temp()
    with tempfile.TemporaryDirectory(
        prefix=f"{TEMP_PREFIX}{os.getpid()}-", ignore_cleanup_errors=True
    ) as tmp:
        folder = Path(tmp)
        if entry.encoding:  # a missing column is found before the log is read
            encoding = _declared(entry)
            headers, delim, sample = _header(path, entry, encoding)
            norm = _normalise(path, entry, encoding, folder / "quick")
        else:
            encoding, norm = _guess(path, entry, folder)
            headers, delim, sample = _header(path, entry, encoding)
        index = _columns(headers, entry)
        formats = _formats(entry, sample, index, delim)
        con = duckdb.connect(":memory:")
        try:
            for setting in ("autoinstall_known_extensions", "autoload_known_extensions"):
                con.execute(f"SET {setting} = false")
            con.execute("SET preserve_insertion_order = true")
            con.execute(f"SET temp_directory = {sql_str(str(folder / 'spill'))}")
            norm = _read(con, path, encoding, norm, folder, entry, index, len(headers), delim,
                         formats)  # fmt: skip
            _map_keys(con, entry)
            if entry.derive == "outages":
                result = outages(con, entry, digest, headers, index, model)
            else:
                result = _aggregate(con, entry, digest, headers, index, model)
        except duckdb.Error as exc:
            raise InputError(
                f"cannot read the log ({str(exc).splitlines()[0]})", file=entry.path
            ) from None
        finally:
            con.close()
    lost = [
        Rejection(entry.path, line, None, f"line too long: {size:,} characters "
                  f"(limit {logscan.MAX_LINE:,})")
        for line, size in norm.long()
    ] + [
        Rejection(entry.path, line, None, f"cannot decode as {encoding}: {why} at byte {offset}")
        for line, offset, why in norm.bad()
    ]  # fmt: skip
    if lost:
        result.rows += len(lost)
        result.rejected = sorted(result.rejected + lost, key=lambda r: r.row or 0)
    result.encoding = encoding
    result.sha256 = digest.value()
    result.ignored_columns = [
        h for h in headers if h and headers.index(h) + 1 not in index.values()
    ]
    return result


def _read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    encoding: str,
    norm: logscan.Normalised,
    folder: Path,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
    formats: list[str],
) -> logscan.Normalised:
    """The view `lines`: DuckDB's CSV reader on the quick parts; if they are not read line
    for line, on thorough parts (one \\n per line, no empty line); else the text SQL. Parts
    converted by iconv whose values hold a suspect character are made again by Python."""
    args = (entry, index, ncols, delim, formats)
    try:
        return _read_parts(con, path, encoding, norm, folder, args)
    except logread.Suspect:
        norm = _normalise(path, entry, encoding, folder / "python", fast=False)
        return _read_parts(con, path, encoding, norm, folder, args)


def _read_parts(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    encoding: str,
    norm: logscan.Normalised,
    folder: Path,
    args: tuple[FileEntry, dict[str, int], int, str, list[str]],
) -> logscan.Normalised:
    try:
        logread.read_lines(con, norm, *args)
        return norm
    except (logread.Unread, duckdb.Error):
        pass
    entry = args[0]
    fast = norm.suspects is not None
    norm = _normalise(path, entry, encoding, folder / f"thorough{fast:d}", thorough=True, fast=fast)
    try:
        logread.read_lines(con, norm, *args)
    except (logread.Unread, duckdb.Error):
        logread.read_text(con, norm, *args)
    return norm


def _normalise(
    path: Path,
    entry: FileEntry,
    encoding: str,
    folder: Path,
    stop: bool = False,
    thorough: bool = False,
    fast: bool = True,
) -> logscan.Normalised:
    """Parts of the log in `folder`; an encoding whose \\r and \\n bytes may be part of a
    character is first decoded whole into UTF-8 (a bad byte then stops the load)."""
    folder.mkdir()
    if logscan.safe_encoding(encoding):
        return logscan.normalise(path, encoding, folder, stop, thorough, fast)
    copy = folder / "utf8.txt"
    try:
        logscan.transcode(path, encoding, copy)
    except logscan.BadByte as bad:
        raise _decode_error(path, entry, encoding, (bad.offset, bad.reason)) from None
    return logscan.normalise(copy, "utf-8", folder, stop, thorough)


def _declared(entry: FileEntry) -> str:
    """The codec named by `encoding:` (a byte-order mark stays in the header line)."""
    try:
        name = codecs.lookup(entry.encoding or "").name
    except LookupError:
        raise InputError(
            f"unknown encoding {entry.encoding!r}", file=entry.path, field="encoding"
        ) from None
    return "utf-8" if name == "utf-8-sig" else name


def _guess(path: Path, entry: FileEntry, folder: Path) -> tuple[str, logscan.Normalised]:
    """No `encoding:`: UTF-8 if the whole log decodes so, else GB18030 if it does; a log that
    is neither stops at the first bad byte of whichever read further."""
    norm = _normalise(path, entry, "utf-8", folder / "utf-8", stop=True)
    utf8_bad = norm.first_bad()
    if utf8_bad is None:
        return "utf-8", norm
    norm = _normalise(path, entry, "gb18030", folder / "gb18030", stop=True)
    bad = norm.first_bad()
    if bad is None:
        return "gb18030", norm
    if utf8_bad[0] > bad[0]:
        raise _decode_error(path, entry, "UTF-8", utf8_bad)
    raise _decode_error(path, entry, "gb18030", bad)


def sweep_stale_temp() -> None:
    """Remove `lvyue-log-<pid>-*` folders whose process is gone (killed mid-load).

    A load removes its own folder on success and on error; one killed by a
    signal cannot, so the next load clears what dead processes left behind.
    Folders of live processes, and of other users, are left alone.
    """
    base = Path(tempfile.gettempdir())
    for folder in base.glob(f"{TEMP_PREFIX}*-*"):
        pid = folder.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def _decode_error(path: Path, entry: FileEntry, what: str, bad: tuple[int, str]) -> InputError:
    """The fatal error for an undecodable byte: its line (counted only now) and byte offset."""
    offset, reason = bad
    hint = "" if entry.encoding else " (neither UTF-8 nor GB18030; name it with encoding:)"
    return InputError(
        f"cannot decode the log as {what}{hint}: {reason} at byte {offset}",
        file=entry.path,
        line=logscan.decode_error_line(path, offset),
    )


def _header(path: Path, entry: FileEntry, encoding: str) -> tuple[list[str], str, list[str]]:
    """Headers, delimiter, and a few data lines (to find the log's time format).

    Read through Python's universal newlines (`\r\n`, `\n`, `\r`), as the lines are numbered.
    A byte that does not decode is replaced here; the decoding check reports it.
    """
    text_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open(encoding=text_encoding, errors="replace", newline="") as f:
        line = ""
        for i in range(entry.header_row):
            line = _readline(f)
            if i == 0:
                line = line.removeprefix("\ufeff")  # a GB18030 byte-order mark (UTF-8: -sig)
        sample = [_readline(f) for _ in range(20)]
    delim = sniff_delimiter(line, entry.delimiter)
    cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delim), [])
    headers = [" ".join(c.split()) for c in cells]
    if not any(headers):
        raise InputError(f"no header row (expected at line {entry.header_row})", file=entry.path)
    return headers, delim, sample


def _readline(f: Any) -> str:
    """One line, at most MAX_LINE characters of it (the rest of a longer line is skipped)."""
    line: str = f.readline(logscan.MAX_LINE)
    if len(line) == logscan.MAX_LINE and not line.endswith(("\n", "\r")):
        while (more := f.readline(logscan.MAX_LINE)) and not more.endswith(("\n", "\r")):
            pass
    return line


def _formats(entry: FileEntry, sample: list[str], index: dict[str, int], delim: str) -> list[str]:
    """The time formats to try, the one the first data lines use first (it is tried on every line)."""
    if entry.time_format:
        return [entry.time_format]
    pos = index["time"] - 1
    for row in csv.reader([s.rstrip("\r\n") for s in sample if s.strip()], delimiter=delim):
        value = row[pos].strip(TRIM) if pos < len(row) else ""
        for fmt in TIME_FORMATS:
            try:
                dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            return [fmt] + [f for f in TIME_FORMATS if f != fmt]
    return TIME_FORMATS


def _columns(headers: list[str], entry: FileEntry) -> dict[str, int]:
    """Log field → 1-based column position; a needed column that is absent is fatal."""
    assert entry.derive is not None
    if entry.derive == "outages" and "core" in entry.columns.values():
        raise InputError(
            "core is not read from a column of a probe log: set it with fixed: {core: true} "
            "or values: {core: {<system>: true}}",
            file=MANIFEST_NAME,
            field="columns",
        )
    index: dict[str, int] = {}
    for pos, h in enumerate(headers, start=1):
        name = entry.columns.get(h, h)
        if name in LOG_FIELDS[entry.derive] and name not in index:
            index[name] = pos
    needed = [LOG_FIELDS[entry.derive][0], "time"] + (["location"] if entry.location else [])
    if entry.derive == "outages":
        needed.append("status")
    for name in needed:
        if name not in index:
            mapped = [h for h, f in entry.columns.items() if f == name]
            want = f"column {mapped[0]!r}" if mapped else f"a column for {name}"
            raise InputError(
                f"{want} not found (headers: {', '.join(h for h in headers if h)})",
                file=entry.path,
                field=name,
            )
    return index


def _map_keys(con: duckdb.DuckDBPyConnection, entry: FileEntry) -> None:
    """Table `keymap` of `values: {person_id: ...}` (system names: see outages._systems); _aggregate
    maps the good lines' keys by it (a join, not an update of every line)."""
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    mapping = entry.values.get(key_field)
    if mapping and entry.derive != "outages":
        pairs = {str(k): str(v) for k, v in mapping.items()}
        con.execute("CREATE TEMP TABLE keymap (src VARCHAR, dst VARCHAR)")
        con.executemany("INSERT INTO keymap VALUES (?, ?)", list(pairs.items()))


def _has(con: duckdb.DuckDBPyConnection, name: str, kind: str = "tables") -> bool:
    """Whether this connection has a table (kind "tables") or view ("views") of that name."""
    (n,) = con.execute(
        f"SELECT count(*) FROM duckdb_{kind}() WHERE {kind[:-1]}_name = ?", [name]
    ).fetchone() or (0,)
    return bool(n)


def _aggregate(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    digest: Digest,
    headers: list[str],
    index: dict[str, int],
    model: type[Fact] | None = None,
) -> LogResult:
    rejected = rejections(con, entry, headers, index)
    good = "SELECT line, key, day, t0, t1, n, failed, keep FROM days"
    if _has(con, "keymap"):  # values: {person_id: ...}
        good = (
            "SELECT g.line, coalesce(m.dst, g.key) AS key, g.day, g.t0, g.t1, g.n, g.failed, "
            f"g.keep FROM ({good}) g LEFT JOIN keymap m ON g.key = m.src"
        )
    digest.start()
    # one pass: the days of the lines that count, and (keep false) those outside the location
    groups = con.execute(
        "SELECT keep, key, day, strftime(min(t0), '%H:%M:%S'), strftime(max(t1), '%H:%M:%S'), "
        "sum(n)::BIGINT, coalesce(sum(n) FILTER (failed), 0)::BIGINT, "
        f"min(line) FROM ({good}) GROUP BY ALL ORDER BY key, day"
    ).fetchall()
    logread.drop_lines(con)  # their memory is freed before the facts are built
    daily = [g[1:] for g in groups if g[0]]
    used = sum(g[4] for g in daily)
    outside = sum(g[5] for g in groups if not g[0])
    rows = used + outside + len(rejected)
    if model is None:
        model = OnsiteDay if entry.derive == "access_log" else SystemDay
    sha256 = digest.value()
    facts: list[Fact] = []
    for key, day, first, last, count, failures, first_line in daily:
        fid = f"{key}@{day.isoformat()}"
        # the provenance as a dict: validated with the fact, in one call
        prov = {"file": entry.path, "sha256": sha256, "row": first_line, "derived_from": count}
        if entry.derive == "access_log":
            facts.append(
                model(
                    id=fid,
                    provenance=prov,
                    person_id=key,
                    day=day,
                    first_in=first,
                    last_out=last,
                    entries=count,
                )
            )
        else:
            facts.append(
                model(id=fid, provenance=prov, system=key, day=day, checks=count, failures=failures)
            )
    return LogResult(int(rows), int(used), int(outside), facts, rejected, "")
