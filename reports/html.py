"""Blocks → one self-contained, well-formed HTML page (styles inline, nothing fetched)."""

from __future__ import annotations

from pathlib import Path

from reports.markdown import Block
from reports.templating import html_env, render


def to_html(blocks: list[Block], title: str, lang: str, pack: Path | None, page: str = "report") -> str:
    """`page`: report (audit, pre-payment) or official (notice laid out like a document)."""
    return render(
        html_env(pack),
        "document.html.j2",
        {"blocks": blocks, "title": title, "lang": "zh-CN" if lang == "zh" else "en", "page": page},
    )
