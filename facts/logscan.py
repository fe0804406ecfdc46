"""The bytes of a log made into lines DuckDB can split: UTF-8, one `\\n` per line, in parallel.

Every log is read by DuckDB from parts written here (facts/logread.py), never
from the file itself, so what DuckDB sees is exactly the lines as numbered
here and in every message: `\\r\\n`, `\\n` and a bare `\\r` each end one line,
as Python's universal newlines count them.

A large log is cut into newline-aligned ranges, one per core, each turned into
a part by a worker process (this module run as a script, importing nothing of
lvyue). Decoding is the check: a byte that does not decode makes its line a
rejected line with the byte's offset (`bad`), or, when the encoding is being
guessed (`stop`), stops the part there. A worker also takes out of its part
the lines DuckDB must not split (`removed`, by their numbers):

- an empty line (DuckDB would skip it, and every later line would be misnumbered);
- a line with a quote, or of more than WIDE_BYTES, written to a side file with
  its number (the text SQL, facts/logsql.py, undoes the quoting and splits a
  line of very many fields at once);
- a line of more than MAX_LINE characters (`long`: a rejected line);
- a line with an undecodable byte (`bad`).

Work is done on blocks, not line by line, unless a block holds one of those.
A block of GB18030 may be converted by iconv (facts/iconv.py) instead of
Python's codec; a block iconv refuses is decoded by Python.
A range starts just after a line feed, and in the encodings read this way
(ASCII_SAFE) a line feed or carriage return byte is never part of a
multibyte character, so each range starts on a character and a line.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

if __package__:
    from lvyue.facts import iconv
else:  # a worker, run as a script: the module beside this one
    sys.path.append(str(Path(__file__).parent))
    import iconv  # type: ignore[no-redef]

BLOCK = 1 << 19  # bytes read at a time; a line wholly inside one is under MAX_LINE characters
MAX_LINE = 1 << 20  # characters; a longer line is a rejected line (as in tables.MAX_ROW_CHARS)
LONG_BYTES = 4 * MAX_LINE + 4  # a line of more bytes has more than MAX_LINE characters
# a line of more bytes goes to the side file: DuckDB's reader takes time quadratic in the
# fields of a line with too many (100,000 fields: 40 s), the text SQL splits it at once
WIDE_BYTES = 8 << 10
PARALLEL_FROM = 8 << 20  # bytes: smaller files are done in this process
WORKERS = 2  # at most
# encodings in which the bytes \r and \n only ever stand for themselves; others are first
# decoded whole into a UTF-8 copy (`transcode`)
ASCII_SAFE = frozenset(
    ("utf-8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "iso8859-1", "cp1252",
     "ascii", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949")
)  # fmt: skip
# DuckDB reads a side file as lines by splitting on a byte that is not in it
SEPARATORS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]


@dataclass
class Part:
    """One normalised range of the log. Line numbers are relative to the range (1 = its first)."""

    path: Path  # the kept lines, UTF-8, each ending in \n
    side: Path  # "<line>\t<text>\n" for each line with a quote
    lines: int = 0  # lines in the range
    kept: int = 0  # lines written to `path`
    removed: list[int] = field(default_factory=list)  # lines not written to `path`
    quoted: int = 0  # of them, lines written to `side` (a quote, or wide)
    long: list[tuple[int, int]] = field(default_factory=list)  # (line, characters)
    bad: list[tuple[int, int, str]] = field(default_factory=list)  # (line, byte offset, reason)
    stopped: bool = False  # `stop` and a byte did not decode: the range was not finished

    def report(self) -> str:
        return json.dumps(
            {
                k: getattr(self, k)
                for k in ("lines", "kept", "removed", "quoted", "long", "bad", "stopped")
            }  # fmt: skip
        )

    def read_report(self, text: str) -> None:
        data = json.loads(text)
        self.lines, self.kept, self.quoted = data["lines"], data["kept"], data["quoted"]
        self.removed = data["removed"]
        self.long = [(a, b) for a, b in data["long"]]
        self.bad = [(a, b, c) for a, b, c in data["bad"]]
        self.stopped = data["stopped"]


class _Stop(Exception):
    """A byte did not decode while the encoding is being guessed."""


class _Writer:
    """Turns complete lines (bytes) into the part: decoded, line ends normalised, odd lines out."""

    def __init__(
        self, part: Part, encoding: str, out: BinaryIO, stop: bool, thorough: bool, fast: bool
    ) -> None:
        self.part, self.encoding, self.out = part, encoding, out
        self.stop, self.thorough = stop, thorough
        self.side: BinaryIO | None = None
        # GB18030 through iconv (the caller checked it agrees with Python: facts/iconv.py)
        self.fast = iconv.open_gb18030() if fast and encoding == "gb18030" else None

    def lines(self, data: bytes, offset: int) -> None:
        """`data` (at byte `offset` of the file) ends with a line end or is the file's end."""
        if self.fast is not None and (utf8 := self.fast.convert(data)) is not None:
            self.text(utf8)
            return
        while data:
            try:
                text = data.decode(self.encoding)
            except UnicodeDecodeError as exc:
                start, end = _line_start(data, exc.start), _line_after(data, exc.start)
                if start:
                    self.text(data[:start].decode(self.encoding).encode("utf-8"))
                self.reject_bad(offset + exc.start, str(exc.reason))
                data, offset = data[end:], offset + end
                continue
            self.text(text.encode("utf-8"))
            return

    def reject_bad(self, offset: int, reason: str) -> None:
        part = self.part
        part.lines += 1
        part.removed.append(part.lines)
        part.bad.append((part.lines, offset, reason))
        if self.stop:
            raise _Stop

    def reject_long(self, chars: int) -> None:
        part = self.part
        part.lines += 1
        part.removed.append(part.lines)
        part.long.append((part.lines, chars))

    def text(self, text: bytes) -> None:
        """Complete lines, decoded (UTF-8). Quick: line ends are kept as they are unless a block
        has only `\r` (DuckDB's strict reader refuses a part that mixes line ends, and an empty
        line it skips shows in the count: then the log is done again, `thorough`)."""
        if b"\r" in text and (self.thorough or b"\n" not in text):
            text = text.replace(b"\r\n", b"\n")
            if b"\r" in text:
                text = text.replace(b"\r", b"\n")
        if (
            b'"' in text
            or _has_wide(text)
            or text.startswith((b"\n", b"\r\n"))
            or text.endswith((b"\n\n", b"\n\r\n"))
            or (self.thorough and b"\n\n" in text)
        ):
            self.odd_text(text)
            return
        if text and not text.endswith(b"\n"):  # the file's last line, unterminated
            text += b"\r\n" if b"\r\n" in text else b"\n"
        lines = text.count(b"\n")
        self.out.write(text)
        self.part.kept += lines
        self.part.lines += lines

    def odd_text(self, text: bytes) -> None:
        """Line by line: empty lines and lines with a quote are taken out."""
        part = self.part
        eol = b"\r\n" if b"\r\n" in text else b"\n"
        lines = text.split(b"\n")
        if text.endswith(b"\n"):
            lines.pop()
        keep: list[bytes] = []
        for number, line in enumerate(lines, start=part.lines + 1):
            if eol != b"\n":
                line = line.removesuffix(b"\r")
            if line and b'"' not in line and len(line) <= WIDE_BYTES:
                keep.append(line)
                continue
            part.removed.append(number)
            if line:
                if self.side is None:
                    self.side = part.side.open("wb")
                self.side.write(b"%d\t%s\n" % (number, line))
                part.quoted += 1
        part.lines += len(lines)
        if keep:
            self.out.write(eol.join(keep) + eol)
            part.kept += len(keep)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        if self.fast is not None:
            self.fast.close()


