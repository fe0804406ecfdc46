"""The Chinese documents of both examples, read back as an auditor reads them (issue 13).

1. Every zh document (audit report as DOCX, HTML and Markdown; pre-payment check; notice) holds no
   English word of three letters or more outside an explicit allow-list (ids, file names, units and
   product names the contract or the evidence itself uses), no ISO date and no raw parameter key.
2. After the README's follow-up (Q3 recorded, then H2 recorded), the rectification notice leaves out
   what the ledger shows rectified (team size, security devices), marks the repeat, and for every
   finding it demands states the same deadline as the audit report.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import docx
import pytest

from lvyue.engine.cli.main import main
from lvyue.engine.ledger import store
from lvyue.engine.pack import load_pack
from lvyue.engine.zhtext import cn_date

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "hebi": (ROOT / "examples" / "hebi-2026h2", ROOT / "rules" / "hebi-shuguang-2026", ("--half", "2026H2")),
    "jiangzhou": (ROOT / "examples" / "jiangzhou-2026q4", ROOT / "rules" / "jiangzhou-waiwang-2026", ("--quarter", "2026Q4")),
}
NUMBER = "鹤审管〔2027〕1号"

# Words a Chinese reader meets as they are: units, product and standard names the contract and the
# evidence use (IPS, WEB网站防篡改系统, CISP, MySQL, SSD, WAF, BGP, Mbps), the tool's own name and the
# calendar data package it names as its source.
ALLOWED_WORDS = {"IPS", "WEB", "CISP", "MySQL", "SSD", "SATA", "WAF", "BGP", "Mbps", "GPU", "lvyue", "holidays"}
IDS = [
    re.compile(r"\b[0-9a-f]{64}\b"),  # sha256 of an evidence file
    re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+:[0-9a-f]{12}"),  # finding id (rule id : hash)
    re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+"),  # rule and evidence ids: HB-OPS-NOTICE, INV-2026-002
    re.compile(r"[^\s|（）()「」，、：:；]+\.(?:xlsx|csv|docx|pdf)"),  # file names
]
WORD = re.compile(r"[A-Za-z]{3,}")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def run(*args: object) -> int:
    return main([str(a) for a in args])


def docx_text(path: Path) -> str:
    """Every paragraph and every table cell (python-docx), headers and footers included."""
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    for s in d.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts).replace("\u200b", "")  # the zero-width break after a finding id's colon


def html_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def read(path: Path) -> str:
    if path.suffix == ".docx":
        return docx_text(path)
    if path.suffix == ".html":
        return html_text(path)
    return path.read_text(encoding="utf-8")


def evidence_ids(result: dict) -> set[str]:
    """The ids the evidence itself gives (catalogue codes such as ELB, invoice numbers): quoted as they are."""
    ids = {str(e.get("id")) for f in result["findings"] for e in f.get("evidence") or []}
    ids |= {str(x.get("id")) for rows in (result.get("settlement_facts") or {}).values() for x in rows if isinstance(x, dict)}
    return {i for i in ids if i and i != "None"}


def problems(text: str, params: set[str], ids: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """What a Chinese reader should not meet: English words, ISO dates, parameter keys (each with its line)."""
    out = []
    for line in text.splitlines():
        out += [f"parameter key {k!r}: {line.strip()[:120]}" for k in params if k in line]
        bare = line
        for pattern in IDS:
            bare = pattern.sub(" ", bare)
        out += [f"ISO date {d!r}: {line.strip()[:120]}" for d in ISO.findall(bare)]
        out += [f"word {w!r}: {line.strip()[:120]}" for w in WORD.findall(bare) if w not in ALLOWED_WORDS and w not in ids]
    return out


def test_the_checker_catches_what_it_must() -> None:
    """The scanner itself: each kind of slip is found, ids and file names are not."""
    params = {"billing_cutoff_day_bills_full_month"}
    assert problems("依据：发票.xlsx, sheet 发票登记, row 3", params) == [
        "word 'sheet': 依据：发票.xlsx, sheet 发票登记, row 3",
        "word 'row': 依据：发票.xlsx, sheet 发票登记, row 3",
    ]
    assert problems("2026-09-20至2026-09-20共1个工作日", set())[0].startswith("ISO date '2026-09-20'")
    assert problems("billing_cutoff_day_bills_full_month（可改为 false）", params)[0].startswith("parameter key")
    assert problems("义务方：party_b；事实类型 staff", set()) == [
        "word 'party': 义务方：party_b；事实类型 staff",
        "word 'staff': 义务方：party_b；事实类型 staff",
    ]
    ok = "发现：HB-OPS-NOTICE:b69d859bf142；发票INV-2026-002；人员名册.xlsx 工作表「运维团队」第2行；600 Mbps·月"
    assert problems(ok, params) == []


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Path], set[str], set[str]]]:
    """Every zh document of each example (the Hebi one after the README's Q3 → H2 follow-up)."""
    out = {}
    for name, (evidence, pack, period) in EXAMPLES.items():
        d = tmp_path_factory.mktemp(name)
        ledger = d / "ledger.sqlite"
        if name == "hebi":
            assert run("check", evidence, "--pack", pack, "--quarter", "2026Q3", "--record", "--ledger", ledger, "--format", "json", "-o", d / "q3.json") == 1  # fmt: skip
        result = d / "result.json"
        assert run("check", evidence, "--pack", pack, *period, "--record", "--ledger", ledger, "--format", "json", "-o", result) == 1  # fmt: skip
        files = []
        for fmt in ("md", "html", "docx"):
            files.append(d / f"audit.{fmt}")
            assert run("report", "audit", result, "--format", fmt, "-o", files[-1]) == 0
            files.append(d / f"prepay.{fmt}")
            assert run("report", "prepay", result, "--payment-date", "2027-04-20", "--format", fmt, "-o", files[-1]) == 0
            files.append(d / f"notice.{fmt}")
            args = ("--kind", "rectification", "--number", NUMBER, "--issue-date", "2027-01-05")
            assert run("notice", result, *args, "--format", fmt, "-o", files[-1]) == 0
        data = json.loads(result.read_text(encoding="utf-8"))
        out[name] = (files, set(data["parameters"]), evidence_ids(data))
    return out


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_zh_document_is_in_chinese(documents: dict, example: str) -> None:
    files, params, ids = documents[example]
    found = {f.name: problems(read(f), params, ids) for f in files}
    assert {k: v for k, v in found.items() if v} == {}
    # and the scan saw the documents' substance (not an empty extraction)
    for f in files:
        text = read(f)
        assert len(text) > 2000 and "年" in text, f.name


def test_rule_ids_of_the_packs_are_what_the_allow_list_lets_through() -> None:
    """The id pattern the scan strips matches every rule id of both packs, and nothing lower-case."""
    for _, pack, _ in EXAMPLES.values():
        for r in load_pack(pack).rules:
            assert IDS[2].fullmatch(r.id), r.id
    assert not IDS[2].search("party_b staff onsite_day")


# --- the notice follows the ledger ------------------------------------------------------------------


@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The README's follow-up, then the notice issued and recorded in the same (temporary) ledger."""
    evidence, pack, _ = EXAMPLES["hebi"]
    d = tmp_path_factory.mktemp("follow")
    ledger = d / "ledger.sqlite"
    assert run("check", evidence, "--pack", pack, "--quarter", "2026Q3", "--record", "--ledger", ledger, "--format", "json", "-o", d / "q3.json") == 1  # fmt: skip
    result = d / "result.json"
    assert run("check", evidence, "--pack", pack, "--half", "2026H2", "--record", "--ledger", ledger, "--format", "json", "-o", result) == 1  # fmt: skip
    # before the notice: the audit report can only say how the deadline will be counted
    assert run("report", "audit", result, "-o", d / "before.md") == 0
    notice = d / "notice.docx"
    args = ("--kind", "rectification", "--number", NUMBER, "--issue-date", "2027-01-05")
    assert run("notice", result, *args, "--issue", "--ledger", ledger, "-o", notice) == 0
    assert run("report", "audit", result, "-o", d / "audit.md") == 0
    assert run("report", "audit", result, "--format", "docx", "-o", d / "audit.docx") == 0
    assert run("report", "prepay", result, "--payment-date", "2027-04-20", "--format", "json", "-o", d / "prepay.json") == 0
    assert run("report", "prepay", result, "--payment-date", "2027-04-20", "-o", d / "prepay.md") == 0
    with store.read(ledger) as conn:
        recorded = store.notices(conn)
    return {
        "path": result,
        "result": json.loads(result.read_text(encoding="utf-8")),
        "notice": docx_text(notice),
        "before": (d / "before.md").read_text(encoding="utf-8"),
        "audit": (d / "audit.md").read_text(encoding="utf-8"),
        "audit_docx": docx_text(d / "audit.docx"),
        "recorded": recorded,
        "prepay": json.loads((d / "prepay.json").read_text(encoding="utf-8")),
        "prepay_md": (d / "prepay.md").read_text(encoding="utf-8"),
    }


def _demands(notice: str) -> str:
    """The notice's list of problems to put right (section 一 up to the for-the-record paragraph)."""
    start = notice.index("一、存在的问题及整改要求")
    return notice[start : notice.index("另经复查", start)]


def test_the_notice_leaves_out_what_the_ledger_shows_rectified(followed: dict) -> None:
    led = followed["result"]["follow_up"]["findings"]
    closed = {fid for fid, e in led.items() if e["rule"] in ("HB-OPS-TEAM-SIZE", "HB-SEC-DEVICES")}
    assert len(closed) == 2 and {led[f]["state"] for f in closed} == {"rectified"}  # the ledger's view
    (n,) = followed["recorded"]
    demanded = {i["finding_id"] for i in n["items"]}
    assert not demanded & closed  # not demanded again
    assert any(i["finding_id"].startswith("HB-OPS-NOTICE:") for i in n["items"])  # still-open breaches are
    demands = _demands(followed["notice"])
    assert "本地核心运维人员仅9人" not in demands and "WEB网站防篡改系统" not in demands.split("合同约定")[-1]
    record = followed["notice"][followed["notice"].index("另经复查") :].split("\n")[0]
    assert "已整改完毕" in record and "本地核心运维人员仅9人" in record and "2026年9月15日已整改" in record
    assert "无在用的WEB网站防篡改系统" in record and "2026年11月11日已整改" in record


def test_the_notice_marks_the_repeat_and_quotes_each_clause_once(followed: dict) -> None:
    text = followed["notice"]
    demands = _demands(text)
    # the on-site engineer missed 2026-09-20 (found in Q3) and again 2026-10-10
    again = next(line for line in demands.split("\n") if "2026年10月10日共1个工作日无驻场人员" in line)
    assert "该问题系再次发生" in again and "2026年9月30日核查已发现同类问题" in again
    assert "依据合同六.1条款：甲方有权下达整改通知书" in again  # the pack's escalation table
    first = next(line for line in demands.split("\n") if "2026年9月20日共1个工作日无驻场人员" in line)
    assert "再次发生" not in first and "至本次核查仍未整改" in first
    # one clause, quoted once, however many findings rest on it
    assert demands.count("“在工作日期间，委派至少一名专业技术人员到甲方指定办公地点提供驻场服务。”") == 1
    assert demands.count("合同约定（四（三）6条款）") == 1
    # caveats in the text itself: the strict reading, the provisional 2027 calendar
    assert "本项仅按严格读法（通知日与事件日均不计入）构成违约；若将事件当日计入则不构成违约" in demands
    assert "2027年国务院办公厅节假日安排尚未公布" in text


def test_the_notice_deadline_is_the_audit_reports_for_every_finding(followed: dict) -> None:
    (n,) = followed["recorded"]
    assert n["issue_date"] == "2027-01-05"
    audit = followed["audit"]
    sections = {m.group(1): m.group(0) for m in re.finditer(r"- 发现：(\S+?)（.*?(?=\n### |\n## )", audit, flags=re.S)}
    for item in n["items"]:
        due = cn_date(item["deadline"])
        assert f"完成期限：{due}前（自本通知下达之日起5个工作日）" in followed["notice"]
        said = sections[item["finding_id"]]
        assert f"**整改期限：{due}前（自整改通知书{NUMBER}下达之日2027年1月5日起5个工作日）**" in said, said
    assert {i["deadline"] for i in n["items"]} == {"2027-01-12"}  # Jan 6, 7, 8, 11, 12
    assert "整改期限：2027年1月12日前（自整改通知书" in followed["audit_docx"]
    # before the notice, the report said how the deadline is counted and the date if issued on the as-of date
    assert "**整改期限：自整改通知书下达之日起5个工作日；如于核查基准日2026年12月31日下达，为2027年1月8日前**" in followed["before"]
    assert "2027年1月12日" not in followed["before"]


def test_the_prepayment_check_states_the_notices_deadline(followed: dict) -> None:
    """Paid on 2027-04-20: the breaches the notice listed are overdue against its deadline, said its way."""
    (n,) = followed["recorded"]
    rows = {b["id"]: b for b in followed["prepay"]["open_breaches"]}
    for item in n["items"]:
        if item["finding_id"] in rows:
            assert rows[item["finding_id"]]["deadline"] == item["deadline"] == "2027-01-12"
            assert rows[item["finding_id"]]["deadline_text"] == f"2027年1月12日前（自整改通知书{NUMBER}下达之日2027年1月5日起5个工作日）"
    assert {i["finding_id"] for i in n["items"]} & set(rows)  # there are such rows
    assert f"整改期限2027年1月12日已过仍未整改（按整改通知书{NUMBER}计" in followed["prepay_md"]


def test_a_notice_only_of_rectified_findings_is_refused(followed: dict, capsys: pytest.CaptureFixture[str]) -> None:
    led = followed["result"]["follow_up"]["findings"]
    team = next(fid for fid, e in led.items() if e["rule"] == "HB-OPS-TEAM-SIZE")
    args = ("notice", followed["path"], "--kind", "rectification", "--findings", team, "--format", "md")
    assert run(*args) == 2
    assert "shown rectified in the ledger" in capsys.readouterr().err


def test_english_keeps_iso_dates_and_the_same_deadline(followed: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("report", "audit", followed["path"], "--lang", "en") == 0
    md = capsys.readouterr().out
    # the same deadline as the Chinese report: the notice's, said in English
    assert f"**Deadline：by 2027-01-12 (5 working days from notice {NUMBER} issued 2027-01-05)**" in md
    assert "自整改通知书下达之日起" not in md


def test_after_a_notice_the_repeat_escalates_to_a_warning_letter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Q3 recorded, a notice issued on it (鹤审管〔2026〕7号, 2026-10-09), then H2: the missed on-site day of Q3
    is overdue against that notice and the 2026-10-10 miss came after it; the pack's escalation table
    (rectification → warning, 八.1) is what the new notice cites."""
    evidence, pack, _ = EXAMPLES["hebi"]
    ledger, q3, h2 = tmp_path / "ledger.sqlite", tmp_path / "q3.json", tmp_path / "h2.json"
    assert run("check", evidence, "--pack", pack, "--quarter", "2026Q3", "--record", "--ledger", ledger, "--format", "json", "-o", q3) == 1  # fmt: skip
    first = ("--kind", "rectification", "--number", "鹤审管〔2026〕7号", "--issue-date", "2026-10-09")
    assert run("notice", q3, *first, "--issue", "--ledger", ledger, "--format", "md", "-o", tmp_path / "q3.md") == 0
    assert run("check", evidence, "--pack", pack, "--half", "2026H2", "--record", "--ledger", ledger, "--format", "json", "-o", h2) == 1  # fmt: skip
    capsys.readouterr()
    assert run("notice", h2, "--kind", "rectification", "--number", NUMBER, "--issue-date", "2027-01-05", "--format", "md") == 0
    md = capsys.readouterr().out
    old = next(line for line in md.split("\n") if "2026年9月20日共1个工作日无驻场人员" in line)
    assert "该问题已经鹤审管〔2026〕7号（2026年10月9日）通知限期于2026年10月15日前整改，逾期未整改" in old
    again = next(line for line in md.split("\n") if "2026年10月10日共1个工作日无驻场人员" in line)
    assert "**该问题系再次发生**（2026年9月30日核查已发现同类问题，并经鹤审管〔2026〕7号通知）" in again
    for line in (old, again):
        assert "依据合同八.1条款：甲方有权发出书面警示函，要求乙方限期纠正违约行为" in line
