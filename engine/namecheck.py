"""Every fact type, field and message placeholder a rule names, checked before anything runs.

Kinds read fields with `getattr(fact, name, None)`, so a typo is not an error
at run time: a misspelled date field makes every fact undated (compliant), a
misspelled `where` field matches nothing (a breach), an unbalanced `{` in a
message is a traceback. `check_rule` finds these in a rule's YAML, with the
line of the offending key and the nearest valid name.

Which parts of a kind's `check` name fact types and fields is declared once,
in NAMES below (one entry per kind). A kind that is not there is not checked
by name; its messages still are.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import string
import types as pytypes
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from lvyue.engine.errors import InputError
from lvyue.engine.kinds import COMMON_VARIABLES
from lvyue.engine.suggest import did_you_mean, nearest
from lvyue.engine.yamlio import LineDict, locate
from lvyue.facts.model import Fact

# What a field position needs: a date, a money amount (Decimal), a number, text, or anything.
Want = Literal["any", "date", "amount", "number", "text"]
DATE: Want = "date"
AMOUNT: Want = "amount"
NUMBER: Want = "number"
TEXT: Want = "text"

# The field kinds (see _field_kind) each want accepts; "other" (a union we cannot judge) always passes.
_FITS: dict[Want, set[str]] = {
    "date": {"date", "datetime"},
    "amount": {"decimal"},
    "number": {"integer", "decimal"},
    "text": {"text", "enum"},
}
_NEEDED: dict[Want, str] = {
    "date": "a date",
    "amount": "an amount (decimal/money)",
    "number": "a number",
    "text": "text",
}


@dataclass(frozen=True)
class FactTypeAt:
    """A `check` path (dotted) whose value names a fact type; `default` is what the kind uses when absent."""

    path: str
    default: str | None = None


@dataclass(frozen=True)
class FieldAt:
    """A `check` path whose value names a field of the fact type found at `of`."""

    path: str
    want: Want = "any"
    default: str | None = None  # the kind applies it silently, so it must exist too
    of: str = "facts"


@dataclass(frozen=True)
class KeysAt:
    """A `check` path holding a mapping whose keys are fields of `of` (where, where_not)."""

    path: str
    of: str = "facts"


@dataclass(frozen=True)
class Reads:
    """A field the kind reads under a fixed name, not written in the rule."""

    name: str
    want: Want = "any"
    of: str = "facts"


Name = FactTypeAt | FieldAt | KeysAt | Reads

# Every kind that selects facts: `facts`, `where`, `where_not` (engine/kinds/base.py SpecBase).
BASE: tuple[Name, ...] = (FactTypeAt("facts"), KeysAt("where"), KeysAt("where_not"))

# kind -> the names its Spec holds (engine/kinds/*.py). Defaults are the Spec's defaults.
# To cover a new kind, add an entry; a kind missing here passes unchecked.
NAMES: dict[str, tuple[Name, ...]] = {
    "maintain": (
        *BASE,
        FieldAt("active_from", DATE, default="start"),
        FieldAt("active_to", DATE, default="end"),
        FieldAt("group_by"),
    ),
    "inventory": (
        *BASE,
        FieldAt("active_from", DATE, default="in_service_from"),
        FieldAt("active_to", DATE, default="in_service_to"),
        FieldAt("group_by", default="category"),
    ),
    "presence": (
        *BASE,
        FieldAt("date_field", DATE, default="day"),
        FieldAt("person_field", default="person_id"),
        FactTypeAt("roster.facts"),
        KeysAt("roster.where", of="roster.facts"),
        # arrival/departure times: text "HH:MM:SS", a time or a datetime, so any field kind
        FieldAt("window.in_field", default="first_in"),
        FieldAt("window.out_field", default="last_out"),
        FactTypeAt("qualified.facts"),
        FieldAt("qualified.person_field", default="person_id", of="qualified.facts"),
        FieldAt("qualified.valid_from", DATE, default="valid_from", of="qualified.facts"),
        FieldAt("qualified.valid_to", DATE, default="valid_to", of="qualified.facts"),
        KeysAt("qualified.where", of="qualified.facts"),
    ),
    "advance_notice": (*BASE, FieldAt("event_date", DATE), FieldAt("notice_date", DATE)),
    "respond_within": (
        *BASE,
        FieldAt("trigger_date", DATE),
        FieldAt("response_date", DATE),
        FieldAt("deadline_field", DATE),
        FieldAt("late_fee.amount_field", AMOUNT, default="amount"),
        FactTypeAt("response.facts"),
        FieldAt("response.match", of="response.facts"),  # holds the trigger fact's id
        FieldAt("response.date", DATE, of="response.facts"),
        FieldAt("response.amount", AMOUNT, of="response.facts"),
        KeysAt("response.where", of="response.facts"),
    ),
    "periodic": (
        *BASE,
        FieldAt("date_field", DATE),
        FieldAt("period_field", TEXT),  # compared with labels such as 2026-07
        FieldAt("passed.field"),
    ),
    "achieve_by": (
        *BASE,
        FieldAt("date_field", DATE),
        FieldAt("passed.field"),
        FieldAt("sum_field", AMOUNT),
    ),
    "precedes": (*BASE, FieldAt("first", DATE), FieldAt("then", DATE)),
    "prohibit": (*BASE, FieldAt("date_field", DATE), FieldAt("describe_field")),
    "cap": (*BASE, FieldAt("amount_field", AMOUNT), FieldAt("date_field", DATE)),
    "fee": (
        *BASE,
        FieldAt("amount_field", AMOUNT, default="amount"),
        FieldAt("period_field", TEXT, default="period"),
        Reads("issued_on", DATE),
        FactTypeAt("usage", default="usage"),
        FactTypeAt("catalogue", default="catalogue"),
        # engine/billing.py reads these by name
        Reads("month", TEXT, of="usage"),
        Reads("item", of="usage"),
        Reads("quantity", NUMBER, of="usage"),
        Reads("deployed_on", DATE, of="usage"),
        Reads("unit_price", AMOUNT, of="catalogue"),
    ),
    "each": (*BASE, FieldAt("field", NUMBER), FieldAt("date_field", DATE)),
    "manual": (),
    # the generic form: the rest (derivations, aliases, outcome tests, values) is checked
    # by engine.kinds.when.plan, called from _check_when below
    "when": BASE,
}

_ABSENT = object()


def check_rule(
    raw: LineDict,
    check: dict[str, Any],
    file: str,
    types: Mapping[str, type[Fact]],
    kind_variables: set[str],
) -> list[InputError]:
    """Every unknown fact type, unknown or ill-typed field and bad message placeholder in one rule.

    `raw` is the rule's mapping as loaded (for lines), `check` its `check` with
    `$parameters` resolved (for values). `kind_variables` are the placeholders
    the rule's kind (and its derivations) provide; engine.kinds.COMMON_VARIABLES
    are added here, so the caller need not.
    """
    rule_id = str(raw.get("id", "?"))
    out: list[InputError] = []
    kind = check.get("kind") if isinstance(check, dict) else None
    if isinstance(kind, str) and kind in NAMES:
        out += _check_names(NAMES[kind], kind, raw, check, file, types, rule_id)
    if kind == "when":
        found, variables = _check_when(raw, check, file, types, rule_id)
        out += found
        kind_variables = kind_variables | variables
    out += _check_messages(raw, file, kind_variables | COMMON_VARIABLES, rule_id)
    return out


# --- fact types and fields ---------------------------------------------------------


def _get(check: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or _ABSENT (also when its parent is absent)."""
    node: Any = check
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _ABSENT
        node = node[part]
    return node


