"""`lvyue report audit|prepay` and `lvyue notice`: documents from a saved check result.

The lead mounts `app` as `lvyue report` and `notice` as `lvyue notice`.
Every report reads the JSON that `lvyue check --format json -o FILE` wrote,
so it can be rebuilt later from that file alone (plus the pack, for the
calendar and the rules' remediation).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import typer

from lvyue.engine.cli.options import choice_parser, date_parser, wrote
from lvyue.engine.errors import InputError

app = typer.Typer(
    help="由保存的核查结果生成报告：季度核查报告、结算前核查 / reports from a saved check result: quarterly audit, pre-payment check.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

MASK_HELP = "完整显示身份证号与手机号（默认遮蔽） / show ID-card and mobile numbers in full (default: masked)."
RESULT_HELP = "`lvyue check --format json -o FILE` 写出的结果 / JSON written by `lvyue check --format json`."
OUT_HELP = "写入文件（docx、xlsx 必须给出） / write to this file (required for docx, xlsx)."
TEMPLATE_HELP = (
    "机关自己的 Word 模板（.docx：沿用其样式、版头、页面；{{正文}} 处放正文，{{印章}} 为印章图片） / "
    "the agency's own Word template (.docx: its styles, header and page are used; body at {{正文}}, seal at {{印章}})."
)
PACK_HELP = "规则包（默认：结果中记载的规则包） / rule pack (default: the one named in the result)."
AUDIT_FORMATS = ("md", "html", "docx", "json", "xlsx")
PREPAY_FORMATS = ("md", "html", "docx", "json")
NOTICE_FORMATS = ("docx", "md", "html")


def _deliver(data: bytes, fmt: str, output: Path | None) -> None:
    """The document to -o FILE (said on stderr) or, for a text format, to stdout."""
    from lvyue.reports.output import deliver

    deliver(data, fmt, output)
    if output is not None:
        wrote(output)


def _load(path: Path, no_mask: bool) -> dict:
    from lvyue.engine.privacy import mask
    from lvyue.reports.source import load_result

    result = load_result(path)
    check_shape(result, str(path))
    return result if no_mask else mask(result)


# --- the shape of a saved result: a damaged file is the user's input error (exit 2), not a crash ---

_TEXT_OR_NONE = ("clause", "title", "subject", "kind", "obligor", "severity", "consequence")
_OBJECT_OR_NONE = ("amounts", "details", "period", "deadline")
_LIST = ("evidence", "notes")


def _iso_day(value: Any, file: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"expected an ISO date like 2026-09-01, got {value!r}", file=file, field=field) from None


def _need(ok: bool, what: str, file: str, field: str) -> None:
    if not ok:
        raise InputError(f"expected {what} (is this a result written by `lvyue check --format json`?)", file=file, field=field)


def check_shape(result: dict[str, Any], file: str) -> None:
    """Every key the reports read has the type `lvyue check` writes, before any report is built."""
    from lvyue.engine.findings import STATUSES

    contract = result["contract"]
    _need(isinstance(contract, dict), "an object", file, "contract")
    for k in ("id", "title"):
        _need(isinstance(contract.get(k), str), "text", file, f"contract.{k}")
    parties = contract.get("parties")
    _need(isinstance(parties, dict) and isinstance(parties.get("party_a"), dict), "an object with party_a", file, "contract.parties")
    for role, party in parties.items():
        _need(isinstance(party, dict) and isinstance(party.get("name"), str), "an object with a name", file, f"contract.parties.{role}")
    _need(contract.get("pack") is None or isinstance(contract.get("pack"), str), "text", file, "contract.pack")
    _iso_day(result["as_of"], file, "as_of")
    _need(isinstance(result["period"], dict), "an object with start and end", file, "period")
    start = _iso_day(result["period"].get("start"), file, "period.start")
    end = _iso_day(result["period"].get("end"), file, "period.end")
    _need(start <= end, "a period that ends after it starts", file, "period")
    _need(isinstance(result["summary"], dict), "an object", file, "summary")
    _need(isinstance(result["parameters"], dict), "an object", file, "parameters")
    _need(isinstance(result["coverage"], list) and all(isinstance(c, dict) for c in result["coverage"]), "a list of objects", file, "coverage")
    for key in ("manifest", "unlisted_files"):
        _need(isinstance(result.get(key, []), list), "a list", file, key)
    for i, f in enumerate(result["findings"]):
        where = f"findings[{i}]"
        _need(isinstance(f, dict), "an object", file, where)
        for k in ("id", "rule", "status"):
            _need(isinstance(f.get(k), str) and f[k] != "", "text", file, f"{where}.{k}")
        _need(f["status"] in STATUSES, "one of " + ", ".join(STATUSES), file, f"{where}.status")
        msg = f.get("message")
        _need(
            isinstance(msg, dict) and all(isinstance(msg.get(lang), str) for lang in ("zh", "en")),
            "an object with zh and en text",
            file,
            f"{where}.message",
        )
        for k in _TEXT_OR_NONE:
            _need(f.get(k) is None or isinstance(f[k], str), "text", file, f"{where}.{k}")
        for k in _OBJECT_OR_NONE:
            _need(f.get(k) is None or isinstance(f[k], dict), "an object", file, f"{where}.{k}")
        for k in _LIST:
            _need(f.get(k) is None or isinstance(f[k], list), "a list", file, f"{where}.{k}")
        if f.get("deadline"):
            _iso_day(f["deadline"].get("date"), file, f"{where}.deadline.date")
        for j, e in enumerate(f.get("evidence") or []):
            _need(isinstance(e, dict), "an object", file, f"{where}.evidence[{j}]")


# Amounts a contract can name: a trillion yuan is already absurd; beyond it Decimal quantizing fails.
MAX_AMOUNT = Decimal(10) ** 12


def check_amounts(settlement: Any) -> None:
    """Every decimal in the settlement facts is finite and below a trillion, or an input error naming it."""
    for t, facts in sorted(settlement.facts.items()):
        for i, fact in enumerate(facts):
            for name, value in fact:
                if isinstance(value, float) and not isinstance(value, bool):
                    value = Decimal(repr(value)) if math.isfinite(value) else Decimal("Infinity")
                if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= MAX_AMOUNT):
                    raise InputError(
                        f"amount {value} is out of range (at most {MAX_AMOUNT:,} in absolute value)",
                        field=f"settlement_facts.{t}[{i}].{name}",
                    )


@app.command("audit")
def audit(
    result_json: Path = typer.Argument(..., metavar="RESULT_JSON", help=RESULT_HELP),
    fmt: Literal["md", "html", "docx", "json", "xlsx"] = typer.Option(
        "md", "--format", parser=choice_parser("--format", AUDIT_FORMATS), help="格式（xlsx：发现清单） / format (xlsx: the findings)."
    ),
    lang: Literal["zh", "en"] = typer.Option(
        "zh", "--lang", parser=choice_parser("--lang", ("zh", "en")), help="语言 / language."
    ),
    output: Path | None = typer.Option(None, "-o", "--output", metavar="FILE", help=OUT_HELP),
    pack: Path | None = typer.Option(
        None, "--pack", metavar="PACK",
        help="规则包，其 templates/ 覆盖内置模板（默认：结果中的） / pack whose templates/ override the built-in ones (default: the result's).",
    ),  # fmt: skip
    no_mask: bool = typer.Option(False, "--no-mask", help=MASK_HELP),
    template: Path | None = typer.Option(
        None, "--template", metavar="DOCX", help=TEMPLATE_HELP,
    ),
) -> None:
    """季度核查报告：摘要、逐条款、发现及证据与期限、核查清单、输入清单 / quarterly audit report: summary, every clause, findings with evidence and deadlines, checklist, manifest."""
    from lvyue.reports import audit as audit_mod
    from lvyue.reports.output import Rendered, fixed_zip, to_bytes, writable
    from lvyue.reports.source import resolve_pack
    from lvyue.reports.templating import labels, markdown_env, render

    writable(output)
    result = _load(result_json, no_mask)
    day = dt.date.fromisoformat(result["as_of"])  # the document's date: its metadata, never "now"
    pack_dir = resolve_pack(result, result_json, _pack(result, result_json, pack))
    L = labels(pack_dir, lang)
    ctx = audit_mod.build_audit(result, lang)
    if fmt == "xlsx":
        from lvyue.reports.xlsx import to_xlsx

        _deliver(fixed_zip(to_xlsx(ctx, L), day), fmt, output)
        return
    md = render(markdown_env(pack_dir), "audit.md.j2", {**ctx, "L": L, "lang": lang})
    title = f"{result['contract']['title']} {L['audit_title']}"
    author = result["contract"]["parties"]["party_a"]["name"]
    _deliver(to_bytes(Rendered(md, title, lang, pack_dir, "report", author, ctx, day, template), fmt), fmt, output)


@app.command("prepay")
def prepay(
    result_json: Path = typer.Argument(..., metavar="RESULT_JSON", help=RESULT_HELP),
    pack: Path | None = typer.Option(None, "--pack", metavar="PACK", help=PACK_HELP),
    payment_date: dt.date | None = typer.Option(
        None, "--payment-date", parser=date_parser("--payment-date"),
        help="计划或实际付款日，如 2027-04-20 或 2027年4月20日 / planned or actual payment date.",
    ),  # fmt: skip
    fmt: Literal["md", "html", "docx", "json"] = typer.Option(
        "md", "--format", parser=choice_parser("--format", PREPAY_FORMATS), help="格式 / format."
    ),
    output: Path | None = typer.Option(None, "-o", "--output", metavar="FILE", help=OUT_HELP),
    no_mask: bool = typer.Option(False, "--no-mask", help=MASK_HELP),
) -> None:
    """结算前核查：逐项费用、付款阻断、扣款、预算上限、付款期限、逾期及违约金 / pre-payment check: fee line by line, blockers, deductions, budget cap, due date, lateness, overdue sum."""
    from lvyue.engine.pack import load_pack
    from lvyue.reports import prepay as prepay_mod
    from lvyue.reports.output import Rendered, to_bytes, writable
    from lvyue.reports.settlement import load_settlement
    from lvyue.reports.source import need_pack
    from lvyue.reports.templating import markdown_env, render

    writable(output)
    day = payment_date
    result = _load(result_json, no_mask)
    pack_dir = need_pack(result, result_json, _pack(result, result_json, pack))
    loaded = load_pack(pack_dir)
    settlement = load_settlement(result, loaded.fact_types)
    check_amounts(settlement)
    ctx = prepay_mod.build_prepay(result, loaded, settlement, day)
    md = render(markdown_env(pack_dir), "prepay.md.j2", ctx)
    title = f"{result['contract']['title']} 结算前核查（{ctx['settlement']['label']}）"
    author = result["contract"]["parties"]["party_a"]["name"]
    as_of = dt.date.fromisoformat(result["as_of"])
    _deliver(to_bytes(Rendered(md, title, "zh", pack_dir, "report", author, ctx, as_of), fmt), fmt, output)


def notice(
    result_json: Path = typer.Argument(..., metavar="RESULT_JSON", help=RESULT_HELP),
    kind: Literal["rectification", "warning"] = typer.Option(
        ..., "--kind", parser=choice_parser("--kind", ("rectification", "warning")),
        help="整改通知书（rectification）或警示函（warning） / rectification notice or warning letter.",
    ),  # fmt: skip
    findings: str | None = typer.Option(
        None, "--findings", metavar="ID,ID,...",
        help="发现编号，逗号分隔（默认：乙方全部违约项） / finding ids, comma-separated (default: every breach by party_b).",
    ),  # fmt: skip
    number: str | None = typer.Option(
        None, "--number", metavar="文号", help="发文字号，如 鹤审管〔2026〕3号 / document number, e.g. 鹤审管〔2026〕3号"
    ),
    issue_date: dt.date | None = typer.Option(
        None, "--issue-date", parser=date_parser("--issue-date"),
        help="发文日期（默认：核查基准日），如 2027-01-05 或 2027年1月5日 / date of issue (default: the audit date).",
    ),  # fmt: skip
    fmt: Literal["docx", "md", "html"] = typer.Option(
        "docx", "--format", parser=choice_parser("--format", NOTICE_FORMATS), help="格式 / format."
    ),
    output: Path | None = typer.Option(None, "-o", "--output", metavar="FILE", help=OUT_HELP),
    pack: Path | None = typer.Option(None, "--pack", metavar="PACK", help=PACK_HELP),
    no_mask: bool = typer.Option(False, "--no-mask", help=MASK_HELP),
    template: Path | None = typer.Option(
        None, "--template", metavar="DOCX", help=TEMPLATE_HELP,
    ),
    issue: bool = typer.Option(
        False, "--issue", help="将通知记入台账（须给 --number） / record the notice in the ledger (needs --number)."
    ),
    ledger: Path | None = typer.Option(None, "--ledger", metavar="FILE", help="--issue 所用台账 / ledger file for --issue."),
) -> None:
    """整改通知书或警示函（GB/T 9704-2012 版式），由选定的发现生成 / rectification notice or warning letter, laid out per GB/T 9704-2012, from chosen findings."""
    from lvyue.engine.pack import load_pack
    from lvyue.reports import notice as notice_mod
    from lvyue.reports.output import Rendered, to_bytes, writable
    from lvyue.reports.source import need_pack
    from lvyue.reports.templating import markdown_env, render

    writable(output)
    day = issue_date
    ids = [x.strip() for x in findings.split(",") if x.strip()] if findings else None
    if findings is not None and not ids:
        raise InputError("expected finding ids separated by commas", field="--findings")
    if issue and not number:
        raise InputError("a notice recorded with --issue needs its --number", field="--number")
    result = _load(result_json, no_mask)
    pack_dir = need_pack(result, result_json, _pack(result, result_json, pack))
    loaded = load_pack(pack_dir)
    ctx = notice_mod.build_notice(result, loaded, kind, ids, number, day)
    md = render(markdown_env(pack_dir), "notice.md.j2", ctx)
    issued = dt.date.fromisoformat(ctx["issue_date"])  # the notice's date: its metadata, never "now"
    data = to_bytes(Rendered(md, ctx["title"], "zh", pack_dir, "official", ctx["authority"], ctx, issued, template), fmt)
    record = record_notice if issue else None  # resolve the ledger before writing anything
    if record is not None:
        _ledger_module()
    _deliver(data, fmt, output)
    for w in ctx["warnings"]:
        typer.echo(f"note: {w}", err=True)
    if record is not None:
        path = _ledger_path(ledger)
        notice_id = record(path, notice_mod.ledger_record(ctx, loaded))
        where = path.as_posix()
        ident = f" {notice_id}" if notice_id else ""
        typer.echo(
            f"已记录{ctx['title']} {ctx['number']}（{len(ctx['items'])} 项）{ident} 于台账 {where} / "
            f"recorded {ctx['title']} {ctx['number']} ({len(ctx['items'])} items){ident} in the ledger {where}",
            err=True,
        )


def _pack(result: dict[str, Any], result_json: Path, given: Path | None) -> Path | None:
    """--pack, else the result's pack (stored relative to the folder `lvyue check` ran in): tried from
    here, then from the result file's folder and each folder above it. None: let reports.source decide."""
    if given is not None:
        return given
    stored = (result.get("contract") or {}).get("pack")
    if not stored:
        return None
    for base in (Path.cwd(), *Path(result_json).resolve().parents):
        cand = base / stored
        if (cand / "contract.yaml").is_file():
            return cand
    return None


def _ledger_module():
    import importlib

    try:
        ledger = importlib.import_module("lvyue.engine.ledger")  # written alongside; optional until it lands
    except ImportError:
        raise InputError("ledger not available") from None
    if not hasattr(ledger, "record_notice") or not hasattr(ledger, "resolve"):
        raise InputError("ledger not available")
    return ledger


def _ledger_path(given: Path | None) -> Path:
    """--ledger, else $LVYUE_LEDGER, else ./lvyue-ledger.sqlite (--issue asked for a ledger)."""
    return Path(_ledger_module().resolve(given))


def record_notice(ledger_path: Path, record: dict) -> str | None:
    return _ledger_module().record_notice(ledger_path, record)
