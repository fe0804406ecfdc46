"""What one log file gives: counts for the accounting, derived facts, rejected lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb

from lvyue.facts.logsql import FIELDS, KEY
from lvyue.facts.manifest import LOG_FIELDS, FileEntry
from lvyue.facts.model import Fact
from lvyue.facts.records import Rejection


@dataclass(frozen=True)
class Coverage:
    """Which minutes the probes of one system cover, so a rule can tell "no data" from "up".

    `first` and `last` are the minutes of the first and last probe (inclusive);
    `missing` counts the minutes between them without any probe.
    """

    system: str
    first: dt.datetime
    last: dt.datetime
    probes: int  # lines of this system
    failed: int  # minutes with a failed probe
    missing: int  # minutes in first..last without a probe
    outage_minutes: int  # minutes in its outage facts


@dataclass
class LogResult:
    """What one log file gave: counts for the accounting, derived facts, bad lines."""

    rows: int
    aggregated: int
    outside_location: int
    facts: list[Fact]
    rejected: list[Rejection]
    encoding: str
    ignored_columns: list[str] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)  # outages: per system
    sha256: str = ""  # the file's digest (load_log may have hashed it on a thread)


def rejections(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    headers: list[str],
    index: dict[str, int],
) -> list[Rejection]:
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    out: list[Rejection] = []
    for line, problem, detail in con.execute(
        "SELECT line, problem, key FROM lines WHERE problem IS NOT NULL ORDER BY line"
    ).fetchall():
        if problem == FIELDS:
            out.append(
                Rejection(entry.path, line, None, f"expected {len(headers)} fields, found {detail}")
            )
        elif problem == KEY:
            out.append(
                Rejection(entry.path, line, headers[index[key_field] - 1], "missing required field")
            )
        else:
            shown = "blank" if not detail else repr(detail)
            out.append(
                Rejection(
                    entry.path, line, headers[index["time"] - 1], f"not a valid date-time: {shown}"
                )
            )
    return out


class Digest:
    """The log's SHA-256 for the facts' provenance, hashed on a thread (hashlib lets go of the
    GIL) while DuckDB aggregates and the facts' values are gathered, a time when one core
    would otherwise wait. Given as a string, it is that string."""

    def __init__(self, sha256: str | Callable[[], str]) -> None:
        self._source = sha256
        self._future: Future[str] | None = None

    def start(self) -> None:
        if callable(self._source) and self._future is None:
            pool = ThreadPoolExecutor(max_workers=1)
            self._future = pool.submit(self._source)
            pool.shutdown(wait=False)

    def value(self) -> str:
        if not callable(self._source):
            return self._source
        self.start()
        assert self._future is not None
        return self._future.result()
