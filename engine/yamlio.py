"""YAML reading that remembers line numbers, for errors a contract manager can act on.

Dates stay strings until pydantic parses them (PyYAML's own date parsing
raises a bare ValueError on `2027-13-01`), and every mapping and list knows
the line it started on, so a validation error can say "contract.yaml:42".

Parsing is bounded: at most MAX_ALIASES aliases (`*name`) per document, and
the values they repeat may add at most MAX_ALIAS_NODES nodes (a "billion
laughs" alias bomb is refused in microseconds, with its line); an alias
inside the node it names, and nesting deeper than Python can follow, are
refused too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from lvyue.engine.errors import InputError

M = TypeVar("M", bound=BaseModel)


class LineDict(dict):
    """A mapping that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    line: int = 0
    item_lines: list[int]


MAX_ALIASES = 200  # aliases in one document
MAX_ALIAS_NODES = 100_000  # nodes that aliases may add when expanded


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.alias_lines: list[int] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            line = self.peek_event().start_mark.line + 1
            self.alias_lines.append(line)
            if len(self.alias_lines) > MAX_ALIASES:
                raise InputError(
                    f"more than {MAX_ALIASES} aliases (*name) in one file; write the values out",
                    line=line,
                )
        return super().compose_node(parent, index)

    def compose_document(self) -> Any:
        node = super().compose_document()
        if self.alias_lines and node is not None:
            _check_expansion(node, self.alias_lines[0])
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node, line: int) -> None:
    """Refuse aliases that repeat more than MAX_ALIAS_NODES nodes, or refer to themselves.

    Counts the nodes of the document as if every alias were written out,
    without building it: each distinct node's expanded size is computed once.
    """
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            if size[key] - len(size) > MAX_ALIAS_NODES:
                raise InputError(
                    f"aliases (*name) expand to more than {MAX_ALIAS_NODES:,} values "
                    "(an alias bomb?); write the values out",
                    line=line,
                )
            continue
        if key in size:
            continue
        if key in open_:
            raise InputError(
                "an alias (*name) refers to the node that contains it",
                line=node.start_mark.line + 1,
            )
        open_.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_:
                raise InputError(
                    "an alias (*name) refers to the node that contains it",
                    line=child.start_mark.line + 1,
                )
            if id(child) not in size:
                stack.append((child, False))


# Drop the implicit timestamp resolver: dates are parsed (and checked) by pydantic.
_Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise InputError(
                f"duplicate key {key!r}", line=key_node.start_mark.line + 1, field=str(key)
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [n.start_mark.line + 1 for n in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, file: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except InputError as exc:
        exc.file = file
        raise
    except RecursionError:
        raise InputError("not valid YAML (nested too deeply)", file=file) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"not valid YAML ({problem})", file=file, line=None if mark is None else mark.line + 1
        ) from None


def load_yaml(path: Path) -> Any:
    """Read a YAML file, or raise InputError naming the file (and line)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file ({exc})", file=str(path)) from None
    return parse_yaml(text, str(path))


def locate(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest node along a pydantic error location."""
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        elif isinstance(node, LineDict) and part not in node:
            continue  # discriminator tags and the like are not in the data
        else:
            break
    return line


def validation_errors(
    exc: ValidationError, data: Any, file: str, prefix: str = ""
) -> list[InputError]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        out.append(InputError(msg, file=file, line=locate(data, loc), field=prefix + field or None))
    return out


def validate(model: type[M], data: Any, file: str) -> M:
    """Validate data against a model, raising the first error with file and line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_errors(exc, data, file)[0] from None
