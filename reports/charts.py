"""Charts of the audit report drawn as PNG with matplotlib (Agg, nothing downloaded).

Chinese needs a CJK font, and a fresh machine has none: the package carries a
GB 2312 subset of Noto Sans SC (reports/fonts, SIL OFL 1.1) and draws with it
first, so the same result gives byte-identical PNGs on every machine; a CJK
font installed on the machine is the fallback for a character outside GB 2312.
PNG metadata is fixed (no software version, no time).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-GB2312.otf"
SYSTEM_CJK = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC")
DPI = 150
SIZE_IN = (6.2, 2.9)
RED, GREEN, BLUE, GREY, ORANGE, LIGHT = "#c0392b", "#2e8b57", "#2c6fbb", "#9e9e9e", "#e08e0b", "#e6e6e6"
SEVERITY_COLOURS = {"critical": "#8e1b10", "major": RED, "minor": "#f0a35e"}


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """The bundled font's family, then an installed CJK family (for characters it lacks)."""
    from matplotlib import font_manager

    families: list[str] = []
    if FONT_FILE.is_file():
        font_manager.fontManager.addfont(str(FONT_FILE))
        families.append(font_manager.FontProperties(fname=str(FONT_FILE)).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families += [f for f in SYSTEM_CJK if f in installed][:1]
    return (*families, "DejaVu Sans")


def _figure(size: tuple[float, float] = SIZE_IN):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams.update({
        "font.family": list(font_families()), "font.size": 8.5, "axes.unicode_minus": False,
        "svg.hashsalt": "lvyue", "axes.spines.top": False, "axes.spines.right": False,
    })  # fmt: skip
    return plt, *plt.subplots(figsize=size, dpi=DPI)


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _month_ticks(ax, first: dt.date, last: dt.date) -> None:
    ticks = []
    d = first.replace(day=1)
    while d <= last:
        if d >= first:
            ticks.append(d)
        d = (d + dt.timedelta(days=32)).replace(day=1)
    ax.set_xticks(ticks, [f"{t.month}月" for t in ticks])


def daily_count(c: dict[str, Any]) -> bytes:
    """Count per day as steps, the bound as a dashed line, days below it shaded red."""
    plt, fig, ax = _figure()
    days = [_day(d["day"]) for d in c["days"]]
    counts = [d["count"] for d in c["days"]]
    req = c.get("required")
    ax.step(days, counts, where="post", color=BLUE, linewidth=1.4, label="每日人数")
    if req is not None:
        ax.axhline(req, color=RED, linestyle="--", linewidth=1, label=f"合同要求（{req}人）")
        for d, n in zip(days, counts, strict=True):
            if n < req:
                ax.axvspan(d, d + dt.timedelta(days=1), color=RED, alpha=0.25, linewidth=0)
    top = max([*counts, req or 0]) + 2
    ax.set_ylim(0, top)
    ax.set_xlim(days[0], days[-1] + dt.timedelta(days=1))
    _month_ticks(ax, days[0], days[-1])
    ax.set_ylabel(c.get("y_label") or "")
    ax.set_title(c["title"], fontsize=10)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return _png(plt, fig)


def presence_calendar(c: dict[str, Any]) -> bytes:
    """A month a row, a day a column: on site, absent, make-up working day, holiday, rest day."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    req = c.get("required") or 1
    months = sorted({d["day"][:7] for d in c["days"]})
    # 0 blank, 1 on site, 2 absent, 3 make-up on site, 4 holiday, 5 rest day
    grid = [[0] * 31 for _ in months]
    marks = []
    for d in c["days"]:
        r, col = months.index(d["day"][:7]), int(d["day"][8:]) - 1
        if d["kind"] in ("working", "makeup"):
            present = (d["count"] or 0) >= req
            grid[r][col] = 1 if present and d["kind"] == "working" else 3 if present else 2
            if d["kind"] == "makeup":
                marks.append((col, r, "班"))
        else:
            grid[r][col] = 4 if d["kind"] == "holiday" else 5
            if d["kind"] == "holiday":
                marks.append((col, r, "休"))
    colours = ["white", GREEN, RED, BLUE, ORANGE, LIGHT]
    plt, fig, ax = _figure((6.2, 0.55 * len(months) + 1.3))
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=0, vmax=5, aspect="auto")
    for x, y, text in marks:
        ax.text(x, y, text, ha="center", va="center", fontsize=6.5, color="white")
    ax.set_yticks(range(len(months)), [f"{int(m[:4])}年{int(m[5:])}月" for m in months])
    ax.set_xticks(range(0, 31, 2), [str(i + 1) for i in range(0, 31, 2)])
    ax.set_xticks([x + 0.5 for x in range(31)], minor=True)
    ax.set_yticks([y + 0.5 for y in range(len(months))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(c["title"], fontsize=10)
    legend = [Patch(color=GREEN, label="到岗"), Patch(color=RED, label="缺岗"), Patch(color=BLUE, label="调休上班日（班）到岗"),
              Patch(color=ORANGE, label="法定节假日（休）"), Patch(color=LIGHT, label="休息日")]  # fmt: skip
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, frameon=False, fontsize=7.5)
    return _png(plt, fig)


def monthly_fee(c: dict[str, Any]) -> bytes:
    """Fee per month as bars, the running total as a line, the annual cap as a dashed line (万元)."""
    plt, fig, ax = _figure()
    wan = Decimal(10000)
    months = [r["month"] for r in c["rows"]]
    labels = [f"{int(m[5:])}月" for m in months]
    fees = [float(Decimal(r["fee"]) / wan) for r in c["rows"]]
    running = [float(Decimal(r["running"]) / wan) for r in c["rows"]]
    ax.bar(labels, fees, color=BLUE, width=0.6, label="当月服务费")
    ax.plot(labels, running, color=ORANGE, marker="o", linewidth=1.5, label="累计")
    if c.get("cap"):
        cap = float(Decimal(c["cap"]) / wan)
        ax.axhline(cap, color=RED, linestyle="--", linewidth=1, label=f"年度预算上限（{cap:,.0f}万元）")
        ax.set_ylim(0, cap * 1.1)
    for x, v in zip(labels, running, strict=True):
        ax.annotate(f"{v:,.1f}", (x, v), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7)
    ax.set_ylabel(c.get("y_label") or "")
    ax.set_title(c["title"], fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(0, 0.9), frameon=False, fontsize=8)
    return _png(plt, fig)


def findings_by_clause(c: dict[str, Any], severity_labels: dict[str, str]) -> bytes:
    """Horizontal bars per clause, stacked by severity."""
    plt, fig, ax = _figure((6.2, 0.32 * len(c["clauses"]) + 1.2))
    ys = list(range(len(c["clauses"])))[::-1]
    left = [0] * len(ys)
    for sev, colour in SEVERITY_COLOURS.items():
        vals = c["counts"][sev]
        if any(vals):
            ax.barh(ys, vals, left=left, color=colour, height=0.6, label=severity_labels.get(sev, sev))
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_yticks(ys, c["clauses"])
    ax.set_xlabel(c.get("y_label") or "")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(c["title"], fontsize=10)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return _png(plt, fig)


def render(chart: dict[str, Any], labels: dict[str, str] | None = None) -> bytes:
    """One chart of reports/chartdata.audit_charts as PNG bytes."""
    kind = chart["kind"]
    if kind == "daily_count":
        return daily_count(chart)
    if kind == "presence_calendar":
        return presence_calendar(chart)
    if kind == "monthly_fee":
        return monthly_fee(chart)
    if kind == "findings":
        if labels is None:
            from lvyue.reports.templating import labels as ui_labels

            labels = ui_labels(None, "zh")
        sev = {k[len("severity_") :]: v for k, v in labels.items() if k.startswith("severity_")}
        return findings_by_clause(chart, sev)
    raise ValueError(f"unknown chart kind {kind!r}")


def render_all(charts: list[dict[str, Any]] | None, labels: dict[str, str] | None = None) -> dict[str, bytes]:
    """label (图1, the name the Markdown gives the picture) → PNG for every chart of an audit report."""
    return {c["label"]: render(c, labels) for c in charts or []}
