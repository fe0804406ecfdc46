"""Entry point: assembles the command groups; user errors exit 2, internal errors exit 3.

Start-up stays light: the command modules import the engine, DuckDB, python-docx,
openpyxl, jinja2 and the report stack inside the commands that use them, so
`lvyue --help`, `lvyue --version` and `lvyue calendar ...` load none of them
(tests/test_cli_startup.py checks it in a fresh interpreter).
"""

from __future__ import annotations

import gc
import os
import sys

import typer

from lvyue.engine.cli import calendar, check, facts, history, report, rules
from lvyue.engine.errors import InputError

app = typer.Typer(
    name="lvyue",
    help="履约：核查服务合同双方是否履约。 / lvyue checks whether the parties to a service contract keep their promises.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_DEBUG = {"on": False}

# The cyclic garbage collector runs after this many new container objects (Python's default
# is 700). A check builds hundreds of thousands of facts that all live to the end, and the
# default made the collector go over them again and again: a third of the time spent
# building the facts of a 10 M-row log, about 1.5 s of a 12 s check
# (bench/bench_door_log.py). mypy raises it the same way for the same reason.
GC_YOUNG = 200_000


def versions() -> str:
    """lvyue's version and the holidays package's (the official calendar data), from package metadata."""
    from importlib.metadata import PackageNotFoundError, version

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    py = ".".join(str(x) for x in sys.version_info[:3])
    return f"lvyue {of('lvyue')} (holidays {of('holidays')}, Python {py})"


def _version(value: bool) -> None:
    if value:
        typer.echo(versions())
        raise typer.Exit(0)


@app.callback()
def _global(
    debug: bool = typer.Option(
        False, "--debug", help="内部错误时显示调用栈（同 LVYUE_DEBUG=1） / show the traceback of an internal error (as LVYUE_DEBUG=1 does)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="显示 lvyue 及节假日数据（holidays）版本 / print lvyue's version and the holidays package's.",
    ),  # fmt: skip
) -> None:
    """履约 lvyue。退出码：0 无需处理，1 有需处理的发现，2 用法或输入错误，3 内部错误。
    / Exit codes: 0 nothing needs action, 1 findings, 2 usage or input error, 3 internal error."""
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


def _fold_cjk_help() -> None:
    """Help text folds long Chinese runs instead of cutting them with "…".

    Chinese has no spaces, so a help sentence is one long "word" to rich's wrapper; typer
    renders it in a cell whose overflow is "ellipsis" and the end of the sentence is lost.
    Folding (breaking between any two characters) is how Chinese wraps. Only for help output
    (typer.rich_utils costs ~0.2 s to import); skipped if typer's internals change.
    """
    try:
        from typer import rich_utils
    except ImportError:  # pragma: no cover - typer without rich
        return
    make = getattr(rich_utils, "_make_rich_text", None)
    if make is None or getattr(make, "lvyue_folds", False):
        return

    def folded(*args, **kwargs):
        text = make(*args, **kwargs)
        if getattr(text, "overflow", "") is None:
            text.overflow = "fold"
        return text

    folded.lvyue_folds = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = folded


HELP_HELP = "显示本帮助并退出 / show this message and exit."


def _bilingual_help_option(command) -> None:
    """`--help` itself says what it does in Chinese first, like every other option."""
    try:
        option = command.get_help_option(typer.Context(command))
    except Exception:  # pragma: no cover - a future typer/click without this API: keep its text
        return
    if option is not None:
        option.help = HELP_HELP
    for sub in getattr(command, "commands", {}).values():
        _bilingual_help_option(sub)


def _usage_line(exc: Exception) -> str:
    """A usage error from the command-line parser (missing option, unknown option, extra argument), in one line."""
    text = " ".join(exc.format_message().split()) if hasattr(exc, "format_message") else str(exc)
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", "") or "lvyue"
    return f"error: {text} (see `{path} --help`)"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI: 0 nothing needs action, 1 findings, 2 usage/input error (one line), 3 internal error.

    No traceback reaches the user unless `lvyue --debug ...` or LVYUE_DEBUG=1 asks for it.
    """
    _DEBUG["on"] = False
    args = sys.argv[1:] if argv is None else list(argv)
    command = typer.main.get_command(app)
    if len(args) <= 1 or "--help" in args:  # help, or a group given alone (shows its help)
        _fold_cjk_help()
        _bilingual_help_option(command)
    try:
        rv = command.main(args=args, prog_name="lvyue", standalone_mode=False)
    except InputError as exc:
        typer.echo("error: " + " ".join(str(exc).split()), err=True)
        return 2
    except typer.TyperException as exc:  # the parser's own usage errors: one line too, exit 2
        if type(exc).__name__ == "NoArgsIsHelpError":  # `lvyue` alone: the help was printed
            return 2
        if type(exc).__name__ == "Abort":
            return 1
        typer.echo(_usage_line(exc), err=True)
        code = getattr(exc, "exit_code", 2)
        return code if isinstance(code, int) else 2
    except SystemExit as exc:
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
    return rv if isinstance(rv, int) and not isinstance(rv, bool) else 0


def tune_gc() -> None:
    """A batch run's collector: young objects collected every GC_YOUNG allocations."""
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


def run() -> None:
    tune_gc()
    sys.exit(main())


if __name__ == "__main__":
    run()
