"""`lvyue rules ...`: lint, list, test, schema and coverage of a rule pack."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from engine.cli.common import echo_json
from engine.errors import InputError
from engine.pack import load_pack
from engine.scenarios import run_pack_scenarios

app = typer.Typer(help="Rule packs: lint, list, scenario tests, JSON Schema, clause coverage.")
PackArg = typer.Argument(..., metavar="PACK", help="A rule pack folder, e.g. rules/hebi-shuguang-2026")


@app.command()
def lint(pack: Path = PackArg) -> None:
    """Every problem in the pack, with file and line; exit 2 if any."""
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
def list_(pack: Path = PackArg, as_json: bool = typer.Option(False, "--json")) -> None:
    """Rule, clause, kind, obligor."""
    p = load_pack(pack)
    rows = [
        {"id": r.id, "clause": r.clause, "kind": r.kind, "obligor": r.obligor, "severity": r.severity, "title": r.title}
        for r in p.rules
    ]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        typer.echo(f"{r['id']:<28} {r['clause']:<12} {r['kind']:<15} {r['obligor']:<8} {r['title']}")


@app.command()
def test(pack: Path = PackArg) -> None:
    """Run the pack's YAML scenario tests through every evaluator installed; they must agree."""
    from engine.evaluators import available, by_name
    from engine.scenarios import disagreements

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
    part: str = typer.Option("all", "--part", help="all | contract | rules | scenarios | facts (one file type, for an editor)."),
    facts: bool = typer.Option(False, "--facts", help="Instead: every fact type and field, from the declarations."),
    fmt: str = typer.Option("json", "--format", help="With --facts: json | md."),
    pack: Path | None = typer.Option(None, "--pack", metavar="PACK", help="With --facts: add the pack's facts.yaml types."),
) -> None:
    """JSON Schema of contract.yaml, rule files (every obligation kind's check), scenario files and facts.yaml; or, with --facts, the fact types."""
    from engine.schema import fact_types, schemas

    if facts:
        typer.echo(fact_types(pack, fmt), nl=False)
        return
    docs = schemas()
    if part not in (*docs, "all"):
        raise InputError(f"expected all, contract, rules, scenarios or facts, got {part!r}", field="--part")
    typer.echo(json.dumps(docs if part == "all" else docs[part], ensure_ascii=False, indent=2, sort_keys=True))


@app.command("compile")
def compile_(
    pack: Path = PackArg,
    engine_json: bool = typer.Option(False, "--engine", help="add the durable_rules JSON rules each one registers"),
) -> None:
    """Each rule as the engine evaluates it: fact types, fields, patterns, parameters, outcomes."""
    from engine.compile import explain_pack

    typer.echo(json.dumps(explain_pack(load_pack(pack), engine_json), ensure_ascii=False, indent=2))


@app.command()
def coverage(pack: Path = PackArg, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every numbered clause of the contract and the rules (or manual items) covering it."""
    p = load_pack(pack)
    table = []
    for clause, heading in p.contract.clauses.items():
        rules = [r for r in p.rules if r.clause == clause or clause in r.related_clauses]
        state = "uncovered" if not rules else ("manual" if all(r.kind == "manual" for r in rules) else "ruled")
        table.append(
            {"clause": clause, "heading": heading, "state": state, "rules": [f"{r.id} ({r.kind})" for r in rules]}
        )
    if as_json:
        echo_json(table)
    else:
        for row in table:
            rules = ", ".join(row["rules"]) or "—"
            typer.echo(f"{row['clause']:<10} {row['state']:<9} {row['heading']}  ← {rules}")
    missing = [r["clause"] for r in table if r["state"] == "uncovered"]
    if not as_json:
        typer.echo(f"{len(table) - len(missing)} of {len(table)} clauses covered" + (f"; not covered: {', '.join(missing)}" if missing else ""))
    if missing:
        raise typer.Exit(1)
