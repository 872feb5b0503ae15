"""YAML loading that remembers where every value came from.

PyYAML's composer gives each node a start mark; we build plain Python data from the nodes ourselves so
that every path (("entries", 3, "url")) maps to a line and column. Duplicate keys, which PyYAML would
silently resolve by keeping the last one, are reported instead: silently losing a value is data loss.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from curator.places import PathKey, dotted

# libyaml's parser where it is available (it is ten times faster and gives the same marks).
_STR_TAG = "tag:yaml.org,2002:str"
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# A position is packed into one int (line << 20 | column): a catalog of 10,000 entries has a quarter of a
# million values, and a tuple per position (plus a tuple per path) was a third of the memory of a check.
_COL_BITS = 20
_COL_MASK = (1 << _COL_BITS) - 1


def _pack(line: int, column: int) -> int:
    return line << _COL_BITS | min(column, _COL_MASK)


def _unpack(packed: int) -> tuple[int, int]:
    return packed >> _COL_BITS, packed & _COL_MASK


class PosNode:
    """Positions inside one mapping or sequence: its own start, its members' keys and values (a packed int
    for a scalar, a PosNode for a container)."""

    __slots__ = ("children", "keys", "mark")

    def __init__(self, mark: int, mapping: bool) -> None:
        self.mark = mark
        self.keys: dict[Any, int] | None = {} if mapping else None
        self.children: dict[Any, int | PosNode] | list[int | PosNode] = {} if mapping else []

    def child(self, part: str | int) -> int | PosNode | None:
        children = self.children
        if isinstance(children, dict):
            return children.get(part)
        if isinstance(part, int) and 0 <= part < len(children):
            return children[part]
        return None


class Positions:
    """Where each path's value (and, for mapping members, its key) starts; 1-based line and column."""

    def __init__(self, root: int | PosNode | None = None) -> None:
        self.root = root

    def at(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """The position of `path` (of its key, with `key=True`), or of its nearest ancestor that has one."""
        node = self.root
        if node is None:
            return (1, 1)
        best = node.mark if isinstance(node, PosNode) else node
        for index, part in enumerate(path):
            if not isinstance(node, PosNode):
                break
            last = index == len(path) - 1
            if last and key and node.keys is not None and part in node.keys:
                return _unpack(node.keys[part])
            child = node.child(part)
            if child is None:
                break
            node = child
            best = child.mark if isinstance(child, PosNode) else child
        return _unpack(best)


@dataclass
class YamlProblem:
    line: int
    column: int
    message: str  # with the dotted path in front when the problem is a value's ("entries[0].name: ...")
    path: PathKey | None = None


class _BadScalar(Exception):
    """A scalar PyYAML cannot turn into a value: an impossible date, `!!int abc`, an unknown tag."""


class YamlLoadError(Exception):
    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


class _Frame:
    """A mapping or sequence being built, and where the next value goes."""

    __slots__ = ("container", "key", "part", "pos")

    def __init__(self, container: dict[Any, Any] | list[Any], pos: PosNode, part: Any) -> None:
        self.container = container
        self.pos = pos
        self.part = part  # its own key or index in its parent, for the path of a problem inside it
        self.key: Any = _NO_KEY  # for mappings: the key waiting for its value


_NO_KEY = object()
_DUPLICATE = object()

# The tags a scalar may carry: the safe loader's own types. A catalog is plain data; anything else (a
# `!!python/object`, a local `!foo`) is reported at its place rather than constructed or ignored.
_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary"))
_CONTAINER_TAGS = {True: (None, "!", _YAML_TAG + "map"), False: (None, "!", _YAML_TAG + "seq")}
_PLAIN_DATA = " (catalog values are plain strings, numbers, booleans, lists and mappings)"
# What PyYAML's constructors raise on a value they cannot read (`!!bool maybe` is a KeyError, `!!timestamp
# nope` an AttributeError, a 5,000-digit integer a ValueError from int()).
_CONSTRUCT_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, yaml.YAMLError)
_SHOWN_MAX = 40


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _shorten(value: str) -> str:
    return value if len(value) <= _SHOWN_MAX else value[: _SHOWN_MAX - 1] + "…"


