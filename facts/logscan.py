"""The bytes of a log around DuckDB: decoding checks in parallel, a normalised copy.

A log is read by DuckDB straight from the file when it can be (facts/logs.py):
UTF-8, or a GB18030/GBK door log whose bytes DuckDB reads as Latin-1 (one
character per byte, no transcoded copy; see `RAW_SAFE`). Work here is done on
large chunks, never line by line:

- GB18030/GBK is checked by decoding newline-aligned chunks in worker
  processes (this module run as a script, importing nothing of lvyue) while
  DuckDB reads the file. The first byte that does not decode stops loading
  with its line and byte offset, exactly as a sequential decode finds it: a
  chunk starts after a line feed, a line feed is never part of a multibyte
  character, so each chunk starts on a character boundary, and the lowest
  offset any chunk reports is the first.
- `normalised_copy` is the way for everything else (a bare `\r`, a mixture
  of line ends, a line longer than `MAX_LINE` characters, a byte DuckDB will
  not read as Latin-1, other encodings): it decodes the file in Python and
  writes UTF-8 with one `\n` per line (`\r\n`, `\n` and `\r` each end one
  line, as Python's universal newlines count them), writing an over-long line
  as an empty one and returning its number, so it is reported as a rejected
  line instead of stopping the load.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

CHUNK = 1 << 20
MAX_LINE = 1 << 20  # characters; a longer line is a rejected line (as in tables.MAX_ROW_CHARS)
PARALLEL_FROM = 8 << 20  # bytes: smaller files are checked in this process
WORKERS = 2  # at most; one core is left to DuckDB (its line-numbered scan runs on one thread)
# Single bytes that never occur inside a GB18030/GBK multibyte character (lead bytes are
# 0x81-0xFE, trail bytes 0x40-0x7E / 0x80-0xFE, and 0x30-0x39 in four-byte characters):
# line ends, TAB, space, the quote and the delimiters `,` and `;`. Splitting the raw bytes
# on them is splitting the text; `|` (0x7C) can be a trail byte, so a `|` log is transcoded.
RAW_SAFE = frozenset(b'\r\n\t ",;')
RAW_ENCODINGS = ("gb18030", "gbk", "gb2312")
# DuckDB reads a file as lines by splitting on a byte that is not in the file
SEPARATORS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]


def free_byte(path: Path) -> int | None:
    """A control byte absent from the file, for DuckDB to split its lines on (no fields)."""
    left = list(SEPARATORS)
    with path.open("rb") as f:
        while left and (block := f.read(CHUNK)):
            left = [b for b in left if bytes([b]) not in block]
    return left[0] if left else None


def workers() -> int:
    """Worker processes for a decoding check: the cores but one, 1 to WORKERS."""
    return max(1, min(WORKERS, (os.cpu_count() or 2) - 1))


def _cuts(path: Path, size: int, parts: int) -> list[int]:
    """Offsets just after a line feed near size * i / parts (chunk starts; 0 first)."""
    cuts = [0]
    if size < PARALLEL_FROM:
        return cuts
    with path.open("rb") as f:
        for i in range(1, parts):
            f.seek(size * i // parts)
            pos = f.tell()
            while block := f.read(CHUNK):
                nl = block.find(b"\n")
                if nl >= 0:
                    if pos + nl + 1 < size and pos + nl + 1 > cuts[-1]:
                        cuts.append(pos + nl + 1)
                    break
                pos += len(block)
    return cuts


# --- decoding checks ----------------------------------------------------------------------


def first_bad(
    path: Path, encoding: str, start: int = 0, end: int | None = None
) -> tuple[int, str] | None:
    """(byte offset, reason) of the first byte of path[start:end] that does not decode, or
    None. `start` must be the start of a character (0, or just after a line feed)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = start
    pending = 0
    with path.open("rb") as f:
        f.seek(start)
        left = None if end is None else end - start
        try:
            while left is None or left > 0:
                chunk = f.read(CHUNK if left is None else min(CHUNK, left))
                if not chunk:
                    break
                if left is not None:
                    left -= len(chunk)
                pending = len(decoder.getstate()[0])
                decoder.decode(chunk)
                offset += len(chunk)
            pending = len(decoder.getstate()[0])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset - pending + exc.start, str(exc.reason)
    return None


