"""The worker that turns a log's bytes into parts (facts/logscan.py), against a line-by-line model.

Random logs mix line ends (a `\\r\\n` may straddle two read blocks), empty
lines, quotes, lines about WIDE_BYTES long and undecodable bytes; read with
tiny blocks and with the real ones, in one range or cut into several, the
parts must hold exactly the lines the model keeps, each taken-out line must be listed with its number,
and each bad byte with its file offset.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from lvyue.facts import logscan

ENDS = [b"\r\n", b"\n", b"\r"]


def model(data: bytes) -> tuple[list[str], list[int], list[tuple[int, str]], list[tuple[int, int]]]:
    """Line by line: (kept lines, removed line numbers, quoted (number, text), bad (number,
    offset)); `\\r\\n`, `\\n` and `\\r` each end one line."""
    kept: list[str] = []
    removed: list[int] = []
    quoted: list[tuple[int, str]] = []
    bad: list[tuple[int, int]] = []
    start, number, i = 0, 0, 0
    while start < len(data):
        i = start
        while i < len(data) and data[i] not in b"\r\n":
            i += 1
        raw = data[start:i]
        end = i + (2 if data[i : i + 2] == b"\r\n" else 1)
        number += 1
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            removed.append(number)
            bad.append((number, start + exc.start))
        else:
            if not text:
                removed.append(number)
            elif '"' in text or len(text.encode("utf-8")) > logscan.WIDE_BYTES:
                removed.append(number)
                quoted.append((number, text))
            else:
                kept.append(text)
        start = end
    return kept, removed, quoted, bad


def random_log(seed: int) -> bytes:
    rnd = random.Random(seed)
    out = []
    for n in range(rnd.randrange(50, 400)):
        kind = rnd.random()
        if kind < 0.08:
            line = b""
        elif kind < 0.14:
            line = f'{n},"引号",x'.encode("gb18030")
        elif kind < 0.16:  # wide: to the side file; a little wider or narrower than the limit
            width = logscan.WIDE_BYTES + rnd.choice([-3, 0, 1, 2000])
            line = f"{n},".encode() + b"z," * (width // 2 - 2) + b"end"[: width % 2 + 2]
        elif kind < 0.20:
            line = f"{n},坏".encode("gb18030") + rnd.choice([b"\xff", b"\x81", b"\x81\x20"]) + b",y"
        else:
            line = f"{n},2026/7/1 08:00:00,卡{n},鹤壁".encode("gb18030")
        out.append(line + rnd.choice(ENDS))
    data = b"".join(out)
    return data if rnd.random() < 0.5 else data.rstrip(b"\r\n")  # maybe no last line end


def parts_of(norm: logscan.Normalised) -> tuple[list[str], list[int], list[tuple[int, str]]]:
    kept: list[str] = []
    for part in norm.parts:
        text = part.path.read_bytes().decode("utf-8")
        lines = text.split("\n")[:-1] if text else []
        assert len(lines) == part.kept
        kept += [line.removesuffix("\r") for line in lines]
    quoted = []
    for side, base in norm.side_files():
        for line in side.read_text(encoding="utf-8").split("\n")[:-1]:
            number, _, text = line.partition("\t")
            quoted.append((base + int(number), text))
    return kept, norm.removed(), quoted


@pytest.mark.parametrize("fast", [False, True], ids=["python", "iconv"])
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("block", [5, 64, logscan.BLOCK])
def test_parts_hold_exactly_the_lines_of_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, block: int, fast: bool
) -> None:
    """With iconv (`fast`) a block it refuses is decoded by Python: the same parts."""
    monkeypatch.setattr(logscan, "BLOCK", block)
    data = random_log(seed)
    src = tmp_path / "log.csv"
    src.write_bytes(data)
    kept, removed, quoted, bad = model(data)
    cuts = [0, *sorted({data.find(b"\n", len(data) // 3) + 1} - {0})]  # two ranges
    for ranges in ([0], cuts):
        parts = []
        bounds = [*ranges[1:], len(data)]
        for i, (start, end) in enumerate(zip(ranges, bounds, strict=True)):
            part = logscan.Part(tmp_path / f"p{len(ranges)}{i}", tmp_path / f"s{len(ranges)}{i}")
            parts.append(
                logscan.normalise_range(src, "gb18030", start, end, part, thorough=True, fast=fast)
            )
        norm = logscan.Normalised(parts)
        assert parts_of(norm) == (kept, removed, quoted)
        assert [(n, o) for n, o, _ in norm.bad()] == bad
        assert norm.lines == len(kept) + len(removed)


def test_quick_parts_keep_crlf_and_count_the_same_lines(tmp_path: Path) -> None:
    lines = [f"{n},2026/7/1 08:00:00,卡{n}" for n in range(1, 2000)]
    src = tmp_path / "log.csv"
    src.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    norm = logscan.normalise(src, "gb18030", tmp_path)
    (part,) = norm.parts
    assert part.path.read_bytes() == ("\r\n".join(lines) + "\r\n").encode("utf-8")
    assert (part.lines, part.kept, part.removed) == (1999, 1999, [])


def test_guessing_stops_at_the_first_bad_byte(tmp_path: Path) -> None:
    src = tmp_path / "log.csv"
    src.write_bytes("甲,1\n".encode("gb18030") * 3 + b"\xff,2\n" + b"\x81\x20,3\n")
    norm = logscan.normalise(src, "gb18030", tmp_path, stop=True)
    (part,) = norm.parts
    assert part.stopped and norm.first_bad() == (15, "illegal multibyte sequence")
    assert part.bad == [(4, 15, "illegal multibyte sequence")]
