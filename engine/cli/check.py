"""`lvyue check`: load the evidence, evaluate the pack, print or write the findings."""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Literal

import typer

from lvyue.engine.cli.common import dump_json, parse_date, parse_period, writable, write_text
from lvyue.engine.cli.options import choice_parser, date_parser, stdout_width, wrote
from lvyue.engine.errors import InputError

STYLE = {
    "breach": "bold red", "at_risk": "yellow", "no_evidence": "magenta", "manual": "cyan", "compliant": "green",
    "not_due": "blue", "not_applicable": "dim",
}


def default_as_of(period: tuple[dt.date, dt.date], evidence) -> tuple[dt.date, str]:
    """The last day the evidence covers, within the period: deterministic for the same inputs."""
    ends = [r.date_range[1] for r in evidence.files if r.date_range]
    if not ends:
        return period[1], "period_end"
    return min(max(max(ends), period[0]), period[1]), "evidence"


def ledger_asked(ledger_path: Path | None, record: bool) -> Path | None:
    """The ledger this check uses: only when asked (--ledger, --record or $LVYUE_LEDGER), never by chance.

    A ledger that does not exist yet is only created by --record; asking to follow
    up against a missing one is a usage error, not a silent "everything is new".
    """
    from lvyue.engine import ledger

    if ledger_path is None and not record and not os.environ.get(ledger.ENV_PATH):
        return None
    path = ledger.resolve(ledger_path)
    if not record and not path.is_file():
        how = "--ledger" if ledger_path is not None else f"${ledger.ENV_PATH}"
        raise InputError(
            f"ledger not found (named by {how}; create it with `lvyue check ... --record`)", file=str(path)
        )
    return path


def check_as_of(day: dt.date, period: tuple[dt.date, dt.date], signed_on: dt.date) -> None:
    """An audit date before the contract was signed or before the period starts judges nothing."""
    if day < signed_on:
        raise InputError(
            f"as-of date {day.isoformat()} is before the contract's signing date {signed_on.isoformat()}",
            field="--as-of",
        )
    if day < period[0]:
        raise InputError(
            f"as-of date {day.isoformat()} is before the period start {period[0].isoformat()}", field="--as-of"
        )


def run_check(
    evidence_dir: Path,
    pack_dir: Path,
    as_of: str | dt.date | None,
    period: tuple[dt.date, dt.date],
    ledger_path: Path | None = None,
    record: bool = False,
    evaluator: str | None = None,
) -> dict:
    """Load, evaluate, build the result; with a ledger asked for, add follow-up (and record if asked)."""
    from rich.console import Console
    from rich.progress import Progress

    from lvyue.engine import ledger
    from lvyue.engine.evaluate import evaluate
    from lvyue.engine.evaluators import by_name
    from lvyue.engine.pack import load_pack
    from lvyue.engine.result import build
    from lvyue.facts.evidence import load_evidence

    pack = load_pack(pack_dir)
    path = ledger_asked(ledger_path, record)
    types = pack.fact_types  # built-in fact types + the pack's facts.yaml
    if not evidence_dir.is_dir():
        raise InputError("evidence folder not found", file=str(evidence_dir))
    err = Console(stderr=True)
    if sys.stderr.isatty():
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("loading evidence", total=None)

            def tick(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=f"读取 loading {name}")

            evidence = load_evidence(evidence_dir, progress=tick, types=types)
    else:
        evidence = load_evidence(evidence_dir, types=types)
    if as_of:
        day, basis = parse_date(as_of, "--as-of"), "given"
        check_as_of(day, period, pack.contract.signed_on)
    else:
        day, basis = default_as_of(period, evidence)
    with err.status("核查规则 evaluating rules…", spinner="dots") if sys.stderr.isatty() else nullcontext():
        ev = evaluate(
            pack, evidence.facts, as_of=day, period=period, present=evidence.present_types(), evaluator=by_name(evaluator),
            evidence=evidence,  # rejected rows and empty registers: never compliant on what could not be read
        )
    result = build(ev, evidence, basis)
    if path is not None:
        rects = [f.fields() for f in evidence.facts.get("rectification", [])]
        follow = ledger.follow_up(path, result, rects)
        if record:
            audit_id = ledger.record_audit(path, result, rects)
            where = path.as_posix()
            typer.echo(
                f"已记录本次核查 {audit_id}（基准日 {result['as_of']}）于台账 {where} / "
                f"recorded audit {audit_id} (as of {result['as_of']}) in the ledger {where}",
                err=True,
            )
        result["follow_up"] = follow
        result["ledger"] = {"file": path.as_posix(), "recorded": record}
    return result