def quote_hint(value: str) -> str:
    """How to make YAML read a plain value as the text it looks like: ` — quote it: "2023-02-30"`."""
    if len(value) > _SHOWN_MAX:
        return " — quote it if it is text"
    return f" — quote it: {json.dumps(value, ensure_ascii=False)}"


def _bad_value(value: str, tag: str, exc: BaseException, *, explicit: bool) -> str:
    kind = tag.removeprefix(_YAML_TAG)
    if kind == "int" and value.replace("_", "").lstrip("+-").isdigit():
        digits = len(value.replace("_", "").lstrip("+-"))
        reason = f"an integer of {digits} digits is too long to read"
    elif explicit:
        return f"{_shorten(value)!r} is not a valid {_shown_tag(tag)}"
    elif kind == "timestamp":
        reason = f"{_shorten(value)} is not a valid date ({exc})"
    else:
        reason = f"{_shorten(value)} cannot be read as {kind} ({exc})"
    return reason + quote_hint(value)


def _path_part(part: Any) -> str | int:
    return part if isinstance(part, str | int) and part is not _DUPLICATE else "?"


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
        """The value of a scalar; _BadScalar with the reason when it has none."""
        tag = event.tag
        explicit = True
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return event.value  # quoted: always a string
            tag, explicit = self._resolve(event.value), False
        if tag == _STR_TAG:
            return event.value
        if tag not in _SCALAR_TAGS:
            raise _BadScalar(f"unsupported tag {_shown_tag(tag)!r}{_PLAIN_DATA}")
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        try:
            return self._constructor.construct_object(node)
        except _CONSTRUCT_ERRORS as exc:
            raise _BadScalar(_bad_value(event.value, tag, exc, explicit=explicit)) from None

    def bad_scalar(self, stack: list[_Frame], part: Any, event: yaml.Event, reason: str) -> None:
        """Record a problem with the value at `part` of the innermost open container, at its own place."""
        path = tuple(_path_part(f.part) for f in stack[1:])
        if stack:
            path += (_path_part(part),)
        line, col = _mark(event)
        self.problems.append(YamlProblem(line, col, f"{dotted(path)}: {reason}", path))

    def _resolve(self, value: str) -> str:
        for tag, regexp in self._resolvers.get(value[:1] or "", []):
            if regexp.match(value):
                return str(tag)
        return _STR_TAG

    def build(self, loader: yaml.SafeLoader) -> Any:
        """Consume `loader`'s events. The loop dispatches on the exact event class and keeps lookups local:
        it runs once per value of the catalog, so its cost is most of the load time."""
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        scalar = self.scalar
        resolver_starts = self._resolvers
        get_event: Callable[[], Any] = loader.get_event  # events are duck-typed in this hot loop
        while True:
            event = get_event()
            cls = event.__class__
            if cls is yaml.StreamEndEvent:
                return root
            if cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                frame = stack.pop()
                if not stack:
                    root = frame.container
                continue
            if cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line, col = _mark(event)
                    self.problems.append(YamlProblem(line, col, "expected one YAML document, found several"))
                    return root
                continue
            if cls is yaml.StreamStartEvent or cls is yaml.DocumentEndEvent:
                continue
            parent = stack[-1] if stack else None
            mark = event.start_mark
            packed = (mark.line + 1) << _COL_BITS | min(mark.column + 1, _COL_MASK)
            if parent is not None and parent.key is _NO_KEY and parent.container.__class__ is dict:
                # A scalar in key position is a key, not a value. The usual key, a plain new string, is
                # handled here; anything else (a duplicate, a typed or complex key) by _key.
                keys = parent.pos.keys
                if (
                    cls is yaml.ScalarEvent
                    and event.tag is None
                    and (not event.implicit[0] or (event.value and event.value[0] not in resolver_starts))
                    and keys is not None
                    and event.value not in keys
                ):
                    keys[event.value] = packed
                    parent.key = event.value
                else:
                    self._key(stack, parent, event)
                continue
            position: int | PosNode = packed
            value: Any
            if cls is yaml.ScalarEvent:
                # Inline fast path: a quoted scalar, or a plain one no implicit resolver claims, is a string.
                if event.tag is None and (
                    not event.implicit[0] or (event.value and event.value[0] not in resolver_starts)
                ):
                    value = event.value
                else:
                    try:
                        value = scalar(event)
                    except _BadScalar as exc:
                        self.bad_scalar(stack, _slot(parent), event, str(exc))
                        value = None
            elif cls is yaml.AliasEvent:
                value = self._anchors.get(event.anchor or "")
            else:
                mapping = cls is yaml.MappingStartEvent
                value = {} if mapping else []
                position = PosNode(packed, mapping)
                part = _slot(parent)
                if event.tag not in _CONTAINER_TAGS[mapping]:
                    shown = _shown_tag(event.tag or "")
                    self.bad_scalar(stack, part, event, f"unsupported tag {shown!r}{_PLAIN_DATA}")
                stack.append(_Frame(value, position, part))
            if cls is not yaml.AliasEvent and event.anchor:
                self._anchors[event.anchor] = value
            if parent is None:
                self.positions.root = position
                if not stack:
                    root = value
            elif parent.container.__class__ is list:
                parent.container.append(value)
                parent.pos.children.append(position)  # type: ignore[union-attr]
            else:
                if parent.key is not _DUPLICATE:
                    parent.container[parent.key] = value
                    parent.pos.children[parent.key] = position
                parent.key = _NO_KEY

    def _key(self, stack: list[_Frame], frame: _Frame, event: yaml.Event) -> None:
        mark = event.start_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        if event.__class__ is not yaml.ScalarEvent:
            # A mapping or list as a key has no place in a catalog; stop here rather than guess.
            raise YamlLoadError([*self.problems, YamlProblem(line, col, "mapping keys must be plain strings")])
        try:
            key = self.scalar(event)
        except _BadScalar as exc:
            # Reported at the mapping's path: the key is what could not be read. Its value is dropped.
            self.bad_scalar(stack[:-1], frame.part, event, f"key {_shorten(event.value)!r}: {exc}")
            frame.key = _DUPLICATE
            return
        if key.__class__ is not str and not isinstance(key, int):
            key = str(key)
        keys = frame.pos.keys
        assert keys is not None
        if key in keys:  # every key of the mapping so far is recorded here
            first = _unpack(keys[key])[0]
            self.problems.append(YamlProblem(line, col, f"duplicate key {key!r} (first defined on line {first})"))
            frame.key = _DUPLICATE
            return
        keys[key] = _pack(line, col)
        frame.key = key


