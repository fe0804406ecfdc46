"""`lvyue check`: load the evidence, evaluate the pack, print or write the findings."""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import nullcontext
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from engine import ledger
from engine.calendar import provisional_dates, provisional_words
from engine.cli.common import dump_json, parse_date, parse_period, writable, write_text
from engine.errors import InputError
from engine.evaluate import evaluate
from engine.evaluators import by_name
from engine.findings import STATUS_ZH
from engine.pack import load_pack
from engine.privacy import mask
from engine.result import build
from facts.evidence import load_evidence

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
    as_of: str | None,
    period: tuple[dt.date, dt.date],
    ledger_path: Path | None = None,
    record: bool = False,
    evaluator: str | None = None,
) -> dict:
    """Load, evaluate, build the result; with a ledger asked for, add follow-up (and record if asked)."""
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
                bar.update(task, completed=done, total=total, description=f"loading {name}")

            evidence = load_evidence(evidence_dir, progress=tick, types=types)
    else:
        evidence = load_evidence(evidence_dir, types=types)
    if as_of:
        day, basis = parse_date(as_of, "--as-of"), "given"
        check_as_of(day, period, pack.contract.signed_on)
    else:
        day, basis = default_as_of(period, evidence)
    with err.status("evaluating rules…", spinner="dots") if sys.stderr.isatty() else nullcontext():
        ev = evaluate(
            pack, evidence.facts, as_of=day, period=period, present=evidence.present_types(), evaluator=by_name(evaluator),
            evidence=evidence,  # rejected rows and empty registers: never compliant on what could not be read
        )
    result = build(ev, evidence, basis)
    if path is not None:
        rects = [f.fields() for f in evidence.facts.get("rectification", [])]
        follow = ledger.follow_up(path, result, rects)
        if record:
            ledger.record_audit(path, result, rects)
        result["follow_up"] = follow
        result["ledger"] = {"file": path.as_posix(), "recorded": record}
    return result


def to_markdown(result: dict) -> str:
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
    for f in result["findings"]:
        dl = f["deadline"]["date"] if f["deadline"] else ""
        msg = f["message"]["zh"].replace("|", "\\|")
        if words := provisional_words(f):
            msg += f"（{words}）"
        lines.append(f"| {STATUS_ZH[f['status']]} | {f['clause']} | {f['rule']} | {f['subject']} | {msg} | {dl} |")
    return "\n".join(lines) + "\n"


def _ledger_line(info: dict) -> str:
    return info["file"] + ("（本次已记录 recorded）" if info.get("recorded") else "（仅对照 compared, not recorded）")


def print_table(result: dict, console: Console, show_all: bool) -> None:
    # Evidence text may hold anything, "[/]" included: escape it so rich prints it, never parses it.
    t = Table(
        title=escape(f"{result['contract']['title']}  as of {result['as_of']}  ({result['period']['start']}..{result['period']['end']})")
    )
    for col in ("status", "clause", "rule", "subject", "finding", "deadline"):
        t.add_column(col, overflow="fold")
    for f in result["findings"]:
        if not show_all and f["status"] in ("compliant", "manual", "not_due", "not_applicable"):
            continue
        dl = f["deadline"]["date"] if f["deadline"] else ""
        if f["deadline"] and f["deadline"]["provisional"]:
            dl += " (provisional)"
        msg = f["message"]["zh"] + (f"（{w}）" if (w := provisional_words(f)) else "")
        t.add_row(
            f"[{STYLE.get(f['status'], 'white')}]{escape(f['status'])}[/]",
            *(escape(str(x or "")) for x in (f["clause"], f["rule"], f["subject"], msg, dl)),
        )
    console.print(t)
    s = result["summary"]["by_status"]
    console.print("  ".join(f"{k}: {v}" for k, v in s.items()) + f"   needs action: {result['summary']['needs_action']}")
    rejected = sum(len(m["rejected"]) for m in result["manifest"])
    if rejected:
        console.print(f"[yellow]{rejected} evidence row(s) rejected: see `lvyue facts inspect` for each one[/]")
    for g in result.get("incomplete_evidence") or []:
        rules = escape(", ".join(g["rules"]))
        console.print(f"[yellow]incomplete evidence: {escape(g['fact_type'])} ({g['count']} not read); never compliant: {rules}[/]")
    if result.get("empty_registers"):
        empty = ", ".join(f"{t} ({', '.join(fs)})" for t, fs in result["empty_registers"].items())
        console.print(
            "[yellow]empty registers, treated as no evidence (set empty_means: none if empty means none happened): "
            + escape(empty) + "[/]"
        )
    if result["unlisted_files"]:
        console.print("[yellow]not in evidence.yaml (not loaded): " + escape(", ".join(result["unlisted_files"])) + "[/]")
    if result.get("ledger"):
        console.print("ledger: " + escape(_ledger_line(result["ledger"])))
    prov = [y for y, v in result["calendar"]["years"].items() if v == "provisional"]
    if any(provisional_dates(f) for f in result["findings"]):
        console.print(
            "(provisional) a date falls in a year without an official State Council arrangement"
            + (f" ({', '.join(prov)})" if prov else "")
            + ": add a calendar override file to make it official"
        )


def check(
    evidence_dir: Path = typer.Argument(..., metavar="EVIDENCE_DIR"),
    pack: Path = typer.Option(..., "--pack", help="Rule pack folder."),
    as_of: str | None = typer.Option(None, "--as-of", help="Audit date (default: last day the evidence covers)."),
    period: str | None = typer.Option(None, "--period", help="START..END"),
    quarter: str | None = typer.Option(None, "--quarter", help="e.g. 2026Q3"),
    half: str | None = typer.Option(None, "--half", help="e.g. 2026H2"),
    fmt: str = typer.Option("table", "--format", help="table | json | md"),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file."),
    show_all: bool = typer.Option(False, "--all", help="Table: include compliant and manual items."),
    record: bool = typer.Option(False, "--record", help="Record this audit in the findings ledger."),
    ledger_file: Path | None = typer.Option(
        None,
        "--ledger",
        help="Follow up against this ledger (used only when --ledger, --record or $LVYUE_LEDGER asks; "
        "--record without --ledger: $LVYUE_LEDGER or ./lvyue-ledger.sqlite).",
    ),
    evaluator: str | None = typer.Option(
        None, "--evaluator", help="durable_rules (default where installed) or reference."
    ),
    no_mask: bool = typer.Option(
        False, "--no-mask", help="Keep ID-card and phone numbers unmasked in the output (masked by default)."
    ),
) -> None:
    """Check the evidence against the pack. Exit 0: nothing needs action; 1: findings need action."""
    if fmt not in ("table", "json", "md"):
        raise InputError(f"expected table, json or md, got {fmt!r}", field="--format")
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
    elif fmt != "table":
        sys.stdout.write(text)
    if fmt == "table":
        print_table(result, Console(width=None if sys.stdout.isatty() else 160), show_all)
    raise typer.Exit(1 if result["summary"]["needs_action"] else 0)
