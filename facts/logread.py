"""DuckDB reads a log's normalised parts (facts/logscan.py) into the views `lines` and `days`.

`lines` (line, key, ts, keep, failed, problem) has one row per non-blank data
line with its number in the file (for a log aggregated by day: only the lines
the text SQL judged, among them every rejected one); `days` (line, key, day,
t0, t1, n, keep, failed) the same lines by day. They are built so that no
per-line work is done twice and none in Python:

- DuckDB's CSV reader splits the parts into fields, and each row is numbered
  in file order (`WITH ORDINALITY`, a streaming window: its pipeline runs on
  one thread, in order). So each part is read by a query of its own, the
  queries at once on their own connections: one core each. A row's line is
  its number plus the rows of the parts before and the lines taken out before
  it. A line with the wrong number of fields is set aside by the reader with
  its text (`store_rejects`).
- Table `lines0` holds, for a log aggregated by day, one row per group of
  lines with the same raw values and day (first row, count, first and last
  time): 10 M lines made 190k groups, never a table of lines. A log whose
  every line counts (outages, per minute) keeps one row per line.
- A line is decided there when its time parses in the log's own format and
  its key starts with no space: the key's trailing spaces, and whether a
  location counts or a status is a failure, are decided on the few distinct
  values (tables keytrim, locmap, statusmap), with the same SQL as for one line.
- Every other line (a time to be read another way, a key to trim: its own
  row in `lines0`; the reader's rejected lines; the lines with a quote the
  worker set aside) is judged by the text SQL of facts/logsql.py (table
  `fixed`).

`read_text` is the plain way: every line through the text SQL.
"""

from __future__ import annotations

import bisect
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lvyue.facts import iconv, logscan
from lvyue.facts.logsql import (
    MINUTE_US,
    TRIM,
    TRIM_CODES,
    classify,
    failures,
    sql_list,
    sql_str,
    text_fields,
    used,
)
from lvyue.facts.manifest import LOG_FIELDS, FileEntry

# A line of MAX_LINE characters is at most this many bytes in UTF-8; an explicit buffer
# (DuckDB's default grows with max_line_size) keeps the reader's memory small.
MAX_LINE_BYTES = 4 * logscan.MAX_LINE + 8


class Unread(Exception):
    """DuckDB's rows are not the parts' lines in order (it skipped an empty line, or its plan
    does not keep the order): read again."""


class Suspect(Exception):
    """A value that counts holds a character iconv may give where Python's codec gives
    another (facts/iconv.py): the log is decoded again by Python."""


def check_suspects(
    con: duckdb.DuckDBPyConnection, norm: logscan.Normalised, entry: FileEntry, values: str
) -> None:
    """Raise Suspect if a value read (the SQL `values`, one column v) or a location the
    manifest counts holds a suspect character of the iconv-converted parts."""
    if not norm.suspects:
        return
    if any(c in norm.suspects for loc in entry.location for c in loc):
        raise Suspect
    chars = iconv.suspect_class(norm.suspects)
    (n,) = con.execute(
        f"SELECT count(*) FROM ({values}) WHERE regexp_matches(v, {sql_str(chars)})"
    ).fetchone() or (0,)
    if n:
        raise Suspect


def true_lines(removed: list[int]) -> list[int]:
    """Breakpoints b (sorted): the line of the i-th line left (1-based) is i + #{b < i}."""
    return [r - j for j, r in enumerate(removed, start=1)]


def line_of(i: int, breaks: list[int]) -> int:
    return i + bisect.bisect_left(breaks, i)


def _numbering(con: duckdb.DuckDBPyConnection, removed: list[int], rowid: str) -> tuple[str, str]:
    """(join, expression): the line of a row numbered `rowid` (0-based) among the lines left."""
    if not removed:
        return "", f"{rowid} + 1"
    breaks = true_lines(removed)
    con.execute("DROP TABLE IF EXISTS brk")
    con.execute(
        "CREATE TEMP TABLE brk AS SELECT b, max(j) AS j FROM "
        "(SELECT unnest(?::BIGINT[]) AS b, unnest(?::BIGINT[]) AS j) GROUP BY b",
        [breaks, list(range(1, len(breaks) + 1))],
    )
    return f"ASOF LEFT JOIN brk ON {rowid} >= brk.b", f"{rowid} + 1 + coalesce(brk.j, 0)"