class Check:
    """A decoding check of a whole file, running in worker processes while DuckDB reads it.

    `result()` waits and gives the first bad byte of the file (lowest offset) or None.
    A worker that cannot run is replaced by checking its chunk in this process.
    """

    def __init__(self, path: Path, encoding: str) -> None:
        self.path, self.encoding = path, encoding
        size = path.stat().st_size
        cuts = _cuts(path, size, workers())
        self.ranges = list(zip(cuts, [*cuts[1:], size], strict=True))
        self.procs: list[subprocess.Popen[str] | None] = []
        if size < PARALLEL_FROM:
            return
        for start, end in self.ranges:
            try:
                proc: subprocess.Popen[str] | None = subprocess.Popen(
                    [
                        sys.executable,
                        "-I",
                        "-S",
                        __file__,
                        str(path),
                        encoding,
                        str(start),
                        str(end),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            except OSError:
                proc = None
            self.procs.append(proc)

    def result(self) -> tuple[int, str] | None:
        found: list[tuple[int, str]] = []
        for i, (start, end) in enumerate(self.ranges):
            proc = self.procs[i] if i < len(self.procs) else None
            bad = _worker_answer(proc) if proc is not None else "again"
            if bad == "again":  # no worker, or it failed: check here
                bad = first_bad(self.path, self.encoding, start, end)
            if bad is not None:
                found.append(bad)  # type: ignore[arg-type]
        return min(found) if found else None

    def stop(self) -> None:
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def _worker_answer(proc: subprocess.Popen[str]) -> tuple[int, str] | None | str:
    out, _ = proc.communicate()
    line = out.strip()
    if proc.returncode != 0 or not line:
        return "again"
    if line == "ok":
        return None
    offset, _, reason = line.partition(" ")
    if not offset.isdigit():
        return "again"
    return int(offset), reason


def decode_error_line(path: Path, offset: int) -> int:
    """The line holding byte `offset`: `\\r\\n`, `\\n` and a bare `\\r` each end a line."""
    line = 1
    prev_cr = False
    done = 0
    with path.open("rb") as f:
        while done < offset and (chunk := f.read(min(CHUNK, offset - done))):
            line += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if prev_cr and chunk[:1] == b"\n":
                line -= 1
            prev_cr = chunk[-1:] == b"\r"
            done += len(chunk)
    return line


# --- the normalised copy -------------------------------------------------------------------


class BadByte(Exception):
    """A byte that does not decode: its offset in the file and the codec's reason."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(offset, reason)
        self.offset, self.reason = offset, reason


# bytes DuckDB will not read as Latin-1 (it refuses the C1 controls 0x80-0x9F)
NOT_LATIN1 = bytes(range(0x80, 0xA0))


def latin1_readable(path: Path) -> bool:
    """False if the start of the file has a byte DuckDB's Latin-1 refuses (then reading the
    bytes would fail soon; a later one makes DuckDB fail and the log is read as text)."""
    with path.open("rb") as f:
        head = f.read(CHUNK)
    return len(head.translate(None, NOT_LATIN1)) == len(head)


def normalised_copy(path: Path, encoding: str, target: Path) -> list[tuple[int, int]]:
    """Write the log as UTF-8 with one `\\n` per line (line numbers unchanged); a line of more
    than MAX_LINE characters is written empty. Returns those lines: (line, characters).

    A byte that does not decode raises BadByte (its offset as a sequential decode finds it).
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    long: list[tuple[int, int]] = []
    line = 1  # number of the line being assembled in `tail`
    tail: list[str] = []  # its text so far (None-like when over-long: tail_len counts it)
    tail_len = 0
    over = False
    cr_pending = False
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(MAX_LINE // 2)  # so a line inside one chunk is never over-long
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise BadByte(offset - pending + exc.start, str(exc.reason)) from None
            offset += len(chunk)
            if cr_pending:
                text = "\r" + text
                cr_pending = False
            if chunk and text.endswith("\r"):
                text, cr_pending = text[:-1], True  # maybe the first half of \r\n
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            last = text.rfind("\n")
            if last < 0:
                tail_len += len(text)
                over = over or tail_len > MAX_LINE
                if not over:
                    tail.append(text)
                else:
                    tail.clear()
            else:
                first = text.find("\n")
                head_len = tail_len + first
                if head_len > MAX_LINE or over:
                    long.append((line, head_len))
                    dst.write("\n")
                else:
                    dst.write("".join(tail))
                    dst.write(text[: first + 1])
                middle = text[first + 1 : last + 1]
                if middle:
                    dst.write(middle)  # whole lines inside one chunk: under MAX_LINE each
                line += text.count("\n", 0, last + 1)
                rest = text[last + 1 :]
                tail, tail_len, over = [rest], len(rest), len(rest) > MAX_LINE
            if not chunk:
                break
        if tail_len:
            if over:
                long.append((line, tail_len))
            else:
                dst.write("".join(tail))
    return long


def _main(argv: list[str]) -> int:
    """Worker: `logscan.py FILE ENCODING START END` prints `ok` or `<offset> <reason>`."""
    path, encoding, start, end = argv
    bad = first_bad(Path(path), encoding, int(start), int(end))
    print("ok" if bad is None else f"{bad[0]} {bad[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