def to_markdown(result: dict) -> str:
    from lvyue.engine.calendar import provisional_words
    from lvyue.engine.findings import STATUS_ZH
    from lvyue.reports.remedy import remediations

    c = result["contract"]
    lines = [
        f"# {c['title']} — 履约核查结果",
        "",
        f"- 核查基准日：{result['as_of']}　核查期间：{result['period']['start']} 至 {result['period']['end']}",
        f"- 需处理事项：{result['summary']['needs_action']}",
        *[
            f"- 证据不完整：{g['title_zh']}（{g['fact_type']}）{g['count']}处未读入，涉及规则 {', '.join(g['rules'])}"
            for g in result.get("incomplete_evidence") or []
        ],
        *([f"- 台账（ledger）：{_ledger_line(result['ledger'])}"] if result.get("ledger") else []),
        "",
        "| 状态 | 条款 | 规则 | 对象 | 说明 | 整改/履行期限 |",
        "|---|---|---|---|---|---|",
    ]
    remedy = remediations(result)
    for f in result["findings"]:
        dl = (remedy.get(f["id"]) or {}).get("text", "").replace("|", "\\|")
        msg = f["message"]["zh"].replace("|", "\\|")
        if words := provisional_words(f):
            msg += f"（{words}）"
        lines.append(f"| {STATUS_ZH[f['status']]} | {f['clause']} | {f['rule']} | {f['subject']} | {msg} | {dl} |")
    return "\n".join(lines) + "\n"


def _ledger_line(info: dict) -> str:
    return info["file"] + ("（本次已记录 recorded）" if info.get("recorded") else "（仅对照 compared, not recorded）")


def print_table(result: dict, console, show_all: bool) -> None:
    """The findings that need action (all with --all), the counts and the ledger: the result, on stdout."""
    from rich.markup import escape
    from rich.table import Table

    from lvyue.engine.calendar import provisional_words
    from lvyue.reports.remedy import remediations

    # Evidence text may hold anything, "[/]" included: escape it so rich prints it, never parses it.
    t = Table(
        title=escape(f"{result['contract']['title']}  as of {result['as_of']}  ({result['period']['start']}..{result['period']['end']})")
    )
    for col in ("status", "clause", "rule", "subject", "finding", "deadline"):
        t.add_column(col, overflow="fold")
    remedy = remediations(result)
    for f in result["findings"]:
        if not show_all and f["status"] in ("compliant", "manual", "not_due", "not_applicable"):
            continue
        dl = (remedy.get(f["id"]) or {}).get("text", "")  # the words and date every document uses
        if f["deadline"] and f["deadline"]["provisional"]:
            dl += "（暂定 provisional）"
        msg = f["message"]["zh"] + (f"（{w}）" if (w := provisional_words(f)) else "")
        t.add_row(
            f"[{STYLE.get(f['status'], 'white')}]{escape(f['status'])}[/]",
            *(escape(str(x or "")) for x in (f["clause"], f["rule"], f["subject"], msg, dl)),
        )
    console.print(t)
    s = result["summary"]["by_status"]
    console.print("  ".join(f"{k}: {v}" for k, v in s.items()) + f"   needs action: {result['summary']['needs_action']}")
    if result.get("ledger"):
        console.print("ledger: " + escape(_ledger_line(result["ledger"])))


def caveats(result: dict) -> list[str]:
    """What the reader of the result must know before trusting it: rejected rows, incomplete evidence,
    empty registers, unlisted files, provisional calendar years. Printed on stderr, whatever the format."""
    from lvyue.engine.calendar import provisional_dates

    out: list[str] = []
    rejected = sum(len(m["rejected"]) for m in result["manifest"])
    if rejected:
        out.append(f"注意：{rejected} 行证据未读入，逐行原因见 `lvyue facts inspect` / {rejected} evidence row(s) rejected: see `lvyue facts inspect` for each one")
    for g in result.get("incomplete_evidence") or []:
        rules = ", ".join(g["rules"])
        out.append(
            f"注意：证据不完整 {g['fact_type']}（{g['count']} 处未读入），以下规则不判合规：{rules} / "
            f"incomplete evidence: {g['fact_type']} ({g['count']} not read); never compliant: {rules}"
        )
    if result.get("empty_registers"):
        empty = ", ".join(f"{t} ({', '.join(fs)})" for t, fs in result["empty_registers"].items())
        out.append(
            f"注意：登记表为空，按无证据处理（若为空即无此事项，设 empty_means: none）：{empty} / "
            f"empty registers, treated as no evidence (set empty_means: none if empty means none happened): {empty}"
        )
    if result["unlisted_files"]:
        files = ", ".join(result["unlisted_files"])
        out.append(f"注意：未列入 evidence.yaml（未读取）：{files} / not in evidence.yaml (not loaded): {files}")
    prov = [y for y, v in result["calendar"]["years"].items() if v == "provisional"]
    if any(provisional_dates(f) for f in result["findings"]):
        years = f" ({', '.join(prov)})" if prov else ""
        out.append(
            f"注意：有日期落在尚无国务院放假安排的年份{years}，标为推定（provisional），可补充日历文件 / "
            f"(provisional) a date falls in a year without an official State Council arrangement{years}: "
            "add a calendar override file to make it official"
        )
    return out


