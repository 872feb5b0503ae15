"""YAML loading that remembers where every value came from.

PyYAML's composer gives each node a start mark; we build plain Python data from the nodes ourselves so
that every path (("entries", 3, "url")) maps to a line and column. Duplicate keys, which PyYAML would
silently resolve by keeping the last one, are reported instead: silently losing a value is data loss.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

# libyaml's parser where it is available (it is ten times faster and gives the same marks).
_STR_TAG = "tag:yaml.org,2002:str"
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Positions:
    """Where each path's value (and, for mapping members, its key) starts; 1-based line and column."""

    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


@dataclass
class YamlProblem:
    line: int
    column: int
    message: str


class YamlLoadError(Exception):
    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


class _Frame:
    """A mapping or sequence being built, and where the next value goes."""

    __slots__ = ("container", "key", "key_mark", "path")

    def __init__(self, container: dict[Any, Any] | list[Any], path: PathKey) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NO_KEY  # for mappings: the key waiting for its value
        self.key_mark: tuple[int, int] = (1, 1)


_NO_KEY = object()


class _Builder:
    """Builds plain data from parser events, recording positions on the way.

    Working from events rather than composed nodes halves the load time of a large catalog: no node
    objects, and the resolver runs only for plain (unquoted) scalars.
    """

    def __init__(self) -> None:
        self.positions = Positions()
        self.problems: list[YamlProblem] = []
        self._constructor = yaml.SafeLoader("")  # ints, floats, booleans, nulls and dates
        self._resolvers = yaml.SafeLoader.yaml_implicit_resolvers
        self._anchors: dict[str, Any] = {}

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return event.value  # quoted: always a string
            tag = self._resolve(event.value)
        if tag == _STR_TAG:
            return event.value
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        return self._constructor.construct_object(node)

    def _resolve(self, value: str) -> str:
        for tag, regexp in self._resolvers.get(value[:1] or "", []):
            if regexp.match(value):
                return str(tag)
        return _STR_TAG

    def build(self, events: Iterator[yaml.Event]) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _mark(event)
                    self.problems.append(YamlProblem(line, col, "expected one YAML document, found several"))
                    return root
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frame = stack.pop()
                if not stack:
                    root = frame.container
                continue
            if not isinstance(
                event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent | yaml.AliasEvent
            ):
                continue  # stream and document ends
            parent = stack[-1] if stack else None
            # A scalar in key position is a key, not a value.
            if parent is not None and isinstance(parent.container, dict) and parent.key is _NO_KEY:
                self._key(parent, event)
                continue
            if parent is None:
                path: PathKey = ()
            elif isinstance(parent.container, list):
                path = (*parent.path, len(parent.container))
            else:
                path = (*parent.path, parent.key)
            self.positions.values[path] = _mark(event)
            value: Any
            if isinstance(event, yaml.ScalarEvent):
                value = self.scalar(event)
            elif isinstance(event, yaml.AliasEvent):
                value = self._anchors.get(event.anchor or "")
            else:
                value = {} if isinstance(event, yaml.MappingStartEvent) else []
                stack.append(_Frame(value, path))
            anchor = getattr(event, "anchor", None)
            if anchor and not isinstance(event, yaml.AliasEvent):
                self._anchors[anchor] = value
            if parent is None:
                if not stack:
                    root = value
            elif isinstance(parent.container, list):
                parent.container.append(value)
            else:
                if parent.key is not _DUPLICATE:
                    parent.container[parent.key] = value
                parent.key = _NO_KEY
        return root

    def _key(self, frame: _Frame, event: yaml.Event) -> None:
        line, col = _mark(event)
        if not isinstance(event, yaml.ScalarEvent):
            # A mapping or list as a key has no place in a catalog; stop here rather than guess.
            raise YamlLoadError([*self.problems, YamlProblem(line, col, "mapping keys must be plain strings")])
        key = self.scalar(event)
        if not isinstance(key, str | int):
            key = str(key)
        assert isinstance(frame.container, dict)
        if key in frame.container or (*frame.path, key) in self.positions.keys:
            first = self.positions.keys[(*frame.path, key)][0]
            self.problems.append(YamlProblem(line, col, f"duplicate key {key!r} (first defined on line {first})"))
            frame.key = _DUPLICATE
            return
        self.positions.keys[(*frame.path, key)] = (line, col)
        frame.key = key


_DUPLICATE = object()


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def load_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise YamlLoadError with positions on any syntax or structure problem."""
    builder = _Builder()
    try:
        data = builder.build(yaml.parse(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlLoadError([YamlProblem(line, col, f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise YamlLoadError([YamlProblem(1, 1, f"invalid YAML: {exc}")]) from None
    if builder.problems:
        raise YamlLoadError(builder.problems)
    return data, builder.positions


def read_text(path: Path) -> str:
    """Read a UTF-8 text file; undecodable bytes are an error the caller reports with the file name."""
    return path.read_text(encoding="utf-8")
