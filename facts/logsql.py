"""SQL that turns a log's fields into classified lines: the exact rules for every odd value.

Two stages, so lines split by DuckDB's CSV reader and lines split here (quoted
lines, lines of the wrong length) are judged by the same expressions:

- `text_fields`: (line, l) text lines → (line, n, c_<field>...): split on the
  delimiter (a regex only for a line with a quote), blank lines left out;
- `classify`: (line, n, c_<field>...) → (line, key, ts, keep, failed, problem),
  one row per line: values trimmed of spaces, TABs, full-width spaces and
  byte-order marks, the time parsed in the log's own format, then in every
  usual one, then with full-width digits made ASCII.

A rejected line's `key` holds what its message needs: the field count
(problem FIELDS) or the unreadable time (problem TIME).
"""

from __future__ import annotations

from lvyue.facts.manifest import LOG_FIELDS, FileEntry

TRIM = " \t\r\u3000\ufeff"
TRIM_CODES = "(" + ", ".join(str(ord(c)) for c in TRIM) + ")"
# full-width digits and the punctuation of a time stamp, tried when a time does not parse
_FULL = "０１２３４５６７８９：－／．　Ｔ"
_HALF = "0123456789:-/. T"
MINUTE_US = 60_000_000
DEFAULT_FAILURES = [
    "fail", "failed", "failure", "down", "error", "critical",
    "异常", "故障", "失败", "宕机", "告警", "中断",
]  # fmt: skip
# problem codes (NULL: a good line)
FIELDS, KEY, TIME = 1, 2, 3


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def sql_list(items: list[str]) -> str:
    return "[" + ", ".join(sql_str(x) for x in items) + "]"


def trimmed(expr: str) -> str:
    """trim(expr, spaces) only when the value starts or ends with one: trimming every value
    with a character set is the slowest step of a large log."""
    return (
        f"CASE WHEN ord({expr}) IN {TRIM_CODES} OR ord({expr}[-1]) IN {TRIM_CODES} "
        f"THEN trim({expr}, {sql_str(TRIM)}) ELSE {expr} END"
    )


def failures(entry: FileEntry) -> list[str]:
    """Status values meaning failure, lower case."""
    return [s.lower() for s in entry.failure_values or DEFAULT_FAILURES]


def used(entry: FileEntry, index: dict[str, int]) -> list[str]:
    """The log fields read from columns (core is never a column)."""
    return [name for name in index if name != "core"]


def _split_expr(col: str, delim: str) -> str:
    """SQL splitting a line into fields; a CSV-quoting regex only for lines with a quote.

    Lines without a quote keep a trailing CR in their last field (every field
    used is trimmed of it); a quoted line loses it first, for the regex.
    """
    d = sql_str(delim)
    rd = "\\" + delim if delim in "|.^$*+?()[]{}\\" else delim
    quoted = sql_str(f'("(?:[^"]|"")*"|[^{rd}"]*)(?:{rd}|$)')
    q = f"rtrim({col}, chr(13))"
    regex = (
        f"list_transform(regexp_extract_all({q}, {quoted}, 1), "
        "lambda x: CASE WHEN x LIKE '\"%' THEN replace(x[2:-2], '\"\"', '\"') ELSE x END)"
    )
    # the regex yields one extra empty match at the end unless the line ends with a delimiter
    return (
        f"CASE WHEN strpos({col}, '\"') = 0 THEN string_split({col}, {d}) "
        f"WHEN suffix({q}, {d}) THEN {regex} ELSE ({regex})[1:-2] END"
    )


def text_fields(source: str, entry: FileEntry, index: dict[str, int], delim: str) -> str:
    """(line, n, c_<field>...) of the non-blank lines after the header in (line, l)."""
    cells = "".join(f", f[{index[name]}] AS c_{name}" for name in used(entry, index))
    blank = (
        f"CASE WHEN l IS NULL THEN true WHEN ord(l) IN {TRIM_CODES} "
        f"THEN trim(l, {sql_str(TRIM)}) = '' ELSE false END"
    )
    return (
        f"(SELECT line, {_split_expr('l', delim)} AS f, len(f) AS n{cells} FROM {source} "
        f"WHERE line > {entry.header_row} AND NOT ({blank}))"
    )


def classify(
    fields: str, entry: FileEntry, index: dict[str, int], ncols: int, formats: list[str]
) -> str:
    """SELECT (line, key, ts, keep, failed, problem) from (line, n, c_<field>...).

    For outages `ts` is the minute (minutes since 1970-01-01, local time);
    which systems count is decided later, on the few distinct names.
    """
    key_field = LOG_FIELDS[entry.derive or "access_log"][0]
    col = {name: trimmed(f"c_{name}") for name in used(entry, index)}
    status = col.get("status", "NULL")
    keep = "true"
    if entry.location:
        keep = f"list_contains({sql_list(entry.location)}, {col['location']})"
    failing = "(" + sql_list(failures(entry))[1:-1] + ")"
    fmts = sql_list(formats)
    fallback = f"try_strptime(translate(t, {sql_str(_FULL)}, {sql_str(_HALF)}), {fmts})"
    # the log's own format alone first: a list of formats is slow even when its first fits
    ts = (
        f"CASE WHEN ts1 IS NOT NULL THEN ts1 WHEN ts0 IS NULL AND t <> '' THEN {fallback} "
        "ELSE ts0 END"
    )
    if entry.derive == "outages":
        ts = f"(epoch_us({ts}) // {MINUTE_US})::INTEGER"
    good = f"n = {ncols}"
    return f"""
        SELECT line,
            CASE WHEN NOT {good} THEN n::VARCHAR
                 WHEN key IS NULL OR key = '' THEN NULL WHEN ts IS NULL THEN t ELSE key END AS key,
            ts, keep, failed,
            CASE WHEN NOT {good} THEN {FIELDS}
                 WHEN key IS NULL OR key = '' THEN {KEY}
                 WHEN ts IS NULL THEN {TIME} END::UTINYINT AS problem
        FROM (
            SELECT line, n, key, t, {ts} AS ts, keep, failed
            FROM (
                SELECT line, n, key, t, try_strptime(t, {sql_str(formats[0])}) AS ts1,
                    CASE WHEN ts1 IS NULL THEN try_strptime(t, {fmts}) END AS ts0,
                    keep, failed
                FROM (
                    SELECT line, n,
                        CASE WHEN {good} THEN {col[key_field]} END AS key,
                        CASE WHEN {good} THEN {col["time"]} END AS t,
                        CASE WHEN {good} THEN {keep} ELSE false END AS keep,
                        CASE WHEN {good} THEN coalesce(lower({status}) IN {failing}, false)
                             ELSE false END AS failed
                    FROM {fields}
                )
            )
        )
        """