def _slot(parent: _Frame | None) -> Any:
    """Where the next value goes in `parent`: its key, or its index."""
    if parent is None:
        return None
    container = parent.container
    return len(container) if container.__class__ is list else parent.key


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Untypical(Exception):
    """The data-only loader met something it leaves to the full loader (a duplicate key, a complex key)."""


def load_data(text: str) -> Any:
    """The data of one YAML document, without positions; about a third faster than `load_yaml`.

    For readers that need positions only when something is wrong (`curator render`): anything unusual,
    and every syntax error, is left to `load_yaml`, which reports it with its place."""
    loader = _LOADER(text)
    resolvers = yaml.SafeLoader.yaml_implicit_resolvers
    constructor = _Builder()
    stack: list[Any] = []
    pending: list[Any] = []  # for each open mapping: its key waiting for a value, or _NO_KEY
    root: Any = None
    get_event: Callable[[], Any] = loader.get_event  # events are duck-typed in this hot loop
    try:
        while True:
            event = get_event()
            cls = event.__class__
            if cls is yaml.ScalarEvent:
                if event.tag is None and (not event.implicit[0] or (event.value and event.value[0] not in resolvers)):
                    value: Any = event.value
                else:
                    value = constructor.scalar(event)
            elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                if event.tag is not None:
                    raise _Untypical  # a tagged container: the full loader checks the tag
                value = {} if cls is yaml.MappingStartEvent else []
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                done = stack.pop()
                pending.pop()
                if not stack:
                    root = done
                continue
            elif cls is yaml.StreamEndEvent:
                return root
            elif (cls is yaml.DocumentStartEvent and root is not None) or cls is yaml.AliasEvent:
                raise _Untypical  # a second document, or an alias: the full loader decides
            else:
                continue
            if getattr(event, "anchor", None):
                raise _Untypical
            if stack:
                top = stack[-1]
                if top.__class__ is dict:
                    key = pending[-1]
                    if key is _NO_KEY:
                        if value.__class__ is not str or value in top:
                            raise _Untypical
                        pending[-1] = value
                        continue
                    top[key] = value
                    pending[-1] = _NO_KEY
                else:
                    top.append(value)
            elif value.__class__ is not dict and value.__class__ is not list:
                root = value
            if value.__class__ is dict or value.__class__ is list:
                stack.append(value)
                pending.append(_NO_KEY)
    except (yaml.YAMLError, _Untypical, _BadScalar):
        return load_yaml(text)[0]
    finally:
        loader.dispose()


