"""`lvyue calendar ...`: the working-day calendar and legal periods by hand.

Loads the calendar only (holidays, the override files): no evidence, engine or report modules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from lvyue.engine.cli.common import echo_json
from lvyue.engine.cli.options import date_parser, int_parser, warn
from lvyue.engine.errors import InputError

if TYPE_CHECKING:
    from lvyue.engine.calendar import Reckoning, WorkingCalendar

app = typer.Typer(
    help="中国官方工作日日历与民法典期间计算 / China's official working-day calendar and Civil Code periods.",
    no_args_is_help=True,
)
NEG = {"ignore_unknown_options": True}  # lets `add 2026-10-09 -7` pass a negative N

CalOpt = typer.Option(
    None, "--calendar", metavar="FILE",
    help="补充日历文件（YAML），可多次给出 / override file (YAML) with holidays and make-up days; repeatable.",
)  # fmt: skip
JsonOpt = typer.Option(False, "--json", help="输出一个 JSON 对象 / print one JSON object.")
PackOpt = typer.Option(
    None, "--pack", metavar="PACK",
    help="使用规则包的日历补充文件（先于 --calendar） / use the rule pack's calendar override files (before any --calendar).",
)  # fmt: skip
DATE_HELP = "日期，如 2026-09-30、 2026/9/30 或 2026年9月30日 / a date, e.g. 2026-09-30, 2026/9/30, 2026年9月30日"


MAX_DAYS = 36500  # a hundred years of days: any count beyond it is a typo (and would leave the calendar)


def _wc():
    """engine.calendar, imported when a command runs (tests patch its functions there)."""
    import lvyue.engine.calendar as wc

    return wc


def _cal(files: list[Path] | None, pack: Path | None = None) -> WorkingCalendar:
    found: list[Path] = []
    if pack is not None:  # the pack's override files: engine.pack only when a pack is named
        if not (Path(pack) / "contract.yaml").is_file():
            raise InputError("not a rule pack (no contract.yaml)", file=str(pack))
        from lvyue.engine.pack import calendar_files

        found = calendar_files(pack)
    return _wc().build_calendar([*found, *(files or [])])


def _show(r: Reckoning, as_json: bool, extra: dict | None = None) -> None:
    if as_json:
        echo_json({**r.to_dict(), **(extra or {})})
        return
    v = r.value
    head = v.isoformat() if hasattr(v, "isoformat") else str(v)
    typer.echo(f"{head}\t{r.explanation.rule}")
    e = r.explanation
    if e.holidays_met:
        typer.echo("  节假日: " + ", ".join(f"{d.isoformat()} {n}" for d, n in e.holidays_met))
    if e.makeup_days_met:
        typer.echo("  调休上班: " + ", ".join(d.isoformat() for d in e.makeup_days_met))
    for s in e.steps:
        typer.echo(f"  - {s}")
    if e.provisional_years:  # a caveat, not the result: stderr
        years = ", ".join(str(y) for y in e.provisional_years)
        warn(
            f"注意：{years} 年无国务院放假安排数据，结果为推定，可用 --calendar 补充 / "
            f"provisional: no State Council holiday arrangement for {years} yet; add one with --calendar"
        )


@app.command()
def day(
    date_: dt.date = typer.Argument(..., metavar="DATE", parser=date_parser("DATE"), help=DATE_HELP),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """某日是否工作日及原因 / working day or not, and why."""
    info = _cal(calendar, pack).info(date_)
    if as_json:
        echo_json(
            {
                "value": info.day.isoformat(),
                "working": info.working,
                "reason": info.reason,
                "name": info.name,
                "official": info.official,
                "provisional": not info.official,
                "source": info.source,
            }
        )
        return
    typer.echo(f"{'working' if info.working else 'rest'}\t{info.day.isoformat()} {info.describe()}")


@app.command(context_settings=NEG)
def add(
    date_: dt.date = typer.Argument(..., metavar="DATE", parser=date_parser("DATE"), help=DATE_HELP),
    n: int = typer.Argument(
        ..., metavar="N", parser=int_parser("N", MAX_DAYS), help="工作日数（负数：向前） / working days (negative: before)"
    ),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """DATE 之后第 N 个工作日（N<0：之前） / the N-th working day after DATE (N < 0: before)."""
    _show(_wc().add_working_days(_cal(calendar, pack), date_, n), as_json)


@app.command()
def count(
    start: dt.date = typer.Argument(..., metavar="START", parser=date_parser("START"), help="起始日（不计入） / start (not counted)"),
    end: dt.date = typer.Argument(..., metavar="END", parser=date_parser("END"), help="终止日（不计入） / end (not counted)"),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """START 与 END 之间（不含两端）的工作日数 / working days strictly between START and END."""
    _show(_wc().working_days_between(_cal(calendar, pack), start, end), as_json)


@app.command("notice-by")
def notice_by_cmd(
    event: dt.date = typer.Argument(..., metavar="EVENT", parser=date_parser("EVENT"), help="事件日 / the event's day"),
    n: int = typer.Argument(
        ..., metavar="N", parser=int_parser("N", MAX_DAYS, minimum=0), help="提前天数（≥0） / days of notice (>= 0)"
    ),
    natural: bool = typer.Option(False, "--natural", help="按自然日计算 / count natural days, not working days."),
    lenient: bool = typer.Option(
        False, "--lenient", help="事件当日计入（宽松解释，多一天） / count the event day in (one day more lenient)."
    ),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """最迟通知日：EVENT 之前至少 N 个工作日（或自然日） / latest notice day with at least N working (or natural) days strictly before EVENT."""
    reading = "lenient" if lenient else "strict"
    r = _wc().notice_by(_cal(calendar, pack), event, n, natural=natural, reading=reading)
    _show(r, as_json, {"reading": reading})


@app.command()
def period(
    start: dt.date = typer.Argument(..., metavar="START", parser=date_parser("START"), help="期间起算日 / the period's start"),
    days: int | None = typer.Option(
        None, "--days", metavar="N", parser=int_parser("--days", MAX_DAYS, minimum=1), help="天数 / days"
    ),
    months: int | None = typer.Option(
        None, "--months", metavar="N", parser=int_parser("--months", 1200, minimum=1), help="月数 / months"
    ),
    years: int | None = typer.Option(
        None, "--years", metavar="N", parser=int_parser("--years", 100, minimum=1), help="年数 / years"
    ),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """自 START 起 N 日、月或年的民法典期间末日 / last day of a Civil Code period of N days, months or years from START."""
    given = {k: v for k, v in {"days": days, "months": months, "years": years}.items() if v is not None}
    if len(given) != 1:
        raise InputError("give exactly one of --days N, --months N, --years N", field="period")
    _show(_wc().civil_period(_cal(calendar, pack), start, **given), as_json)


@app.command("late-days")
def late_days_cmd(
    due: dt.date = typer.Argument(..., metavar="DUE", parser=date_parser("DUE"), help="应付日 / due date"),
    paid: dt.date = typer.Argument(..., metavar="PAID", parser=date_parser("PAID"), help="实付日 / paid on"),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """逾期天数（按期未逾期为 0；自然日，日历仅作校验） / days late (0 if on time); natural days, so the calendar is only validated."""
    _cal(calendar, pack)
    _show(_wc().late_days(due, paid), as_json)