def _parent_present(check: dict[str, Any], path: str) -> bool:
    """A default applies only where its mapping is written (late_fee.amount_field needs late_fee)."""
    parent = path.rpartition(".")[0]
    return not parent or isinstance(_get(check, parent), dict)


def _line(raw: LineDict, path: str) -> int | None:
    """The line of the key at path; for an absent key, its parent's (or `kind:` at the top)."""
    parts = tuple(path.split("."))
    check = raw.get("check")
    if _get(check if isinstance(check, dict) else {}, path) is _ABSENT and len(parts) == 1:
        parts = ("kind",)
    return locate(raw, ("check", *parts))


def _fields(cls: type[Fact]) -> dict[str, Any]:
    return {n: f.annotation for n, f in cls.model_fields.items() if n != "provenance"}


def _check_names(
    names: tuple[Name, ...],
    kind: str,
    raw: LineDict,
    check: dict[str, Any],
    file: str,
    types: Mapping[str, type[Fact]],
    rule_id: str,
) -> list[InputError]:
    out: list[InputError] = []

    def err(message: str, path: str) -> None:
        out.append(InputError(message, file=file, line=_line(raw, path), field=f"{rule_id}.check.{path}"))

    # Fact types first: a field is checked only against a type that exists.
    resolved: dict[str, type[Fact] | None] = {}
    for n in names:
        if not isinstance(n, FactTypeAt):
            continue
        value = _get(check, n.path)
        if value is _ABSENT and _parent_present(check, n.path):
            value = n.default
        resolved[n.path] = None
        if not isinstance(value, str):
            continue  # absent, or a wrong type the kind's Spec reports
        if value in types:
            resolved[n.path] = types[value]
            continue
        hint = did_you_mean(value, types) or f" (known: {', '.join(sorted(types))})"
        how = f" ({kind} uses `{value}` when `{n.path}` is not given)" if _get(check, n.path) is _ABSENT else ""
        err(f"unknown fact type `{value}`{how}{hint}", n.path)

    for n in names:
        if isinstance(n, FactTypeAt):
            continue
        cls = resolved.get(n.of)
        if cls is None:
            continue
        fields = _fields(cls)
        if isinstance(n, KeysAt):
            mapping = _get(check, n.path)
            if isinstance(mapping, dict):
                for key in mapping:
                    problem = _field_problem(str(key), "any", cls.fact_type, fields)
                    if problem:
                        err(problem, f"{n.path}.{key}")
        elif isinstance(n, FieldAt):
            value = _get(check, n.path)
            default = value is _ABSENT
            if default and _parent_present(check, n.path):
                value = n.default
            if isinstance(value, str):
                problem = _field_problem(value, n.want, cls.fact_type, fields)
                if problem and default:
                    problem += f" ({kind} uses `{value}` when `{n.path}` is not given; name the field there)"
                if problem:
                    err(problem, n.path)
        else:
            problem = _field_problem(n.name, n.want, cls.fact_type, fields)
            if problem:
                err(f"{problem} ({kind} reads `{n.name}` from each `{cls.fact_type}` fact)", n.of)
    return out


