"""Entry point: assembles the command groups; user errors exit 2, internal errors exit 3."""

from __future__ import annotations

import os
import sys

import typer

from engine.cli import calendar, check, facts, history, report, rules
from engine.errors import InputError

app = typer.Typer(
    name="lvyue",
    help="履约 lvyue: checks whether the parties to a service contract keep their promises.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
_DEBUG = {"on": False}


@app.callback()
def _global(
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an internal error (as LVYUE_DEBUG=1 does)."),
) -> None:
    """履约 lvyue. Exit codes: 0 nothing needs action, 1 findings, 2 usage or input error, 3 internal error."""
    _DEBUG["on"] = debug


app.add_typer(calendar.app, name="calendar")
app.add_typer(rules.app, name="rules")
app.add_typer(facts.app, name="facts")
app.command("check")(check.check)
app.command("history")(history.history)
app.add_typer(report.app, name="report")
app.command("notice")(report.notice)


def _debugging() -> bool:
    return _DEBUG["on"] or os.environ.get("LVYUE_DEBUG", "") not in ("", "0")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI: 0 nothing needs action, 1 findings, 2 usage/input error (one line), 3 internal error.

    No traceback reaches the user unless `lvyue --debug ...` or LVYUE_DEBUG=1 asks for it.
    """
    _DEBUG["on"] = False
    try:
        app(args=argv, prog_name="lvyue")
    except InputError as exc:
        typer.echo("error: " + " ".join(str(exc).split()), err=True)
        return 2
    except SystemExit as exc:  # click's own usage errors exit 2 here
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except Exception as exc:  # a bug, not the user's input: say so in one line, exit 3
        if _debugging():
            raise
        text = " ".join(str(exc).split())  # one line, whatever the exception says
        typer.echo(
            f"internal error: {type(exc).__name__}: {text} (a bug in lvyue; LVYUE_DEBUG=1 shows the traceback)",
            err=True,
        )
        return 3
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