def _has_wide(text: bytes) -> bool:
    """Whether a line may be longer than WIDE_BYTES: some stretch of half that has no line end
    (a few searches per block, none of them long)."""
    step = WIDE_BYTES // 2
    return any(
        text.find(b"\n", i, i + step) < 0 and text.find(b"\r", i, i + step) < 0
        for i in range(0, len(text) - step + 1, step)
    )


def _line_start(data: bytes, i: int) -> int:
    return max(data.rfind(b"\n", 0, i), data.rfind(b"\r", 0, i)) + 1


def _line_end(data: bytes, i: int) -> int:
    """Index of the first line-end byte at or after i, or len(data)."""
    ends = [j for j in (data.find(b"\n", i), data.find(b"\r", i)) if j >= 0]
    return min(ends) if ends else len(data)


def _line_after(data: bytes, i: int) -> int:
    """Index just after the end of the line holding data[i] (`\\r\\n` is one end)."""
    j = _line_end(data, i)
    if j < len(data) and data[j : j + 2] == b"\r\n":
        return j + 2
    return min(j + 1, len(data))


def normalise_range(
    src: Path,
    encoding: str,
    start: int,
    end: int,
    part: Part,
    stop: bool = False,
    thorough: bool = False,
    fast: bool = False,
) -> Part:
    """Write part.path from src[start:end] (start: 0 or just after a line feed)."""
    with src.open("rb") as f, part.path.open("wb") as out:
        writer = _Writer(part, encoding, out, stop, thorough, fast)
        try:
            _scan(f, writer, start, end)
        except _Stop:
            part.stopped = True
        finally:
            writer.close()
    return part