def _field_problem(name: str, want: Want, fact_type: str, fields: dict[str, Any]) -> str | None:
    """Why `name` cannot stand where `want` is needed on `fact_type`, or None if it can."""
    if name not in fields:
        hint = did_you_mean(name, fields) or f" (its fields: {', '.join(fields)})"
        return f"`{name}` is not a field of `{fact_type}`{hint}"
    if want == "any":
        return None
    have = field_kind(fields[name])
    if have == "other" or have in _FITS[want]:
        return None
    fitting = [f for f in fields if field_kind(fields[f]) in _FITS[want]]
    best = nearest(name, fitting)
    if best:
        hint = f" (did you mean `{best}`?)"
    elif fitting:
        hint = f" (fields of `{fact_type}` that fit: {', '.join(f'`{f}`' for f in fitting)})"
    else:
        hint = f" (`{fact_type}` has no such field)"
    article = "an" if have[0] in "aeiou" else "a"
    return f"`{name}` is {article} {have} field, {_NEEDED[want]} is needed{hint}"


def _base_type(annotation: Any) -> Any:
    """The type under Optional / Annotated; a real union stays as it is."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _base_type(get_args(annotation)[0])
    if origin is Union or origin is pytypes.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _base_type(args[0]) if len(args) == 1 else annotation
    return annotation


def field_kind(annotation: Any) -> str:
    """A word for a field's type as a contract engineer says it: date, text, decimal, ..."""
    t = _base_type(annotation)
    origin = get_origin(t)
    if origin is Literal:
        return "enum"
    if origin in (list, tuple, set, frozenset):
        return "list"
    if not isinstance(t, type):
        return "other"
    if issubclass(t, bool):
        return "yes/no"
    if issubclass(t, dt.datetime):
        return "datetime"
    if issubclass(t, dt.date):
        return "date"
    if issubclass(t, Decimal):
        return "decimal"
    if issubclass(t, enum.Enum):
        return "enum"
    if issubclass(t, int):
        return "integer"
    if issubclass(t, float):
        return "number"
    if issubclass(t, str):
        return "text"
    if issubclass(t, dt.timedelta):
        return "duration"
    if issubclass(t, (list, tuple, set, frozenset)):
        return "list"
    return "other"


