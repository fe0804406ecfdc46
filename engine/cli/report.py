"""`lvyue report audit|prepay` and `lvyue notice`: documents from a saved check result.

The lead mounts `app` as `lvyue report` and `notice` as `lvyue notice`.
Every report reads the JSON that `lvyue check --format json -o FILE` wrote,
so it can be rebuilt later from that file alone (plus the pack, for the
calendar and the rules' remediation).
"""

from __future__ import annotations

from pathlib import Path

import typer

from engine.errors import InputError
from engine.pack import load_pack
from engine.privacy import mask
from reports import audit as audit_mod
from reports import notice as notice_mod
from reports import prepay as prepay_mod
from reports.output import Rendered, check_format, deliver, to_bytes
from reports.settlement import load_settlement
from reports.source import load_result, need_pack, parse_day, resolve_pack
from reports.templating import labels, markdown_env, render

app = typer.Typer(
    help="Reports from a saved check result: quarterly audit, pre-payment check.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

MASK_HELP = "Show ID-card and mobile numbers in full (default: masked)."


def _load(path: Path, no_mask: bool) -> dict:
    result = load_result(path)
    return result if no_mask else mask(result)


@app.command("audit")
def audit(
    result_json: Path = typer.Argument(..., metavar="RESULT_JSON", help="JSON written by `lvyue check --format json`."),
    fmt: str = typer.Option("md", "--format", help="md | html | docx | json | xlsx"),
    lang: str = typer.Option("zh", "--lang", help="zh | en"),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file (required for docx, xlsx)."),
    pack: Path | None = typer.Option(None, "--pack", help="Pack whose templates/ override the built-in ones (default: the result's)."),
    no_mask: bool = typer.Option(False, "--no-mask", help=MASK_HELP),
) -> None:
    """Quarterly audit report: summary, every clause, findings with evidence and deadlines, checklist, manifest."""
    check_format(fmt, ("md", "html", "docx", "json", "xlsx"))
    result = _load(result_json, no_mask)
    pack_dir = resolve_pack(result, result_json, pack)
    L = labels(pack_dir, lang)
    ctx = audit_mod.build_audit(result, lang)
    if fmt == "xlsx":
        from reports.xlsx import to_xlsx

        deliver(to_xlsx(ctx, L), fmt, output)
        return
    md = render(markdown_env(pack_dir), "audit.md.j2", {**ctx, "L": L, "lang": lang})
    title = f"{result['contract']['title']} {L['audit_title']}"
    author = result["contract"]["parties"]["party_a"]["name"]
    deliver(to_bytes(Rendered(md, title, lang, pack_dir, "report", author, ctx), fmt), fmt, output)


@app.command("prepay")
def prepay(
    result_json: Path = typer.Argument(..., metavar="RESULT_JSON"),
    pack: Path | None = typer.Option(None, "--pack", help="Rule pack (default: the one named in the result)."),
    payment_date: str | None = typer.Option(None, "--payment-date", help="Planned or actual payment date (ISO)."),
    fmt: str = typer.Option("md", "--format", help="md | html | docx | json"),
    output: Path | None = typer.Option(None, "-o", "--output"),
    no_mask: bool = typer.Option(False, "--no-mask", help=MASK_HELP),
) -> None:
    """Pre-payment check: fee line by line, blockers, deductions, budget cap, due date, lateness, overdue sum."""
    check_format(fmt, ("md", "html", "docx", "json"))
    day = parse_day(payment_date, "--payment-date")
    result = _load(result_json, no_mask)
    pack_dir = need_pack(result, result_json, pack)
    loaded = load_pack(pack_dir)
    ctx = prepay_mod.build_prepay(result, loaded, load_settlement(result, loaded.fact_types), day)
    md = render(markdown_env(pack_dir), "prepay.md.j2", ctx)
    title = f"{result['contract']['title']} 结算前核查（{ctx['settlement']['label']}）"
    author = result["contract"]["parties"]["party_a"]["name"]
    deliver(to_bytes(Rendered(md, title, "zh", pack_dir, "report", author, ctx), fmt), fmt, output)


def notice(
    result_json: Path = typer.Argument(..., metavar="RESULT_JSON"),
    kind: str = typer.Option(..., "--kind", help="rectification (整改通知书) | warning (警示函)"),
    findings: str | None = typer.Option(None, "--findings", help="Finding ids, comma-separated (default: every breach by party_b)."),
    number: str | None = typer.Option(None, "--number", help="发文字号, e.g. 鹤审管〔2026〕3号"),
    issue_date: str | None = typer.Option(None, "--issue-date", help="Date of issue (ISO; default: the audit date)."),
    fmt: str = typer.Option("docx", "--format", help="docx | md | html"),
    output: Path | None = typer.Option(None, "-o", "--output"),
    pack: Path | None = typer.Option(None, "--pack", help="Rule pack (default: the one named in the result)."),
    no_mask: bool = typer.Option(False, "--no-mask", help=MASK_HELP),
    issue: bool = typer.Option(False, "--issue", help="Record the notice in the ledger (needs --number)."),
    ledger: Path | None = typer.Option(None, "--ledger", help="Ledger file for --issue."),
) -> None:
    """Rectification notice or warning letter, laid out per GB/T 9704-2012, from chosen findings."""
    check_format(fmt, ("docx", "md", "html"))
    day = parse_day(issue_date, "--issue-date")
    ids = [x.strip() for x in findings.split(",") if x.strip()] if findings else None
    if findings is not None and not ids:
        raise InputError("expected finding ids separated by commas", field="--findings")
    if issue and not number:
        raise InputError("a notice recorded with --issue needs its --number", field="--number")
    result = _load(result_json, no_mask)
    pack_dir = need_pack(result, result_json, pack)
    loaded = load_pack(pack_dir)
    ctx = notice_mod.build_notice(result, loaded, kind, ids, number, day)
    md = render(markdown_env(pack_dir), "notice.md.j2", ctx)
    data = to_bytes(Rendered(md, ctx["title"], "zh", pack_dir, "official", ctx["authority"], ctx), fmt)
    record = record_notice if issue else None  # resolve the ledger before writing anything
    if record is not None:
        _ledger_module()
    deliver(data, fmt, output)
    for w in ctx["warnings"]:
        typer.echo(f"note: {w}", err=True)
    if record is not None:
        record(_ledger_path(ledger), notice_mod.ledger_record(ctx, loaded))
        typer.echo(f"recorded {ctx['title']} {ctx['number']} ({len(ctx['items'])} items) in the ledger", err=True)


def _ledger_module():
    import importlib

    try:
        ledger = importlib.import_module("engine.ledger")  # written alongside; optional until it lands
    except ImportError:
        raise InputError("ledger not available") from None
    if not hasattr(ledger, "record_notice"):
        raise InputError("ledger not available")
    return ledger


def _ledger_path(given: Path | None) -> Path:
    if given is not None:
        return given
    default = getattr(_ledger_module(), "DEFAULT_PATH", None)
    if default is None:
        raise InputError("--issue needs --ledger FILE", field="--ledger")
    return Path(default)


def record_notice(ledger_path: Path, record: dict) -> None:
    _ledger_module().record_notice(ledger_path, record)
