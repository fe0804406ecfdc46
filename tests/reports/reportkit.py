"""Results for report tests, made by the real engine from small in-memory evidence."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from lvyue.engine.cli import report
from lvyue.engine.evaluate import evaluate
from lvyue.engine.pack import load_pack
from lvyue.engine.result import build
from lvyue.facts.evidence import EvidenceSet, FileReport
from lvyue.facts.model import FACT_TYPES

ROOT = Path(__file__).resolve().parents[2]
HEBI = ROOT / "rules" / "hebi-shuguang-2026"
PAYEE = "鹤壁城市云云计算有限公司"  # as the contract writes it (三.2.4)
PARTY_B = "鹤壁城市云计算有限公司"


def cli() -> typer.Typer:
    """The commands as the lead mounts them: `report audit|prepay` and `notice`."""
    app = typer.Typer()
    app.add_typer(report.app, name="report")
    app.command("notice")(report.notice)
    return app


def make_result(
    facts: dict[str, list[dict[str, Any]]], as_of: str, period: tuple[str, str], pack: Path = HEBI
) -> dict[str, Any]:
    """Evaluate the pack on the facts and return the JSON result, as `lvyue check` writes it."""
    loaded = load_pack(pack)
    typed = {t: [FACT_TYPES[t].model_validate(d) for d in rows] for t, rows in facts.items()}
    files = [
        FileReport(f"{t}.xlsx", t, f"{i:064x}", len(rows), len(rows), [], None)
        for i, (t, rows) in enumerate(sorted(facts.items()), 1)
    ]
    ev_set = EvidenceSet(Path("."), typed, files, [])
    ev = evaluate(
        loaded,
        typed,
        as_of=dt.date.fromisoformat(as_of),
        period=(dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1])),
        present=ev_set.present_types(),
    )
    result = build(ev, ev_set, "given")
    result["contract"]["pack"] = str(pack)
    return json.loads(json.dumps(result, ensure_ascii=False))  # exactly what a saved file holds


def save(result: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def with_param(result: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(result)
    out["parameters"].setdefault(name, {"clause": None, "confirm": True, "note": None})
    out["parameters"][name]["value"] = value
    return out


# --- a one-month settlement (2026-09) with round figures ----------------------------------
# Unit price 250,000.00 per unit-month. September usage:
#   U1 2 units deployed 2026-08-20 (earlier month: full month)   = 500,000.00
#   U2 1 unit  deployed 2026-09-14 (before the 15th: full month) = 250,000.00
#   U3 1 unit  deployed 2026-09-15 (the 15th: full month by the default parameter) = 250,000.00
#   U4 1 unit  deployed 2026-09-16 (after the 15th: not billed)  =       0.00
#   fee = 1,000,000.00 (750,000.00 if the 15th is not billed)
def settlement_facts(invoice_amount: str = "1000000.00", payee_name: str = PAYEE, **extra: Any) -> dict[str, list[dict[str, Any]]]:
    facts: dict[str, list[dict[str, Any]]] = {
        "catalogue": [{"id": "C1", "name": "云主机（32核256G）", "unit": "台·月", "unit_price": "250000.00"}],
        "usage": [
            {"id": "U1", "month": "2026-09", "item": "C1", "quantity": "2", "deployed_on": "2026-08-20"},
            {"id": "U2", "month": "2026-09", "item": "C1", "quantity": "1", "deployed_on": "2026-09-14"},
            {"id": "U3", "month": "2026-09", "item": "C1", "quantity": "1", "deployed_on": "2026-09-15"},
            {"id": "U4", "month": "2026-09", "item": "C1", "quantity": "1", "deployed_on": "2026-09-16"},
        ],
        "invoice": [
            {
                "id": "I9", "number": "0009", "issued_on": "2026-09-15", "amount": invoice_amount,
                "period": "2026-09", "payee_name": payee_name, "payee_account": "246830861818",
                "payee_bank": "中国银行鹤壁分行",
            }
        ],  # fmt: skip
        "payment": [],
        "report": [
            {"id": "R9", "kind": "usage_confirmation", "period": "2026-09", "delivered_on": "2026-10-09", "confirmed_on": "2026-10-12"}
        ],
        # grade 良好: coefficient 0.98 (pack table) → deduction 1,000,000.00 × 0.02 = 20,000.00
        "performance_review": [{"id": "KH1", "period": "2026Q3", "date": "2026-10-20", "panel_size": 5, "score": "80", "grade": "良好"}],
        # supplier-caused 一般 incident: rate 0.01 → 10,000.00; a Party-A-caused one deducts nothing
        "incident": [
            {"id": "E1", "date": "2026-09-05", "severity": "一般", "caused_by_supplier": True, "description": "误删安全组规则"},
            {"id": "E2", "date": "2026-09-06", "severity": "重大", "caused_by_supplier": False, "description": "甲方应用漏洞"},
        ],
    }
    for k, v in extra.items():
        facts[k] = v
    return facts


def settlement_result(**kw: Any) -> dict[str, Any]:
    return make_result(settlement_facts(**kw), "2026-10-31", ("2026-09-01", "2026-09-30"))


# --- a maintenance notice given too late (for notices) ------------------------------------
# M1 starts Mon 2026-10-19, notified Mon 2026-10-12: working days strictly between are
# 10-13, 10-14, 10-15, 10-16 = 4 < 7 → breach of 四（三）6 by party_b.
def notice_result() -> dict[str, Any]:
    facts = {
        "maintenance": [
            {"id": "M1", "kind": "割接", "title": "核心交换机割接", "start": "2026-10-19", "notified_on": "2026-10-12"}
        ]
    }
    return make_result(facts, "2026-10-31", ("2026-10-01", "2026-10-31"))
