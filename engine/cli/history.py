"""`lvyue history [FINDING_ID] [--pack PACK]`: the life of one finding, or the open findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lvyue.engine.cli.common import echo_json
from lvyue.engine.cli.options import stdout_width
from lvyue.engine.errors import InputError

STATE_STYLE = {"open": "yellow", "overdue": "bold red", "recurring": "bold red", "rectified": "green"}
NOTICE_ZH = {"rectification": "整改通知书", "warning": "警示函"}


def _x(value: Any) -> str:
    """Ledger text (subjects, messages, notice numbers) printed as written: rich markup escaped."""
    return escape("" if value is None else str(value))


def _state(e: dict[str, Any] | None) -> str:
    from lvyue.engine.ledger import STATE_ZH

    if not e:
        return "—"
    s = e["state"]
    return f"[{STATE_STYLE.get(s, 'white')}]{_x(STATE_ZH.get(s, s))}[/]"


def _escalation(e: dict[str, Any] | None) -> str:
    esc = (e or {}).get("escalation")
    if not esc:
        return ""
    clause = f"（{esc['clause']}）" if esc.get("clause") else ""
    return _x(f"{esc['label']}{clause}")


def _open_table(rows: list[dict[str, Any]], console: Console, path: Path) -> None:
    if not rows:
        console.print(f"no open findings in {_x(path)}")
        return
    t = Table(title=f"open findings — {_x(path)}")
    for col in ("finding", "clause", "subject", "first seen", "notices", "deadline", "state", "next step"):
        t.add_column(col, overflow="fold")
    for e in rows:
        notices = ", ".join(f"{NOTICE_ZH.get(n['kind'], n['kind'])} {n['number']}" for n in e["notices"])
        t.add_row(
            _x(e["finding_id"]),
            _x(e["clause"]),
            _x(e["subject"]),
            _x(e["first_seen"]),
            _x(notices),
            _x(e["deadline"]),
            _state(e),
            _escalation(e),
        )
    console.print(t)


def _life(life: dict[str, Any], console: Console) -> None:
    from lvyue.engine.findings import STATUS_ZH

    e = life["follow_up"]
    console.print(f"[bold]{_x(life['finding_id'])}[/]  {_x(life['clause'])}  {_x(life['title'] or life['rule'])}")
    if life["subject"]:
        console.print(f"subject: {_x(life['subject'])}")
    t = Table(title="audits")
    for col in ("as of", "period", "audit", "status", "finding", "deadline"):
        t.add_column(col, overflow="fold")
    for a in life["audits"]:
        t.add_row(
            _x(a["as_of"]),
            _x(f"{a['period']['start']}..{a['period']['end']}"),
            _x(a["audit"]),
            _x(STATUS_ZH.get(a["status"], a["status"])),
            _x(a["message"]),
            _x(a["deadline"]),
        )
    console.print(t)
    for n in life["notices"]:
        console.print(
            _x(f"notice: {NOTICE_ZH.get(n['kind'], n['kind'])} {n['number']} issued {n['issue_date']}, deadline {n['deadline']}")
        )
    for r in life["rectifications"]:
        note = f" (answers {r['notice']})" if r.get("notice") else ""
        console.print(_x(f"rectification {r['id']} submitted {r['submitted_on']}{note}: {r.get('description') or ''}"))
    if e:
        line = f"state: {_state(e)}"
        if e.get("deadline"):
            line += f"  deadline {_x(e['deadline'])}"
        if e.get("rectified_on"):
            line += f"  rectified on {_x(e['rectified_on'])}"
        if e.get("escalation"):
            line += f"  next: {_escalation(e)}"
        console.print(line)


def history(
    finding_id: str | None = typer.Argument(
        None, metavar="FINDING_ID", help="发现编号；省略则列出未结发现 / a finding id; omit for the open findings."
    ),
    pack: str | None = typer.Option(
        None, "--pack", metavar="PACK", help="仅此规则包（文件夹或合同编号） / only this pack (folder or contract id)."
    ),
    ledger: Path | None = typer.Option(
        None, "--ledger", metavar="FILE",
        help="台账文件（默认 $LVYUE_LEDGER 或 ./lvyue-ledger.sqlite） / ledger file (default $LVYUE_LEDGER or ./lvyue-ledger.sqlite).",
    ),  # fmt: skip
    json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON."),
) -> None:
    """某一发现在历次核查、通知与整改中的经过；或未结发现表 / the life of one finding across audits, notices and rectifications; or the table of open findings."""
    from lvyue.engine.ledger import history as ledger_history
    from lvyue.engine.ledger import resolve

    path = resolve(ledger)
    if not path.exists():
        raise InputError("no ledger here yet: record an audit first (lvyue check ... --record)", file=str(path))
    out = ledger_history(path, finding_id, pack)
    if json:
        echo_json(out)
        return
    console = Console(width=stdout_width())
    if isinstance(out, list):
        _open_table(out, console, path)
    else:
        _life(out, console)
