"""iconv (facts/iconv.py) is used for GB18030 only where it gives Python's text.

Every valid code is compared, not a sample: iconv must give Python's UTF-8
for each, except the few codes the editions of the standard map differently,
whose iconv characters are the suspects; it must refuse every sequence Python
refuses. A log whose counted values hold a suspect is decoded again by Python.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lvyue.facts import iconv, logs, logscan
from lvyue.facts.manifest import FileEntry

AGREED = iconv.agreement()
needs_iconv = pytest.mark.skipif(AGREED is None, reason="no usable GB18030 iconv here")


def _all_four_byte_valid() -> list[bytes]:
    return [iconv.four(n) for n in range(39420)] + [
        iconv.four(189000 + n) for n in range(0x110000 - 0x10000)
    ]


@needs_iconv
def test_iconv_gives_python_text_for_every_valid_code_but_the_suspects() -> None:
    assert AGREED is not None
    conv, suspects = AGREED
    two = [
        bytes([a, b]) for a in range(0x81, 0xFF) for b in [*range(0x40, 0x7F), *range(0x80, 0xFF)]
    ]
    codes = two + _all_four_byte_valid()
    assert all(c.decode("gb18030") for c in codes[:10])  # Python takes them
    differ = iconv._differences(conv, codes)
    assert len(differ) < 64
    for code, got in differ:
        assert got is None or got.decode("utf-8") in suspects, code.hex()
    # this machine's iconv does map some codes differently: the suspects are not idle
    assert all(len(s) == 1 for s in suspects) and len(suspects) == len({g for _, g in differ if g})


@needs_iconv
def test_iconv_refuses_every_sequence_python_refuses() -> None:
    assert AGREED is not None
    conv = AGREED[0]
    seqs = [bytes([b]) for b in range(0x80, 0x100)]
    seqs += [bytes([a, b]) for a in range(0x81, 0xFF) for b in range(0x100)]
    seqs += [bytes([a, b, c, d]) for a in range(0x81, 0xFF) for b in range(0x30, 0x3A)
             for c in range(0x81, 0xFF, 3) for d in range(0x30, 0x3A)]  # fmt: skip
    seqs += [bytes([0x81, 0x30, c, d]) for c in range(0x100) for d in range(0x100)]
    refused = 0
    for s in seqs:
        try:
            s.decode("gb18030")
        except UnicodeDecodeError:
            refused += 1
            assert conv.convert(s) is None, s.hex()
    assert refused > 100_000


def _log(tmp_path: Path, key: str, lines: int) -> Path:
    """A GB18030 door log large enough to be done by two workers."""
    rows = ["序号,刷卡时间,卡号,区域"]
    for n in range(1, lines + 1):
        card = key if n % 5000 == 0 else f"C{n % 300:03d}"
        rows.append(f"{n},2026/7/{1 + n % 28} 08:{n % 60:02d}:00,{card},甲方办公区（东）")
    path = tmp_path / "门禁.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("gb18030"))
    return path


ENTRY = FileEntry(
    path="门禁.csv",
    type="onsite_day",
    derive="access_log",
    encoding="gb18030",
    columns={"卡号": "person_id", "刷卡时间": "time", "区域": "location"},
    location=["甲方办公区（东）"],
)


def _load(path: Path) -> tuple[list[dict], list[tuple]]:
    r = logs.load_log(path, ENTRY, "0" * 64)
    return [f.model_dump(mode="json") for f in r.facts], [(x.row, x.reason) for x in r.rejected]


@needs_iconv
def test_a_suspect_character_in_a_card_is_decoded_again_by_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logscan, "PARALLEL_FROM", 1 << 16)
    vertical = b"\xa6\xd9".decode("gb18030")  # a code the editions map differently
    assert AGREED is not None and AGREED[0].convert(b"\xa6\xd9") != vertical.encode("utf-8")
    calls: list[bool] = []
    normalise = logs._normalise

    def spy(*args: object, **kw: object) -> logscan.Normalised:
        calls.append(bool(kw.get("fast", True)))
        return normalise(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(logs, "_normalise", spy)
    facts, _ = _load(_log(tmp_path, "卡" + vertical, 20_000))
    assert calls == [True, False]  # iconv first, then Python
    assert {f["person_id"] for f in facts if f["person_id"].startswith("卡")} == {"卡" + vertical}


@needs_iconv
def test_iconv_and_python_give_the_same_facts_and_rejections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logscan, "PARALLEL_FROM", 1 << 16)
    path = _log(tmp_path, "卡堃喆", 30_000)
    data = path.read_bytes()
    at = data.find(b"\r\n", len(data) // 2) + 2
    path.write_bytes(data[:at] + b"9,2026/7/1 08:00:00,\x81\x20,x\r\n" + data[at:])  # a bad byte
    fast = _load(path)
    monkeypatch.setattr(logscan.iconv, "agreement", lambda: None)
    slow = _load(path)
    assert fast == slow
    assert any("cannot decode as gb18030" in reason for _, reason in fast[1])
    assert len(fast[0]) > 100
