"""GB18030 to UTF-8 by the C library's iconv: twice as fast as Python's codec, used only
where it gives the same text.

Python's codec stays the reference. iconv may be used when `agreement()` finds it
gives the same UTF-8 as Python for every two-byte code, every four-byte code of
the Basic Multilingual Plane and a sample of the rest, and refuses every invalid
sequence tried. The editions of the standard (2000, 2005, 2022) map a few dozen
codes differently, so a C library may too: the characters iconv gives for those
codes are `suspects`. Text converted by iconv whose values hold a suspect is
decoded again by Python (facts/logs.py), and a block iconv refuses is decoded by
Python, which finds the exact line and byte of a bad byte.

Imported by facts/logscan.py, also when that runs as a worker script: this
module imports nothing of lvyue.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

_FAILED = ctypes.c_size_t(-1).value
_CHUNK = 256  # codes compared at once before one by one


class Iconv:
    """One GB18030 → UTF-8 conversion descriptor of the C library."""

    def __init__(self, lib: ctypes.CDLL, handle: int) -> None:
        self._lib, self._cd = lib, ctypes.c_void_p(handle)
        self._out = ctypes.create_string_buffer(0)

    def convert(self, data: bytes) -> bytes | None:
        """UTF-8 of `data` (whole characters), or None if iconv refuses any byte of it."""
        need = 2 * len(data) + 16  # a GB18030 character is at most 1.5 times longer in UTF-8
        if len(self._out) < need:
            self._out = ctypes.create_string_buffer(need)
        inp = ctypes.c_char_p(data)
        inleft = ctypes.c_size_t(len(data))
        outp = ctypes.cast(self._out, ctypes.c_char_p)
        outleft = ctypes.c_size_t(len(self._out))
        done = self._lib.iconv(
            self._cd, ctypes.byref(inp), ctypes.byref(inleft), ctypes.byref(outp),
            ctypes.byref(outleft),
        )  # fmt: skip
        if done == _FAILED or inleft.value:
            self._lib.iconv(self._cd, None, None, None, None)  # back to the initial state
            return None
        return ctypes.string_at(self._out, len(self._out) - outleft.value)

    def close(self) -> None:
        if self._cd:
            self._lib.iconv_close(self._cd)
            self._cd = ctypes.c_void_p(None)


def open_gb18030() -> Iconv | None:
    """The C library's converter, or None (no iconv, or no GB18030 in it)."""
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name)
        lib.iconv_open.restype = ctypes.c_void_p
        lib.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        lib.iconv.restype = ctypes.c_size_t
        ptr = ctypes.POINTER(ctypes.c_char_p)
        size = ctypes.POINTER(ctypes.c_size_t)
        lib.iconv.argtypes = [ctypes.c_void_p, ptr, size, ptr, size]
        lib.iconv_close.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError, TypeError):
        return None
    handle = lib.iconv_open(b"UTF-8", b"GB18030")
    if handle in (None, 0, _FAILED):
        return None
    return Iconv(lib, handle)


def four(n: int) -> bytes:
    """The n-th four-byte sequence (0 = 81 30 81 30) in the standard's linear order."""
    n, d = divmod(n, 10)
    n, c = divmod(n, 126)
    a, b = divmod(n, 10)
    return bytes([0x81 + a, 0x30 + b, 0x81 + c, 0x30 + d])


def _python(seq: bytes) -> bytes | None:
    try:
        return seq.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _valid_codes() -> list[bytes]:
    """Every two-byte code, every four-byte code up to U+FFFF, and a sample of those above."""
    trails = [*range(0x40, 0x7F), *range(0x80, 0xFF)]
    codes = [bytes([a, b]) for a in range(0x81, 0xFF) for b in trails]
    codes += [four(n) for n in range(39420)]  # 81 30 81 30 .. 84 31 A4 39
    start = 189000  # 90 30 81 30 = U+10000
    codes += [four(start + n) for n in (*range(0, 0x100000, 997), 0xFFFFF)]
    return codes


def _invalid_codes() -> list[bytes]:
    """Sequences Python refuses: stray bytes, bad second bytes, four-byte codes out of range."""
    seqs = [b"\x80", b"\xff", b"\x81", b"\xfe"]
    seqs += [bytes([a, b]) for a in range(0x81, 0xFF, 5) for b in range(0x100)
             if not (0x30 <= b <= 0x39 or 0x40 <= b <= 0x7E or 0x80 <= b <= 0xFE)]  # fmt: skip
    seqs += [four(n) for n in range(39420, 39420 + 11000, 7)]  # 84 31 A5 30 onwards
    for lead in (*range(0x85, 0x90), *range(0xE4, 0xFF)):
        seqs += [bytes([lead, 0x30, 0x81, 0x30]), bytes([lead, 0x39, 0xFE, 0x39])]
    seqs += [b"\x81\x30\x20\x30", b"\x81\x30\x81\x20", b"\x81\x30\x81"]
    return [s for s in seqs if _python(s) is None]


def _differences(conv: Iconv, codes: list[bytes]) -> list[tuple[bytes, bytes | None]]:
    """(code, iconv's UTF-8 or None) where iconv and Python differ: compared a chunk at a
    time (each code is a whole character, so a chunk decodes as its codes do), then one by
    one in a chunk that differs."""
    out: list[tuple[bytes, bytes | None]] = []
    for i in range(0, len(codes), _CHUNK):
        chunk = codes[i : i + _CHUNK]
        joined = b"".join(chunk)
        want = _python(joined)
        if want is not None and conv.convert(joined) == want:
            continue
        for code in chunk:
            got = conv.convert(code)
            if got != _python(code):
                out.append((code, got))
    return out


@cache
def agreement() -> tuple[Iconv, frozenset[str]] | None:
    """iconv with the characters it may give where Python would give others (the suspects),
    or None when it must not be used: not there, it accepts a sequence Python refuses,
    or it differs from Python on more codes than the editions of the standard do."""
    conv = open_gb18030()
    if conv is None:
        return None
    if any(conv.convert(s) is not None for s in _invalid_codes()):
        return None
    differ = _differences(conv, _valid_codes())
    if len(differ) > 64:
        return None
    suspects = frozenset(got.decode("utf-8") for _, got in differ if got is not None)
    if any(len(s) != 1 for s in suspects):
        return None
    return conv, suspects


def suspect_class(suspects: frozenset[str]) -> str:
    """A regular-expression character class of the suspects ('' if none)."""
    if not suspects:
        return ""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(suspects)) + "]"
