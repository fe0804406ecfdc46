"""`lvyue rules ...`: lint, list, test, schema and coverage of a rule pack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import typer

from lvyue.engine.cli.common import echo_json
from lvyue.engine.cli.options import choice_parser, stdout_width
from lvyue.engine.errors import InputError

app = typer.Typer(
    help="规则包：检查、列表、场景测试、JSON Schema、条款覆盖 / rule packs: lint, list, scenario tests, JSON Schema, clause coverage.",
    no_args_is_help=True,
)
PackArg = typer.Argument(
    ..., metavar="PACK", help="规则包文件夹，如 rules/hebi-shuguang-2026 / a rule pack folder, e.g. rules/hebi-shuguang-2026"
)
JsonOpt = typer.Option(False, "--json", help="输出 JSON / print JSON.")


def load_pack(pack: Path, **kw: Any):
    from lvyue.engine.pack import load_pack as _load_pack

    return _load_pack(pack, **kw)


def _table(title: str, columns: list[tuple[str, str]], rows: list[list[str]], footer: str | None = None) -> None:
    """A rich table on stdout: columns measured in terminal cells, so Chinese text lines up."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_lines=False)
    for name, justify in columns:
        t.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        t.add_row(*(escape(c) for c in row))
    console = Console(width=stdout_width())
    console.print(t)
    if footer:
        console.print(footer, markup=False, highlight=False)


@app.command()
def lint(pack: Path = PackArg) -> None:
    """规则包中的每个问题（附文件与行号），有问题退出码 2 / every problem in the pack, with file and line; exit 2 if any."""
    errors: list[InputError] = []
    try:
        p = load_pack(pack, collect=errors)
    except InputError as exc:
        if exc not in errors:
            errors.insert(0, exc)
        p = None
    for e in errors:
        typer.echo(f"error: {e}")
    if errors:
        typer.echo(f"{len(errors)} problem(s)")
        raise typer.Exit(2)
    assert p is not None
    for name, role in p.file_roles.items():
        typer.echo(f"{role:<10} {name}")
    typer.echo(f"ok: {len(p.rules)} rules, {len(p.params)} parameters")


@app.command("list")
def list_(pack: Path = PackArg, as_json: bool = JsonOpt) -> None:
    """规则、条款、义务类型、义务方、严重程度、标题 / rule, clause, kind, obligor, severity, title."""
    p = load_pack(pack)
    rows = [
        {"id": r.id, "clause": r.clause, "kind": r.kind, "obligor": r.obligor, "severity": r.severity, "title": r.title}
        for r in p.rules
    ]
    if as_json:
        echo_json(rows)
        return
    _table(
        f"{p.contract.title}：{len(rows)} 条规则 / rules",
        [("规则 rule", "left"), ("条款 clause", "left"), ("类型 kind", "left"), ("义务方 obligor", "left"),
         ("严重程度 severity", "left"), ("标题 title", "left")],
        [[r["id"], r["clause"], r["kind"], r["obligor"], str(r["severity"] or ""), r["title"] or ""] for r in rows],
    )  # fmt: skip


@app.command()
def test(pack: Path = PackArg) -> None:
    """用每个已安装的求值器运行规则包的 YAML 场景测试，结果须一致 / run the pack's YAML scenario tests through every evaluator installed; they must agree."""
    from lvyue.engine.evaluators import available, by_name
    from lvyue.engine.scenarios import disagreements, run_pack_scenarios

    p = load_pack(pack)
    runs = {name: run_pack_scenarios(p, by_name(name)) for name in available()}
    first = next(iter(runs))
    outcomes = runs[first]
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        where = f"{Path(o.file).name}:{o.line}" if o.line else Path(o.file).name
        typer.echo(f"FAIL {where} {o.name}: " + "; ".join(o.problems))
    differ = [d for name in runs if name != first for d in disagreements(outcomes, runs[name])]
    for d in differ:
        typer.echo(f"DISAGREE {d}: the evaluators ({', '.join(runs)}) give different findings")
    typer.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed; evaluators: {', '.join(runs)}")
    if failed or differ:
        raise typer.Exit(1)


