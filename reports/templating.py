"""jinja2 environments: report templates (Markdown) and the HTML page, pack overrides first.

A pack may replace any template by putting a file with the same name in
`rules/<pack>/templates/`; everything else comes from `reports/templates/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import yaml

from engine.errors import InputError
from reports.markdown import Raw, md_escape

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGS = ("zh", "en")


def _loader(pack: Path | None) -> jinja2.BaseLoader:
    dirs = []
    if pack is not None and (Path(pack) / "templates").is_dir():
        dirs.append(str(Path(pack) / "templates"))
    dirs.append(str(TEMPLATES))
    return jinja2.FileSystemLoader(dirs, encoding="utf-8")


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["yuan"] = yuan
    env.filters["share"] = share
    env.filters["daily_rate"] = daily_rate
    env.filters["join_zh"] = lambda xs, sep="、": sep.join(str(x) for x in xs)
    env.filters["show"] = show
    env.filters["amounts"] = lambda d: "；".join(f"{k} {yuan(v)}" for k, v in d.items())
    env.filters["section"] = section
    return env


def markdown_env(pack: Path | None) -> jinja2.Environment:
    """Every `{{ value }}` is Markdown-escaped; `raw` marks text meant as Markdown."""
    env = jinja2.Environment(
        loader=_loader(pack),
        autoescape=False,
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["raw"] = Raw
    return _common(env)


def html_env(pack: Path | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_loader(pack),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return _common(env)


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        raise InputError("template not found", file=name) from None
    except jinja2.TemplateError as exc:  # a pack's own template is user input
        where = getattr(exc, "filename", None) or name
        raise InputError(f"template error: {exc}", file=str(where), line=getattr(exc, "lineno", None)) from None


def labels(pack: Path | None, lang: str) -> dict[str, str]:
    """UI words of the reports in one language (labels.yaml, a pack's copy wins)."""
    if lang not in LANGS:
        raise InputError(f"expected one of {', '.join(LANGS)}, got {lang!r}", field="--lang")
    own = Path(pack) / "templates" / "labels.yaml" if pack is not None else None
    path = own if own is not None and own.is_file() else TEMPLATES / "labels.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    base = yaml.safe_load((TEMPLATES / "labels.yaml").read_text(encoding="utf-8"))
    return {**base.get(lang, {}), **(data.get(lang) or {})}


def yuan(value: Any) -> str:
    """A decimal string as money with thousands separators: 1234567.8 → 1,234,567.80."""
    from decimal import Decimal, InvalidOperation

    from engine.money import fen

    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{fen(d):,}"


_DIGITS = "零一二三四五六七八九"


def _small_zh(n: int) -> str:
    """1..99 in Chinese numerals, as rates are read aloud: 三, 十五, 二十."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def daily_rate(value: Any) -> str:
    """A daily rate as a contract writes it (three in ten thousand → 万分之三); else a percentage."""
    from decimal import Decimal, InvalidOperation

    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    per_10k = d * 10000
    if per_10k == per_10k.to_integral_value() and 0 < per_10k < 100:
        return f"万分之{_small_zh(int(per_10k))}"
    return share(d)


def share(value: Any) -> str:
    """A share as a percentage: 0.05 → 5%, 0.025 → 2.5%."""
    from decimal import Decimal, InvalidOperation

    try:
        d = Decimal(str(value)) * 100
    except InvalidOperation:
        return str(value)
    return f"{d.normalize():f}%"


def show(value: Any) -> str:
    """A parameter value for people: tables as 名=值, lists joined, booleans in words."""
    if isinstance(value, dict):
        return "；".join(f"{k}={show(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(show(v) for v in value) if value else "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def section(n: int, lang: str) -> str:
    """Section numbers: 一、 二、 in Chinese, 1. 2. in English."""
    if lang != "zh":
        return f"{n}. "
    from reports.notice import cn_index

    return cn_index(n) + "、"