def _scan(f: BinaryIO, writer: _Writer, start: int, end: int) -> None:
    f.seek(start)
    pos = start  # file offset of `carry`
    carry = b""
    left = end - start
    while True:
        block = f.read(min(BLOCK, left))
        left -= len(block)
        data = carry + block if carry else block
        if not data:
            return
        if block:
            # complete lines only; a \r at the very end may be the first half of \r\n
            cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1)) + 1
        else:
            cut = len(data)
        if cut == 0:
            carry = data
            if len(carry) > LONG_BYTES:
                carry, pos = _long_line(f, writer, carry, pos, left)
                left = end - pos - len(carry)
            continue
        body, carry = data[:cut], data[cut:]
        first = _line_after(body, 0)
        if first > MAX_LINE:  # the one line that may be over-long: longer than a block
            _maybe_long(writer, body[:first], pos)
            writer.lines(body[first:], pos + first)
        else:
            writer.lines(body, pos)
        pos += cut
        if not block:
            return


def _maybe_long(writer: _Writer, line: bytes, offset: int) -> None:
    try:
        text = line.decode(writer.encoding)
    except UnicodeDecodeError:
        writer.lines(line, offset)  # its bad byte rejects it
        return
    chars = len(text.rstrip("\r\n"))
    if chars > MAX_LINE:
        writer.reject_long(chars)
    else:
        writer.text(text.encode("utf-8"))


def _long_line(
    f: BinaryIO, writer: _Writer, carry: bytes, pos: int, left: int
) -> tuple[bytes, int]:
    """Skip a line of more than LONG_BYTES bytes, counting its characters; returns what
    follows it (the new carry) and that carry's file offset."""
    decoder = codecs.getincrementaldecoder(writer.encoding)(errors="replace")
    chars = 0
    data = carry
    skipped = 0
    while True:
        j = _line_end(data, 0)
        if j < len(data) or not data:
            chars += len(decoder.decode(data[:j], final=True))
            after = j + 1
            if data[j : j + 1] == b"\r":
                if j + 1 == len(data) and left > 0:  # is a \n next?
                    nxt = f.read(1)
                    left -= 1
                    data += nxt
                if data[j + 1 : j + 2] == b"\n":
                    after = j + 2
            writer.reject_long(chars)
            return data[after:], pos + skipped + min(after, len(data))
        chars += len(decoder.decode(data))
        skipped += len(data)
        data = f.read(min(BLOCK, left))
        left -= len(data)


# --- in parallel --------------------------------------------------------------------------------


@dataclass
class Normalised:
    """The parts of a whole log, in order, with line numbers of the whole file."""

    parts: list[Part]
    # converted by iconv: the characters it may give where Python's codec gives others
    suspects: frozenset[str] | None = None

    def bases(self) -> Iterator[tuple[Part, int]]:
        """Each part with the number of lines before it."""
        base = 0
        for part in self.parts:
            yield part, base
            base += part.lines

    @property
    def lines(self) -> int:
        return sum(p.lines for p in self.parts)

    def removed(self) -> list[int]:
        return [base + n for part, base in self.bases() for n in part.removed]

    def long(self) -> list[tuple[int, int]]:
        return [(base + n, chars) for part, base in self.bases() for n, chars in part.long]

    def bad(self) -> list[tuple[int, int, str]]:
        return [(base + n, o, why) for part, base in self.bases() for n, o, why in part.bad]

    def first_bad(self) -> tuple[int, str] | None:
        """(byte offset, reason) of the first undecodable byte, or None."""
        found = [(o, why) for part in self.parts for _, o, why in part.bad]
        return min(found) if found else None

    def side_files(self) -> list[tuple[Path, int]]:
        """Side files with their part's line base."""
        return [(part.side, base) for part, base in self.bases() if part.quoted]


def safe_encoding(encoding: str) -> bool:
    """Whether a log in this encoding can be cut into ranges at its \\r and \\n bytes."""
    try:
        return codecs.lookup(encoding).name in ASCII_SAFE
    except LookupError:
        return False