# --- the generic form -----------------------------------------------------------------


def _check_when(
    raw: LineDict, check: dict[str, Any], file: str, types: Mapping[str, type[Fact]], rule_id: str
) -> tuple[list[InputError], set[str]]:
    """A `when` rule's aliases, derivations, field tests and values; and the placeholders it offers.

    A check that does not validate as a WhenSpec is left to the rule parser, which reports it.
    """
    from pydantic import ValidationError

    from lvyue.engine.kinds.when import WhenSpec, message_variables, plan

    try:
        spec = WhenSpec.model_validate(check)
    except ValidationError:
        return [], set()
    written = raw.get("check")
    found = plan(written if isinstance(written, dict) else check, spec, types)
    out = [
        InputError(
            p.message,
            file=file,
            line=locate(raw, ("check", *p.path)),
            field=f"{rule_id}.check.{'.'.join(str(x) for x in p.path)}",
        )
        for p in found.problems
        if p.path != ("facts",)  # the table's FactTypeAt("facts") reports it
    ]
    return out, message_variables(spec)


# --- messages ------------------------------------------------------------------------


def _check_messages(raw: LineDict, file: str, allowed: set[str], rule_id: str) -> list[InputError]:
    """Braces that str.format cannot parse, and placeholders nothing fills."""
    message = raw.get("message")
    if not isinstance(message, dict):
        return []
    out: list[InputError] = []
    for lang, text in message.items():
        if not isinstance(text, str):
            continue
        line = locate(raw, ("message", lang))
        field = f"{rule_id}.message.{lang}"
        try:
            names = _placeholders(text)
        except ValueError as exc:
            out.append(
                InputError(
                    f"unbalanced brace in message.{lang} of {rule_id}: {exc} "
                    "(write {{ or }} for a literal brace)",
                    file=file,
                    line=line,
                    field=field,
                )
            )
            continue
        for name, conversion in names:
            problem = _placeholder_problem(name, conversion, allowed)
            if problem:
                out.append(InputError(problem, file=file, line=line, field=field))
    return out


def _placeholders(text: str) -> list[tuple[str, str | None]]:
    """(field name, conversion) of every placeholder, nested ones in format specs included."""
    out: list[tuple[str, str | None]] = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            out.append((name, conversion))
            if spec:
                out += _placeholders(spec)
    return out


def _placeholder_problem(name: str, conversion: str | None, allowed: set[str]) -> str | None:
    base = re.split(r"[.\[]", name, maxsplit=1)[0]
    if not base or base.isdigit():
        return f"placeholder {{{name}}} has no name: write one of {', '.join(sorted(allowed))}"
    if conversion not in (None, "r", "s", "a"):
        return f"placeholder {{{name}!{conversion}}}: unknown conversion `!{conversion}` (use !r, !s or !a)"
    if base not in allowed:
        hint = did_you_mean(base, allowed) or f" (this rule offers: {', '.join(sorted(allowed))})"
        return f"unknown placeholder {{{base}}}{hint}"
    return None