def _csv(paths: list[Path], extra: str) -> str:
    return (
        f"read_csv({sql_list([str(p) for p in paths])}, header = false, auto_detect = false, "
        f"quote = '', escape = '', max_line_size = {MAX_LINE_BYTES}, "
        f"buffer_size = {2 * MAX_LINE_BYTES}, {extra})"
    )


def read_lines(
    con: duckdb.DuckDBPyConnection,
    norm: logscan.Normalised,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
    formats: list[str],
) -> None:
    """The view `lines`, fields split by DuckDB's CSV reader. Raises Unread or duckdb.Error
    when the parts are not read line for line (then read them again, thorough)."""
    drop_lines(con)
    key = LOG_FIELDS[entry.derive or "access_log"][0]
    names = used(entry, index)
    parts = [p for p in norm.parts if p.kept]
    layout = _Layout(entry, index, ncols, delim, formats, key, names)
    rejected = _read_fields(con, parts, layout)
    removed = norm.removed()
    breaks = true_lines(removed)
    rejected_lines = [(line_of(i, breaks), text) for i, text in rejected]
    removed = sorted(removed + [line for line, _ in rejected_lines])
    join, line = _numbering(con, removed, "g.r")
    cut = _first_row_after(entry.header_row, true_lines(removed))
    _text_lines(con, norm, rejected_lines)
    odd = (
        f"(SELECT * FROM (SELECT {line} AS line, {ncols} AS n, "
        + ", ".join(f"c_{n}" for n in names)
        + f" FROM lines0 g {join} WHERE g.odd) WHERE line > {entry.header_row})"
    )
    text = f"(SELECT line, n, {', '.join(f'c_{n}' for n in names)} FROM " + (
        text_fields("textlines", entry, index, delim) + ")"
    )
    both = f"(SELECT * FROM {odd} UNION ALL SELECT * FROM {text})"
    con.execute("CREATE TEMP TABLE fixed AS " + classify(both, entry, index, ncols, formats))
    _good_lines_view(con, entry, key, names, join, line, cut)
    counted = [f"c_{n}" for n in (key, "location", "status") if n == key or n in names]
    raw = counted + ["c_time"]
    check_suspects(con, norm, entry, " UNION ALL ".join(
        [f"SELECT {c} AS v FROM vals" for c in counted]
        + [f"SELECT {c} FROM lines0 WHERE odd" for c in raw]
        + ["SELECT l FROM textlines"]
    ))  # fmt: skip


def by_day(entry: FileEntry) -> bool:
    """Whether the log is only aggregated by day (its lines0 grouped): an outage log's
    runs need every line's minute."""
    return entry.derive != "outages"


@dataclass(frozen=True)
class _Layout:
    """A log's columns as read: the fields used (`names`, their columns in `index`), the
    key field, the time formats (the log's own first)."""

    entry: FileEntry
    index: dict[str, int]
    ncols: int
    delim: str
    formats: list[str]
    key: str
    names: list[str]

    def part_sql(self, part: logscan.Part) -> str:
        """The rows of lines0 from one part: raw key, `odd` (to the text SQL), the raw time
        of an odd line, the raw location unless it is exactly one that counts (fewer distinct
        values), the raw status; the time parsed in the log's own format (ts; by day: day,
        first and last, t0 and t1), the count of lines n and the first row r (0-based among
        the part's rows, in order). By day, the lines with equal values and day are one row;
        an odd line, and a line that may be a header line, is its own. An empty field is ''
        (the NULL string is a line feed, never in a field)."""
        entry, index, ncols, key, names = self.entry, self.index, self.ncols, self.key, self.names
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, ncols + 1)) + "}"
        csv = _csv(
            [part.path],
            f"delim = {sql_str(self.delim)}, columns = {columns}, nullstr = {sql_str(chr(10))}, "
            "store_rejects = true, strict_mode = true",
        )
        fields = ", ".join(f"c{i}" for i in range(1, ncols + 1))
        fmt = sql_str(self.formats[0])
        raw = ", ".join(f"c{index[n]} AS c_{n}" for n in names)
        out = [f"c_{key}", "odd", "CASE WHEN odd THEN c_time END AS c_time"]
        if "location" in names:  # a location that counts, exactly as written, is not kept: NULL
            exact = " OR ".join(f"c_location = {sql_str(v)}" for v in entry.location) or "false"
            out.append(f"CASE WHEN odd OR NOT ({exact}) THEN c_location END AS c_location")
        if "status" in names:
            out.append("c_status")
        if by_day(entry):
            # a row before the header's end has a number (in any part) no greater than its line's
            alone = f"CASE WHEN odd OR o <= {entry.header_row} THEN o END"
            out += [
                f"{alone} AS alone",
                "CASE WHEN NOT odd THEN CAST(ts AS DATE) END AS day",
                "min(ts) AS t0, max(ts) AS t1, count(*)::BIGINT AS n, min(o) - 1 AS r",
            ]
            group = "GROUP BY ALL"
        else:
            out += ["ts", "1::BIGINT AS n", "o - 1 AS r"]
            group = ""
        return f"""
            SELECT {", ".join(out)}
            FROM (
                SELECT *, ts IS NULL OR c_{key} = '' OR ord(c_{key}) IN {TRIM_CODES} AS odd
                FROM (
                    SELECT {raw}, try_strptime(c{index["time"]}, {fmt}) AS ts, o
                    FROM {csv} WITH ORDINALITY AS t({fields}, o)
                )
            )
            {group}
            """


