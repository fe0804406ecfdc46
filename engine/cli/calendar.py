"""`lvyue calendar ...`: the working-day calendar and legal periods by hand."""

from __future__ import annotations

from pathlib import Path

import typer

from engine.calendar import (
    Reckoning,
    WorkingCalendar,
    add_working_days,
    build_calendar,
    civil_period,
    late_days,
    notice_by,
    working_days_between,
)
from engine.cli.common import echo_json, parse_date, parse_int
from engine.errors import InputError

app = typer.Typer(help="China's official working-day calendar and Civil Code periods.")
NEG = {"ignore_unknown_options": True}  # lets `add 2026-10-09 -7` pass a negative N

CalOpt = typer.Option(
    None, "--calendar", help="Override file (YAML) with holidays and make-up days."
)
JsonOpt = typer.Option(False, "--json", help="Print one JSON object.")
PackOpt = typer.Option(
    None, "--pack", metavar="PACK", help="Use the rule pack's calendar override files (before any --calendar)."
)


MAX_DAYS = 36500  # a hundred years of days: any count beyond it is a typo (and would leave the calendar)


def _cal(files: list[Path] | None, pack: Path | None = None) -> WorkingCalendar:
    from engine.pack import calendar_files

    if pack is not None and not (Path(pack) / "contract.yaml").is_file():
        raise InputError("not a rule pack (no contract.yaml)", file=str(pack))
    return build_calendar([*(calendar_files(pack) if pack is not None else []), *(files or [])])


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
    if e.provisional_years:
        years = ", ".join(str(y) for y in e.provisional_years)
        typer.echo(
            f"  ! provisional: {years} 年无国务院放假安排数据，结果为推定，可用 --calendar 补充"
        )


@app.command()
def day(
    date_: str = typer.Argument(..., metavar="DATE"),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Working day or not, and why."""
    info = _cal(calendar, pack).info(parse_date(date_, "DATE"))
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
    date_: str = typer.Argument(..., metavar="DATE"),
    n: str = typer.Argument(..., metavar="N"),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """The N-th working day after DATE (N < 0: before)."""
    _show(add_working_days(_cal(calendar, pack), parse_date(date_, "DATE"), parse_int(n, "N", MAX_DAYS)), as_json)


@app.command()
def count(
    start: str = typer.Argument(..., metavar="START"),
    end: str = typer.Argument(..., metavar="END"),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Working days strictly between START and END."""
    r = working_days_between(_cal(calendar, pack), parse_date(start, "START"), parse_date(end, "END"))
    _show(r, as_json)


@app.command("notice-by")
def notice_by_cmd(
    event: str = typer.Argument(..., metavar="EVENT"),
    n: str = typer.Argument(..., metavar="N"),
    natural: bool = typer.Option(False, "--natural", help="Count natural days, not working days."),
    lenient: bool = typer.Option(
        False, "--lenient", help="Count the event day in (one day more lenient)."
    ),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Latest notice day with at least N working (or natural) days strictly before EVENT."""
    days = parse_int(n, "N", MAX_DAYS)
    if days < 0:
        raise InputError(f"expected N >= 0, got {days}", field="N")
    reading = "lenient" if lenient else "strict"
    r = notice_by(
        _cal(calendar, pack), parse_date(event, "EVENT"), days, natural=natural, reading=reading
    )
    _show(r, as_json, {"reading": reading})


@app.command()
def period(
    start: str = typer.Argument(..., metavar="START"),
    days: str | None = typer.Option(None, "--days"),
    months: str | None = typer.Option(None, "--months"),
    years: str | None = typer.Option(None, "--years"),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Last day of a Civil Code period of N days, months or years from START."""
    given = {k: v for k, v in {"--days": days, "--months": months, "--years": years}.items() if v}
    if len(given) != 1:
        raise InputError("give exactly one of --days N, --months N, --years N", field="period")
    ((flag, text),) = given.items()
    amount = parse_int(text, flag, {"--days": MAX_DAYS, "--months": 1200, "--years": 100}[flag])
    if amount <= 0:
        raise InputError(f"expected a positive number, got {amount}", field=flag)
    kw = {flag.strip("-"): amount}
    _show(civil_period(_cal(calendar, pack), parse_date(start, "START"), **kw), as_json)


@app.command("late-days")
def late_days_cmd(
    due: str = typer.Argument(..., metavar="DUE"),
    paid: str = typer.Argument(..., metavar="PAID"),
    calendar: list[Path] | None = CalOpt,
    pack: Path | None = PackOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Days late (0 if on time); natural days, so the calendar is only validated."""
    _cal(calendar, pack)
    _show(late_days(parse_date(due, "DUE"), parse_date(paid, "PAID")), as_json)
