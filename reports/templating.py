"""jinja2 environments: report templates (Markdown) and the HTML page, pack overrides first.

A pack may replace any template by putting a file with the same name in
`rules/<pack>/templates/`; everything else comes from `reports/templates/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import yaml

from lvyue.engine.errors import InputError
from lvyue.engine.zhtext import cn_date, zh_dates
from lvyue.reports.markdown import Raw, md_escape

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
    env.filters["show"] = _show
    env.filters["amounts"] = lambda d: "；".join(f"{k} {yuan(v)}" for k, v in d.items())
    env.filters["section"] = section
    env.filters["zh"] = _zh
    env.filters["day"] = _day
    env.filters["capital"] = capital_yuan
    env.filters["source_zh"] = source_zh
    env.filters["ordered"] = ordered
    return env


@jinja2.pass_context
def _show(ctx: Any, value: Any) -> str:
    return show(value, _lang(ctx) == "zh")


def _lang(ctx: Any) -> str:
    return str(ctx.get("lang") or "zh")


@jinja2.pass_context
def _zh(ctx: Any, text: Any) -> Any:
    """Free text in a Chinese document: ISO dates written 2026年10月8日 (English text unchanged)."""
    return zh_dates(str(text)) if _lang(ctx) == "zh" and text is not None else text


@jinja2.pass_context
def _day(ctx: Any, value: Any) -> Any:
    """An ISO date as the document's language writes it."""
    if _lang(ctx) != "zh" or not value:
        return value
    try:
        return cn_date(str(value))
    except ValueError:
        return zh_dates(str(value))


def capital_yuan(value: Any) -> str:
    """人民币大写 of an amount (rounded half-up to the fen first)."""
    from decimal import Decimal

    from lvyue.engine.money import fen
    from lvyue.reports.capital import capital

    d = fen(Decimal(str(value)))
    return ("负" if d < 0 else "") + capital(abs(d))


def source_zh(text: str) -> str:
    """A calendar source as Chinese text: holidays 0.109 (China) → holidays 软件包 0.109（中国法定节假日和调休安排）."""
    import re

    m = re.match(r"^holidays (\S+) \(China\)$", str(text))
    if m:
        return f"holidays 软件包 {m.group(1)}（中国法定节假日和调休安排）"
    return zh_dates(str(text))


def ordered(value: Any) -> list[tuple[str, Any]]:
    """A table of numbers (grades, rates) as rows ordered by value, highest first; other tables as written."""
    from decimal import Decimal, InvalidOperation

    items = list(value.items()) if isinstance(value, dict) else []
    try:
        return sorted(items, key=lambda kv: Decimal(str(kv[1])), reverse=True)
    except (InvalidOperation, TypeError):
        return items


@jinja2.pass_context
def _finalize(ctx: Any, value: Any) -> str:
    """Every printed value: ISO dates in Chinese in a zh document (the context's `lang`, zh when
    absent: prepay and notice are Chinese only), then Markdown-escaped."""
    if _lang(ctx) == "zh" and isinstance(value, str) and value:
        value = Raw(zh_dates(value)) if isinstance(value, Raw) else zh_dates(value)
    return md_escape(value)


def markdown_env(pack: Path | None) -> jinja2.Environment:
    """Every `{{ value }}` is Markdown-escaped; `raw` marks text meant as Markdown."""
    env = jinja2.Environment(
        loader=_loader(pack),
        autoescape=False,
        finalize=_finalize,
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

    from lvyue.engine.money import fen

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


# parameter values that are words of the rule language, as a Chinese report writes them
VALUE_WORDS = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年", "strict": "严格读法", "lenient": "宽松读法"}


def show(value: Any, zh: bool = True) -> str:
    """A parameter value for people: tables as 名=值 ordered by value (highest first), lists joined,
    booleans and enumerated words in Chinese."""
    if isinstance(value, dict):
        return "；".join(f"{k}={show(v, zh)}" for k, v in ordered(value))
    if isinstance(value, (list, tuple)):
        return "、".join(show(v, zh) for v in value) if value else ("（空）" if zh else "(empty)")
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if not zh:
        return "" if value is None else str(value)
    if isinstance(value, str) and value in VALUE_WORDS:
        return VALUE_WORDS[value]
    return "" if value is None else zh_dates(str(value)) if isinstance(value, str) else str(value)


def section(n: int, lang: str) -> str:
    """Section numbers: 一、 二、 in Chinese, 1. 2. in English."""
    if lang != "zh":
        return f"{n}. "
    from lvyue.reports.notice import cn_index

    return cn_index(n) + "、"