def normalise(
    src: Path,
    encoding: str,
    folder: Path,
    stop: bool = False,
    thorough: bool = False,
    fast: bool = True,
) -> Normalised:
    """Parts of src in folder, made by worker processes for a large file. `fast`: a large
    GB18030 log is converted by iconv where it agrees with Python (Normalised.suspects)."""
    size = src.stat().st_size
    cuts = _cuts(src, size, _workers()) if size >= PARALLEL_FROM else [0]
    ranges = list(zip(cuts, [*cuts[1:], size], strict=True))
    parts = [Part(folder / f"part{i}.txt", folder / f"side{i}.txt") for i in range(len(ranges))]
    agreed = iconv.agreement() if fast and encoding == "gb18030" and len(ranges) > 1 else None
    suspects = agreed[1] if agreed else None
    if len(ranges) == 1:
        return Normalised([normalise_range(src, encoding, 0, size, parts[0], stop, thorough)])
    procs: list[subprocess.Popen[str] | None] = []
    try:
        for (start, end), part in zip(ranges, parts, strict=True):
            argv = [sys.executable, "-I", "-S", __file__, str(src), encoding, str(start),
                    str(end), str(part.path), str(part.side), "stop" if stop else "reject",
                    "thorough" if thorough else "quick", "iconv" if agreed else "python"]  # fmt: skip
            try:
                procs.append(
                    subprocess.Popen(
                        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
                    )
                )
            except OSError:
                procs.append(None)
        for proc, (start, end), part in zip(procs, ranges, parts, strict=True):
            if not _collect(proc, part):  # no worker, or it failed: this range here
                normalise_range(src, encoding, start, end, part, stop, thorough, bool(agreed))
    finally:
        for proc in procs:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    return Normalised(parts, suspects)


def _collect(proc: subprocess.Popen[str] | None, part: Part) -> bool:
    if proc is None:
        return False
    out, _ = proc.communicate()
    if proc.returncode != 0 or not out.strip():
        return False
    try:
        part.read_report(out.strip().splitlines()[-1])
    except (ValueError, KeyError, TypeError):
        return False
    return True


def _workers() -> int:
    return max(1, min(WORKERS, os.cpu_count() or 1))


def _cuts(path: Path, size: int, parts: int) -> list[int]:
    """Offsets just after a line feed near size * i / parts (range starts; 0 first)."""
    cuts = [0]
    with path.open("rb") as f:
        for i in range(1, parts):
            f.seek(size * i // parts)
            pos = f.tell()
            while block := f.read(BLOCK):
                nl = block.find(b"\n")
                if nl >= 0:
                    if pos + nl + 1 < size and pos + nl + 1 > cuts[-1]:
                        cuts.append(pos + nl + 1)
                    break
                pos += len(block)
    return cuts


# --- other encodings, and messages ----------------------------------------------------------


class BadByte(Exception):
    """A byte that does not decode: its offset in the file and the codec's reason."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(offset, reason)
        self.offset, self.reason = offset, reason


def transcode(src: Path, encoding: str, target: Path) -> None:
    """src decoded whole into UTF-8 (an encoding not in ASCII_SAFE); a byte that does not
    decode raises BadByte (its offset as a sequential decode finds it)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with src.open("rb") as f, target.open("wb") as out:
        while True:
            chunk = f.read(BLOCK)
            pending = len(decoder.getstate()[0])
            try:
                out.write(decoder.decode(chunk, final=not chunk).encode("utf-8"))
            except UnicodeDecodeError as exc:
                raise BadByte(offset - pending + exc.start, str(exc.reason)) from None
            offset += len(chunk)
            if not chunk:
                return


def decode_error_line(path: Path, offset: int) -> int:
    """The line holding byte `offset`: `\\r\\n`, `\\n` and a bare `\\r` each end a line."""
    line = 1
    prev_cr = False
    done = 0
    with path.open("rb") as f:
        while done < offset and (chunk := f.read(min(BLOCK, offset - done))):
            line += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if prev_cr and chunk[:1] == b"\n":
                line -= 1
            prev_cr = chunk[-1:] == b"\r"
            done += len(chunk)
    return line


def free_byte(*paths: Path) -> int | None:
    """A control byte absent from the files, for DuckDB to split their lines on (no fields)."""
    left = list(SEPARATORS)
    for path in paths:
        with path.open("rb") as f:
            while left and (block := f.read(BLOCK)):
                left = [b for b in left if bytes([b]) not in block]
    return left[0] if left else None


def _main(argv: list[str]) -> int:
    """Worker: `logscan.py SRC ENCODING START END PART SIDE stop|reject thorough|quick
    iconv|python` prints the part's report."""
    src, encoding, start, end, path, side, mode, care, how = argv
    part = Part(Path(path), Path(side))
    normalise_range(Path(src), encoding, int(start), int(end), part, mode == "stop",
                    care == "thorough", how == "iconv")  # fmt: skip
    print(part.report())
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
