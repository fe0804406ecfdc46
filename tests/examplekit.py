"""What the example acceptance tests share: running lvyue in-process and reading a README's breach table."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from lvyue.engine.cli.main import main


def cli(*args: object) -> tuple[int, str]:
    """Run lvyue in-process; (exit code, stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in args])
    return code, out.getvalue()


def readme_breaches(example: Path) -> list[dict[str, str]]:
    """Rows of the example README's `| rule | subject | clause | what | where |` table."""
    lines = (example / "README.md").read_text(encoding="utf-8").splitlines()
    header = ["rule", "subject", "clause", "what", "where"]
    start = next(
        i
        for i, line in enumerate(lines)
        if [c.strip() for c in line.strip("|").split("|")] == header
    )
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows
