"""Blocks → one self-contained, well-formed HTML page (styles inline, nothing fetched)."""

from __future__ import annotations

import base64
from pathlib import Path

from lvyue.reports.markdown import Block
from lvyue.reports.templating import html_env, render


def to_html(
    blocks: list[Block], title: str, lang: str, pack: Path | None, page: str = "report", images: dict[str, bytes] | None = None
) -> str:
    """`page`: report (audit, pre-payment) or official (notice laid out like a document).
    `images`: chart id → PNG, put in the page as data: URIs so it stays one self-contained file."""
    uris = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii") for k, v in (images or {}).items()}
    return render(
        html_env(pack),
        "document.html.j2",
        {"blocks": blocks, "title": title, "lang": "zh-CN" if lang == "zh" else "en", "page": page, "images": uris},
    )