FORMATS = ("table", "json", "md")
EVALUATORS = ("durable_rules", "reference")


def check(
    evidence_dir: Path = typer.Argument(
        ..., metavar="EVIDENCE_DIR", help="证据文件夹（含 evidence.yaml） / evidence folder (with evidence.yaml)"
    ),
    pack: Path = typer.Option(..., "--pack", metavar="PACK", help="规则包文件夹 / rule pack folder."),
    as_of: dt.date | None = typer.Option(
        None, "--as-of", parser=date_parser("--as-of"),
        help="核查基准日（默认：证据覆盖的最后一天），如 2026-12-31、 2026/12/31 或 2026年12月31日 / "
        "audit date (default: the last day the evidence covers).",
    ),  # fmt: skip
    period: str | None = typer.Option(
        None, "--period", metavar="START..END", help="核查期间 / period, e.g. 2026-07-01..2026-12-31"
    ),
    quarter: str | None = typer.Option(None, "--quarter", metavar="YYYYQn", help="季度 / quarter, e.g. 2026Q3"),
    half: str | None = typer.Option(None, "--half", metavar="YYYYHn", help="半年 / half year, e.g. 2026H2"),
    fmt: Literal["table", "json", "md"] = typer.Option(
        "table", "--format", parser=choice_parser("--format", FORMATS), help="输出格式 / output format."
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", metavar="FILE",
        help="写入文件（table 格式写入 JSON 结果） / write to this file (the JSON result for --format table).",
    ),  # fmt: skip
    show_all: bool = typer.Option(
        False, "--all", help="表格中也列出合规与人工核查项 / table: include compliant and manual items."
    ),
    record: bool = typer.Option(False, "--record", help="将本次核查记入台账 / record this audit in the findings ledger."),
    ledger_file: Path | None = typer.Option(
        None,
        "--ledger",
        metavar="FILE",
        help="对照此台账跟踪整改（仅在 --ledger、--record 或 $LVYUE_LEDGER 时使用） / follow up against this ledger "
        "(used only when --ledger, --record or $LVYUE_LEDGER asks; "
        "--record without --ledger: $LVYUE_LEDGER or ./lvyue-ledger.sqlite).",
    ),
    evaluator: Literal["durable_rules", "reference"] | None = typer.Option(
        None, "--evaluator", parser=choice_parser("--evaluator", EVALUATORS),
        help="规则求值器（默认：已安装时用 durable_rules） / rules evaluator (default: durable_rules where installed).",
    ),  # fmt: skip
    no_mask: bool = typer.Option(
        False, "--no-mask", help="不遮蔽身份证号与手机号 / keep ID-card and phone numbers unmasked (masked by default)."
    ),
) -> None:
    """按规则包核查证据。退出码 0：无需处理；1：有需处理的发现 / check the evidence against the pack. Exit 0: nothing needs action; 1: findings need action."""
    from rich.console import Console

    from lvyue.engine.privacy import mask

    if output is not None:
        writable(output)
    result = run_check(
        evidence_dir, pack, as_of, parse_period(period, quarter, half), ledger_file, record, evaluator
    )
    if not no_mask:  # every output a person reads: table, md, and the result JSON
        result = mask(result)
    if fmt == "json":
        text = dump_json(result) + "\n"
    elif fmt == "md":
        text = to_markdown(result)
    else:
        text = ""
    if output:
        write_text(output, text if fmt != "table" else dump_json(result) + "\n")
        wrote(output)
    elif fmt != "table":
        sys.stdout.write(text)
    if fmt == "table":
        print_table(result, Console(width=stdout_width()), show_all)
    err = Console(stderr=True, soft_wrap=True)
    for line in caveats(result):
        err.print(line, style="yellow", markup=False, highlight=False)
    raise typer.Exit(1 if result["summary"]["needs_action"] else 0)