def _read_fields(
    con: duckdb.DuckDBPyConnection, parts: list[logscan.Part], layout: _Layout
) -> list[tuple[int, str]]:
    """Table lines0 (see _Layout.part_sql), each part read by its own query, the queries at
    once on their own connections (a query that numbers rows in order runs on one thread).
    Returns the lines the CSV reader set aside: (number among the parts' lines, text)."""
    sql = [layout.part_sql(part) for part in parts]
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(parts))) as pool:
            done = list(pool.map(_read_part, [con] * len(parts), range(len(parts)), parts, sql))
        rejected: list[tuple[int, str]] = []
        selects: list[str] = []
        rows = lines = 0
        for i, (part, (n, aside)) in enumerate(zip(parts, done, strict=True)):
            if n + len(aside) != part.kept:
                raise Unread
            selects.append(f"SELECT * REPLACE (r + {rows} AS r) FROM lines0_{i}")
            rejected += [(lines + line, text) for line, text in aside]
            rows, lines = rows + n, lines + part.kept
        if selects:
            con.execute("CREATE TEMP TABLE lines0 AS " + " UNION ALL ".join(selects))
        else:
            types = {"location": "VARCHAR", "status": "VARCHAR"}
            extra = "".join(f", c_{n} {types[n]}" for n in layout.names if n in types)
            con.execute(
                f"CREATE TEMP TABLE lines0 (c_{layout.key} VARCHAR, odd BOOLEAN, "
                f"c_time VARCHAR{extra}, ts TIMESTAMP, day DATE, t0 TIMESTAMP, t1 TIMESTAMP, "
                "n BIGINT, r BIGINT)"
            )
    finally:
        for i in range(len(parts)):
            con.execute(f"DROP TABLE IF EXISTS lines0_{i}")
    return rejected


def _read_part(
    con: duckdb.DuckDBPyConnection, i: int, part: logscan.Part, sql: str
) -> tuple[int, list[tuple[int, str]]]:
    """Table lines0_<i>: one part's rows (`sql`) by a connection of its own; (rows read,
    lines set aside)."""
    cur = cursor(con)
    try:
        # a row's number is its line's only if the reader's rows are numbered as they come,
        # in order: DuckDB says so with a streaming window (its pipeline runs on one thread)
        plan = "\n".join(str(row[-1]) for row in cur.execute("EXPLAIN " + sql).fetchall())
        if "Streaming Window" not in plan:
            raise Unread
        cur.execute(f"CREATE TABLE lines0_{i} AS {sql}")
        (rows,) = cur.execute(f"SELECT coalesce(sum(n), 0) FROM lines0_{i}").fetchone() or (0,)
        return int(rows), _rejected(cur, part)
    finally:
        cur.close()


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A connection of its own to con's database (its temporary tables are its own)."""
    return con.cursor()


def _rejected(cur: duckdb.DuckDBPyConnection, part: logscan.Part) -> list[tuple[int, str]]:
    """The lines the CSV reader set aside in the one part this connection read: (number
    among the part's lines, text)."""
    (n,) = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reject_errors'"
    ).fetchone() or (0,)
    if not n:
        return []
    rows = cur.execute(
        "SELECT e.line, any_value(e.csv_line) FROM reject_errors e "
        "JOIN reject_scans s ON e.scan_id = s.scan_id AND e.file_id = s.file_id "
        "GROUP BY e.line ORDER BY ALL"
    ).fetchall()
    shown = {int(line): text for line, text in rows}
    out: list[tuple[int, str]] = []
    for line, text in _lines_of(part.path, sorted(shown)).items():
        # DuckDB shows a rejected line cut short (and after a \r\n starting with the \n)
        if not text.startswith(shown[line].strip("\r\n")[:1000]):
            raise Unread
        out.append((line, text))
    return sorted(out)