def load_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise YamlLoadError with positions on any syntax or structure problem."""
    builder = _Builder()
    loader = _LOADER(text)
    try:
        data = builder.build(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlLoadError([YamlProblem(line, col, f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise YamlLoadError([YamlProblem(1, 1, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise YamlLoadError(builder.problems)
    return data, builder.positions


def plain_scalars(text: str) -> dict[tuple[int, int], str]:
    """The source of every unquoted scalar of `text`, by its 1-based line and column.

    For messages only (a value YAML typed as a date where text was expected, to be shown quoted), so it
    reads the text again rather than keep every scalar's source on the way through `load_yaml`."""
    out: dict[tuple[int, int], str] = {}
    loader = _LOADER(text)
    get_event: Callable[[], Any] = loader.get_event
    try:
        while (event := get_event()) is not None:
            if event.__class__ is yaml.ScalarEvent and not event.style:  # plain: None, or "" from libyaml
                out[_mark(event)] = event.value
    except yaml.YAMLError:
        pass  # what was read before the surprise is enough for hints
    finally:
        loader.dispose()
    return out


def read_text(path: Path) -> str:
    """Read a UTF-8 text file; undecodable bytes are an error the caller reports with the file name."""
    return path.read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class ScalarSpan:
    """Where one scalar's source text is: `text[start:end]` is it as written, quotes included."""

    start: int  # character offsets into the text
    end: int
    style: str  # "" plain, "'" single-quoted, '"' double-quoted, "|" literal, ">" folded
    flow: bool  # inside a flow collection ({...} or [...]), where a plain scalar may not hold ",[]{}"
    alias: bool = False  # an alias (*name) or an anchored value: editing it would change other values


def scalar_spans(text: str, paths: Collection[PathKey]) -> dict[PathKey, ScalarSpan]:
    """The source spans of the scalars at `paths` (a path that is absent, or not a scalar, is left out).

    `Positions` keeps only where a value starts; a minimal edit needs where it ends too, which the parser's
    events know. Used by `catalog.edit`; the text must be one valid YAML document."""
    wanted = set(paths)
    out: dict[PathKey, ScalarSpan] = {}
    # One frame per open collection: [path, is_mapping, flow, next index or pending key].
    stack: list[list[Any]] = []
    loader = _LOADER(text)
    get_event: Callable[[], Any] = loader.get_event
    try:
        while True:
            event = get_event()
            cls = event.__class__
            if cls is yaml.StreamEndEvent:
                return out
            if cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                stack.pop()
                continue
            if cls not in (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
                continue
            path: PathKey = ()
            if stack:
                top = stack[-1]
                if top[1]:  # a mapping: a key first, then its value
                    if top[3] is _NO_KEY:
                        top[3] = event.value if cls is yaml.ScalarEvent else _DUPLICATE
                        continue
                    path, top[3] = (*top[0], top[3]), _NO_KEY
                else:
                    path = (*top[0], top[3])
                    top[3] += 1
            if cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                flow = bool(event.flow_style) or bool(stack and stack[-1][2])
                mapping = cls is yaml.MappingStartEvent
                stack.append([path, mapping, flow, _NO_KEY if mapping else 0])
            elif path in wanted:
                out[path] = ScalarSpan(
                    start=event.start_mark.index,
                    end=event.end_mark.index,
                    style=getattr(event, "style", None) or "",
                    flow=bool(stack and stack[-1][2]),
                    alias=cls is yaml.AliasEvent or bool(getattr(event, "anchor", None)),
                )
    finally:
        loader.dispose()