@app.command()
def schema(
    part: Literal["all", "contract", "rules", "scenarios", "facts"] = typer.Option(
        "all", "--part", parser=choice_parser("--part", ("all", "contract", "rules", "scenarios", "facts")),
        help="只输出一种文件的 Schema（供编辑器使用） / one file type only (for an editor).",
    ),
    facts: bool = typer.Option(
        False, "--facts", help="改为列出每个事实类型及字段 / instead: every fact type and field, from the declarations."
    ),
    fmt: Literal["json", "md"] = typer.Option(
        "json", "--format", parser=choice_parser("--format", ("json", "md")), help="与 --facts 合用 / with --facts."
    ),
    pack: Path | None = typer.Option(
        None, "--pack", metavar="PACK", help="与 --facts 合用：加上规则包 facts.yaml 的类型 / with --facts: add the pack's facts.yaml types."
    ),
) -> None:
    """contract.yaml、规则文件、场景文件与 facts.yaml 的 JSON Schema；或（--facts）事实类型 / JSON Schema of contract.yaml, rule files (every obligation kind's check), scenario files and facts.yaml; or, with --facts, the fact types."""
    from lvyue.engine.schema import fact_types, schemas

    if facts:
        typer.echo(fact_types(pack, fmt), nl=False)
        return
    docs = schemas()
    typer.echo(json.dumps(docs if part == "all" else docs[part], ensure_ascii=False, indent=2, sort_keys=True))


@app.command("compile")
def compile_(
    pack: Path = PackArg,
    engine_json: bool = typer.Option(
        False, "--engine", help="附上每条规则注册的 durable_rules JSON / add the durable_rules JSON rules each one registers."
    ),
) -> None:
    """每条规则在引擎中的形式：事实类型、字段、模式、参数、结果 / each rule as the engine evaluates it: fact types, fields, patterns, parameters, outcomes."""
    from lvyue.engine.compile import explain_pack

    typer.echo(json.dumps(explain_pack(load_pack(pack), engine_json), ensure_ascii=False, indent=2))


STATE_WORDS = {"ruled": "规则 ruled", "manual": "人工 manual", "uncovered": "未覆盖 uncovered"}


@app.command()
def coverage(pack: Path = PackArg, as_json: bool = JsonOpt) -> None:
    """合同每个编号条款及覆盖它的规则（或人工核查项）；有未覆盖条款退出码 1 / every numbered clause of the contract and the rules (or manual items) covering it; exit 1 if any is uncovered."""
    p = load_pack(pack)
    table = []
    for clause, heading in p.contract.clauses.items():
        rules = [r for r in p.rules if r.clause == clause or clause in r.related_clauses]
        state = "uncovered" if not rules else ("manual" if all(r.kind == "manual" for r in rules) else "ruled")
        table.append(
            {"clause": clause, "heading": heading, "state": state, "rules": [f"{r.id} ({r.kind})" for r in rules]}
        )
    missing = [r["clause"] for r in table if r["state"] == "uncovered"]
    if as_json:
        echo_json(table)
    else:
        covered = len(table) - len(missing)
        _table(
            f"{p.contract.title}：条款覆盖 / clause coverage",
            [("条款 clause", "left"), ("状态 state", "left"), ("条款内容 heading", "left"), ("规则 rules", "left")],
            [[r["clause"], STATE_WORDS[r["state"]], r["heading"], "\n".join(r["rules"]) or "—"] for r in table],
            f"已覆盖 {covered}/{len(table)} 条 / {covered} of {len(table)} clauses covered"
            + (f"；未覆盖 not covered: {', '.join(missing)}" if missing else ""),
        )
    if missing:
        raise typer.Exit(1)