def _lines_of(path: Path, wanted: list[int]) -> dict[int, str]:
    """The text of some lines (1-based, sorted) of a part, found by counting line feeds."""
    out: dict[int, str] = {}
    todo = iter(wanted)
    target = next(todo, None)
    line = 1  # the number of the first line in `carry`
    carry = b""
    with path.open("rb") as f:
        while target is not None:
            block = f.read(logscan.BLOCK)
            data = carry + block
            last = data.rfind(b"\n") if block else len(data) - 1
            complete, carry = data[: last + 1], data[last + 1 :]
            ends = complete.count(b"\n") + (not block and bool(complete))
            if target < line + ends:
                lines = complete.split(b"\n")
                while target is not None and target < line + ends:
                    out[target] = lines[target - line].rstrip(b"\r").decode("utf-8")
                    target = next(todo, None)
            line += ends
            if not block:
                break
    if target is not None:
        raise Unread
    return out


def _text_lines(
    con: duckdb.DuckDBPyConnection,
    norm: logscan.Normalised,
    rejected: list[tuple[int, str]],
) -> None:
    """Table textlines (line, l): lines for the text SQL, the reader's rejected lines and the
    lines with a quote from the side files."""
    con.execute(
        "CREATE TEMP TABLE textlines AS SELECT unnest(?::BIGINT[]) AS line, "
        "unnest(?::VARCHAR[]) AS l",
        [[n for n, _ in rejected], [t for _, t in rejected]],
    )
    for side, base in norm.side_files():
        separator = _free_of(side)
        csv = _csv([side], f"delim = {sql_str(chr(separator))}, columns = {{'l': 'VARCHAR'}}")
        con.execute(
            f"INSERT INTO textlines SELECT {base} + split_part(l, chr(9), 1)::BIGINT, "
            f"l[strpos(l, chr(9)) + 1:] FROM {csv}"
        )


def _good_lines_view(
    con: duckdb.DuckDBPyConnection,
    entry: FileEntry,
    key: str,
    names: list[str],
    join: str,
    line: str,
    cut: int,
) -> None:
    """The view `lines`: the decided rows of lines0 with the distinct-value maps, and `fixed`;
    the view `days`: the same by day (line, key, day, t0, t1, n, keep, failed)."""
    trim = sql_str(TRIM)
    joins = [join]
    values = ", ".join(f"c_{n}" for n in (key, "location", "status") if n == key or n in names)
    con.execute(f"CREATE TEMP TABLE vals AS SELECT DISTINCT {values} FROM lines0 WHERE NOT odd")
    con.execute(
        f"CREATE TEMP TABLE keytrim AS SELECT * FROM (SELECT k AS src, trim(k, {trim}) AS dst "
        f"FROM (SELECT DISTINCT c_{key} AS k FROM vals)) WHERE dst <> src"
    )
    key_sql = f"g.c_{key}"
    if con.execute("SELECT count(*) FROM keytrim").fetchone()[0]:  # type: ignore[index]
        joins.append(f"LEFT JOIN keytrim kt ON g.c_{key} = kt.src")
        key_sql = f"coalesce(kt.dst, g.c_{key})"
    keep = "true"
    if "location" in names:
        con.execute(
            f"CREATE TEMP TABLE locmap AS SELECT v AS src, "
            f"list_contains({sql_list(entry.location)}, trim(v, {trim})) AS keep "
            f"FROM (SELECT DISTINCT c_location AS v FROM vals WHERE c_location IS NOT NULL)"
        )
        joins.append("LEFT JOIN locmap lm ON g.c_location = lm.src")
        keep = "(g.c_location IS NULL OR lm.keep)"
    failed = "false"
    if "status" in names:
        failing = "(" + sql_list(failures(entry))[1:-1] + ")"
        con.execute(
            f"CREATE TEMP TABLE statusmap AS SELECT v AS src, "
            f"coalesce(lower(trim(v, {trim})) IN {failing}, false) AS failed "
            f"FROM (SELECT DISTINCT c_status AS v FROM vals)"
        )
        joins.append("LEFT JOIN statusmap sm ON g.c_status = sm.src")
        failed = "sm.failed"
    if by_day(entry):
        # the groups by day, with the joins and the numbering on the groups, not on every
        # line; a group's first line is its first row's, as lines are numbered in row order
        con.execute(f"CREATE TEMP VIEW lines AS SELECT {_LINE_COLUMNS} FROM fixed")
        con.execute(
            f"""
            CREATE TEMP VIEW days AS
            SELECT {line} AS line, {key_sql} AS key, g.day, g.t0, g.t1, g.n, {keep} AS keep,
                {failed} AS failed
            FROM lines0 g {" ".join(joins)}
            WHERE NOT g.odd AND g.r >= {cut}
            UNION ALL
            {_fixed_days()}
            """
        )
        return
    ts = "g.ts"
    if entry.derive == "outages":
        ts = f"(epoch_us(g.ts) // {MINUTE_US})::INTEGER"
    con.execute(
        f"""
        CREATE TEMP VIEW lines AS
        SELECT * FROM (
            SELECT {line} AS line, {key_sql} AS key, {ts} AS ts, {keep} AS keep,
                {failed} AS failed, NULL::UTINYINT AS problem
            FROM lines0 g {" ".join(joins)}
            WHERE NOT g.odd
        ) WHERE line > {entry.header_row}
        UNION ALL
        SELECT {_LINE_COLUMNS} FROM fixed
        """
    )


