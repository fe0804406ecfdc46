"""`lvyue facts ...`: what an evidence folder holds, file by file, before any rule runs.

An auditor checks here that every file was read, that rows read = facts +
rejected, and why each rejected row was refused, before trusting findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from lvyue.engine.cli.common import echo_json
from lvyue.engine.errors import InputError

if TYPE_CHECKING:
    from lvyue.facts.evidence import EvidenceSet, FileReport

app = typer.Typer(
    help="证据文件夹：逐行核对读入情况与事实来源 / evidence folders: load, account for every row, show where facts came from.",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """证据文件夹及从中读入的事实 / evidence folders and the facts loaded from them."""


@app.command()
def inspect(
    evidence_dir: Path = typer.Argument(
        ..., metavar="EVIDENCE_DIR", help="含 evidence.yaml 的文件夹 / folder with evidence.yaml."
    ),
    as_json: bool = typer.Option(False, "--json", help="输出一个 JSON 对象 / print one JSON object."),
    with_facts: bool = typer.Option(False, "--facts", help="与 --json 合用：列出每条事实 / with --json: include every fact."),
    no_mask: bool = typer.Option(False, "--no-mask", help="不遮蔽身份证号与手机号 / show ID-card and phone numbers unmasked."),
    pack: Path | None = typer.Option(
        None, "--pack", metavar="PACK", help="规则包（其 facts.yaml 声明更多事实类型） / rule pack whose facts.yaml declares more fact types."
    ),
) -> None:
    """逐个文件：类型、sha256、行数 = 事实 + 拒收（附原因）、日期范围；未列入的文件 / per file: type, sha256, rows = facts + rejected (with reasons), date range; unlisted files."""
    from lvyue.engine.privacy import mask
    from lvyue.facts.evidence import load_evidence
    from lvyue.facts.typedecl import registry

    try:
        evidence = load_evidence(evidence_dir, types=registry(pack))
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        out = to_json(evidence, with_facts)
        echo_json(out if no_mask else mask(out))
    else:
        typer.echo(to_text(evidence))


def _title(r: FileReport) -> str:
    """The type's Chinese title: kept on the report (pack types too), else the built-in one."""
    from lvyue.facts.model import FACT_TYPES

    return r.title_zh or (FACT_TYPES[r.fact_type].title_zh if r.fact_type in FACT_TYPES else "")


def report_json(r: FileReport) -> dict[str, Any]:
    return {
        "file": r.file,
        "fact_type": r.fact_type,
        "title_zh": _title(r),
        "sha256": r.sha256,
        "sheet": r.sheet,
        "encoding": r.encoding,
        "rows": r.rows,
        "facts": r.facts,
        "rejected": [{"row": x.row, "field": x.field, "reason": x.reason} for x in r.rejected],
        "date_range": [d.isoformat() for d in r.date_range] if r.date_range else None,
        "ignored_columns": r.ignored_columns,
        "log": None
        if r.log is None
        else {
            "lines_aggregated": r.log.aggregated,
            "lines_outside_location": r.log.outside_location,
            "lines_rejected": r.rows - r.log.aggregated - r.log.outside_location,
            "derived_facts": r.log.derived,
        },
    }


def to_json(evidence: EvidenceSet, with_facts: bool = False) -> dict[str, Any]:
    """The JSON form; no absolute paths or times, so equal inputs give equal bytes."""
    out: dict[str, Any] = {
        "files": [report_json(r) for r in evidence.files],
        "unlisted": evidence.unlisted,
        "facts_by_type": {t: len(v) for t, v in evidence.facts.items()},
        "present_types": sorted(evidence.present_types()),
    }
    if with_facts:
        out["facts"] = {
            t: [f.model_dump(mode="json") for f in v] for t, v in evidence.facts.items()
        }
    return out


def to_text(evidence: EvidenceSet) -> str:
    lines: list[str] = []
    n_facts = sum(r.facts for r in evidence.files)
    n_rej = sum(len(r.rejected) for r in evidence.files)
    lines.append(f"{len(evidence.files)} files, {n_facts} facts, {n_rej} rejected")
    for r in evidence.files:
        where = f" sheet {r.sheet}" if r.sheet else ""
        lines.append("")
        lines.append(f"{r.file}{where}\t{r.fact_type} {_title(r)}")
        lines.append(f"  sha256 {r.sha256}")
        if r.log:
            bad = r.rows - r.log.aggregated - r.log.outside_location
            lines.append(
                f"  lines {r.rows} = aggregated {r.log.aggregated} + outside location "
                f"{r.log.outside_location} + rejected {bad}  ->  facts {r.facts}"
            )
        else:
            lines.append(f"  rows {r.rows} = facts {r.facts} + rejected {len(r.rejected)}")
        if r.date_range:
            lines.append(f"  dates {r.date_range[0].isoformat()} .. {r.date_range[1].isoformat()}")
        if r.encoding:
            lines.append(f"  encoding {r.encoding}")
        if r.ignored_columns:
            lines.append(f"  ignored columns: {', '.join(r.ignored_columns)}")
        for x in r.rejected:
            at = f"row {x.row}" if x.row is not None else "document"
            lines.append(
                f"  rejected {at}" + (f" [{x.field}]" if x.field else "") + f": {x.reason}"
            )
    if evidence.unlisted:
        lines.append("")
        lines.append("not in evidence.yaml (not loaded): " + ", ".join(evidence.unlisted))
    return "\n".join(lines)
