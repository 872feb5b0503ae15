"""YAML loading that remembers where every value came from.

PyYAML's composer gives each node a start mark; we build plain Python data from the nodes ourselves so
that every path (("entries", 3, "url")) maps to a line and column. Duplicate keys, which PyYAML would
silently resolve by keeping the last one, are reported instead: silently losing a value is data loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


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


class _Builder:
    def __init__(self) -> None:
        self.positions = Positions()
        self.problems: list[YamlProblem] = []
        # Only used for scalar resolution; SafeLoader's constructors handle ints, dates, bools, nulls.
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.positions.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = _mark(key_node)
                    self.problems.append(YamlProblem(line, col, "mapping keys must be plain strings"))
                    continue
                key = self._constructor.construct_object(key_node)
                if not isinstance(key, str | int):
                    key = str(key)
                if key in out:
                    line, col = _mark(key_node)
                    first = self.positions.keys[(*path, key)][0]
                    self.problems.append(
                        YamlProblem(line, col, f"duplicate key {key!r} (first defined on line {first})")
                    )
                    continue
                self.positions.keys[(*path, key)] = _mark(key_node)
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode):
            return self._constructor.construct_object(node)
        line, col = _mark(node)  # pragma: no cover - the composer yields only the three node kinds
        self.problems.append(YamlProblem(line, col, "unsupported YAML node"))
        return None


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise YamlLoadError with positions on any syntax or structure problem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlLoadError([YamlProblem(line, col, f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise YamlLoadError([YamlProblem(1, 1, f"invalid YAML: {exc}")]) from None
    builder = _Builder()
    data = None if node is None else builder.build(node, ())
    if builder.problems:
        raise YamlLoadError(builder.problems)
    return data, builder.positions


def read_text(path: Path) -> str:
    """Read a UTF-8 text file; undecodable bytes are an error the caller reports with the file name."""
    return path.read_text(encoding="utf-8")