_LINE_COLUMNS = "line, key, ts, keep, failed, problem"


def _fixed_days() -> str:
    """The good lines of `fixed` as one-line groups of `days`."""
    return (
        "SELECT line, key, CAST(ts AS DATE) AS day, ts AS t0, ts AS t1, 1::BIGINT AS n, keep, "
        "failed FROM fixed WHERE problem IS NULL"
    )


def _first_row_after(header_row: int, breaks: list[int]) -> int:
    """The first row (0-based rowid) whose line is past the header."""
    row = 0
    while line_of(row + 1, breaks) <= header_row:
        row += 1
    return row


def read_text(
    con: duckdb.DuckDBPyConnection,
    norm: logscan.Normalised,
    entry: FileEntry,
    index: dict[str, int],
    ncols: int,
    delim: str,
    formats: list[str],
) -> None:
    """The view `lines`, every line through the text SQL (parts made `thorough`: one \\n per
    line, no empty line)."""
    drop_lines(con)
    parts = [p for p in norm.parts if p.kept]
    _text_lines(con, norm, [])
    if parts:
        separator = _free(parts)
        csv = _csv(
            [p.path for p in parts],
            f"delim = {sql_str(chr(separator))}, columns = {{'l': 'VARCHAR'}}, null_padding = true",
        )
        con.execute(
            f"CREATE TEMP TABLE lines0 AS SELECT row_number() OVER () - 1 AS i, l FROM {csv}"
        )
        join, line = _numbering(con, norm.removed(), "g.i")
        con.execute(f"INSERT INTO textlines SELECT {line}, g.l FROM lines0 g {join}")
        con.execute("DROP TABLE lines0")
    names = used(entry, index)
    fields = f"(SELECT line, n, {', '.join(f'c_{n}' for n in names)} FROM " + (
        text_fields("textlines", entry, index, delim) + ")"
    )
    check_suspects(con, norm, entry, "SELECT l AS v FROM textlines")
    con.execute("CREATE TEMP TABLE fixed AS " + classify(fields, entry, index, ncols, formats))
    con.execute("DROP TABLE textlines")
    con.execute("CREATE TEMP VIEW lines AS SELECT * FROM fixed")
    con.execute(f"CREATE TEMP VIEW days AS {_fixed_days()}")


def _free(parts: list[logscan.Part]) -> int:
    return _free_of(*(p.path for p in parts))


def _free_of(*paths: Path) -> int:
    separator = logscan.free_byte(*paths)
    if separator is None:
        raise duckdb.InvalidInputException(
            "it holds every control byte DuckDB could split its lines on (0x01-0x19)"
        )
    return separator


def drop_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the view `lines` and the tables under it (their memory is freed)."""
    con.execute("DROP VIEW IF EXISTS days")
    con.execute("DROP VIEW IF EXISTS lines")
    for table in ("lines0", "fixed", "textlines", "brk", "vals", "keytrim", "locmap",
                  "statusmap", "reject_errors", "reject_scans"):  # fmt: skip
        con.execute(f"DROP TABLE IF EXISTS {table}")
